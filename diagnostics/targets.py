"""Agreed targets: what the parties agree to aim for on a Value Code in a round."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ttm import parsing

from .models import AgreedTarget


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
