"""Facilitators see everyone who joined without an invitation and can remove them, on the
Participants tab and on the live workshop's People and seats page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import services as diagnostic_services
from diagnostics.models import Participant, Rating
from participation import invitations
from participation.services import register_participant, save_rating
from workshops import services
from workshops.models import CapturedThing, Upvote, WorkshopAttendee

from ..factories import FacilitatorFactory, MemberFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def joiners(session, council, contractor, value_codes):
    """One invited person, one open-link joiner and two workshop joiners who all answered."""
    invited = ParticipantFactory(party=council, label="Invited Ivy")
    diagnostic_services.set_open_link(party=contractor, enabled=True, capacity=5)
    linked = register_participant(party=contractor, name="Linked Lou")
    coded = [
        services.join_with_name(session=session, party=council, name=name)
        for name in ("Coded Cy", "Coded Di")
    ]
    for person in (invited, linked, *coded):
        save_rating(participant=person, value_code=value_codes[0], answers={"current_level": 3})
    return {"invited": invited, "linked": linked, "coded": coded}


def participants_page(client, diagnostic):
    url = reverse("diagnostics:participants", args=[diagnostic.slug])
    return client.get(url).content.decode()


def room_url(session):
    return reverse("workshop_presenter:room", args=[session.diagnostic.slug, session.pk])


def test_the_participants_tab_lists_joiners_by_how_they_joined(
    facilitator_client, diagnostic, joiners
):
    page = participants_page(facilitator_client, diagnostic)
    start = page.index('id="joiners-heading"')
    section = page[start : page.index("</section>", start)]
    assert "Joined without an invitation (3)" in section
    assert section.index("Through an open link (1)") < section.index("Linked Lou")
    assert section.index("With a workshop code (2)") < section.index("Coded Cy")
    assert "Invited Ivy" not in section
    assert re.search(r'data-confirm="Remove Coded Cy #\w{4} \(Council\)\?', section)


def test_removing_a_joiner_deletes_them_and_everything_they_did(
    facilitator_client, diagnostic, session, joiners
):
    cy = joiners["coded"][0]
    services.start_capture(session=session)
    captured = services.capture(session=session, participant=cy, title="Stuffed")
    services.upvote(session=session, participant=cy, captured_thing=captured)
    url = reverse("diagnostics:participant_remove", args=[diagnostic.slug, cy.pk])
    response = facilitator_client.post(url, follow=True)
    assert re.search(r"Coded Cy #\w{4} is removed", response.content.decode())
    assert not Participant.objects.filter(pk=cy.pk).exists()
    assert not Rating.objects.filter(participant_id=cy.pk).exists()
    assert not WorkshopAttendee.objects.filter(participant_id=cy.pk).exists()
    assert not Upvote.objects.exists()
    assert CapturedThing.objects.get().participant is None  # the words stay, without a name


def test_an_invited_person_is_revoked_not_removed(facilitator_client, diagnostic, joiners):
    ivy = joiners["invited"]
    with pytest.raises(ValidationError):
        invitations.remove_joiner(participant=ivy)
    url = reverse("diagnostics:participant_remove", args=[diagnostic.slug, ivy.pk])
    response = facilitator_client.post(url, follow=True)
    assert "revoke their link instead" in response.content.decode()
    assert Rating.objects.filter(participant=ivy).exists()


def test_nobody_else_can_remove_a_joiner(client, diagnostic, session, joiners):
    cy = joiners["coded"][0]
    url = reverse("diagnostics:participant_remove", args=[diagnostic.slug, cy.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(FacilitatorFactory(username="outsider"))
    assert client.post(url).status_code == 404
    sponsor = MemberFactory(diagnostic=diagnostic, role="sponsor").user
    client.force_login(sponsor)
    assert client.post(url).status_code == 403  # a member, but not one who runs it
    remove = reverse(
        "workshop_presenter:remove_attendee", args=[diagnostic.slug, session.pk, cy.pk]
    )
    assert client.post(remove).status_code in {403, 404}
    assert Participant.objects.filter(pk=cy.pk).exists()


def test_the_room_page_lists_everyone_in_the_room_and_removes_joiners(
    facilitator_client, session, joiners
):
    services.attend(session=session, participant=joiners["invited"])
    page = facilitator_client.get(room_url(session)).content.decode()
    assert "In the room (3)" in page
    assert "Coded Cy" in page and "joined with the code" in page
    assert "Invited Ivy" in page and "invited" in page
    assert "Linked Lou" not in page  # never joined the workshop
    assert "keep it off the projector" in page
    di = joiners["coded"][1]
    remove = reverse(
        "workshop_presenter:remove_attendee", args=[session.diagnostic.slug, session.pk, di.pk]
    )
    assert f'action="{remove}"' in page
    assert re.search(r'data-confirm="Remove Coded Di #\w{4} \(Council\)\?', page)
    response = facilitator_client.post(remove, follow=True)
    assert re.search(r"Coded Di #\w{4} is removed", response.content.decode())
    assert not Participant.objects.filter(pk=di.pk).exists()
    ivy = joiners["invited"]
    remove_ivy = reverse(
        "workshop_presenter:remove_attendee", args=[session.diagnostic.slug, session.pk, ivy.pk]
    )
    assert f'action="{remove_ivy}"' not in page
    facilitator_client.post(remove_ivy)
    assert Participant.objects.filter(pk=ivy.pk).exists()


def test_the_projector_never_lists_names(facilitator_client, session, joiners):
    url = reverse("workshop_presenter:presenter", args=[session.diagnostic.slug])
    page = facilitator_client.get(url).content.decode()
    assert "Coded Cy" not in page and "Invited Ivy" not in page
    assert room_url(session) in page


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_joiner_lists_cost_the_same_queries_however_many_joined(
    facilitator_client, diagnostic, session, council, contractor
):
    services.set_seats(session=session, seats={council.pk: 100, contractor.pk: 100})
    diagnostic_services.set_open_link(party=contractor, enabled=True, capacity=100)
    participants_url = reverse("diagnostics:participants", args=[diagnostic.slug])

    def add(count):
        for number in range(count):
            services.join_with_name(session=session, party=council, name=f"C{number}")
            register_participant(party=contractor, name=f"L{number}")

    add(2)
    facilitator_client.get(participants_url)  # warm the session and the user
    few = (
        queries(facilitator_client, participants_url),
        queries(facilitator_client, room_url(session)),
    )
    add(20)
    many = (
        queries(facilitator_client, participants_url),
        queries(facilitator_client, room_url(session)),
    )
    assert many == few
