"""Trade-off links: what the database refuses, what the service checks, and the review rule
(did the expected dip happen, was the target reached) on figures computed by hand."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from diagnostics.models import AgreedTarget, DiagnosticValueCode, TradeOffLink
from diagnostics.targets import delete_agreed_target, link_trade_off, unlink_trade_off
from results import trade_offs
from results.analysis import analyse

from ..factories import DiagnosticValueCodeFactory
from .trade_off_world import add_round, agree, build, rate, two_rounds

pytestmark = pytest.mark.django_db


def reviews_of(world, round_number=1):
    links = trade_offs.links_of_round(world.rounds[round_number])
    return {r.identifier: r for r in trade_offs.review(world.diagnostic, links)}


# --- the model --------------------------------------------------------------------------------


def test_the_database_refuses_a_second_link_to_the_same_value_code():
    world = build()
    target = agree(world, links=[("Quality", "down", 2)])
    with pytest.raises(IntegrityError), transaction.atomic():
        TradeOffLink.objects.create(
            agreed_target=target, value_code=world.codes["Quality"], direction="hold",
            review_round=3,
        )  # fmt: skip


@pytest.mark.parametrize("direction,review_round", [("up", 2), ("", 2), ("down", 1), ("hold", 0)])
def test_the_database_refuses_an_unknown_direction_or_a_review_in_round_one(
    direction, review_round
):
    world = build()
    target = agree(world, links=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        TradeOffLink.objects.create(
            agreed_target=target, value_code=world.codes["Cost"], direction=direction,
            review_round=review_round,
        )  # fmt: skip


def test_removing_the_target_or_the_value_code_removes_its_links():
    world = build()
    agree(world)
    DiagnosticValueCode.objects.filter(pk=world.codes["Cost"].pk).delete()
    assert list(TradeOffLink.objects.values_list("value_code__identifier", flat=True)) == [
        "Quality"
    ]
    delete_agreed_target(round=world.rounds[1], value_code=world.codes["Speed"])
    assert not TradeOffLink.objects.exists()


# --- the service ------------------------------------------------------------------------------


def test_linking_again_changes_the_direction_and_review_round_of_the_same_link():
    world = build()
    target = agree(world, links=[("Quality", "down", 2)])
    link = link_trade_off(
        agreed_target=target, value_code=world.codes["Quality"], direction="hold", review_round=4
    )
    assert TradeOffLink.objects.count() == 1
    assert (link.direction, link.review_round) == ("hold", 4)


def test_recording_the_target_again_keeps_its_links():
    world = build()
    agree(world)
    agree(world, level=4, links=[], owner="Sam")
    assert AgreedTarget.objects.get().level == 4
    assert TradeOffLink.objects.count() == 2


@pytest.mark.parametrize(
    "change,field",
    [
        ({"value_code": "Speed"}, "value_code"),  # the target's own Value Code
        ({"direction": "up"}, "direction"),
        ({"review_round": 1}, "review_round"),  # the target's own round
        ({"review_round": 0}, "review_round"),
        ({"review_round": "2"}, "review_round"),
        ({"review_round": True}, "review_round"),
        ({"review_round": 10_001}, "review_round"),
    ],
)
def test_the_service_refuses_a_link_that_breaks_a_rule(change, field):
    world = build()
    target = agree(world, links=[])
    arguments = {"value_code": "Quality", "direction": "down", "review_round": 2} | change
    with pytest.raises(ValidationError) as refused:
        link_trade_off(
            agreed_target=target,
            value_code=world.codes[arguments["value_code"]],
            direction=arguments["direction"],
            review_round=arguments["review_round"],
        )
    assert field in refused.value.message_dict
    assert not TradeOffLink.objects.exists()


def test_the_service_refuses_a_value_code_of_another_diagnostic():
    world = build()
    target = agree(world, links=[])
    with pytest.raises(ValidationError):
        link_trade_off(
            agreed_target=target, value_code=DiagnosticValueCodeFactory(), direction="down",
            review_round=2,
        )  # fmt: skip


def test_a_review_round_must_come_after_a_later_targets_round():
    world = build()
    add_round(world, 2)
    target = AgreedTarget.objects.create(
        round=world.rounds[2], value_code=world.codes["Speed"], level=3
    )
    with pytest.raises(ValidationError):
        link_trade_off(
            agreed_target=target, value_code=world.codes["Cost"], direction="down", review_round=2
        )
    assert link_trade_off(
        agreed_target=target, value_code=world.codes["Cost"], direction="down", review_round=3
    )


def test_unlinking_removes_only_a_link_of_that_target():
    world = build()
    target = agree(world)
    other = AgreedTarget.objects.create(
        round=world.rounds[1], value_code=world.codes["Quality"], level=4
    )
    link = target.trade_off_links.get(value_code=world.codes["Cost"])
    assert unlink_trade_off(agreed_target=other, link_id=link.pk) is False
    assert unlink_trade_off(agreed_target=target, link_id=link.pk) is True
    assert unlink_trade_off(agreed_target=target, link_id=None) is False
    assert TradeOffLink.objects.count() == 1


# --- the rule, by hand --------------------------------------------------------------------------


def test_before_the_review_round_exists_a_link_waits_for_it():
    world = build()
    rate(world, 1, "Quality", [3, 3], [4, 4])
    agree(world)
    review = reviews_of(world)["Quality"]
    assert (review.held, review.as_expected, review.reached) == (False, None, None)
    assert review.outcome == "to be reviewed in round 2"
    assert review.summary == "Quality may go down, review in round 2."


def test_a_dip_that_happened_and_a_hold_that_did_not_with_the_target_reached():
    world = two_rounds()
    agree(world, level=3)
    reviews = reviews_of(world)
    quality, cost = reviews["Quality"], reviews["Cost"]
    assert quality.change == -0.75 and quality.as_expected is True
    assert quality.outcome == "went down, as expected (▼ −0.8)"
    assert cost.change == -0.25 and cost.as_expected is False
    assert cost.outcome == "went down (▼ −0.3)"
    assert quality.target_current == 3.25 and quality.reached is True
    assert quality.target_outcome == "target level 3 reached (3.3 in round 2)"
    assert quality.summary == (
        "Quality may go down, review in round 2: went down, as expected (▼ −0.8); "
        "target level 3 reached (3.3 in round 2)."
    )


def test_a_target_below_its_agreed_level_is_not_reached():
    world = two_rounds()
    agree(world, level=4)
    review = reviews_of(world)["Quality"]
    assert review.reached is False
    assert review.target_outcome == "target level 4 not reached (3.3 in round 2)"


def test_the_change_is_the_jsons_change_when_the_review_round_follows():
    world = two_rounds()
    agree(world)
    json = {vc["identifier"]: vc for vc in analyse(world.diagnostic, 2)["value_codes"]}
    for identifier, review in reviews_of(world).items():
        assert review.change == json[identifier]["change"]["overall_current"]
        assert review.target_current == json["Speed"]["overall"]["mean_current"]


def test_a_later_review_round_compares_with_the_targets_round_not_the_previous_one():
    world = two_rounds()
    add_round(world, 3)
    rate(world, 3, "Quality", [4, 4], [4, 4])  # 4.0: up 0.5 since round 1 (up 1.25 since 2)
    rate(world, 3, "Speed", [2, 2], [3, 3])  # 2.5
    agree(world, level=3, links=[("Quality", "down", 3), ("Cost", "hold", 3)])
    reviews = reviews_of(world)
    assert reviews["Quality"].change == 0.5
    assert reviews["Quality"].outcome == "did not go down (▲ +0.5)"
    assert reviews["Quality"].reached is False
    assert reviews["Cost"].change is None  # nobody rated Cost in round 3
    assert reviews["Cost"].outcome == "not enough answers yet"


def test_suppressed_figures_give_no_verdict_and_are_never_invented():
    """Round 2: Quality rated by one person per party (K = 2): both party means hidden, so no
    overall figure; Speed likewise."""
    world = build()
    add_round(world, 2)
    rate(world, 1, "Quality", [3, 3], [4, 4])
    rate(world, 1, "Speed", [2, 2], [2, 2])
    rate(world, 2, "Quality", [1, None], [1, None])
    rate(world, 2, "Speed", [5, None], [5, None])
    agree(world, links=[("Quality", "down", 2)])
    review = reviews_of(world)["Quality"]
    assert (review.change, review.as_expected, review.target_current, review.reached) == (
        None, None, None, None,
    )  # fmt: skip
    assert review.outcome == "not enough answers yet"
    assert review.target_outcome == "target level 3: not enough answers yet"


def test_one_hidden_party_leaves_the_other_partys_figure_as_the_overall():
    """Round 2: the Supplier's Quality is hidden (one answer), so the overall is the Buyer's 2.0:
    a change of 2.0 - 3.5 = -1.5, as the analysis says."""
    world = build()
    add_round(world, 2)
    rate(world, 1, "Quality", [3, 3], [4, 4])
    rate(world, 2, "Quality", [2, 2], [5, None])
    agree(world, links=[("Quality", "down", 2)])
    assert reviews_of(world)["Quality"].change == -1.5


def test_an_open_review_round_shows_only_published_figures():
    """Round 2 open with K = 3 and two people per party: nothing is ever published."""
    world = build(threshold=3)
    add_round(world, 2, closed=False)
    rate(world, 2, "Quality", [1, 1], [1, 1])
    agree(world, links=[("Quality", "down", 2)])
    review = reviews_of(world)["Quality"]
    assert review.held is True and review.outcome == "not enough answers yet"


def link(direction, level=3):
    return TradeOffLink(
        agreed_target=AgreedTarget(level=level),
        value_code=DiagnosticValueCode(identifier="Quality"),
        direction=direction,
        review_round=2,
    )


@pytest.mark.parametrize(
    "direction,change,as_expected,words",
    [
        ("down", -0.05, True, "went down, as expected (▼ −0.1)"),
        ("down", -0.0499, False, "did not go down (unchanged)"),
        ("down", 0.3, False, "did not go down (▲ +0.3)"),
        ("hold", -0.0499, True, "held, as hoped (unchanged)"),
        ("hold", 0.2, True, "held, as hoped (▲ +0.2)"),
        ("hold", -0.05, False, "went down (▼ −0.1)"),
        ("hold", None, None, "not enough answers yet"),
    ],
)
def test_the_verdict_follows_the_change_as_printed(direction, change, as_expected, words):
    review = trade_offs.Review(link=link(direction), held=True, change=change, target_current=3)
    assert review.as_expected is as_expected
    assert review.outcome == words


@pytest.mark.parametrize(
    "current,reached", [(2.95, True), (2.9499, False), (3.0, True), (4.2, True), (None, None)]
)
def test_the_target_is_reached_when_its_printed_figure_reaches_the_level(current, reached):
    review = trade_offs.Review(link=link("down"), held=True, change=0, target_current=current)
    assert review.reached is reached
