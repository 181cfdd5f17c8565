"""Results move in steps of K (PRODUCT.md 3): an open round shows a published copy.

While a round is open, every figure and comment comes from PublishedRating, a copy of the
ratings as they stood when last published, never from the live ratings. A party's answers on a
Value Code are published again only once at least K of its participants have given or changed
an answer on that Value Code since: the difference between two publications then mixes the
answers of K people, so nobody's answer can be read from it.

Per Value Code rather than per party, because a party-wide count lets one quick respondent
through: if Ann answers all forty Value Codes while Ben and Cy answer one each, a party-wide
publication shows Ann's own answer on the other thirty-nine, each the only new one.

Estimates of the other side, importance and give and take (PRODUCT.md 10) are copied with the
ratings of the same party and Value Code, and a changed one counts as a changed answer of its
person (marking a stance, changing it or taking it back is a change).

The relationship pulse (PRODUCT.md 10) is not about a Value Code: it is published per pair,
party A about party B, once at least K of A's participants have given, changed or taken back
their pulse about B since that pair was last published (`publish_due_pulse`), independently of
the ratings. Its copy is PublishedPulse: a pair without a copied row was never published.

Only levels count as a change (a level, "don't know", or answering at all): a comment edited
on its own, and a participant removed, are carried along by the next publication of that
Value Code. Closing the round publishes the final figures: closed rounds are read from the
ratings themselves.

Publication happens when results are read (analysis.analyse calls `publish_due`), never when
a rating is saved, so saves stay lean. Finding the changes compares ratings with their copies;
to keep that cheap on every read, only ratings saved since a watermark are compared: a moment
before which every rating is known to be published, or counted among those still waiting. The
watermark lives in the cache, and it can only make a change count late, never let a figure out
early: a change it misses (a cold cache costs one full comparison instead) is not counted
towards K, and is published with the next publication of its Value Code, or at closing.
"""

import datetime
import operator
from collections import defaultdict
from functools import reduce

from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.connection import ConnectionProxy
from django.utils.dateparse import parse_datetime

from .models import (
    ANSWER_FIELDS,
    Estimate,
    Publication,
    PublishedEstimate,
    PublishedPulse,
    PublishedRating,
    Pulse,
    Rating,
    Round,
)

cache = ConnectionProxy(caches, "live")  # a lost watermark costs a full comparison, no more

# Longer than a rating save takes from stamping `updated_at` to committing (and than the clock
# skew between web servers), so that a change committed late is still counted.
SETTLING = datetime.timedelta(seconds=10)
BIG_COPY = 10_000  # rows: PostgreSQL plans the next comparison well only with fresh statistics
WATERMARK_TIMEOUT = 7 * 24 * 3600
WATERMARK_STEP = datetime.timedelta(seconds=30)  # no cache write on every read


def _watermark_key(round_):
    # opened_at too: ids come back after a database restore; a watermark must die with its round.
    return f"ttm:publication:{round_.pk}:{round_.opened_at.timestamp()}"


def _level(field):
    return Coalesce(field, Value(0))


def _changed_ratings(round_, *, since, value_code_ids):
    """Ratings whose levels (current, target, importance) or stance differ from their published
    copy, or that have none."""
    same_copy = (
        PublishedRating.objects.filter(
            round_id=OuterRef("round_id"),
            participant_id=OuterRef("participant_id"),
            value_code_id=OuterRef("value_code_id"),
            current_answered=OuterRef("current_answered"),
            target_answered=OuterRef("target_answered"),
            importance_answered=OuterRef("importance_answered"),
            stance=OuterRef("stance"),
        )
        .annotate(
            published_current=_level("current_level"),
            published_target=_level("target_level"),
            published_importance=_level("importance_level"),
        )
        .filter(
            published_current=_level(OuterRef("current_level")),
            published_target=_level(OuterRef("target_level")),
            published_importance=_level(OuterRef("importance_level")),
        )
    )
    return _recent(
        Rating.objects.filter(round_id=round_.pk).filter(~Exists(same_copy)), since, value_code_ids
    )


def _changed_estimates(round_, *, since, value_code_ids):
    """Estimates that differ from their published copy, or have none."""
    same_copy = (
        PublishedEstimate.objects.filter(
            round_id=OuterRef("round_id"),
            participant_id=OuterRef("participant_id"),
            value_code_id=OuterRef("value_code_id"),
            about_party_id=OuterRef("about_party_id"),
        )
        .annotate(published=_level("level"))
        .filter(published=_level(OuterRef("level")))
    )
    return _recent(
        Estimate.objects.filter(round_id=round_.pk).filter(~Exists(same_copy)),
        since,
        value_code_ids,
    )


def _recent(changed, since, value_code_ids):
    if since is not None:
        changed = changed.filter(updated_at__gte=since)
    if value_code_ids is not None:
        changed = changed.filter(value_code_id__in=value_code_ids)
    return changed


def _changes(round_, *, since=None, value_code_ids=None, estimates=False):
    """[{pair, n, oldest}]: participants whose answers differ from their published copy (or
    have none), counted per party and Value Code, with the oldest `updated_at`.

    With `estimates`, a changed estimate is a changed answer too: a person counts once per
    Value Code whatever they changed, so both kinds are counted together in one query."""
    changed = _changed_ratings(round_, since=since, value_code_ids=value_code_ids)
    if not estimates:
        rows = (
            changed.values("participant__party_id", "value_code_id")
            .annotate(n=Count("id"), oldest=Min("updated_at"))
            .order_by()
        )
        return [
            {
                "pair": (row["participant__party_id"], row["value_code_id"]),
                "n": row["n"],
                "oldest": row["oldest"],
            }
            for row in rows
        ]
    columns = ("estimator_party", "value_code_id", "participant_id", "updated_at")
    party = {"estimator_party": F("participant__party_id")}
    ratings = changed.annotate(**party).values_list(*columns).order_by()
    guesses = _changed_estimates(round_, since=since, value_code_ids=value_code_ids)
    guesses = guesses.annotate(**party).values_list(*columns).order_by()
    (rating_sql, rating_params), (guess_sql, guess_params) = (
        ratings.query.sql_with_params(),
        guesses.query.sql_with_params(),
    )
    # The first SELECT names the columns of the union.
    sql = (
        "SELECT estimator_party, value_code_id, COUNT(DISTINCT participant_id), "
        f"MIN(updated_at) FROM ({rating_sql} UNION ALL {guess_sql}) AS changed "
        "GROUP BY estimator_party, value_code_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rating_params, *guess_params])
        rows = cursor.fetchall()
    return [
        {"pair": (party_id, value_code_id), "n": n, "oldest": _moment(oldest)}
        for party_id, value_code_id, n, oldest in rows
    ]


def _moment(value):
    """A timestamp read by hand: SQLite gives text (UTC), PostgreSQL a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _pairs(by_party, party_field):
    """One Q matching the given {party id: [Value Code ids]} (constant queries, any size)."""
    return reduce(
        operator.or_,
        (
            Q(**{party_field: party_id, "value_code_id__in": value_code_ids})
            for party_id, value_code_ids in by_party.items()
        ),
    )


def _copy(round_, by_party):
    """Replace the published copy of these (party, Value Code) pairs with the live ratings and
    estimates, in one DELETE and one INSERT ... SELECT each whatever their number."""
    _copy_rows(
        round_,
        by_party,
        PublishedRating,
        Rating,
        ["participant_id", "value_code_id", *ANSWER_FIELDS],
    )
    _copy_rows(
        round_,
        by_party,
        PublishedEstimate,
        Estimate,
        ["participant_id", "value_code_id", "about_party_id", "level"],
    )


def _copy_rows(round_, by_party, copy_model, live_model, fields):
    copy_model.objects.filter(round_id=round_.pk).filter(
        _pairs(by_party, "party_id") | _pairs(by_party, "participant__party_id")
    ).delete()
    source = (
        live_model.objects.filter(round_id=round_.pk)
        .filter(_pairs(by_party, "participant__party_id"))
        .values_list("round_id", "participant__party_id", *fields)
        .order_by()
    )
    select, params = source.query.sql_with_params()
    columns = ["round_id", "party_id", *fields]
    quote = connection.ops.quote_name
    table = quote(copy_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) {select}", params
        )
        if cursor.rowcount >= BIG_COPY and connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")


@transaction.atomic
def _publish(round_, *, threshold, since, value_code_ids, estimates):
    """Publish what is due, rechecked under a lock on the round: two readers never publish twice,
    and nothing that arrived meanwhile slips through without K behind it."""
    locked = Round.objects.select_for_update().only("closed_at").get(pk=round_.pk)
    if locked.closed_at is not None:
        return set()  # closed meanwhile: its final figures are its ratings
    due = [
        change
        for change in _changes(
            round_, since=since, value_code_ids=value_code_ids, estimates=estimates
        )
        if change["n"] >= threshold
    ]
    by_party = defaultdict(list)
    for change in due:
        party_id, value_code_id = change["pair"]
        by_party[party_id].append(value_code_id)
    if not by_party:
        return set()
    _copy(round_, by_party)
    now = timezone.now()
    Publication.objects.bulk_create(
        [
            Publication(round_id=round_.pk, party_id=party_id, published_at=now)
            for party_id in by_party
        ],
        update_conflicts=True,
        unique_fields=["round", "party"],
        update_fields=["published_at"],
    )
    return {change["pair"] for change in due}


def publish_due(round_, *, threshold, value_code_ids=None, estimates=False):
    """Publish each (party, Value Code) of an open round that at least `threshold` participants
    of the party answered or changed since its last publication; returns the pairs published.
    With `estimates` (the diagnostic asks for them), a changed estimate counts as a change.

    One query when nothing is due, a few more when something is; idempotent, and safe when
    several requests run it at once. `value_code_ids` limits the work to some Value Codes.
    """
    if not round_.is_open:
        return set()
    key = _watermark_key(round_)
    since = cache.get(key)
    checked_at = timezone.now()
    changes = _changes(round_, since=since, value_code_ids=value_code_ids, estimates=estimates)
    due_codes = sorted({c["pair"][1] for c in changes if c["n"] >= threshold})
    published = set()
    if due_codes:
        published = _publish(
            round_,
            threshold=threshold,
            since=since,
            value_code_ids=due_codes,
            estimates=estimates,
        )
    if value_code_ids is None:
        # Only a look at every Value Code knows all the changes still waiting for K.
        waiting = [c["oldest"] for c in changes if c["pair"] not in published]
        watermark = min([checked_at - SETTLING, *waiting])
        if since is None or watermark - since > WATERMARK_STEP:  # an older one is still true
            cache.set(key, watermark, WATERMARK_TIMEOUT)
    return published


@transaction.atomic
def publish_final(round_):
    """Closing a round publishes its final figures: closed rounds are read from the ratings, so
    the published copy is no longer needed."""
    PublishedRating.objects.filter(round_id=round_.pk).delete()
    PublishedEstimate.objects.filter(round_id=round_.pk).delete()
    Publication.objects.filter(round_id=round_.pk).delete()
    PublishedPulse.objects.filter(round_id=round_.pk).delete()
    cache.delete(_watermark_key(round_))


def _pulse_changes(round_):
    """{(party id, about party id): participants whose pulse differs from its published copy},
    counted in one query. A pulse taken back (null) counts only where a copy had a score."""
    copy = PublishedPulse.objects.filter(
        round_id=OuterRef("round_id"),
        participant_id=OuterRef("participant_id"),
        about_party_id=OuterRef("about_party_id"),
    )
    same = copy.annotate(published=Coalesce("score", Value(-1))).filter(
        published=Coalesce(OuterRef("score"), Value(-1))
    )
    rows = (
        Pulse.objects.filter(round_id=round_.pk)
        .filter(~Exists(same))
        .exclude(Q(score__isnull=True) & ~Exists(copy.filter(score__isnull=False)))
        .values("participant__party_id", "about_party_id")
        .annotate(n=Count("participant_id", distinct=True))
        .order_by()
    )
    return {(row["participant__party_id"], row["about_party_id"]): row["n"] for row in rows}


def publish_due_pulse(round_, *, threshold):
    """Publish each pulse pair (party, about party) of an open round that at least `threshold`
    of the party's participants answered, changed or took back since its last publication;
    returns the pairs published. One query when nothing is due."""
    if not round_.is_open:
        return set()
    if not any(n >= threshold for n in _pulse_changes(round_).values()):
        return set()
    return _publish_pulse(round_, threshold=threshold)


@transaction.atomic
def _publish_pulse(round_, *, threshold):
    locked = Round.objects.select_for_update().only("closed_at").get(pk=round_.pk)
    if locked.closed_at is not None:
        return set()
    due = {pair for pair, n in _pulse_changes(round_).items() if n >= threshold}
    if not due:
        return set()
    pairs = reduce(
        operator.or_,
        (Q(party_id=party, about_party_id=about) for party, about in due),
    )
    live_pairs = reduce(
        operator.or_,
        (Q(participant__party_id=party, about_party_id=about) for party, about in due),
    )
    PublishedPulse.objects.filter(round_id=round_.pk).filter(pairs).delete()
    PublishedPulse.objects.bulk_create(
        PublishedPulse(
            round_id=round_.pk,
            party_id=party_id,
            participant_id=participant_id,
            about_party_id=about_party_id,
            score=score,
        )
        for participant_id, party_id, about_party_id, score in Pulse.objects.filter(
            round_id=round_.pk
        )
        .filter(live_pairs)
        .values_list("participant_id", "participant__party_id", "about_party_id", "score")
    )
    return due
