"""Estimates and importance move in steps of K with every other figure (PRODUCT.md 3): an open
round shows their published copy, never the live answers."""

import pytest

from diagnostics import services
from participation import services as participation
from results.analysis import analyse

pytestmark = pytest.mark.django_db


def answer(person, code, *, current=None, importance=None, estimate=None, about=None):
    answers = {}
    if current is not None:
        answers["current_level"] = current
    if importance is not None:
        answers["importance_level"] = importance
    if answers:
        participation.save_rating(participant=person, value_code=code, answers=answers)
    if estimate is not None:
        participation.save_estimate_sheet(
            participant=person, estimates_by_value_code_id={code.pk: {about.pk: estimate}}
        )


def figures(diagnostic):
    (entry,) = analyse(diagnostic)["value_codes"]
    return entry


def test_a_party_never_published_shows_its_estimates_and_importance_as_pending(world):
    diagnostic, code, people, contractor = world
    answer(people["c1"], code, current=2, importance=5, estimate=4, about=contractor)
    entry = figures(diagnostic)
    assert entry["estimates"]["Council"]["Contractor"] == {
        "n": None,
        "mean_estimate": None,
        "actual": None,
        "misreading": None,
        "suppressed": True,
        "pending": True,
    }
    assert entry["importance"]["Council"]["pending"] is True
    assert analyse(diagnostic)["understanding"] == {
        "Council": {"Contractor": None},
        "Contractor": {"Council": None},
    }


def test_one_changed_estimate_or_importance_changes_nothing_until_k_have_changed(world):
    diagnostic, code, people, contractor = world
    for label in ("c1", "c2"):
        answer(people[label], code, current=2, importance=4, estimate=3, about=contractor)
    for label in ("k1", "k2"):
        answer(people[label], code, current=4)
    before = figures(diagnostic)
    assert before["estimates"]["Council"]["Contractor"]["mean_estimate"] == 3.0
    assert before["importance"]["Council"]["mean_importance"] == 4.0

    answer(people["c1"], code, estimate=5, about=contractor)
    answer(people["c1"], code, importance=2)
    assert figures(diagnostic) == before  # one person: nothing moves

    answer(people["c2"], code, estimate=4, about=contractor)
    after = figures(diagnostic)  # two people changed their estimate: it is published
    assert after["estimates"]["Council"]["Contractor"]["mean_estimate"] == 4.5
    # c1's importance alone is not: c2 changed another question, K are not behind it.
    assert after["importance"] == before["importance"]

    answer(people["c2"], code, importance=4)  # saved again unchanged: no change
    assert figures(diagnostic)["importance"] == before["importance"]
    answer(people["c2"], code, importance=5)
    assert figures(diagnostic)["importance"]["Council"]["mean_importance"] == 3.5


def test_closing_the_round_publishes_the_final_estimates(world):
    diagnostic, code, people, contractor = world
    for label in ("c1", "c2"):
        answer(people[label], code, current=2, estimate=3, about=contractor)
    for label in ("k1", "k2"):
        answer(people[label], code, current=4)
    figures(diagnostic)
    answer(people["c1"], code, estimate=5, about=contractor)
    services.close_round(round=diagnostic.rounds.get())
    assert figures(diagnostic)["estimates"]["Council"]["Contractor"]["mean_estimate"] == 4.0
