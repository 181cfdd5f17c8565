import json
import math

import pytest
from django.utils import timezone

from diagnostics.models import Rating, Round, ThingThatMatters
from results.analysis import NoRound, analyse

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    PartyFactory,
    RatingFactory,
    RoundFactory,
)
from .helpers import sample_diagnostic

pytestmark = pytest.mark.django_db


def assert_close(actual, expected, path="$"):
    if isinstance(expected, dict):
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            assert_close(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_close(a, e, f"{path}[{i}]")
    elif isinstance(expected, float) and actual is not None:
        assert math.isclose(actual, expected, abs_tol=1e-4), f"{path}: {actual} != {expected}"
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def test_sample_files_give_the_expected_analysis(sample_data):
    diagnostic = sample_diagnostic(sample_data)
    expected = json.loads((sample_data / "sample-expected-analysis.json").read_text())
    result = analyse(diagnostic)
    assert_close(result, expected)
    assert result["diagnostic"] == "sample"
    assert result["round"] == 1
    assert result["anonymity_threshold"] == 3


def test_a_party_with_fewer_than_k_answers_is_suppressed_and_left_out_of_overall(sample_data):
    result = analyse(sample_diagnostic(sample_data))
    service = next(vc for vc in result["value_codes"] if vc["identifier"] == "Service level")
    marketing = service["parties"]["Marketing"]
    assert marketing["suppressed_current"] is True
    assert marketing["n_current"] == 2
    assert marketing["mean_current"] is None
    assert marketing["current_distribution"] is None
    # Overall current is IT's alone: Marketing's hidden mean cannot be recomputed from it.
    assert service["overall"]["mean_current"] == service["parties"]["IT"]["mean_current"]
    assert service["perception_gap_current"] is None


def one_value_code(levels_by_party, threshold=1, weight=1.0):
    diagnostic = DiagnosticFactory(anonymity_threshold=threshold)
    value_code = DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier="VC", weight=weight)
    round_ = RoundFactory(diagnostic=diagnostic)
    for name, pairs in levels_by_party.items():
        party = PartyFactory(diagnostic=diagnostic, name=name)
        for current, target in pairs:
            RatingFactory(
                round=round_,
                value_code=value_code,
                participant=ParticipantFactory(party=party),
                current_level=current,
                target_level=target,
            )
    return diagnostic


def test_dont_know_answers_are_excluded_from_counts_and_means():
    diagnostic = one_value_code({"Buyer": [(2, 4), (None, 5), (4, None)]})
    buyer = analyse(diagnostic)["value_codes"][0]["parties"]["Buyer"]
    assert (buyer["n_current"], buyer["n_target"]) == (2, 2)
    assert buyer["mean_current"] == 3.0
    assert buyer["mean_target"] == 4.5
    assert buyer["sd_current"] == 1.0
    assert buyer["current_distribution"] == [0, 1, 0, 1, 0]
    assert buyer["gap"] == 1.5


def test_a_single_answer_has_zero_standard_deviation():
    figures = analyse(one_value_code({"Buyer": [(3, 5)]}))["value_codes"][0]
    assert figures["parties"]["Buyer"]["sd_current"] == 0.0
    # One party alone has no perception gap.
    assert figures["perception_gap_current"] is None
    assert figures["overall"] == {"mean_current": 3.0, "mean_target": 5.0, "gap": 2.0}


def test_parties_weigh_the_same_whatever_their_size():
    diagnostic = one_value_code({"Big": [(1, 3)] * 9, "Small": [(5, 5)]})
    figures = analyse(diagnostic)["value_codes"][0]
    assert figures["overall"]["mean_current"] == 3.0
    assert figures["perception_gap_current"] == 4.0
    assert figures["perception_gap_target"] == 2.0


def test_priority_is_the_overall_gap_times_the_weight():
    figures = analyse(one_value_code({"Buyer": [(2, 4)]}, weight=1.5))["value_codes"][0]
    assert figures["priority"] == 3.0
    assert figures["weight"] == 1.5


def test_rankings_break_ties_by_identifier():
    diagnostic = DiagnosticFactory(anonymity_threshold=1)
    round_ = RoundFactory(diagnostic=diagnostic)
    party = PartyFactory(diagnostic=diagnostic, name="Buyer")
    participant = ParticipantFactory(party=party)
    for identifier, (current, target) in {"b": (1, 3), "a": (2, 4), "c": (1, 4)}.items():
        value_code = DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier=identifier)
        RatingFactory(
            round=round_,
            participant=participant,
            value_code=value_code,
            current_level=current,
            target_level=target,
        )
    assert analyse(diagnostic)["priorities"] == ["c", "a", "b"]


def test_an_empty_open_round_is_pending_and_an_empty_closed_one_has_counts_of_zero():
    diagnostic = DiagnosticFactory()
    DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier="VC")
    PartyFactory(diagnostic=diagnostic, name="Buyer")
    PartyFactory(diagnostic=diagnostic, name="Supplier")
    round_ = RoundFactory(diagnostic=diagnostic)
    result = analyse(diagnostic)
    buyer = result["value_codes"][0]["parties"]["Buyer"]
    assert (buyer["n_current"], buyer["pending"], buyer["suppressed_current"]) == (None, True, True)
    assert result["response_counts"] == {"Buyer": None, "Supplier": None}
    assert result["published_at"] == {"Buyer": None, "Supplier": None}
    assert result["priorities"] == []
    assert result["blind_spots"] == []

    round_.closed_at = timezone.now()
    round_.save()
    result = analyse(diagnostic)
    buyer = result["value_codes"][0]["parties"]["Buyer"]
    assert (buyer["n_current"], buyer["pending"], buyer["suppressed_current"]) == (0, False, True)
    assert result["response_counts"] == {"Buyer": 0, "Supplier": 0}
    assert result["published_at"]["Buyer"] == round_.closed_at.isoformat()


def test_ratings_of_other_rounds_do_not_count():
    diagnostic = one_value_code({"Buyer": [(2, 4)]})
    Round.objects.filter(diagnostic=diagnostic).update(closed_at="2026-01-01T00:00Z")
    second = RoundFactory(diagnostic=diagnostic, number=2)
    rating = Rating.objects.get()
    RatingFactory(
        round=second,
        participant=rating.participant,
        value_code=rating.value_code,
        current_level=5,
        target_level=5,
    )
    assert analyse(diagnostic, 1)["value_codes"][0]["overall"]["mean_current"] == 2.0
    assert analyse(diagnostic)["value_codes"][0]["overall"]["mean_current"] == 5.0


def test_an_unknown_round_is_refused():
    diagnostic = one_value_code({"Buyer": [(2, 4)]})
    with pytest.raises(NoRound):
        analyse(diagnostic, 7)


def test_a_thing_that_matters_scores_the_mean_of_its_value_codes(sample_data):
    diagnostic = sample_diagnostic(sample_data)
    thing = ThingThatMatters.objects.create(diagnostic=diagnostic, title="Deliver on time")
    thing.value_codes.set(
        diagnostic.value_codes.filter(identifier__in=["Reliability", "Credibility"])
    )
    [figures] = analyse(diagnostic)["things_that_matter"]
    assert figures["title"] == "Deliver on time"
    assert figures["value_codes"] == ["Reliability", "Credibility"]
    assert figures["mean_current"] == pytest.approx((2.825 + 2.9) / 2, abs=1e-4)
    assert figures["mean_target"] == pytest.approx((4.325 + 4.55) / 2, abs=1e-4)
    assert figures["gap"] == pytest.approx((1.5 + 1.65) / 2, abs=1e-4)


def test_analysis_uses_a_constant_number_of_queries(sample_data, django_assert_num_queries):
    # rounds, parties, value codes, the GROUP BY, response counts, agreed targets, TTMs (2),
    # the previous round, and in an open round the look for changes to publish and the times
    # of publication; with a previous round, its GROUP BY and agreed targets too.
    diagnostic = sample_diagnostic(sample_data)
    thing = ThingThatMatters.objects.create(diagnostic=diagnostic, title="Deliver on time")
    thing.value_codes.set(diagnostic.value_codes.all()[:2])
    analyse(diagnostic)  # publishes (tests/analysis/test_steps_of_k.py counts that)
    with django_assert_num_queries(11):
        analyse(diagnostic)
    for i in range(30):
        DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier=f"extra-{i}")
    diagnostic.rounds.update(closed_at=timezone.now())
    with django_assert_num_queries(9):
        analyse(diagnostic)
    RoundFactory(diagnostic=diagnostic, number=2)
    with django_assert_num_queries(13):
        analyse(diagnostic)
