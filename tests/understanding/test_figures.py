"""The figures of PRODUCT.md 10, computed by hand for small cases: estimates of the other side,
understanding per pair, importance, priority by importance, alignment."""

import pytest
from django.utils.timezone import now

from diagnostics.models import Estimate, Rating
from results.analysis import analyse

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db

DK = "dk"  # "don't know"


class World:
    """A diagnostic of named parties and Value Codes, with a closed round 1 to fill by hand."""

    def __init__(self, parties, codes=("Transparency",), threshold=2, **switches):
        self.diagnostic = DiagnosticFactory(anonymity_threshold=threshold, **switches)
        self.parties = {
            name: PartyFactory(diagnostic=self.diagnostic, name=name, position=i)
            for i, name in enumerate(parties)
        }
        self.codes = {
            identifier: DiagnosticValueCodeFactory(
                diagnostic=self.diagnostic, identifier=identifier, position=i
            )
            for i, identifier in enumerate(codes)
        }
        self.round = RoundFactory(diagnostic=self.diagnostic, closed_at=now())
        self.people = {}

    def person(self, label, party):
        if label not in self.people:
            self.people[label] = ParticipantFactory(party=self.parties[party], label=label)
        return self.people[label]

    def rate(self, label, party, code, current, target=4, importance=None, **estimates):
        """A rating; `importance` DK is "don't know", None not asked; estimates by party name."""
        person = self.person(label, party)
        Rating.objects.create(
            round=self.round,
            participant=person,
            value_code=self.codes[code],
            current_level=None if current == DK else current,
            target_level=target,
            current_answered=True,
            target_answered=True,
            importance_level=None if importance in (None, DK) else importance,
            importance_answered=importance is not None,
        )
        for about, level in estimates.items():
            Estimate.objects.create(
                round=self.round,
                participant=person,
                value_code=self.codes[code],
                about_party=self.parties[about],
                level=None if level == DK else level,
            )

    def analysis(self):
        return analyse(self.diagnostic)

    def code(self, identifier):
        (entry,) = [vc for vc in self.analysis()["value_codes"] if vc["identifier"] == identifier]
        return entry


def two_parties(**switches):
    world = World(["Council", "Contractor"], ("Transparency", "Reliability"), **switches)
    # Transparency. Council currents 2, 2, 1 (mean 5/3); Contractor 4, 3 (mean 3.5).
    world.rate("c1", "Council", "Transparency", 2, importance=5, Contractor=3)
    world.rate("c2", "Council", "Transparency", 2, importance=4, Contractor=3)
    world.rate("c3", "Council", "Transparency", 1, importance=DK, Contractor=DK)
    world.rate("k1", "Contractor", "Transparency", 4, importance=2, Council=4)
    world.rate("k2", "Contractor", "Transparency", 3, importance=1, Council=3)
    # Reliability. Council: one estimate only (n 1 < K); Contractor: one current only, so its
    # mean_current is suppressed and nobody's estimate of it can be read.
    world.rate("c1", "Council", "Reliability", 3, importance=3, Contractor=5)
    world.rate("c2", "Council", "Reliability", 3, importance=3)
    world.rate("k1", "Contractor", "Reliability", 2, importance=DK, Council=3)
    world.rate("k2", "Contractor", "Reliability", DK, importance=DK, Council=2)
    return world


def test_estimates_compare_what_a_party_expects_with_what_the_other_says():
    world = two_parties(asks_estimates=True)
    estimates = world.code("Transparency")["estimates"]
    assert estimates == {
        "Council": {
            "Contractor": {
                "n": 2,  # "don't know" is not counted
                "mean_estimate": 3.0,
                "actual": 3.5,
                "misreading": -0.5,
                "suppressed": False,
                "pending": False,
            }
        },
        "Contractor": {
            "Council": {
                "n": 2,
                "mean_estimate": 3.5,
                "actual": 1.6667,
                "misreading": 1.8333,  # 3.5 - 5/3
                "suppressed": False,
                "pending": False,
            }
        },
    }


def test_an_estimate_is_suppressed_below_k_or_where_the_other_sides_current_is():
    world = two_parties(asks_estimates=True)
    estimates = world.code("Reliability")["estimates"]
    # Council: one estimate (n 1 < K 2).
    assert estimates["Council"]["Contractor"] == {
        "n": 1,
        "mean_estimate": None,
        "actual": None,
        "misreading": None,
        "suppressed": True,
        "pending": False,
    }
    # Contractor: two estimates, but Council's current is given by two (mean 3): readable.
    assert estimates["Contractor"]["Council"]["misreading"] == -0.5
    # Contractor's own current is one answer and one "don't know": suppressed, so Council's
    # estimate of it could not be read even with K estimates.
    assert world.code("Reliability")["parties"]["Contractor"]["suppressed_current"]


def test_understanding_averages_the_misreadings_that_can_be_read():
    result = two_parties(asks_estimates=True).analysis()
    # Council of Contractor: Transparency only, |-0.5| -> 100 x (1 - 0.5 / 4).
    # Contractor of Council: |1.8333| and |-0.5| -> d = (11/6 + 1/2) / 2 = 7/6.
    assert result["understanding"] == {
        "Council": {"Contractor": {"score": 87.5, "value_codes": 1}},
        "Contractor": {"Council": {"score": round(100 * (1 - (7 / 6) / 4), 4), "value_codes": 2}},
    }


def test_alignment_is_the_mean_perception_gap_on_a_scale_of_100():
    result = two_parties(asks_estimates=True).analysis()
    # Only Transparency has a perception gap: 3.5 - 5/3 = 11/6.
    assert result["alignment"] == round(100 * (1 - (11 / 6) / 4), 4)


def test_importance_per_party_its_gap_and_overall_mean():
    entry = two_parties(asks_importance=True).code("Transparency")
    assert entry["importance"] == {
        "Council": {
            "n_importance": 2,
            "mean_importance": 4.5,
            "suppressed": False,
            "pending": False,
        },
        "Contractor": {
            "n_importance": 2,
            "mean_importance": 1.5,
            "suppressed": False,
            "pending": False,
        },
    }
    assert (entry["importance_gap"], entry["overall_importance"]) == (3.0, 3.0)


def test_suppressed_importance_takes_no_part_in_the_gap_or_the_overall_mean():
    entry = two_parties(asks_importance=True).code("Reliability")
    # Contractor: two "don't know": n 0 < K.
    assert entry["importance"]["Contractor"] == {
        "n_importance": 0,
        "mean_importance": None,
        "suppressed": True,
        "pending": False,
    }
    assert entry["importance_gap"] is None  # fewer than two parties
    assert entry["overall_importance"] == 3.0


def test_priority_by_importance_is_the_gap_times_importance_over_3():
    world = two_parties(asks_importance=True, priority_basis="importance")
    entry = world.code("Transparency")
    # overall gap = 4 - (5/3 + 3.5) / 2 = 17/12; overall importance 3.0.
    assert entry["priority"] == round(17 / 12 * 3.0 / 3, 4)
    # Reliability: Contractor's current is suppressed; overall current is Council's 3.0.
    assert world.code("Reliability")["priority"] == round((4 - 3.0) * 3.0 / 3, 4)
    assert world.analysis()["priority_basis"] == "importance"


def test_priority_by_weight_is_unchanged_when_importance_is_asked():
    entry = two_parties(asks_importance=True).code("Transparency")
    assert entry["priority"] == round(17 / 12 * 1.0, 4)


def test_three_parties_have_six_directed_pairs():
    world = World(["Council", "Contractor", "Residents"], asks_estimates=True)
    for i, current in enumerate([2, 2]):
        world.rate(f"c{i}", "Council", "Transparency", current, Contractor=4, Residents=DK)
    for i, current in enumerate([4, 5]):
        world.rate(f"k{i}", "Contractor", "Transparency", current, Council=2, Residents=3)
    for i, current in enumerate([1, 2]):
        world.rate(f"r{i}", "Residents", "Transparency", current, Council=3, Contractor=3)
    result = world.analysis()
    pairs = {(a, b) for a, row in result["understanding"].items() for b in row}
    assert len(pairs) == 6
    # Council of Contractor: 4 vs 4.5 -> 0.5; of Residents: all "don't know" -> null.
    assert result["understanding"]["Council"] == {
        "Contractor": {"score": 87.5, "value_codes": 1},
        "Residents": None,
    }
    # Contractor of Council: 2 vs 2 -> 100; of Residents: 3 vs 1.5 -> 62.5.
    assert result["understanding"]["Contractor"] == {
        "Council": {"score": 100.0, "value_codes": 1},
        "Residents": {"score": 62.5, "value_codes": 1},
    }
    # Residents of Council: 3 vs 2 -> 75; of Contractor: 3 vs 4.5 -> 62.5.
    assert result["understanding"]["Residents"] == {
        "Council": {"score": 75.0, "value_codes": 1},
        "Contractor": {"score": 62.5, "value_codes": 1},
    }
    # Perception gap 4.5 - 1.5 = 3 -> alignment 25.
    assert result["alignment"] == 25.0


def test_one_party_has_no_pairs_but_its_importance():
    world = World(["Team"], asks_estimates=True, asks_importance=True)
    world.rate("a", "Team", "Transparency", 2, importance=4)
    world.rate("b", "Team", "Transparency", 3, importance=5)
    result = world.analysis()
    assert result["understanding"] == {}
    assert result["alignment"] is None  # no perception gap with one party
    (entry,) = result["value_codes"]
    assert entry["estimates"] == {}
    assert entry["importance"]["Team"]["mean_importance"] == 4.5
    assert (entry["importance_gap"], entry["overall_importance"]) == (None, 4.5)


NEW_KEYS = {"importance", "importance_gap", "overall_importance", "estimates"}
NEW_TOP_KEYS = {"understanding", "alignment", "priority_basis"}


@pytest.mark.parametrize(
    ("switches", "top", "per_value_code"),
    [
        ({}, set(), set()),
        ({"asks_importance": True}, {"alignment", "priority_basis"}, NEW_KEYS - {"estimates"}),
        ({"asks_estimates": True}, {"alignment", "understanding"}, {"estimates"}),
        ({"asks_importance": True, "asks_estimates": True}, NEW_TOP_KEYS, NEW_KEYS),
    ],
)
def test_only_the_questions_switched_on_add_keys(switches, top, per_value_code):
    result = two_parties(**switches).analysis()
    assert NEW_TOP_KEYS & set(result) == top
    for entry in result["value_codes"]:
        assert NEW_KEYS & set(entry) == per_value_code
