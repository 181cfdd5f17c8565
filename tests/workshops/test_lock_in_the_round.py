"""A workshop question locks at its reveal (PRODUCT.md 3), for the round and the people in the
room: once a Value Code was revealed in a live workshop, those who saw it revealed answer it no
more in that round, whichever way they answer (their personal link's saves, the whole sheet, a
phone in a later session). Someone who was not in the room answers it as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import services as diagnostic_services
from diagnostics.models import Diagnostic, Estimate, LockedValueCode, Participant, Rating
from workshops import services
from workshops.models import WorkshopAttendee

from ..factories import ParticipantFactory, RatingFactory
from ..participation.test_lean_save import _statements
from .test_rating_on_phones import rate

pytestmark = pytest.mark.django_db

CLOSED = "Revealed in the workshop: answers to this Value Code are closed."


@pytest.fixture
def person(session, council, value_codes):
    """Someone of the Council with a personal link, in the room, who rated the first Value Code
    before it was revealed (now 2, target 4)."""
    person = ParticipantFactory(party=council, label="Pat")
    WorkshopAttendee.objects.create(session=session, participant=person)
    RatingFactory(participant=person, round=session.round, value_code=value_codes[0])
    Rating.objects.filter(participant=person).update(current_level=2, target_level=4)
    return person


@pytest.fixture
def revealed(session, value_codes):
    """The first Value Code (on screen when the session starts) revealed."""
    assert session.current_value_code_id == value_codes[0].pk
    return services.set_revealed(session=session, revealed=True)


def htmx_post(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


def save_url(person, value_code, kind=""):
    name = {"": "save", "understanding": "save_understanding", "stance": "save_stance"}[kind]
    return reverse(f"participant:{name}", args=[person.token, value_code.pk])


def rate_url(person):
    return reverse("participant:rate", args=[person.token])


def answer_of(person, value_code):
    rating = Rating.objects.get(participant=person, value_code=value_code)
    return rating.current_level, rating.target_level


def switch_on(diagnostic, **questions):
    Diagnostic.objects.filter(pk=diagnostic.pk).update(**questions)


def test_the_reveal_locks_the_value_code_in_its_round_for_those_in_the_room(
    session, person, value_codes, revealed
):
    lock = LockedValueCode.objects.get()
    assert (lock.round_id, lock.value_code_id) == (session.round_id, value_codes[0].pk)
    assert lock.participant == person
    services.set_revealed(session=session, revealed=False)
    services.set_revealed(session=session, revealed=True)
    assert LockedValueCode.objects.count() == 1


def test_after_the_reveal_the_personal_link_cannot_change_the_answer(
    client, person, value_codes, revealed
):
    vc = value_codes[0]
    response = htmx_post(client, save_url(person, vc), {f"c{vc.pk}": "5", f"t{vc.pk}": "5"})
    assert response.status_code == 409
    assert CLOSED in response.content.decode()
    assert answer_of(person, vc) == (2, 4)
    # Without JavaScript, the same refusal.
    assert client.post(save_url(person, vc), {f"c{vc.pk}": "5"}).status_code == 409
    # The other Value Codes are still open.
    other = value_codes[1]
    assert htmx_post(client, save_url(person, other), {f"c{other.pk}": "3"}).status_code == 200


def test_hiding_the_figures_does_not_reopen_the_personal_link(
    client, session, person, value_codes, revealed
):
    services.set_revealed(session=session, revealed=False)
    vc = value_codes[0]
    assert htmx_post(client, save_url(person, vc), {f"c{vc.pk}": "5"}).status_code == 409
    assert answer_of(person, vc) == (2, 4)


def test_the_whole_sheet_leaves_out_a_revealed_value_code_and_says_so(
    client, diagnostic, contractor, person, value_codes, revealed
):
    switch_on(diagnostic, asks_estimates=True, asks_stance=True)
    locked, other = value_codes[0], value_codes[1]
    response = client.post(
        rate_url(person),
        {
            f"c{locked.pk}": "5",
            f"t{locked.pk}": "5",
            f"e{locked.pk}_{contractor.pk}": "1",
            f"g{locked.pk}": "take",
            f"c{other.pk}": "3",
            f"t{other.pk}": "4",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "1 answer not saved: its Value Code was revealed in the workshop" in page
    assert answer_of(person, locked) == (2, 4)
    assert Rating.objects.get(participant=person, value_code=locked).stance == ""
    assert not Estimate.objects.exists()
    assert answer_of(person, other) == (3, 4)


def test_importance_and_estimates_of_a_revealed_value_code_are_refused(
    client, diagnostic, contractor, person, value_codes, revealed
):
    switch_on(diagnostic, asks_estimates=True, asks_importance=True)
    vc = value_codes[0]
    data = {f"i{vc.pk}": "5", f"e{vc.pk}_{contractor.pk}": "1"}
    response = htmx_post(client, save_url(person, vc, "understanding"), data)
    assert response.status_code == 409 and CLOSED in response.content.decode()
    assert not Rating.objects.get(participant=person, value_code=vc).importance_answered
    assert not Estimate.objects.exists()


def test_give_and_take_on_a_revealed_value_code_is_refused(
    client, diagnostic, person, value_codes, revealed
):
    switch_on(diagnostic, asks_stance=True)
    vc = value_codes[0]
    response = htmx_post(client, save_url(person, vc, "stance"), {f"g{vc.pk}": "give"})
    assert response.status_code == 409 and CLOSED in response.content.decode()
    assert Rating.objects.get(participant=person, value_code=vc).stance == ""


def test_a_later_session_of_the_same_round_refuses_those_who_were_in_the_room(
    diagnostic, facilitator, session, council, value_codes, phone_factory
):
    phone_factory(session, council, "Alex")  # in the room at the reveal
    services.set_revealed(session=session, revealed=True)
    services.end_session(session=session)
    later = services.start_session(diagnostic=diagnostic, user=facilitator)
    assert later.pk != session.pk and later.round_id == session.round_id
    newcomer = phone_factory(later, council, "Bo")  # not in the first room
    alex = Participant.objects.get(label__startswith="Alex #")
    WorkshopAttendee.objects.create(session=later, participant=alex)
    with pytest.raises(services.QuestionLocked):
        services.rate(
            session=later, participant=alex, value_code=value_codes[0], answers={"current_level": 1}
        )
    # Someone who was not in the room answers it as before.
    assert rate(newcomer, later, value_codes[0], current_level="3").status_code == 200


def test_someone_who_was_not_in_the_room_answers_through_their_link(
    client, council, value_codes, revealed
):
    absent = ParticipantFactory(party=council, label="Away")
    vc = value_codes[0]
    response = htmx_post(client, save_url(absent, vc), {f"c{vc.pk}": "4", f"t{vc.pk}": "5"})
    assert response.status_code == 200
    assert answer_of(absent, vc) == (4, 5)
    assert "Revealed in the workshop" not in client.get(rate_url(absent)).content.decode()


def test_the_presenter_of_a_later_session_leaves_answers_open_to_newcomers(
    diagnostic, facilitator, facilitator_client, session, person, revealed
):
    services.end_session(session=session)
    services.start_session(diagnostic=diagnostic, user=facilitator)
    url = reverse("workshop_presenter:presenter", args=[diagnostic.slug])
    assert "· answers closed" not in facilitator_client.get(url).content.decode()


def test_a_later_round_is_not_locked(
    client, diagnostic, facilitator, session, council, person, value_codes, revealed, phone_factory
):
    services.end_session(session=session)
    diagnostic_services.close_round(round=session.round)
    diagnostic_services.open_round(diagnostic=diagnostic)
    vc = value_codes[0]
    response = htmx_post(client, save_url(person, vc), {f"c{vc.pk}": "5", f"t{vc.pk}": "5"})
    assert response.status_code == 200
    page = client.get(rate_url(person)).content.decode()
    assert f"name=c{vc.pk}" in page and "Revealed in the workshop" not in page
    later = services.start_session(diagnostic=diagnostic, user=facilitator)
    phone = phone_factory(later, council, "Alex")
    assert rate(phone, later, vc, current_level="1").status_code == 200


def test_the_rating_page_shows_a_revealed_value_code_read_only_with_a_note(
    client, person, value_codes, revealed
):
    page = client.get(rate_url(person)).content.decode()
    locked, other = value_codes[0], value_codes[1]
    section = page[page.index(f'id="vc{locked.pk}"') :]
    section = section[: section.index("</section>")]
    assert "Revealed in the workshop: answers are closed." in section
    assert "<input" not in section and "hx-post" not in section
    assert page.count("Revealed in the workshop") == 1
    assert f"name=c{other.pk}" in page  # the others are still asked as before
    assert "<strong>0 of 3</strong> answered" not in page  # the locked answer still counts
    assert "<strong>1 of 3</strong> answered" in page


def test_a_save_beside_revealed_value_codes_still_runs_at_most_three_statements(
    client, person, value_codes, revealed
):
    other, locked = value_codes[1], value_codes[0]
    with CaptureQueriesContext(connection) as queries:
        response = htmx_post(client, save_url(person, other), {f"c{other.pk}": "3"})
    assert response.status_code == 200
    assert len(_statements(queries)) <= 3
    with CaptureQueriesContext(connection) as queries:
        response = htmx_post(client, save_url(person, locked), {f"c{locked.pk}": "3"})
    assert response.status_code == 409
    assert len(_statements(queries)) == 1  # the one read refuses: nothing is written


def test_a_phone_in_the_session_is_still_refused_with_its_own_message(
    session, council, value_codes, phone_factory
):
    phone = phone_factory(session, council, "Alex")
    services.set_revealed(session=session, revealed=True)
    response = rate(phone, session, value_codes[0], current_level="1")
    assert response.status_code == 409
    assert "Answers to this question closed at the reveal" in response.content.decode()
