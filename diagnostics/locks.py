"""Answers closed at a workshop's reveal: the one home of the rule and of its one write.

"A workshop question locks at its reveal" (PRODUCT.md 3). The lock belongs to the round and to
the people in the room: once a Value Code was revealed in a live workshop of a round (models.
LockedValueCode), those who saw it revealed answer it no more in that round, whichever way they
answer (the personal link's saves, the whole sheet, a phone in a later session). People who
were not in the room answer it as before: they saw no figures. The next round starts unlocked.
The facilitator's ratings file (paper answers) is not refused: it is how answers given on paper
before the reveal reach the round.

Reads are one SQL condition (`locked_in_open_round`) or one annotation (`locked_expression`), so
the lean save and the rating sheet ask it in the queries they run anyway.
"""

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL

from .models import DiagnosticValueCode, LockedValueCode, Round

CLOSED = "Revealed in the workshop: answers to this Value Code are closed. Nothing was changed."


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def lock(*, round_id, value_code_id, participant_ids):
    """Close answers to the Value Code in the round for these people (those in the room), for
    good; locking again changes nothing. One statement, run in the transaction of the reveal."""
    LockedValueCode.objects.bulk_create(
        [
            LockedValueCode(round_id=round_id, value_code_id=value_code_id, participant_id=pk)
            for pk in participant_ids
        ],
        ignore_conflicts=True,
    )


def is_locked(*, round_id, value_code_id, participant_id):
    return LockedValueCode.objects.filter(
        round_id=round_id, value_code_id=value_code_id, participant_id=participant_id
    ).exists()


def locked_in_open_round(value_code, participant):
    """SQL that is true when the Value Code (`value_code`, an SQL expression: a column) is
    locked for the participant (`participant`, likewise) in their diagnostic's open round."""
    return (
        f"EXISTS (SELECT 1 FROM {_table(LockedValueCode)} lk JOIN {_table(Round)} lr "
        f"ON lr.id = lk.round_id WHERE lk.value_code_id = {value_code} "
        f"AND lk.participant_id = {participant} AND lr.closed_at IS NULL)"
    )


def locked_in_open_round_expression(participant):
    """A boolean annotation for DiagnosticValueCode querysets: is it locked for `participant`
    in its diagnostic's open round? (What a save asks, as the lean save does.)"""
    sql = locked_in_open_round(f"{_table(DiagnosticValueCode)}.id", "%s")
    return RawSQL(sql, [participant.pk], output_field=BooleanField())


def locked_expression(round, participant):
    """A boolean annotation for DiagnosticValueCode querysets: is it locked for `participant`
    in `round`? (False for no round.)"""
    round_id = round.pk if round is not None else None
    return Exists(
        LockedValueCode.objects.filter(
            round_id=round_id, participant_id=participant.pk, value_code_id=OuterRef("pk")
        )
    )
