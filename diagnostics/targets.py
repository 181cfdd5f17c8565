"""Agreed targets: what the parties agree to aim for on a Value Code in a round."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ttm import parsing

from .models import AgreedTarget, TradeOffLink


def _check_value_code_of_round(round, value_code):
    if value_code.diagnostic_id != round.diagnostic_id:
        raise ValidationError(
            {"value_code": "This Value Code belongs to another diagnostic than the round."}
        )


def record_agreed_target(
    *, round, value_code, level, trade_off="", owner="", due_date=None
) -> AgreedTarget:
    """Record (or replace) the agreed target level for a Value Code in a round."""
    _check_value_code_of_round(round, value_code)
    try:
        level = parsing.checked_level(level)
    except parsing.InvalidInput as invalid:
        raise ValidationError({"level": invalid.messages}) from None
    with transaction.atomic():
        agreed_target, _ = AgreedTarget.objects.update_or_create(
            round=round,
            value_code=value_code,
            defaults={
                "level": level,
                "trade_off": (trade_off or "").strip(),
                "owner": (owner or "").strip(),
                "due_date": due_date,
            },
        )
    return agreed_target


def delete_agreed_target(*, round, value_code) -> bool:
    """Remove the agreed target of a Value Code in a round; True if there was one."""
    _check_value_code_of_round(round, value_code)
    deleted, _ = AgreedTarget.objects.filter(round=round, value_code=value_code).delete()
    return bool(deleted)


def link_trade_off(*, agreed_target, value_code, direction, review_round) -> TradeOffLink:
    """Name a Value Code that may suffer for an agreed target (or change how it may suffer).

    The Value Code must be another of the same diagnostic; the review round must come after
    the target's round (it need not exist yet).
    """
    round_ = agreed_target.round
    _check_value_code_of_round(round_, value_code)
    if value_code.pk == agreed_target.value_code_id:
        raise ValidationError(
            {"value_code": "A target cannot be a trade-off of itself: choose another Value Code."}
        )
    if direction not in (TradeOffLink.DOWN, TradeOffLink.HOLD):
        raise ValidationError({"direction": "The expected direction is “down” or “hold”."})
    if (
        isinstance(review_round, bool)
        or not isinstance(review_round, int)
        or not round_.number < review_round <= parsing.MAX_ROUND
    ):
        raise ValidationError(
            {
                "review_round": f"The review round comes after round {round_.number}: "
                f"a whole number from {round_.number + 1} to {parsing.MAX_ROUND}."
            }
        )
    with transaction.atomic():
        link, _ = TradeOffLink.objects.update_or_create(
            agreed_target=agreed_target,
            value_code=value_code,
            defaults={"direction": direction, "review_round": review_round},
        )
    return link


def unlink_trade_off(*, agreed_target, link_id) -> bool:
    """Remove one trade-off link of an agreed target; True if there was one."""
    deleted, _ = TradeOffLink.objects.filter(agreed_target=agreed_target, pk=link_id).delete()
    return bool(deleted)
