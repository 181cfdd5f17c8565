"""A workshop admits at most the seats the facilitator set per party (PRODUCT.md 3).

The attack: next to one real respondent, invent two joiners in the same party, answer 1 and 1,
and read the real answer off the party's mean (or stuff the ballot). Seats set to the people
expected leave no room for them.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from diagnostics.models import Participant
from workshops import services
from workshops.models import WorkshopAttendee, WorkshopSeats

from ..factories import ParticipantFactory
from .conftest import join

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_council_seat(session, council, contractor):
    services.set_seats(session=session, seats={council.pk: 1, contractor.pk: 3})
    return session


def test_invented_joiners_next_to_one_real_respondent_are_refused(
    client, one_council_seat, council, phone_factory
):
    phone_factory(one_council_seat, council, "Real respondent")
    for name in ("Invented one", "Invented two"):
        response = join(client, one_council_seat, council, name)
        assert response.status_code == 409
        content = response.content.decode()
        assert "The workshop is full for Council. Ask the facilitator to let you in." in content
    assert not Participant.objects.filter(label__startswith="Invented").exists()
    assert WorkshopAttendee.objects.filter(session=one_council_seat).count() == 1


def test_a_full_party_is_shown_disabled_and_a_full_room_says_so(
    client, one_council_seat, council, contractor, phone_factory
):
    phone_factory(one_council_seat, council, "Alex")
    url = reverse("workshop:join_session", args=[one_council_seat.join_code])
    page = client.get(url).content.decode()
    assert "Council (full: ask the facilitator)" in page
    assert f'value="{council.pk}"' in page and "disabled" in page
    assert "This workshop is full." not in page  # Contractor has seats left
    for name in ("Kim", "Lee", "Max"):
        phone_factory(one_council_seat, contractor, name)
    page = client.get(url).content.decode()
    assert "This workshop is full." in page and "Ask the facilitator to let you in." in page


def test_an_invitation_link_needs_a_free_seat_but_someone_in_the_room_stays(
    client, one_council_seat, council
):
    first = ParticipantFactory(party=council, label="First")
    second = ParticipantFactory(party=council, label="Second")
    url = reverse("workshop:join_session", args=[one_council_seat.join_code])
    assert client.post(url, {"link": first.token}).status_code == 302
    assert client.post(url, {"continue": "1"}).status_code == 302  # already in: no new seat
    response = client.post(url, {"link": second.token})
    assert response.status_code == 409 and b"full for Council" in response.content
    assert not WorkshopAttendee.objects.filter(participant=second).exists()


def test_seats_are_per_party_so_a_full_party_leaves_the_others_open(
    one_council_seat, council, contractor
):
    services.join_with_name(session=one_council_seat, party=council, name="Alex")
    with pytest.raises(services.WorkshopFull):
        services.join_with_name(session=one_council_seat, party=council, name="Bo")
    assert services.join_with_name(session=one_council_seat, party=contractor, name="Kim")


def test_a_party_without_seats_admits_nobody(session, council):
    WorkshopSeats.objects.filter(session=session, party=council).delete()
    with pytest.raises(services.WorkshopFull):
        services.join_with_name(session=session, party=council, name="Alex")


def test_removing_a_joiner_frees_their_seat(one_council_seat, council):
    invented = services.join_with_name(session=one_council_seat, party=council, name="Invented")
    services.remove_attendee(session=one_council_seat, participant=invented)
    assert services.join_with_name(session=one_council_seat, party=council, name="Real")


def test_a_new_session_proposes_the_invited_people_or_ten(diagnostic, council, contractor):
    for label in ("A", "B", "C"):
        ParticipantFactory(party=council, label=label)
    session = services.start_session(diagnostic=diagnostic)
    seats = dict(session.seats.values_list("party_id", "seats"))
    assert seats == {council.pk: 3, contractor.pk: services.DEFAULT_SEATS}


@pytest.mark.parametrize("bad", [0, -1, "x", None, 10_001])
def test_seats_are_a_positive_number_for_every_party(diagnostic, council, contractor, bad):
    with pytest.raises(ValidationError):
        services.start_session(diagnostic=diagnostic, seats={council.pk: bad, contractor.pk: 2})
    assert not diagnostic.workshop_sessions.exists()


def test_the_database_refuses_zero_seats(session, council):
    with pytest.raises(IntegrityError):
        WorkshopSeats.objects.filter(session=session, party=council).update(seats=0)


def test_the_facilitator_sets_seats_when_starting(facilitator_client, diagnostic, council):
    url = reverse("workshop_presenter:start", args=[diagnostic.slug])
    page = facilitator_client.get(reverse("workshop_presenter:presenter", args=[diagnostic.slug]))
    assert b"Seats in the room" in page.content
    seats = {f"seats-{party.pk}": "4" for party in diagnostic.parties.all()}
    response = facilitator_client.post(
        url, {"first": "rating", **seats, f"seats-{council.pk}": "0"}
    )
    assert response.status_code == 400 and not diagnostic.workshop_sessions.exists()
    assert b"greater than or equal to 1" in response.content
    facilitator_client.post(url, {"first": "rating", **seats})
    session = diagnostic.workshop_sessions.get()
    assert set(session.seats.values_list("seats", flat=True)) == {4}


def test_the_facilitator_adds_seats_during_the_workshop(
    facilitator_client, client, one_council_seat, council, contractor, phone_factory
):
    phone_factory(one_council_seat, council, "Alex")
    assert join(client, one_council_seat, council, "Bo").status_code == 409
    url = reverse(
        "workshop_presenter:room", args=[one_council_seat.diagnostic.slug, one_council_seat.pk]
    )
    response = facilitator_client.post(
        url, {f"seats-{council.pk}": "2", f"seats-{contractor.pk}": "3"}, follow=True
    )
    assert b"Seats saved." in response.content
    assert join(client, one_council_seat, council, "Bo").status_code == 302


def test_the_presenter_shows_seats_taken(
    facilitator_client, one_council_seat, council, phone_factory
):
    phone_factory(one_council_seat, council, "Alex")
    page = facilitator_client.get(
        reverse("workshop_presenter:presenter", args=[one_council_seat.diagnostic.slug])
    ).content.decode()
    assert "Council 1 of 1 (full)" in page and "Contractor 0 of 3" in page
