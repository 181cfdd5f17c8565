"""The one place where ratings become figures (PRODUCT.md sections 3 and 4).

Everything that shows or exports results (dashboard, JSON/CSV, workshop reveal, PDF) calls
`analyse`, so the formulas and the anonymity rule live here and nowhere else. While a round is
open, its figures are made of the published copy of its ratings, which `analyse` brings up to
date first (diagnostics.publication: results move in steps of K); a closed round's are made of
its ratings.

The database does the heavy work: one GROUP BY (Value Code x party) returns the level
distributions of current and target. Counts, means and population standard deviations follow
exactly from those ten integers per group, so no rating row is ever loaded into Python.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from diagnostics.models import AgreedTarget, Publication, PublishedRating, Rating
from diagnostics.publication import publish_due
from diagnostics.rounds import chosen_round, previous_round
from results import give_and_take
from ttm.levels import LEVELS

from . import understanding
from .distributions import EMPTY, Distribution

DECIMALS = 4
DISAGREEMENT = 0.5  # a perception gap of at least this many levels is a disagreement


def _round(value):
    return None if value is None else round(value, DECIMALS)


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _difference(a, b):
    return None if a is None or b is None else a - b


def _spread(values):
    values = [v for v in values if v is not None]
    return max(values) - min(values) if len(values) >= 2 else None


@dataclass(frozen=True)
class Answers:
    """The rows a round's figures are made of, and the path from such a row to its party."""

    rows: object  # a queryset of Rating or PublishedRating
    party: str

    @property
    def party_id(self):
        return f"{self.party}_id"


def answers_of(round_):
    """While a round is open, its published copy (PRODUCT.md 3); once closed, its ratings."""
    if round_.is_open:
        return Answers(PublishedRating.objects.filter(round=round_), "party")
    return Answers(Rating.objects.filter(round=round_), "participant__party")


def level_distributions(round_, value_code_ids=None):
    """{(value_code_id, party_id): (current Distribution, target Distribution)} in one query.

    In an open round a pair missing here has never been published: its results are pending.
    """
    answers = answers_of(round_)
    rows = answers.rows
    if value_code_ids is not None:
        rows = rows.filter(value_code_id__in=value_code_ids)
    counts = {f"c{level}": Count("id", filter=Q(current_level=level)) for level in LEVELS}
    counts |= {f"t{level}": Count("id", filter=Q(target_level=level)) for level in LEVELS}
    rows = rows.values("value_code_id", answers.party_id).annotate(**counts).order_by()
    return {
        (row["value_code_id"], row[answers.party_id]): (
            Distribution(tuple(row[f"c{level}"] for level in LEVELS)),
            Distribution(tuple(row[f"t{level}"] for level in LEVELS)),
        )
        for row in rows
    }


def response_counts(round_):
    """{party_id: number of participants with at least one rating in the round (published)}.

    In an open round, a person counts once any kind of their answers is published (levels,
    importance or stance: diagnostics.publication), so this count may move by fewer than K: it
    says that someone answered, never what."""
    answers = answers_of(round_)
    rows = (
        answers.rows.values(answers.party_id)
        .annotate(n=Count("participant_id", distinct=True))
        .order_by()
    )
    return {row[answers.party_id]: row["n"] for row in rows}


def publication_times(round_, parties):
    """{party_id: when its figures were last published}; a closed round's at its closing.

    A party missing from an open round's answer has never been published.
    """
    if not round_.is_open:
        return {party.pk: round_.closed_at for party in parties}
    return dict(Publication.objects.filter(round=round_).values_list("party_id", "published_at"))


def _iso(moment):
    return moment.isoformat() if moment else None


def pending_figures():
    """A party never published for a Value Code shows nothing but that results are pending."""
    return {
        "n_current": None,
        "n_target": None,
        "mean_current": None,
        "mean_target": None,
        "sd_current": None,
        "gap": None,
        "current_distribution": None,
        "target_distribution": None,
        "suppressed_current": True,
        "suppressed_target": True,
        "pending": True,
    }


def party_figures(current, target, threshold):
    """One party's figures for one Value Code; figures given by fewer than K people are null."""
    suppressed_current = current.n < threshold
    suppressed_target = target.n < threshold
    mean_current = None if suppressed_current else current.mean
    mean_target = None if suppressed_target else target.mean
    return {
        "n_current": current.n,
        "n_target": target.n,
        "mean_current": mean_current,
        "mean_target": mean_target,
        "sd_current": None if suppressed_current else current.sd,
        "gap": _difference(mean_target, mean_current),
        "current_distribution": None if suppressed_current else list(current.counts),
        "target_distribution": None if suppressed_target else list(target.counts),
        "suppressed_current": suppressed_current,
        "suppressed_target": suppressed_target,
        "pending": False,
    }


def agreed_target_figures(agreed_target):
    """The `agreed_target` entry of a Value Code: what the parties agreed to aim for, or None."""
    if agreed_target is None:
        return None
    return {
        "level": agreed_target.level,
        "trade_off": agreed_target.trade_off,
        "owner": agreed_target.owner,
        "due_date": agreed_target.due_date.isoformat() if agreed_target.due_date else None,
    }


def agreed_targets(round_, value_code_ids=None):
    """{value_code_id: AgreedTarget} for the round, in one query."""
    targets = AgreedTarget.objects.filter(round=round_)
    if value_code_ids is not None:
        targets = targets.filter(value_code_id__in=value_code_ids)
    return {target.value_code_id: target for target in targets}


def value_code_figures(
    value_code, parties, distributions, threshold, agreed=None, *, missing_is_pending=False
):
    """Per-party, overall and cross-party figures; suppressed and pending ones take no part.

    `missing_is_pending`: a party without figures has never been published (an open round).
    """
    by_party = {}
    for party in parties:
        found = distributions.get((value_code.pk, party.pk))
        if found is None and missing_is_pending:
            by_party[party.name] = pending_figures()
        else:
            current, target = found or (EMPTY, EMPTY)
            by_party[party.name] = party_figures(current, target, threshold)
    means_current = [f["mean_current"] for f in by_party.values()]
    means_target = [f["mean_target"] for f in by_party.values()]
    overall_current, overall_target = _mean(means_current), _mean(means_target)
    overall_gap = _difference(overall_target, overall_current)
    return {
        "identifier": value_code.identifier,
        "section": value_code.section,
        "weight": float(value_code.weight),
        "parties": by_party,
        "overall": {
            "mean_current": overall_current,
            "mean_target": overall_target,
            "gap": overall_gap,
        },
        "perception_gap_current": _spread(means_current),
        "perception_gap_target": _spread(means_target),
        "priority": None if overall_gap is None else overall_gap * value_code.weight,
        "agreed_target": agreed_target_figures(agreed),
    }


def ranked(value_codes, key):
    """Identifiers with a non-null figure, largest first, ties by identifier ascending."""
    # Rank on the published (rounded) figures, so that ties are the ties people see.
    scored = [(_round(vc[key]), vc["identifier"]) for vc in value_codes if vc[key] is not None]
    return [identifier for _, identifier in sorted(scored, key=lambda s: (-s[0], s[1]))]


def things_that_matter_figures(diagnostic, figures_by_identifier):
    """A Thing That Matters scores the means of its Value Codes' overall figures."""
    result = []
    things = diagnostic.things_that_matter.prefetch_related("value_codes").order_by(
        "position", "id"
    )
    for thing in things:
        identifiers = [vc.identifier for vc in sorted(thing.value_codes.all(), key=_order)]
        overalls = [
            figures_by_identifier[i]["overall"] for i in identifiers if i in figures_by_identifier
        ]
        result.append(
            {
                "title": thing.title,
                "kind": thing.kind,
                "direction": thing.direction,
                "value_codes": identifiers,
                "mean_current": _mean([o["mean_current"] for o in overalls]),
                "mean_target": _mean([o["mean_target"] for o in overalls]),
                "gap": _mean([o["gap"] for o in overalls]),
            }
        )
    return result


def _order(value_code):
    return (value_code.position, value_code.pk)


def _rounded(node):
    if isinstance(node, float):
        return _round(node)
    if isinstance(node, dict):
        return {key: _rounded(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_rounded(value) for value in node]
    return node


def round_figures(round_, parties, value_codes, threshold, value_code_ids=None):
    """Unrounded figures of every Value Code in one round, in the given order."""
    distributions = level_distributions(round_, value_code_ids)
    agreed = agreed_targets(round_, value_code_ids)
    return [
        value_code_figures(
            vc,
            parties,
            distributions,
            threshold,
            agreed.get(vc.pk),
            missing_is_pending=round_.is_open,
        )
        for vc in value_codes
    ]


def overall_currents(diagnostic, round_, value_codes, parties):
    """{value_code_id: unrounded overall mean_current} of some Value Codes in one round.

    The same figures `analyse` makes of that round (its published copy while open, suppressed
    party means left out), for rules that compare rounds further apart than "the previous".
    """
    threshold = diagnostic.anonymity_threshold
    ids = [vc.pk for vc in value_codes]
    publish_due(round_, threshold=threshold, value_code_ids=ids)
    figures = round_figures(round_, parties, value_codes, threshold, ids)
    return {
        vc.pk: entry["overall"]["mean_current"]
        for vc, entry in zip(value_codes, figures, strict=True)
    }


def as_published(value):
    """A figure as the JSON holds it: rounded to DECIMALS places (None stays None)."""
    return _round(value)


def change(later, earlier):
    """A change as the JSON holds it: later minus earlier unrounded means, rounded; or None."""
    return _round(_difference(later, earlier))


def change_since(now, before, since_round):
    """The `change` entry of one Value Code: later minus earlier unrounded means (PRODUCT.md 4).

    Null where either mean is null (not given, or suppressed).
    """
    parties = {
        name: {
            key: _difference(figures[f"mean_{key}"], before["parties"][name][f"mean_{key}"])
            for key in ("current", "target")
        }
        for name, figures in now["parties"].items()
    }
    return {
        "since_round": since_round,
        **{
            f"overall_{key}": _difference(
                now["overall"][f"mean_{key}"], before["overall"][f"mean_{key}"]
            )
            for key in ("current", "target")
        },
        "parties": parties,
    }


def analyse(diagnostic, round_number=None, *, value_code_ids=None):
    """The analysis of one round, shaped exactly as the `analyse` JSON of PRODUCT.md 6.

    Each Value Code's `change` since the previous round is computed here, once, from unrounded
    means; every surface shows it rounded from this value. `value_code_ids` limits the work to
    some Value Codes (the workshop reveals one at a time); rankings and Things That Matter then
    cover only those.
    """
    round_ = chosen_round(diagnostic, round_number)
    threshold = diagnostic.anonymity_threshold
    publish_due(
        round_,
        threshold=threshold,
        value_code_ids=value_code_ids,
        estimates=diagnostic.asks_estimates,
    )
    parties = list(diagnostic.parties.order_by("position", "id"))
    value_codes = diagnostic.value_codes.order_by("position", "id")
    if value_code_ids is not None:
        value_codes = value_codes.filter(pk__in=value_code_ids)
    value_codes = list(value_codes)
    figures = round_figures(round_, parties, value_codes, threshold, value_code_ids)
    previous = previous_round(round_)
    if previous is None:
        for entry in figures:
            entry["change"] = None
    else:
        earlier = round_figures(previous, parties, value_codes, threshold, value_code_ids)
        for entry, before in zip(figures, earlier, strict=True):
            entry["change"] = change_since(entry, before, previous.number)
    understood = understanding.add_figures(
        diagnostic, round_, answers_of(round_), parties, value_codes, figures, value_code_ids
    )
    gave_and_took = give_and_take.add_figures(
        diagnostic, round_, answers_of(round_), parties, value_codes, figures, value_code_ids
    )
    by_identifier = {f["identifier"]: f for f in figures}
    responses = response_counts(round_)
    published = publication_times(round_, parties)
    return _rounded(
        {
            "diagnostic": diagnostic.slug,
            "round": round_.number,
            "anonymity_threshold": threshold,
            "parties": [party.name for party in parties],
            # A party never published shows nothing, not even how many answered.
            "response_counts": {
                party.name: responses.get(party.pk, 0) if party.pk in published else None
                for party in parties
            },
            "published_at": {party.name: _iso(published.get(party.pk)) for party in parties},
            "value_codes": figures,
            "things_that_matter": things_that_matter_figures(diagnostic, by_identifier)
            if value_code_ids is None
            else [],
            "priorities": ranked(figures, "priority"),
            "blind_spots": ranked(figures, "perception_gap_current"),
            **understood,
            **gave_and_took,
        }
    )


def disagreements(result):
    """Identifiers of `blind_spots` whose perception gap reaches DISAGREEMENT (PRODUCT.md 4).

    Screens and the PDF call a Value Code a disagreement only then; the JSON ranking keeps all.
    """
    gaps = {vc["identifier"]: vc["perception_gap_current"] for vc in result["value_codes"]}
    return [i for i in result["blind_spots"] if gaps[i] >= DISAGREEMENT]


def anonymous_comments(diagnostic, round_, value_code_ids=None):
    """{value_code_id: {party name: [comment, ...]}}, without names, sorted by text.

    A party's comments on a Value Code are shown only when at least K of its participants
    rated that Value Code in the round (PRODUCT.md 3); in an open round, as last published.
    The rule looks at one Value Code at a time, so `value_code_ids` (the dashboard's details
    of one Value Code) limits the work without changing what is shown.
    """
    answers = answers_of(round_)
    if value_code_ids is not None:
        answers = Answers(answers.rows.filter(value_code_id__in=value_code_ids), answers.party)
    # Rated: answered where we are or where we should be. A row holding only importance, a
    # give-and-take mark or an estimate is no rating, or comments could show beside level
    # figures hidden for having fewer than K answers.
    raters = (
        answers.rows.filter(Q(current_answered=True) | Q(target_answered=True))
        .values("value_code_id", answers.party_id)
        .annotate(n=Count("id"))  # one row per participant and Value Code
        .order_by()
    )
    allowed = {
        (row["value_code_id"], row[answers.party_id])
        for row in raters
        if row["n"] >= diagnostic.anonymity_threshold
    }
    rows = answers.rows.exclude(comment="").values_list(
        "value_code_id", answers.party_id, f"{answers.party}__name", "comment"
    )
    comments = {}
    for value_code_id, party_id, party_name, comment in rows:
        if (value_code_id, party_id) in allowed:
            comments.setdefault(value_code_id, {}).setdefault(party_name, []).append(comment)
    for by_party in comments.values():
        for texts in by_party.values():
            texts.sort(key=str.casefold)
    return comments


CSV_COLUMNS = [
    "diagnostic", "round", "identifier", "section", "weight", "party",
    "n_current", "n_target", "mean_current", "mean_target", "sd_current", "gap",
    *(f"current_{level}" for level in LEVELS), *(f"target_{level}" for level in LEVELS),
    "suppressed_current", "suppressed_target",
    "overall_mean_current", "overall_mean_target", "overall_gap",
    "perception_gap_current", "perception_gap_target", "priority",
    "change_since_round", "change_current", "change_target",
    "change_overall_current", "change_overall_target", "pending",
]  # fmt: skip


def csv_rows(analysis):
    """One row per Value Code x party with the figures of the JSON; null is an empty cell."""
    for vc in analysis["value_codes"]:
        change = vc["change"] or {"parties": {}}
        for party, figures in vc["parties"].items():
            party_change = change["parties"].get(party, {})
            current = figures["current_distribution"] or [None] * 5
            target = figures["target_distribution"] or [None] * 5
            yield [
                analysis["diagnostic"], analysis["round"], vc["identifier"], vc["section"],
                vc["weight"], party,
                figures["n_current"], figures["n_target"], figures["mean_current"],
                figures["mean_target"], figures["sd_current"], figures["gap"],
                *current, *target,
                figures["suppressed_current"], figures["suppressed_target"],
                vc["overall"]["mean_current"], vc["overall"]["mean_target"], vc["overall"]["gap"],
                vc["perception_gap_current"], vc["perception_gap_target"], vc["priority"],
                change.get("since_round"), party_change.get("current"),
                party_change.get("target"), change.get("overall_current"),
                change.get("overall_target"), figures["pending"],
            ]  # fmt: skip
