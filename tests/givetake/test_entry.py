"""Partners mark give and take on each Value Code and answer the relationship pulse on their
rating page, only when the facilitator switched them on (PRODUCT.md 10); only they see it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import Pulse, Rating

from ..factories import ParticipantFactory
from ..factories import council_contractor_residents as _world
from ..participation.test_lean_save import TRANSACTION_CONTROL

pytestmark = pytest.mark.django_db


def _stance_url(person, code):
    return reverse("participant:save_stance", args=[person.token, code.pk])


def _pulse_url(person):
    return reverse("participant:save_pulse", args=[person.token])


def _rate_url(person):
    return reverse("participant:rate", args=[person.token])


def test_the_questions_appear_only_when_switched_on(client):
    person, _codes, _round, _parties = _world()
    page = client.get(_rate_url(person)).content.decode()
    assert "Give and take" not in page and "recommend working with" not in page
    person, _codes, _round, _parties = _world(asks_stance=True, asks_pulse=True)
    page = client.get(_rate_url(person)).content.decode()
    assert page.count("We need movement here") == 2
    assert page.count("We could give here for now") == 2
    # Once per round and other party, not per Value Code; never about one's own party.
    assert page.count("recommend working with <strong>Contractor</strong>") == 1
    assert page.count("recommend working with <strong>Residents</strong>") == 1
    assert "recommend working with <strong>Council</strong>" not in page


def test_a_stance_saves_in_at_most_three_statements_and_can_be_taken_back(client):
    person, (code, _other), round, _parties = _world(asks_stance=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            _stance_url(person, code), {f"g{code.pk}": "take"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200, response.content
    assert b"Saved" in response.content
    statements = [
        q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]
    assert len(statements) <= 3, statements
    rating = Rating.objects.get(participant=person, value_code=code, round=round)
    assert rating.stance == "take"
    assert not rating.current_answered  # a mark alone answers nothing else
    client.post(_stance_url(person, code), {f"g{code.pk}": ""}, HTTP_HX_REQUEST="true")
    assert Rating.objects.get(pk=rating.pk).stance == ""


def test_a_stance_keeps_the_levels_already_given(client):
    person, (code, _other), round, _parties = _world(asks_stance=True)
    save = reverse("participant:save", args=[person.token, code.pk])
    client.post(save, {f"c{code.pk}": "2", f"t{code.pk}": "4"}, HTTP_HX_REQUEST="true")
    client.post(_stance_url(person, code), {f"g{code.pk}": "give"}, HTTP_HX_REQUEST="true")
    rating = Rating.objects.get(participant=person, value_code=code)
    assert (rating.current_level, rating.target_level, rating.stance) == (2, 4, "give")
    # ... and the rating save leaves the mark alone.
    client.post(save, {f"c{code.pk}": "3"}, HTTP_HX_REQUEST="true")
    rating.refresh_from_db()
    assert (rating.current_level, rating.stance) == (3, "give")


@pytest.mark.parametrize("value", ["maybe", "x" * 5000, "\x00"])
def test_a_bad_stance_is_refused_plainly(client, value):
    person, (code, _other), _round, _parties = _world(asks_stance=True)
    response = client.post(_stance_url(person, code), {f"g{code.pk}": value})
    assert response.status_code in (302, 400)
    stances = set(Rating.objects.values_list("stance", flat=True))
    assert stances <= {""}


def test_a_stance_is_refused_when_not_switched_on_or_the_round_is_closed(client):
    person, (code, _other), round, _parties = _world()
    response = client.post(_stance_url(person, code), {f"g{code.pk}": "give"})
    assert response.status_code == 400
    person, (code, _other), round, _parties = _world(asks_stance=True)
    round.closed_at = round.opened_at
    round.save()
    response = client.post(_stance_url(person, code), {f"g{code.pk}": "give"})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_a_stance_on_another_diagnostics_value_code_is_a_404(client):
    person, _codes, _round, _parties = _world(asks_stance=True)
    _other_person, (foreign, _), _r, _p = _world(asks_stance=True)
    response = client.post(_stance_url(person, foreign), {f"g{foreign.pk}": "give"})
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_the_pulse_saves_per_other_party_and_shows_again_only_to_its_author(client):
    person, _codes, round, (council, contractor, residents) = _world(asks_pulse=True)
    response = client.post(
        _pulse_url(person),
        {f"p{contractor.pk}": "9", f"p{residents.pk}": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content
    assert dict(Pulse.objects.values_list("about_party__name", "score")) == {
        "Contractor": 9,
        "Residents": None,
    }
    page = client.get(_rate_url(person)).content.decode()
    assert '<option value="9" selected>' in page
    colleague = ParticipantFactory(party=council)
    other_page = client.get(_rate_url(colleague)).content.decode()
    assert "selected>9<" not in other_page and '<option value="9" selected>' not in other_page


@pytest.mark.parametrize("value", ["11", "-1", "4.5", "ten", "٣"])
def test_a_bad_pulse_is_refused(client, value):
    person, _codes, _round, (_council, contractor, _residents) = _world(asks_pulse=True)
    response = client.post(_pulse_url(person), {f"p{contractor.pk}": value})
    assert response.status_code == 400
    assert not Pulse.objects.exists()


def test_a_pulse_about_ones_own_or_a_foreign_party_is_refused(client):
    person, _codes, _round, (council, _contractor, _residents) = _world(asks_pulse=True)
    _other, _c, _r, (foreign, *_rest) = _world(asks_pulse=True)
    for party in (council, foreign):
        response = client.post(_pulse_url(person), {f"p{party.pk}": "5"})
        assert response.status_code == 400
    assert not Pulse.objects.exists()


def test_the_sheet_without_javascript_saves_stances_and_the_pulse(client):
    person, (code, other), round, (_council, contractor, _residents) = _world(
        asks_stance=True, asks_pulse=True
    )
    response = client.post(
        _rate_url(person),
        {
            f"c{code.pk}": "2",
            f"t{code.pk}": "4",
            f"g{code.pk}": "take",
            f"g{other.pk}": "give",
            f"p{contractor.pk}": "7",
        },
    )
    assert response.status_code == 302
    assert dict(Rating.objects.values_list("value_code_id", "stance")) == {
        code.pk: "take",
        other.pk: "give",
    }
    assert Pulse.objects.get().score == 7


def test_the_sheet_saves_nothing_when_its_pulse_is_bad(client):
    person, (code, _other), _round, (_council, contractor, _residents) = _world(
        asks_stance=True, asks_pulse=True
    )
    response = client.post(
        _rate_url(person),
        {f"c{code.pk}": "2", f"g{code.pk}": "take", f"p{contractor.pk}": "12"},
    )
    assert response.status_code == 400
    assert not Rating.objects.exists() and not Pulse.objects.exists()


def test_a_closed_round_shows_ones_own_marks_and_pulse_read_only(client):
    person, (code, _other), round, (_c, contractor, _r) = _world(asks_stance=True, asks_pulse=True)
    client.post(_stance_url(person, code), {f"g{code.pk}": "give"})
    client.post(_pulse_url(person), {f"p{contractor.pk}": "3"})
    round.closed_at = round.opened_at
    round.save()
    page = client.get(_rate_url(person)).content.decode()
    assert "We could give here for now" in page and "3 of 10" in page
    assert 'name="g' not in page and "<select" not in page
