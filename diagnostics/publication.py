"""Results move in steps of K (PRODUCT.md 3): an open round shows a published copy.

While a round is open, every figure and comment comes from PublishedRating and
PublishedEstimate, a copy of the answers as they stood when last published, never from the
live ones. The copy moves one Figure at a time: one kind of answer of a party on a Value Code,

- "levels": where we are and where we should be, "don't know" and answering at all (the
  comment rides along: edited on its own it is no change, and the next publication of the
  levels carries it);
- "importance";
- "stance" (give and take: marking, changing or taking back a mark is a change);
- "estimates" about one other party: estimates[A][B] is a figure of its own for each B.

A Figure is published again only once at least K of the party's participants have given or
changed that very kind of answer on that Value Code since its last publication: the difference
between two publications of any figure then mixes the changes of K people to it, so nobody's
answer can be read from it. Counting people whatever they changed is not enough: with K 3, two
people changing only their stance and a third his level would publish a distribution that
moved by that one level.

Per Value Code rather than per party, because a party-wide count lets one quick respondent
through: if Ann answers all forty Value Codes while Ben and Cy answer one each, a party-wide
publication shows Ann's own answer on the other thirty-nine, each the only new one.

Publishing a kind copies only its fields into the published row, leaving the other kinds as
they were published; a person's first publication of one kind makes a row that holds every
other kind unanswered (UNANSWERED: no level, no importance, no mark, no comment), which every
reader counts as no answer. A row left with nothing published goes. What remains readable of a
kind published without another: the count of people who answered anything (response counts,
the comment gate's raters, `n_stance`, which counts people who answered levels or marked a
stance) may move by fewer than K, or by a publication of another kind. That says that someone
answered, never what.

The relationship pulse (PRODUCT.md 10) is not about a Value Code: it is published per pair,
party A about party B, once at least K of A's participants have given, changed or taken back
their pulse about B since that pair was last published (`publish_due_pulse`), independently of
the ratings. Its copy is PublishedPulse: a pair without a copied row was never published.

A participant removed is carried along by the next publication of each kind: until then their
published answers stay. Closing the round publishes the final figures: closed rounds are read
from the ratings themselves.

Publication happens when results are read (analysis.analyse calls `publish_due`), never when
a rating is saved, so saves stay lean. Finding the changes compares ratings with their copies,
every kind in one query; publishing takes a fixed handful of statements per kind due, whatever
the number of Value Codes and people. To keep the comparison cheap on every read, only answers
saved since a watermark are compared: a moment before which every answer is known to be
published, or counted among those still waiting, of every kind. The watermark lives in the
cache, and it can only make a change count late, never let a figure out early: a change it
misses (a cold cache costs one full comparison instead) is not counted towards K, and is
published with the next publication of its Figure, or at closing.
"""

import datetime
import operator
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from typing import NamedTuple

from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
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


# The kinds of answer on a (party, Value Code) that count towards K, and are published, each on
# its own: {kind: (its fields of Rating/PublishedRating, the fields compared to find a change,
# the condition of a rating that has not answered it)}. Levels carry the comment along.
LEVELS, IMPORTANCE, STANCE, ESTIMATES = "levels", "importance", "stance", "estimates"
RATING_KINDS = {
    LEVELS: (
        ("current_level", "target_level", "current_answered", "target_answered", "comment"),
        ("current_answered", "target_answered", "current_level", "target_level"),
        Q(current_answered=False, target_answered=False),
    ),
    IMPORTANCE: (
        ("importance_level", "importance_answered"),
        ("importance_answered", "importance_level"),
        Q(importance_answered=False),
    ),
    STANCE: (("stance",), ("stance",), Q(stance="")),
}
# What a published row holds for a kind it has not been published for: nothing answered.
UNANSWERED = {
    "current_level": None,
    "target_level": None,
    "current_answered": False,
    "target_answered": False,
    "comment": "",
    "importance_level": None,
    "importance_answered": False,
    "stance": "",
}
assert set(UNANSWERED) == set(ANSWER_FIELDS)
LEVEL_FIELDS = {"current_level", "target_level", "importance_level"}
KIND_CODES = {LEVELS: 1, IMPORTANCE: 2, STANCE: 3, ESTIMATES: 4}  # in SQL
KIND_NAMES = {code: kind for kind, code in KIND_CODES.items()}
NO_PARTY = 0  # `about` of the kinds that are not estimates (ids start at 1)


class Figure(NamedTuple):
    """What is published on its own: one kind of answer of a party on a Value Code; estimates
    per party they are about (`about_party_id`, None for the other kinds)."""

    party_id: int
    value_code_id: int
    kind: str
    about_party_id: int | None = None


def _level(field):
    return Coalesce(field, Value(0))


def _same(field):
    """Equal in a published row and its rating, null ("don't know") equal to null."""
    if field in LEVEL_FIELDS:
        return Q(**{f"published_{field}": _level(OuterRef(field))})
    return Q(**{field: OuterRef(field)})


def _changed_ratings(round_, kind, *, since, value_code_ids):
    """Ratings whose answer of this kind differs from its published copy, or that answered it
    without a copy (a copy made for another kind holds it unanswered)."""
    _fields, compared, unanswered = RATING_KINDS[kind]
    copy = PublishedRating.objects.filter(
        round_id=OuterRef("round_id"),
        participant_id=OuterRef("participant_id"),
        value_code_id=OuterRef("value_code_id"),
    )
    same_copy = copy.annotate(
        **{f"published_{f}": _level(f) for f in compared if f in LEVEL_FIELDS}
    ).filter(reduce(operator.and_, (_same(f) for f in compared)))
    changed = (
        Rating.objects.filter(round_id=round_.pk)
        .filter(~Exists(same_copy))
        .exclude(unanswered & ~Exists(copy))
    )
    return _recent(changed, since, value_code_ids)


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


def _code(value):
    return Value(value, output_field=IntegerField())


def _changes(round_, *, since=None, value_code_ids=None, estimates=False):
    """[{figure, n, oldest}]: participants whose answer of one kind differs from its published
    copy, counted per Figure (party, Value Code, kind, and for estimates the party they are
    about), with the oldest `updated_at`: one query, every kind a SELECT of one UNION ALL.

    Estimates count only with `estimates` (the diagnostic asks for them)."""
    columns = ("estimator_party", "value_code_id", "kind", "about", "participant_id", "updated_at")
    selects = []
    for kind in RATING_KINDS:
        changed = _changed_ratings(round_, kind, since=since, value_code_ids=value_code_ids)
        selects.append(
            changed.annotate(
                estimator_party=F("participant__party_id"),
                kind=_code(KIND_CODES[kind]),
                about=_code(NO_PARTY),
            )
        )
    if estimates:
        changed = _changed_estimates(round_, since=since, value_code_ids=value_code_ids)
        selects.append(
            changed.annotate(
                estimator_party=F("participant__party_id"),
                kind=_code(KIND_CODES[ESTIMATES]),
                about=F("about_party_id"),
            )
        )
    sqls, params = [], []
    for select in selects:
        sql, select_params = select.values_list(*columns).order_by().query.sql_with_params()
        sqls.append(sql)
        params.extend(select_params)
    # The first SELECT names the columns of the union. One row per person and Value Code in
    # each SELECT, so COUNT(*) counts people.
    sql = (
        "SELECT estimator_party, value_code_id, kind, about, COUNT(*), MIN(updated_at) "
        f"FROM ({' UNION ALL '.join(sqls)}) AS changed "
        "GROUP BY estimator_party, value_code_id, kind, about"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        {
            "figure": Figure(
                party_id,
                value_code_id,
                KIND_NAMES[kind],
                None if KIND_NAMES[kind] != ESTIMATES else about,
            ),
            "n": n,
            "oldest": _moment(oldest),
        }
        for party_id, value_code_id, kind, about, n, oldest in rows
    ]


def _moment(value):
    """A timestamp read by hand: SQLite gives text (UTC), PostgreSQL a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _pairs(by_group, field_names):
    """One Q matching {group: [Value Code ids]}, a group being values of `field_names` (a party
    id, or a party id and the party it is about): constant queries, any size."""
    return reduce(
        operator.or_,
        (
            Q(**dict(zip(field_names, group, strict=True)), value_code_id__in=value_code_ids)
            for group, value_code_ids in by_group.items()
        ),
    )


def _copy(round_, due):
    """Copy each kind due from the live ratings and estimates into the published copy, leaving
    the other kinds as they were published: a few statements per kind, whatever their number."""
    by_kind = defaultdict(lambda: defaultdict(list))
    for figure in due:
        if figure.kind == ESTIMATES:
            by_kind[ESTIMATES][(figure.party_id, figure.about_party_id)].append(
                figure.value_code_id
            )
        else:
            by_kind[figure.kind][(figure.party_id,)].append(figure.value_code_id)
    rating_pairs = defaultdict(set)
    for kind in RATING_KINDS:
        if kind in by_kind:
            _copy_kind(round_, kind, by_kind[kind])
            for group, value_code_ids in by_kind[kind].items():
                rating_pairs[group].update(value_code_ids)
    if rating_pairs:
        # A row left with nothing published (its person removed, or all taken back) goes.
        PublishedRating.objects.filter(round_id=round_.pk).filter(
            _pairs(rating_pairs, ["party_id"]), **UNANSWERED
        ).delete()
    if ESTIMATES in by_kind:
        _copy_estimates(round_, by_kind[ESTIMATES])


def _copy_kind(round_, kind, by_party):
    """Publish one kind of answer of these (party, Value Code) pairs: the published rows take
    the kind's fields from their live rating (unanswered where it is gone), and a rating that
    answered the kind and has no published row yet gets one, unanswered in every other kind."""
    fields, _compared, unanswered = RATING_KINDS[kind]
    live = Rating.objects.filter(
        round_id=OuterRef("round_id"),
        participant_id=OuterRef("participant_id"),
        value_code_id=OuterRef("value_code_id"),
    )
    published = PublishedRating.objects.filter(round_id=round_.pk).filter(
        _pairs(by_party, ["party_id"])
    )
    published.update(
        **{
            field: Coalesce(
                Subquery(live.values(field)[:1]),
                Value(UNANSWERED[field]),
                output_field=PublishedRating._meta.get_field(field),
            )
            if UNANSWERED[field] is not None
            else Subquery(live.values(field)[:1])
            for field in fields
        }
    )
    has_copy = PublishedRating.objects.filter(
        round_id=OuterRef("round_id"),
        participant_id=OuterRef("participant_id"),
        value_code_id=OuterRef("value_code_id"),
    )
    answered = ~unanswered | ~Q(comment="") if kind == LEVELS else ~unanswered
    blank = {
        f"blank_{field}": Value(value, output_field=Rating._meta.get_field(field))
        for field, value in UNANSWERED.items()
        if field not in fields
    }
    source = (
        Rating.objects.filter(round_id=round_.pk)
        .filter(_pairs(by_party, ["participant__party_id"]))
        .filter(answered)
        .filter(~Exists(has_copy))
        .annotate(**blank)
        .values_list(
            "round_id",
            "participant__party_id",
            "participant_id",
            "value_code_id",
            *(field if field in fields else f"blank_{field}" for field in ANSWER_FIELDS),
        )
        .order_by()
    )
    _insert(
        PublishedRating,
        ["round_id", "party_id", "participant_id", "value_code_id", *ANSWER_FIELDS],
        source,
    )


def _copy_estimates(round_, by_pair):
    """Replace the published estimates of these (party, about party) pairs on their Value Codes
    with the live ones: one DELETE and one INSERT ... SELECT."""
    PublishedEstimate.objects.filter(round_id=round_.pk).filter(
        _pairs(by_pair, ["party_id", "about_party_id"])
        | _pairs(by_pair, ["participant__party_id", "about_party_id"])
    ).delete()
    fields = ["participant_id", "value_code_id", "about_party_id", "level"]
    source = (
        Estimate.objects.filter(round_id=round_.pk)
        .filter(_pairs(by_pair, ["participant__party_id", "about_party_id"]))
        .values_list("round_id", "participant__party_id", *fields)
        .order_by()
    )
    _insert(PublishedEstimate, ["round_id", "party_id", *fields], source)


def _insert(copy_model, columns, source):
    select, params = source.query.sql_with_params()
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
    due = {
        change["figure"]
        for change in _changes(
            round_, since=since, value_code_ids=value_code_ids, estimates=estimates
        )
        if change["n"] >= threshold
    }
    if not due:
        return set()
    _copy(round_, due)
    now = timezone.now()
    Publication.objects.bulk_create(
        [
            Publication(round_id=round_.pk, party_id=party_id, published_at=now)
            for party_id in sorted({figure.party_id for figure in due})
        ],
        update_conflicts=True,
        unique_fields=["round", "party"],
        update_fields=["published_at"],
    )
    return due


def publish_due(round_, *, threshold, value_code_ids=None, estimates=False):
    """Publish each Figure (a kind of answer of a party on a Value Code) of an open round that
    at least `threshold` participants of the party answered or changed since its last
    publication; returns the Figures published. With `estimates` (the diagnostic asks for
    them), estimates count and are published too.

    One query when nothing is due, a few more when something is; idempotent, and safe when
    several requests run it at once. `value_code_ids` limits the work to some Value Codes.
    """
    if not round_.is_open:
        return set()
    key = _watermark_key(round_)
    since = cache.get(key)
    checked_at = timezone.now()
    changes = _changes(round_, since=since, value_code_ids=value_code_ids, estimates=estimates)
    due_codes = sorted({c["figure"].value_code_id for c in changes if c["n"] >= threshold})
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
        waiting = [c["oldest"] for c in changes if c["figure"] not in published]
        watermark = min([checked_at - SETTLING, *waiting])
        if since is None or watermark - since > WATERMARK_STEP:  # an older one is still true
            cache.set(key, watermark, WATERMARK_TIMEOUT)
    return published


@dataclass(frozen=True)
class Waiting:
    """What closing an open round now would publish without K people behind it."""

    value_codes: int  # Value Codes with a kind of answer changed by fewer than K of a party
    pulse_pairs: int  # pulse pairs (party about party) changed by fewer than K
    removed: bool  # a removed person's answers are still in the published copy

    def __bool__(self):
        return bool(self.value_codes or self.pulse_pairs or self.removed)


def waiting_below_k(round_, *, threshold, estimates=False):
    """Closing a round publishes its final figures (PRODUCT.md 3), including changes that have
    not reached K: whoever knows who answered last, or whom they removed, could read those
    answers in the difference. This says how much is waiting, for the facilitator about to
    close; at most four queries."""
    value_codes = {
        change["figure"].value_code_id
        for change in _changes(round_, estimates=estimates)
        if change["n"] < threshold
    }
    pulse_pairs = sum(1 for n in _pulse_changes(round_).values() if n < threshold)
    removed = any(
        model.objects.filter(round_id=round_.pk, participant__isnull=True).exists()
        for model in (PublishedRating, PublishedPulse)
    )
    return Waiting(len(value_codes), pulse_pairs, removed)


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
