"""Mutual understanding's figures (PRODUCT.md 10): what each party thinks the others see, what
matters to whom, and how alike the parties see things. `analysis.analyse` calls `add_figures`.

Made of the same answers as every other figure (analysis.answers_of: the published copy while
a round is open, so they move in steps of K), counted per level in the database as the ratings
are: one GROUP BY for importance and one for estimates, whatever the number of Value Codes.
"""

from django.db.models import Count, Q

from diagnostics.models import PRIORITY_BY_IMPORTANCE, Estimate, PublishedEstimate
from ttm.levels import LEVELS

from .distributions import EMPTY, Distribution

# Importance by which the priority is not changed: priority = overall gap x importance / 3.
NEUTRAL_IMPORTANCE = 3
LEVEL_RANGE = 4  # the largest distance between two levels, 5 - 1


def _level_counts(rows, group_by, field):
    """{group: Distribution} of `field`'s levels, in one query."""
    counts = {f"l{level}": Count("id", filter=Q(**{field: level})) for level in LEVELS}
    rows = rows.values(*group_by).annotate(**counts).order_by()
    return {
        tuple(row[key] for key in group_by): Distribution(
            tuple(row[f"l{level}"] for level in LEVELS)
        )
        for row in rows
    }


def importance_distributions(answers, value_code_ids=None):
    """{(value_code_id, party_id): Distribution of importance} of analysis.Answers."""
    rows = answers.rows
    if value_code_ids is not None:
        rows = rows.filter(value_code_id__in=value_code_ids)
    return _level_counts(rows, ("value_code_id", answers.party_id), "importance_level")


def estimate_distributions(round_, value_code_ids=None):
    """{(value_code_id, party_id, about_party_id): Distribution of estimates}: the published
    copy while the round is open, the estimates once closed."""
    if round_.is_open:
        rows, party = PublishedEstimate.objects.filter(round=round_), "party_id"
    else:
        rows, party = Estimate.objects.filter(round=round_), "participant__party_id"
    if value_code_ids is not None:
        rows = rows.filter(value_code_id__in=value_code_ids)
    return _level_counts(rows, ("value_code_id", party, "about_party_id"), "level")


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _spread(values):
    values = [v for v in values if v is not None]
    return max(values) - min(values) if len(values) >= 2 else None


def importance_figures(by_party, distributions, value_code, parties, threshold):
    """The `importance` entry of one Value Code and its gap and overall mean.

    A party whose figures are pending shows nothing but that; fewer than K answers (not "don't
    know") are suppressed and take no part in the gap or the overall mean."""
    importance = {}
    for party in parties:
        if by_party[party.name]["pending"]:
            importance[party.name] = {
                "n_importance": None,
                "mean_importance": None,
                "suppressed": True,
                "pending": True,
            }
            continue
        found = distributions.get((value_code.pk, party.pk), EMPTY)
        suppressed = found.n < threshold
        importance[party.name] = {
            "n_importance": found.n,
            "mean_importance": None if suppressed else found.mean,
            "suppressed": suppressed,
            "pending": False,
        }
    means = [figures["mean_importance"] for figures in importance.values()]
    return {
        "importance": importance,
        "importance_gap": _spread(means),
        "overall_importance": _mean(means),
    }


def estimate_figures(by_party, distributions, value_code, parties, threshold):
    """The `estimates` entry of one Value Code: estimates[A][B] for every other party B.

    `actual` is B's mean_current; the entry is suppressed (its figures null) when fewer than K
    of A gave an estimate that is not "don't know", or when B's mean_current is suppressed."""
    estimates = {}
    for party in parties:
        pending = by_party[party.name]["pending"]
        row = {}
        for other in parties:
            if other.pk == party.pk:
                continue
            if pending:
                row[other.name] = {
                    "n": None,
                    "mean_estimate": None,
                    "actual": None,
                    "misreading": None,
                    "suppressed": True,
                    "pending": True,
                }
                continue
            found = distributions.get((value_code.pk, party.pk, other.pk), EMPTY)
            actual = by_party[other.name]["mean_current"]
            suppressed = found.n < threshold or actual is None
            mean_estimate = None if suppressed else found.mean
            row[other.name] = {
                "n": found.n,
                "mean_estimate": mean_estimate,
                "actual": None if suppressed else actual,
                "misreading": None if suppressed else mean_estimate - actual,
                "suppressed": suppressed,
                "pending": False,
            }
        if row:
            estimates[party.name] = row
    return {"estimates": estimates}


def understanding_scores(figures, parties):
    """understanding[A][B] for the round: 100 x (1 - mean |misreading| / 4) over the Value Codes
    where A's misreading of B is known, and how many those were; null with none. Every directed
    pair appears (none for one party)."""
    scores = {}
    for party in parties:
        row = {}
        for other in parties:
            if other.pk == party.pk:
                continue
            misreadings = [vc["estimates"][party.name][other.name]["misreading"] for vc in figures]
            misreadings = [abs(m) for m in misreadings if m is not None]
            row[other.name] = (
                {
                    "score": 100 * (1 - _mean(misreadings) / LEVEL_RANGE),
                    "value_codes": len(misreadings),
                }
                if misreadings
                else None
            )
        if row:
            scores[party.name] = row
    return scores


def alignment(figures):
    """100 x (1 - m / 4), m the mean perception gap of current over the Value Codes that have
    one; null with none (PRODUCT.md 10, relationship over rounds)."""
    gaps = [vc["perception_gap_current"] for vc in figures]
    mean_gap = _mean(gaps)
    return None if mean_gap is None else 100 * (1 - mean_gap / LEVEL_RANGE)


def importance_priority(entry):
    """priority = overall gap x overall importance / 3 (null where either is null)."""
    gap, importance = entry["overall"]["gap"], entry["overall_importance"]
    if gap is None or importance is None:
        return None
    return gap * importance / NEUTRAL_IMPORTANCE


def add_figures(diagnostic, round_, answers, parties, value_codes, figures, value_code_ids=None):
    """Add to the unrounded `figures` of analysis.round_figures the questions the diagnostic
    asks, in place; returns the top-level keys to add to the analysis.

    Only what is switched on appears: a diagnostic asking none of it gains nothing."""
    if not (diagnostic.asks_importance or diagnostic.asks_estimates):
        return {}
    threshold = diagnostic.anonymity_threshold
    top = {"alignment": alignment(figures)}
    if diagnostic.asks_importance:
        distributions = importance_distributions(answers, value_code_ids)
        by_importance = diagnostic.priority_basis == PRIORITY_BY_IMPORTANCE
        for entry, value_code in zip(figures, value_codes, strict=True):
            entry.update(
                importance_figures(entry["parties"], distributions, value_code, parties, threshold)
            )
            if by_importance:
                entry["priority"] = importance_priority(entry)
        top["priority_basis"] = diagnostic.priority_basis
    if diagnostic.asks_estimates:
        distributions = estimate_distributions(round_, value_code_ids)
        for entry, value_code in zip(figures, value_codes, strict=True):
            entry.update(
                estimate_figures(entry["parties"], distributions, value_code, parties, threshold)
            )
        top["understanding"] = understanding_scores(figures, parties)
    return top


# What the "Do we understand each other?" page shows, made of the analysis (one figure
# everywhere: screens round the analysis's own values).

MISREADINGS_PER_PAIR = 5
MATTERS = 3.5  # a party mean of importance at least this: the Value Code matters to it
DOES_NOT_MATTER = 2.5  # at most this: it does not


def misreadings(result, limit=MISREADINGS_PER_PAIR):
    """[(A, B, [{identifier, mean_estimate, actual, misreading}, ...])] for every directed pair
    with readable estimates, the largest misreadings first (ties by identifier)."""
    parties = result["parties"]
    pairs = []
    for party in parties:
        for other in parties:
            if other == party:
                continue
            found = []
            for vc in result["value_codes"]:
                entry = vc.get("estimates", {}).get(party, {}).get(other)
                if entry and entry["misreading"] is not None:
                    found.append({"identifier": vc["identifier"], **entry})
            found.sort(key=lambda e: (-abs(e["misreading"]), e["identifier"]))
            if found:
                pairs.append((party, other, found[:limit]))
    return pairs


def understanding_matrix(result):
    """[(A, [(B, score entry or None, is A itself)])]: who understands whom, row by row."""
    scores = result.get("understanding", {})
    return [
        (
            party,
            [
                (other, scores.get(party, {}).get(other), other == party)
                for other in result["parties"]
            ],
        )
        for party in result["parties"]
    ]


def importance_contrasts(result):
    """[{identifier, parties: [(name, mean or None)], gap, matters_to, not_to}] of the Value
    Codes with an importance gap, largest first (ties by identifier); `matters_to` and `not_to`
    name the parties to which it clearly matters and clearly does not."""
    rows = []
    for vc in result["value_codes"]:
        if vc.get("importance_gap") is None:
            continue
        means = [(p, vc["importance"][p]["mean_importance"]) for p in result["parties"]]
        rows.append(
            {
                "identifier": vc["identifier"],
                "parties": means,
                "gap": vc["importance_gap"],
                "matters_to": [p for p, m in means if m is not None and m >= MATTERS],
                "not_to": [p for p, m in means if m is not None and m <= DOES_NOT_MATTER],
            }
        )
    rows.sort(key=lambda row: (-row["gap"], row["identifier"]))
    return rows
