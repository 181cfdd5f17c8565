"""A revoked or removed person loses every right at once (PRODUCT.md 3): rating on their
personal page (one Value Code or the whole sheet), rating, capturing and upvoting in a live
workshop, and seeing results (their individual report, the reveal on their phone)."""

import pytest
from django.urls import reverse

from diagnostics.models import Participant, Rating
from participation import invitations
from workshops import services
from workshops.models import CapturedThing, Upvote

pytestmark = pytest.mark.django_db

GONE = "You are no longer in this workshop"


@pytest.fixture(params=["revoked", "removed"])
def withdraw(request):
    def apply(participant):
        if request.param == "revoked":
            invitations.revoke_participant(participant=participant)
        else:
            invitations.remove_joiner(participant=participant)

    return apply


def phone_post(phone, name, session, *args, data=None):
    url = reverse(f"workshop:{name}", args=[session.pk, *args])
    return phone.post(url, data or {}, HTTP_HX_REQUEST="true")


def test_a_withdrawn_joiner_cannot_capture_or_upvote(session, council, phone_factory, withdraw):
    phone = phone_factory(session, council, "Mallory")
    services.start_capture(session=session)
    captured = CapturedThing.objects.create(session=session, title="Fewer surprises")
    withdraw(Participant.objects.get(label__startswith="Mallory #"))
    responses = {
        "capture": phone_post(phone, "capture", session, data={"title": "Stuffed"}),
        "upvote": phone_post(phone, "upvote", session, captured.pk),
        "phone": phone.get(reverse("workshop:phone", args=[session.pk])),
    }
    for name, response in responses.items():
        assert response.status_code == 410, name
        assert GONE in response.content.decode(), name
    assert list(CapturedThing.objects.all()) == [captured]
    assert not Upvote.objects.exists()


def test_a_withdrawn_joiner_cannot_rate_or_see_the_reveal(
    session, council, value_codes, phone_factory, withdraw
):
    phone = phone_factory(session, council, "Mallory")
    services.set_revealed(session=session, revealed=True)
    services.step(session=session, offset=1)
    withdraw(Participant.objects.get(label__startswith="Mallory #"))
    data = {"value_code": value_codes[1].pk, "current_level": "1", "target_level": "1"}
    response = phone_post(phone, "rate", session, data=data)
    assert response.status_code == 410 and GONE in response.content.decode()
    polled = phone.get(reverse("workshop:phone_live", args=[session.pk]), HTTP_HX_REQUEST="true")
    assert polled.status_code == 286  # htmx stops polling
    assert GONE in polled.content.decode() and "Results" not in polled.content.decode()
    assert not Rating.objects.exists()


def test_a_withdrawn_joiner_cannot_join_again_as_themselves(client, session, council, withdraw):
    join_url = reverse("workshop:join_session", args=[session.join_code])
    client.post(join_url, {"party": council.pk, "name": "Mallory"})
    mallory = Participant.objects.get(label__startswith="Mallory #")
    token = mallory.token
    withdraw(mallory)
    assert b"Continue as" not in client.get(join_url).content
    response = client.post(join_url, {"link": token})
    assert response.status_code == 200  # the form again, saying why
    assert b"revoked" in response.content or b"not an invitation link" in response.content
    assert client.get(reverse("workshop:phone", args=[session.pk])).status_code == 410


def test_a_withdrawn_person_is_refused_on_every_personal_page(
    client, diagnostic, council, value_codes, withdraw
):
    diagnostic.share_individual_reports = True
    diagnostic.save()
    person = Participant.objects.create(
        diagnostic=diagnostic, party=council, label="Mallory", joined_through="open_link"
    )
    token, value_code = person.token, value_codes[0]
    withdraw(person)
    answer = {f"c{value_code.pk}": "1", f"t{value_code.pk}": "1"}
    responses = {
        "home": client.get(reverse("participant:home", args=[token])),
        "rate page": client.get(reverse("participant:rate", args=[token])),
        "one save": client.post(
            reverse("participant:save", args=[token, value_code.pk]), answer, HTTP_HX_REQUEST="true"
        ),
        "whole sheet": client.post(reverse("participant:rate", args=[token]), answer),
        "my results": client.get(reverse("individual:report", args=[token])),
    }
    for name, response in responses.items():
        assert response.status_code in {403, 404, 410}, name
        assert b"Mallory" not in response.content, name
    assert not Rating.objects.exists()


def test_the_services_refuse_a_revoked_person_whatever_object_they_hold(
    session, council, value_codes
):
    from participation.services import ParticipantRevoked

    mallory = services.join_with_name(session=session, party=council, name="Mallory")
    invitations.revoke_participant(participant=mallory)
    captured = CapturedThing.objects.create(session=session, title="Fewer surprises")
    with pytest.raises(ParticipantRevoked):
        services.rate(
            session=session,
            participant=mallory,
            value_code=value_codes[0],
            answers={"current_level": 1},
        )
    services.start_capture(session=session)
    with pytest.raises(ParticipantRevoked):
        services.capture(session=session, participant=mallory, title="Stuffed")
    with pytest.raises(ParticipantRevoked):
        services.upvote(session=session, participant=mallory, captured_thing=captured)
    with pytest.raises(ParticipantRevoked):
        services.attend(session=session, participant=mallory)
