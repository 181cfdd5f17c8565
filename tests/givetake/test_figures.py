"""Give and take's figures (PRODUCT.md 10), computed by hand: per party n_give, n_take,
n_stance, lean and suppression below K; trade candidates and their order; the pulse."""

import pytest

from diagnostics.models import Pulse
from results.analysis import analyse

from .conftest import close, party, people, rate

pytestmark = pytest.mark.django_db


def stance_of(result, identifier):
    (entry,) = [vc for vc in result["value_codes"] if vc["identifier"] == identifier]
    return entry["stance"]


def test_lean_counts_every_participant_who_rated_marked_or_not(diagnostic):
    council = people(diagnostic, "Council", 6)
    # 4 take, 1 give, 1 unmarked: lean = (4 - 1) / 6 = 0.5
    rate(diagnostic, council, "Cost", ["take", "take", "take", "take", "give", ""])
    close(diagnostic)
    stance = stance_of(analyse(diagnostic), "Cost")["Council"]
    assert stance == {
        "n_give": 1,
        "n_take": 4,
        "n_stance": 6,
        "lean": 0.5,
        "suppressed": False,
        "pending": False,
    }


def test_dont_know_counts_as_rated_and_a_stance_alone_counts_too(diagnostic):
    council = people(diagnostic, "Council", 3)
    rate(diagnostic, council[:1], "Cost", [""], current_level=None, target_level=None)
    rate(
        diagnostic,
        council[1:2],
        "Cost",
        ["give"],
        current_level=None,
        target_level=None,
        current_answered=False,
        target_answered=False,
    )
    # Answered nothing and marked nothing (e.g. only a comment): not a rating of the Value Code.
    rate(
        diagnostic,
        council[2:],
        "Cost",
        [""],
        current_level=None,
        target_level=None,
        current_answered=False,
        target_answered=False,
    )
    close(diagnostic)
    stance = stance_of(analyse(diagnostic), "Cost")["Council"]
    assert stance["n_stance"] == 2


def test_below_k_only_n_stance_shows(diagnostic):
    contractor = people(diagnostic, "Contractor", 2)
    rate(diagnostic, contractor, "Cost", ["give", "give"])
    close(diagnostic)
    result = analyse(diagnostic)
    stance = stance_of(result, "Cost")
    assert stance["Contractor"] == {
        "n_give": None,
        "n_take": None,
        "n_stance": 2,
        "lean": None,
        "suppressed": True,
        "pending": False,
    }
    # Nobody of Residents rated: n_stance 0, suppressed.
    assert stance["Residents"]["n_stance"] == 0 and stance["Residents"]["suppressed"]
    assert result["trade_candidates"] == []


def test_trade_candidates_order_by_lean_difference_then_identifier_then_parties(diagnostic):
    council = people(diagnostic, "Council", 3)
    contractor = people(diagnostic, "Contractor", 3)
    residents = people(diagnostic, "Residents", 3)
    # Cost: Council 1.0, Contractor -1.0, Residents -2/3.
    rate(diagnostic, council, "Cost", ["take"] * 3)
    rate(diagnostic, contractor, "Cost", ["give"] * 3)
    rate(diagnostic, residents, "Cost", ["give", "give", ""])
    # Agility: Residents 2/3, Council -1.0: difference 5/3, the same as Cost's Council and
    # Residents and both of Bravery's, so identifiers decide (Agility, Bravery, Cost).
    rate(diagnostic, council, "Agility", ["give"] * 3)
    rate(diagnostic, contractor, "Agility", ["", "", "take"])  # 1/3: neither needs nor gives
    rate(diagnostic, residents, "Agility", ["take", "take", ""])
    # Bravery: Council 2/3 and Residents 2/3 both need; Contractor -1 gives: a tie on the
    # difference and the identifier, so the parties' order decides (Council first).
    rate(diagnostic, council, "Bravery", ["take", "take", ""])
    rate(diagnostic, contractor, "Bravery", ["give"] * 3)
    rate(diagnostic, residents, "Bravery", ["take", "take", ""])
    close(diagnostic)
    result = analyse(diagnostic)
    assert result["trade_candidates"] == [
        {
            "value_code": "Cost",
            "needs": "Council",
            "gives": "Contractor",
            "needs_lean": 1.0,
            "gives_lean": -1.0,
        },
        {
            "value_code": "Agility",
            "needs": "Residents",
            "gives": "Council",
            "needs_lean": 0.6667,
            "gives_lean": -1.0,
        },
        {
            "value_code": "Bravery",
            "needs": "Council",
            "gives": "Contractor",
            "needs_lean": 0.6667,
            "gives_lean": -1.0,
        },
        {
            "value_code": "Bravery",
            "needs": "Residents",
            "gives": "Contractor",
            "needs_lean": 0.6667,
            "gives_lean": -1.0,
        },
        {
            "value_code": "Cost",
            "needs": "Council",
            "gives": "Residents",
            "needs_lean": 1.0,
            "gives_lean": -0.6667,
        },
    ]


def test_a_lean_of_exactly_one_half_needs_and_of_minus_one_half_gives(diagnostic):
    council = people(diagnostic, "Council", 4)
    contractor = people(diagnostic, "Contractor", 4)
    rate(diagnostic, council, "Cost", ["take", "take", "", ""])
    rate(diagnostic, contractor, "Cost", ["give", "give", "", ""])
    close(diagnostic)
    (candidate,) = analyse(diagnostic)["trade_candidates"]
    assert (candidate["needs_lean"], candidate["gives_lean"]) == (0.5, -0.5)


def test_without_the_switches_no_key_appears(diagnostic):
    diagnostic.asks_stance = diagnostic.asks_pulse = False
    diagnostic.save()
    rate(diagnostic, people(diagnostic, "Council", 3), "Cost", ["take"] * 3)
    close(diagnostic)
    result = analyse(diagnostic)
    assert "trade_candidates" not in result and "pulse" not in result
    assert all("stance" not in vc for vc in result["value_codes"])


def pulse_answers(diagnostic, party_name, about, scores):
    round_ = diagnostic.rounds.get()
    for person, score in zip(people(diagnostic, party_name, len(scores)), scores, strict=True):
        Pulse.objects.create(
            round=round_, participant=person, about_party=party(diagnostic, about), score=score
        )


def test_pulse_net_score_counts_promoters_and_detractors(diagnostic):
    # 9, 10 promote; 0..6 detract; 7, 8 neither; a taken-back answer (None) is no answer.
    pulse_answers(diagnostic, "Council", "Contractor", [10, 9, 8, 7, 6, 0, None])
    pulse_answers(diagnostic, "Contractor", "Council", [10, 9])
    close(diagnostic)
    pulse = analyse(diagnostic)["pulse"]
    assert pulse["Council"]["Contractor"] == {
        "n": 6,
        "promoters": 2,
        "detractors": 2,
        "score": 0.0,
        "pending": False,
    }
    assert pulse["Contractor"]["Council"] == {
        "n": 2,
        "promoters": None,
        "detractors": None,
        "score": None,
        "pending": False,
    }
    # Every directed pair appears: six for three parties.
    assert sum(len(row) for row in pulse.values()) == 6
    assert pulse["Residents"]["Council"]["n"] == 0


def test_pulse_score_is_a_percentage_rounded_to_four_decimals(diagnostic):
    # 1 promoter, 3 detractors of 6: 100 * (1 - 3) / 6 = -33.3333
    pulse_answers(diagnostic, "Council", "Contractor", [10, 3, 4, 8, 2, 7])
    close(diagnostic)
    assert analyse(diagnostic)["pulse"]["Council"]["Contractor"]["score"] == -33.3333
