"""A workshop question locks at its reveal (PRODUCT.md 3): answers to it are refused from then
on, and the figures on the screens stop moving."""

import pytest
from django.urls import reverse

from diagnostics.models import Participant, Rating
from participation.services import save_rating
from workshops import services

from .test_rating_on_phones import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(session, council, contractor, value_codes, phone_factory):
    """Two Council phones and one Contractor phone have answered the first Value Code."""
    phones = {}
    for party, name, level in ((council, "A", "2"), (council, "B", "4"), (contractor, "C", "5")):
        phones[name] = phone_factory(session, party, name)
        rate(phones[name], session, value_codes[0], current_level=level, target_level="5")
    return phones


def presenter(client, session):
    url = reverse("workshop_presenter:presenter", args=[session.diagnostic.slug])
    return client.get(url).content.decode()


def levels():
    return sorted(Rating.objects.values_list("participant__label", "current_level"))


def test_an_answer_posted_after_the_reveal_is_refused_and_changes_nothing(
    session, value_codes, room
):
    services.set_revealed(session=session, revealed=True)
    before = levels()
    response = rate(room["A"], session, value_codes[0], current_level="1")
    assert response.status_code == 409
    assert "Answers to this question closed at the reveal" in response.content.decode()
    assert levels() == before


def test_without_javascript_the_refusal_is_a_page_that_says_so(session, value_codes, room):
    services.set_revealed(session=session, revealed=True)
    url = reverse("workshop:rate", args=[session.pk])
    response = room["B"].post(url, {"value_code": value_codes[0].pk, "current_level": "1"})
    assert response.status_code == 409 and b"closed at the reveal" in response.content
    assert Rating.objects.get(participant__label__startswith="B #").current_level == 4


def test_a_first_answer_after_the_reveal_is_refused_too(
    session, council, value_codes, room, phone_factory
):
    services.set_revealed(session=session, revealed=True)
    late = phone_factory(session, council, "Late")
    assert rate(late, session, value_codes[0], current_level="1").status_code == 409
    assert not Rating.objects.filter(participant__label__startswith="Late #").exists()


def test_hiding_the_results_does_not_reopen_the_question(session, value_codes, room):
    services.set_revealed(session=session, revealed=True)
    services.set_revealed(session=session, revealed=False)
    assert rate(room["A"], session, value_codes[0], current_level="1").status_code == 409
    page = room["A"].get(reverse("workshop:phone", args=[session.pk])).content.decode()
    assert "Answers to this question are closed." in page and "Where are we now?" not in page
    assert "Your answer: now 2, target 5." in page


def test_going_back_to_a_revealed_question_keeps_it_locked(session, value_codes, room):
    services.set_revealed(session=session, revealed=True)
    services.step(session=session, offset=1)
    assert rate(room["A"], session, value_codes[1], current_level="3").status_code == 200
    services.step(session=session, offset=-1)
    assert rate(room["A"], session, value_codes[0], current_level="1").status_code == 409


def test_the_presenter_figures_stop_moving_after_the_reveal(
    facilitator_client, session, council, value_codes, room
):
    services.set_revealed(session=session, revealed=True)
    shown = presenter(facilitator_client, session)
    assert '<td class="mean">3.0</td>' in shown and "Council 2/2" in shown
    # Answers that reach the round another way (a ratings file of paper answers; here written
    # by save_rating directly) do not move the reveal.
    for label in ("A", "B"):
        person = Participant.objects.get(label__startswith=f"{label} #")
        save_rating(participant=person, value_code=value_codes[0], answers={"current_level": 1})
    extra = services.join_with_name(session=session, party=council, name="D")
    save_rating(participant=extra, value_code=value_codes[0], answers={"current_level": 1})
    services.set_revealed(session=session, revealed=False)
    services.set_revealed(session=session, revealed=True)
    again = presenter(facilitator_client, session)
    assert '<td class="mean">3.0</td>' in again and "Council 2/2" in again
    assert "Answers at the reveal:" in again


def test_phones_show_the_figures_frozen_at_the_reveal(session, value_codes, room):
    services.set_revealed(session=session, revealed=True)
    url = reverse("workshop:phone", args=[session.pk])

    def figures():
        page = room["C"].get(url).content.decode()
        return page[
            page.index('id="phone-reveal"') : page.index("</ul>", page.index("phone-reveal"))
        ]

    shown = figures()
    person = Participant.objects.get(label__startswith="A #")
    save_rating(participant=person, value_code=value_codes[0], answers={"current_level": 1})
    assert figures() == shown and "<strong>3.0</strong>" in shown


def test_the_service_refuses_an_answer_to_a_revealed_question(session, value_codes, room):
    services.set_revealed(session=session, revealed=True)
    person = Participant.objects.get(label__startswith="A #")
    with pytest.raises(services.QuestionLocked):
        services.rate(
            session=session,
            participant=person,
            value_code=value_codes[0],
            answers={"current_level": 1},
        )
    assert Rating.objects.get(participant=person).current_level == 2
