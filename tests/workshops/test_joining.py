"""Joining a workshop from a phone: by code (party and name) or through an invitation link."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from diagnostics.models import Participant
from participation import invitations
from workshops import services
from workshops.models import WorkshopAttendee

from ..factories import ParticipantFactory
from .conftest import join

pytestmark = pytest.mark.django_db


def test_typing_the_code_in_any_case_with_spaces_leads_to_the_join_form(client, session):
    typed = f" {session.join_code[:3].lower()} {session.join_code[3:].lower()} "
    response = client.post(reverse("workshop:join"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop:join_session", args=[session.join_code])


def test_a_wrong_code_is_refused_with_a_message(client, session):
    response = client.post(reverse("workshop:join"), {"code": "ZZZZZZ"})
    assert response.status_code == 200
    assert b"No live workshop has this code" in response.content


def test_the_code_of_an_ended_session_is_refused(client, session, council):
    services.end_session(session=session)
    response = client.post(reverse("workshop:join"), {"code": session.join_code})
    assert b"No live workshop has this code" in response.content
    response = join(client, session, council, "Alex")
    assert response.status_code == 404
    assert not Participant.objects.exists()


def test_joining_with_party_and_name_creates_a_participant_in_the_room(client, session, council):
    response = join(client, session, council, "  Alex   Smith ")
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop:phone", args=[session.pk])
    participant = Participant.objects.get(label__startswith="Alex Smith #")
    assert participant.party == council
    assert WorkshopAttendee.objects.filter(session=session, participant=participant).exists()
    assert client.get(response["Location"]).status_code == 200


def test_the_same_name_twice_becomes_two_people(client, session, council, phone_factory):
    phone_factory(session, council, "Alex")
    phone_factory(session, council, "Alex")
    labels = set(Participant.objects.values_list("label", flat=True))
    assert len(labels) == 2 and all(label.startswith("Alex #") for label in labels)


def test_a_blank_name_re_renders_the_form_with_an_error(client, session, council):
    response = join(client, session, council, "   ")
    assert response.status_code == 200
    assert b"Please give your name" in response.content or b"This field is required" in (
        response.content
    )
    assert not Participant.objects.exists()


def test_a_party_of_another_diagnostic_is_refused(client, session):
    other = ParticipantFactory().party
    response = join(client, session, other, "Mallory")
    assert response.status_code == 200
    assert not Participant.objects.filter(label="Mallory").exists()


def test_an_invited_participant_joins_by_pasting_their_personal_link(client, session, council):
    invited = ParticipantFactory(party=council, label="Invited person")
    url = reverse("workshop:join_session", args=[session.join_code])
    link = f"https://ttm.example.org/p/{invited.token}/"
    response = client.post(url, {"link": link})
    assert response.status_code == 302
    assert WorkshopAttendee.objects.filter(session=session, participant=invited).exists()


def test_pasting_an_unused_invitation_link_uses_it(client, session, council):
    invited = ParticipantFactory(party=council, label="Invited person")
    url = reverse("workshop:join_session", args=[session.join_code])
    response = client.post(url, {"link": f"https://ttm.example.org/p/{invited.invitation_token}/"})
    assert response.status_code == 302
    fresh = Participant.objects.get(pk=invited.pk)
    assert fresh.invitation_used and fresh.token != invited.token
    assert WorkshopAttendee.objects.filter(session=session, participant=invited).exists()


def test_a_facilitator_cannot_join_as_someone_through_their_used_invitation(
    client, session, council
):
    """A phone shows its participant's own answers: a used invitation link, which the
    facilitator once saw, must not make one."""
    invited = ParticipantFactory(party=council, label="Started person")
    invitations.use_invitation(participant=invited)
    url = reverse("workshop:join_session", args=[session.join_code])
    response = client.post(url, {"link": f"https://ttm.example.org/p/{invited.invitation_token}/"})
    assert response.status_code == 200
    assert b"was used already" in response.content
    assert not WorkshopAttendee.objects.exists()


def test_a_new_personal_link_ends_the_phones_of_the_old_one(client, session, council):
    invited = ParticipantFactory(party=council, label="Ann", email="ann@example.org")
    invited = invitations.use_invitation(participant=invited)
    url = reverse("workshop:join_session", args=[session.join_code])
    assert client.post(url, {"link": invited.token}).status_code == 302
    phone = reverse("workshop:phone", args=[session.pk])
    assert client.get(phone).status_code == 200
    invitations.send_personal_link(participant=invited)
    assert client.get(phone).status_code == 410  # "you are no longer in this workshop"
    page = client.get(url).content.decode()
    assert "Continue as" not in page
    assert client.post(url, {"continue": "1"}).status_code == 200
    assert not WorkshopAttendee.objects.exists()


def test_an_invitation_link_of_another_diagnostic_is_refused(client, session):
    stranger = ParticipantFactory()
    url = reverse("workshop:join_session", args=[session.join_code])
    response = client.post(url, {"link": stranger.token})
    assert response.status_code == 200
    assert b"not an invitation link of this workshop" in response.content
    assert not WorkshopAttendee.objects.exists()


def test_a_phone_that_joined_before_can_continue_in_a_new_session(
    client, session, council, diagnostic, facilitator
):
    join(client, session, council, "Alex")
    services.end_session(session=session)
    second = services.start_session(diagnostic=diagnostic, user=facilitator)
    url = reverse("workshop:join_session", args=[second.join_code])
    alex = Participant.objects.get()
    assert f"Continue as {alex.label} (Council)".encode() in client.get(url).content
    response = client.post(url, {"continue": "1"})
    assert response.status_code == 302
    assert Participant.objects.count() == 1
    assert WorkshopAttendee.objects.filter(session=second).count() == 1


def test_wrong_codes_are_rate_limited_per_ip(client, session):
    for _ in range(10):
        assert client.post(reverse("workshop:join"), {"code": "ZZZZZZ"}).status_code == 200
    response = client.post(reverse("workshop:join"), {"code": "ZZZZZZ"})
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    # Another address is not affected.
    response = client.post(reverse("workshop:join"), {"code": "ZZZZZZ"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200


def test_joins_are_rate_limited_per_ip(client, session, council, monkeypatch):
    from workshops.views import participant as views

    assert views.JOINS_PER_MINUTE >= 200  # a room behind one venue Wi-Fi address gets in
    limit = 5
    monkeypatch.setattr(views, "JOINS_PER_MINUTE", limit)
    for number in range(limit):
        assert join(client, session, council, f"Person {number}").status_code == 302
    response = join(client, session, council, "One too many")
    assert response.status_code == 429
    assert not Participant.objects.filter(label="One too many").exists()


def test_behind_trusted_proxies_the_limit_counts_the_address_they_saw(client, session, settings):
    from ttm.ratelimit import client_ip

    def ip(forwarded=None, remote="10.0.0.1"):
        request = RequestFactory().get("/", REMOTE_ADDR=remote)
        if forwarded is not None:
            request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(request)

    settings.TTM_TRUSTED_PROXIES = 0
    assert ip("6.6.6.6") == "10.0.0.1"  # a client can write the header itself
    settings.TTM_TRUSTED_PROXIES = 1
    assert ip("6.6.6.6, 203.0.113.7") == "203.0.113.7"  # the spoofed entry is ignored
    assert ip() == "10.0.0.1"  # not through the proxy
    settings.TTM_TRUSTED_PROXIES = 2
    assert ip("6.6.6.6, 203.0.113.7, 10.1.1.1") == "203.0.113.7"

    settings.TTM_TRUSTED_PROXIES = 1
    for _ in range(10):
        client.post(reverse("workshop:join"), {"code": "ZZZZZZ"}, HTTP_X_FORWARDED_FOR="1.2.3.4")
    blocked = client.post(
        reverse("workshop:join"), {"code": "ZZZZZZ"}, HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert blocked.status_code == 429
    other = client.post(
        reverse("workshop:join"), {"code": "ZZZZZZ"}, HTTP_X_FORWARDED_FOR="5.6.7.8"
    )
    assert other.status_code == 200  # same proxy, another person


def test_a_workshop_name_never_tells_that_someone_of_that_name_takes_part(
    client, session, council, contractor
):
    ParticipantFactory(party=contractor, label="Kim")
    join(client, session, council, "Kim")
    phone = client.get(reverse("workshop:phone", args=[session.pk])).content.decode()
    assert re.search(r"you are <strong>Kim #[A-Z2-9]{4}</strong>", phone)
    assert "Kim (2)" not in phone
    again = client.get(reverse("workshop:join_session", args=[session.join_code]))
    assert re.search(r"Continue as Kim #[A-Z2-9]{4} \(Council\)", again.content.decode())
