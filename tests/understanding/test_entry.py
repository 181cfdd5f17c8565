"""Partners answer "How much does this matter to you?" and "Where would <party> say we are?"
on their rating page, only when the facilitator switched the questions on (PRODUCT.md 10)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import Estimate, Rating

from ..factories import PartyFactory
from ..factories import council_contractor_residents as _world
from ..participation.test_lean_save import TRANSACTION_CONTROL

pytestmark = pytest.mark.django_db


def _save_url(person, code):
    return reverse("participant:save_understanding", args=[person.token, code.pk])


def _rate_url(person):
    return reverse("participant:rate", args=[person.token])


def test_the_questions_appear_only_when_switched_on(client):
    person, _codes, _round, _parties = _world()
    page = client.get(_rate_url(person)).content.decode()
    assert "How much does this matter to you?" not in page
    assert "say we are?" not in page
    person, _codes, _round, _parties = _world(asks_importance=True, asks_estimates=True)
    page = client.get(_rate_url(person)).content.decode()
    assert page.count("How much does this matter to you?") == 2
    assert page.count("Where would Contractor say we are?") == 2
    assert page.count("Where would Residents say we are?") == 2
    assert "Where would Council say we are?" not in page  # never one's own party


def test_importance_and_estimates_save_in_three_statements_with_dont_know(client):
    person, (code, _other), round, (_council, contractor, residents) = _world(
        asks_importance=True, asks_estimates=True
    )
    data = {
        f"i{code.pk}": "5",
        f"e{code.pk}_{contractor.pk}": "2",
        f"e{code.pk}_{residents.pk}": "dk",
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(_save_url(person, code), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content
    assert b"Saved" in response.content
    statements = [
        q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]
    assert len(statements) <= 3, statements
    rating = Rating.objects.get(participant=person, value_code=code, round=round)
    assert (rating.importance_level, rating.importance_answered) == (5, True)
    assert not rating.current_answered  # importance alone answers nothing else
    assert dict(Estimate.objects.values_list("about_party__name", "level")) == {
        "Contractor": 2,
        "Residents": None,
    }
    client.post(
        _save_url(person, code), {f"e{code.pk}_{contractor.pk}": "4"}, HTTP_HX_REQUEST="true"
    )
    assert Estimate.objects.get(about_party=contractor).level == 4
    page = client.get(_rate_url(person)).content.decode()
    assert f"name=e{code.pk}_{contractor.pk} value=4 checked" in page
    assert f"name=i{code.pk} value=5 checked" in page


@pytest.mark.parametrize(
    ("switches", "field", "value", "status"),
    [
        ({"asks_estimates": True}, "own", "3", 400),  # about one's own party
        ({"asks_estimates": True}, "stranger", "3", 400),  # a party of another diagnostic
        ({"asks_estimates": True}, "other", "6", 400),
        ({"asks_estimates": True}, "other", "x", 400),
        ({}, "other", "3", 400),  # not switched on
        ({"asks_estimates": True}, "importance", "4", 400),  # importance not switched on
        ({"asks_importance": True}, "importance", "0", 400),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(client, switches, field, value, status):
    person, (code, _other), _round, (council, contractor, _residents) = _world(**switches)
    stranger = PartyFactory()
    name = {
        "own": f"e{code.pk}_{council.pk}",
        "stranger": f"e{code.pk}_{stranger.pk}",
        "other": f"e{code.pk}_{contractor.pk}",
        "importance": f"i{code.pk}",
    }[field]
    response = client.post(_save_url(person, code), {name: value}, HTTP_HX_REQUEST="true")
    assert response.status_code == status
    assert not Estimate.objects.exists()
    assert not Rating.objects.exists()


def test_the_save_refuses_a_closed_round(client):
    person, (code, _other), round, (_c, contractor, _r) = _world(asks_estimates=True)
    round.closed_at = round.opened_at
    round.save()
    response = client.post(_save_url(person, code), {f"e{code.pk}_{contractor.pk}": "3"})
    assert response.status_code == 403


def test_without_javascript_the_whole_form_saves_importance_and_estimates(client):
    person, (first, second), round, (_c, contractor, residents) = _world(
        asks_importance=True, asks_estimates=True
    )
    data = {
        f"c{first.pk}": "2",
        f"i{first.pk}": "dk",
        f"i{second.pk}": "3",
        f"e{second.pk}_{contractor.pk}": "5",
        f"e{first.pk}_{residents.pk}": "1",
    }
    response = client.post(_rate_url(person), data)
    assert response.status_code == 302
    importance = dict(Rating.objects.values_list("value_code_id", "importance_level"))
    assert importance == {first.pk: None, second.pk: 3}
    assert sorted(
        Estimate.objects.values_list("value_code_id", "about_party_id", "level")
    ) == sorted([(second.pk, contractor.pk, 5), (first.pk, residents.pk, 1)])


def test_a_closed_round_shows_the_answers_read_only(client):
    person, (code, _other), round, (_c, contractor, _r) = _world(
        asks_importance=True, asks_estimates=True
    )
    client.post(_save_url(person, code), {f"i{code.pk}": "4", f"e{code.pk}_{contractor.pk}": "2"})
    round.closed_at = round.opened_at
    round.save()
    page = client.get(_rate_url(person)).content.decode()
    assert "4 of 5" in page
    assert "Where would Contractor say we are?" in page
    assert "type=radio" not in page


def test_the_rating_page_costs_the_same_queries_for_2_and_40_value_codes(client):
    counts = []
    for size in (2, 40):
        person, codes, round, (_c, contractor, _r) = _world(
            value_codes=size, asks_importance=True, asks_estimates=True
        )
        for code in codes:
            Estimate.objects.create(
                round=round, participant=person, value_code=code, about_party=contractor, level=3
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_rate_url(person)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_whole_form_with_a_refused_estimate_saves_nothing(client):
    person, (first, _second), _round, (council, _c, _r) = _world(asks_estimates=True)
    data = {f"c{first.pk}": "2", f"e{first.pk}_{council.pk}": "3"}  # one's own party
    assert client.post(_rate_url(person), data).status_code == 400
    assert not Rating.objects.exists()
