"""The three statements of a rating save through a personal link, written by hand.

A save is the request a workshop sends most (PRODUCT.md 8). Built by the ORM, these statements
cost more Python than the landing page's whole request; written once here they cost a few
string joins. The SQL is plain enough for SQLite and PostgreSQL alike; the rules stay in
participation.services, which calls these.
"""

from django.db import connection
from django.utils import timezone

from diagnostics.assignment import asked_condition
from diagnostics.locks import locked_in_open_round
from diagnostics.models import (
    ANSWER_FIELDS,
    Diagnostic,
    DiagnosticValueCode,
    Estimate,
    Participant,
    Party,
    Rating,
    Round,
)
from participation.progress import answered_count_sql, asked_count_sql

RATING_KEY = ("participant_id", "value_code_id", "round_id")
BIGINT_END = 2**63


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def read_for_save(token, value_code_id):
    """(participant, open round id or None, how many Value Codes the participant is asked,
    whether `value_code_id` is one of the diagnostic's, whether they are asked it, whether
    their answers to it are closed in the open round) for the personal link `token`; None for
    no such link.

    The participant carries id, diagnostic_id, party_id, token and revoked_at only."""
    round_ = _table(Round)
    sql = (
        "SELECT p.id, p.diagnostic_id, p.party_id, p.revoked_at, "
        f"(SELECT r.id FROM {round_} r WHERE r.diagnostic_id = p.diagnostic_id "
        "AND r.closed_at IS NULL LIMIT 1), "
        f"{asked_count_sql('p')}, {_value_code_sql()} "
        f"FROM {_table(Participant)} p WHERE p.token = %s"
    )
    if not 0 < value_code_id < BIGINT_END:
        value_code_id = 0  # no Value Code has it, and SQLite refuses integers beyond 64 bits
    with connection.cursor() as cursor:
        cursor.execute(sql, [value_code_id, token])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, diagnostic_id, party_id, revoked_at, round_id, count, found = row
    person = Participant.from_db(
        connection.alias,
        ["id", "diagnostic_id", "party_id", "token", "revoked_at"],
        [pk, diagnostic_id, party_id, token, revoked_at],
    )
    return person, round_id, count, *_owned_asked_locked(found)


def _value_code_sql():
    """The column for the Value Code `%s` of participant `p`: NULL (not the diagnostic's),
    1 (the diagnostic's, not asked of them), 2 (asked), plus 4 when their answers to it are
    closed in the open round (diagnostics.locks)."""
    asked = asked_condition(
        participant="p.id", party="p.party_id", value_code="v.id", section="v.section"
    )
    return (
        f"(SELECT (CASE WHEN {asked} THEN 2 ELSE 1 END) "
        f"+ (CASE WHEN {locked_in_open_round('v.id', 'p.id')} THEN 4 ELSE 0 END) "
        f"FROM {_table(DiagnosticValueCode)} v "
        "WHERE v.id = %s AND v.diagnostic_id = p.diagnostic_id)"
    )


def _owned_asked_locked(found):
    """(whether the Value Code is the diagnostic's, whether it is asked, whether it is locked)
    from the column of _value_code_sql."""
    if found is None:
        return False, False, False
    return True, found % 4 == 2, found >= 4


def read_for_understanding(token, value_code_id, about_party_ids):
    """As read_for_save, for a save of importance and estimates: (participant with party_id,
    open round id or None, whether `value_code_id` is the diagnostic's, whether they are asked
    it, whether it is locked, the diagnostic's asks_estimates and asks_importance, how many of
    `about_party_ids` are other parties of the diagnostic); None for no such link. One
    statement."""
    participant, round_, diagnostic, party = (
        _table(Participant),
        _table(Round),
        _table(Diagnostic),
        _table(Party),
    )
    about_party_ids = [pk for pk in about_party_ids if 0 < pk < BIGINT_END]
    others = "0"
    if about_party_ids:
        others = (
            f"(SELECT COUNT(*) FROM {party} o WHERE o.diagnostic_id = p.diagnostic_id "
            f"AND o.id <> p.party_id AND o.id IN ({', '.join(['%s'] * len(about_party_ids))}))"
        )
    sql = (
        "SELECT p.id, p.diagnostic_id, p.party_id, p.revoked_at, "
        f"(SELECT r.id FROM {round_} r WHERE r.diagnostic_id = p.diagnostic_id "
        "AND r.closed_at IS NULL LIMIT 1), "
        f"{_value_code_sql()}, d.asks_estimates, d.asks_importance, {others} "
        f"FROM {participant} p JOIN {diagnostic} d ON d.id = p.diagnostic_id WHERE p.token = %s"
    )
    if not 0 < value_code_id < BIGINT_END:
        value_code_id = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [value_code_id, *about_party_ids, token])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, diagnostic_id, party_id, revoked_at, round_id, found, estimates, importance, n = row
    person = Participant.from_db(
        connection.alias,
        ["id", "diagnostic_id", "party_id", "token", "revoked_at"],
        [pk, diagnostic_id, party_id, token, revoked_at],
    )
    return person, round_id, *_owned_asked_locked(found), bool(estimates), bool(importance), n


def upsert_estimates(*, participant_id, value_code_id, round_id, levels):
    """Insert or update the participant's estimates {about party id: level or None} on one
    Value Code: one statement, atomic on its own, as upsert_rating."""
    quote = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ("round_id", "participant_id", "value_code_id", "about_party_id", "level")
    rows = [
        (round_id, participant_id, value_code_id, party_id, level)
        for party_id, level in levels.items()
    ]
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {_table(Estimate)} ({', '.join(quote(c) for c in columns)}, "
        f"{quote('updated_at')}) VALUES {placeholders} "
        "ON CONFLICT (round_id, participant_id, value_code_id, about_party_id) DO UPDATE SET "
        f"{quote('level')} = EXCLUDED.{quote('level')}, "
        f"{quote('updated_at')} = EXCLUDED.{quote('updated_at')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in (*row, now)])


def upsert_rating(*, participant_id, value_code_id, round_id, fields):
    """Insert the rating, or update on it only the columns in `fields` and updated_at: one
    statement, atomic on its own (no transaction around it), so simultaneous saves neither
    duplicate a rating nor lose each other's answers. updated_at moves on every save, as
    diagnostics.publication finds changes by it. Returns the rating's id."""
    unknown = set(fields).difference(ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"Not an answer column: {sorted(unknown)}")
    quote = connection.ops.quote_name
    values = {
        "participant_id": participant_id,
        "value_code_id": value_code_id,
        "round_id": round_id,
        **{name: Rating._meta.get_field(name).get_default() for name in ANSWER_FIELDS},
        **fields,
        "updated_at": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    changed = [*fields, "updated_at"]
    sql = (
        f"INSERT INTO {_table(Rating)} ({', '.join(quote(c) for c in values)}) "
        f"VALUES ({', '.join(['%s'] * len(values))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in RATING_KEY)}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in changed)
        + f" RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(values.values()))
        return cursor.fetchone()[0]


def answered_count(participant_id, round_id):
    """How many Value Codes the participant is asked and answered in full in the round
    (participation.progress.answered_count_sql)."""
    sql = f"SELECT {answered_count_sql('p', '%s')} FROM {_table(Participant)} p WHERE p.id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_id, participant_id])
        return cursor.fetchone()[0]


def read_for_stance(token, value_code_id):
    """As read_for_save, for a save of give and take: (participant, open round id or None,
    whether `value_code_id` is the diagnostic's, whether they are asked it, whether it is locked,
    the diagnostic's asks_stance); None for no such link. One statement."""
    participant, round_, diagnostic = _table(Participant), _table(Round), _table(Diagnostic)
    sql = (
        "SELECT p.id, p.diagnostic_id, p.revoked_at, "
        f"(SELECT r.id FROM {round_} r WHERE r.diagnostic_id = p.diagnostic_id "
        "AND r.closed_at IS NULL LIMIT 1), "
        f"{_value_code_sql()}, d.asks_stance "
        f"FROM {participant} p JOIN {diagnostic} d ON d.id = p.diagnostic_id WHERE p.token = %s"
    )
    if not 0 < value_code_id < BIGINT_END:
        value_code_id = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [value_code_id, token])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, diagnostic_id, revoked_at, round_id, found, asks_stance = row
    person = Participant.from_db(
        connection.alias,
        ["id", "diagnostic_id", "token", "revoked_at"],
        [pk, diagnostic_id, token, revoked_at],
    )
    return person, round_id, *_owned_asked_locked(found), bool(asks_stance)
