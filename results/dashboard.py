"""The results dashboard's content, shaped for the template from `analyse()` results.

No figure is computed here: everything comes from results.analysis. This module filters,
orders, words and draws (charts) what the analysis says, with a fixed number of queries.
"""

from dataclasses import dataclass, field

from django.utils.dateparse import parse_datetime

from results import analysis, charts, relationship, trade_offs

SORTS = {
    "section": "Section order",
    "priority": "Priority (largest first)",
    "gap": "Gap (largest first)",
    "perception_gap": "Perception gap (largest first)",
}
_SORT_FIGURE = {
    "priority": lambda vc: vc["priority"],
    "gap": lambda vc: vc["overall"]["gap"],
    "perception_gap": lambda vc: vc["perception_gap_current"],
}
TOP = 5


@dataclass
class Filters:
    section: str = ""
    parties: list = field(default_factory=list)  # party names; empty = all
    sort: str = "section"


@dataclass
class PartyCell:
    party: object
    figures: dict
    delta: dict | None

    @property
    def current_class(self):
        return charts.level_css_class(self.figures["mean_current"])

    @property
    def target_class(self):
        return charts.level_css_class(self.figures["mean_target"])


@dataclass
class Row:
    """One Value Code's compact row on the dashboard (heatmap and progress)."""

    entry: dict  # analyse()["value_codes"][i]
    value_code: object  # the DiagnosticValueCode
    cells: list
    delta: dict | None


@dataclass
class Details:
    """What the dashboard shows of one Value Code once its details are asked for."""

    row: Row
    dumbbell: str
    distributions: list  # (PartyCell, current svg, target svg)
    comments: dict
    since_round: int | None  # the round the change is measured from
    reviews: list  # trade_offs.Review of the agreed target's links


def one_decimal(value):
    return charts.one_decimal(value)


def blind_spot_sentence(entry, parties, threshold):
    """'Council places Transparency at 1.8, Contractor at 3.4.'"""
    placed = [
        (party.name, entry["parties"][party.name]["mean_current"])
        for party in parties
        if entry["parties"][party.name]["mean_current"] is not None
    ]
    (first, first_mean), *others = placed
    words = f"{first} places {entry['identifier']} at {one_decimal(first_mean)}"
    words += "".join(f", {name} at {one_decimal(mean)}" for name, mean in others)
    hidden = [p.name for p in parties if entry["parties"][p.name]["mean_current"] is None]
    pending = [name for name in hidden if entry["parties"][name]["pending"]]
    hidden = [name for name in hidden if name not in pending]
    if hidden:
        words += f" ({', '.join(hidden)}: fewer than {threshold} answers)"
    if pending:
        words += f" ({', '.join(pending)}: {charts.PENDING})"
    return words + "."


def priority_sentence(entry):
    """'Reliability: now 2.4 on average, wanted 4.2, a gap of 1.8.'"""
    overall = entry["overall"]
    words = (
        f"{entry['identifier']}: the parties place it at {one_decimal(overall['mean_current'])} "
        f"on average and want {one_decimal(overall['mean_target'])}, "
        f"a gap of {one_decimal(overall['gap'])}"
    )
    if entry["weight"] != 1:
        words += f" (weight {entry['weight']:g}, priority {one_decimal(entry['priority'])})"
    return words + "."


def _sorted(entries, sort):
    figure = _SORT_FIGURE.get(sort)
    if figure is None:
        return entries
    # Largest first, no figure last, ties by identifier (as the rankings of PRODUCT.md 4).
    return sorted(
        entries,
        key=lambda vc: (figure(vc) is None, -(figure(vc) or 0), vc["identifier"]),
    )


def shown_parties(all_parties, filters):
    """The parties the dashboard's filters show (all when none is chosen)."""
    return [p for p in all_parties if not filters.parties or p.name in filters.parties]


def _row(entry, value_code, parties):
    delta = entry["change"]
    cells = [
        PartyCell(party, entry["parties"][party.name], delta and delta["parties"][party.name])
        for party in parties
    ]
    return Row(entry=entry, value_code=value_code, cells=cells, delta=delta)


def _details(row, parties, result, comments, reviews):
    threshold = result["anonymity_threshold"]
    entry = row.entry
    agreed = entry["agreed_target"]
    return Details(
        row=row,
        dumbbell=charts.dumbbell_svg(
            entry, parties, agreed_level=agreed and agreed["level"], threshold=threshold
        ),
        distributions=[
            (
                cell,
                charts.distribution_svg(
                    cell.figures["current_distribution"],
                    threshold=threshold,
                    pending=cell.figures["pending"],
                ),
                charts.distribution_svg(
                    cell.figures["target_distribution"],
                    threshold=threshold,
                    pending=cell.figures["pending"],
                ),
            )
            for cell in row.cells
        ],
        comments={p.name: comments[p.name] for p in parties if p.name in comments},
        since_round=row.delta and row.delta["since_round"],
        reviews=reviews,
    )


def details(diagnostic, round_, value_code, all_parties, filters):
    """One Value Code's details for the chosen round, in a constant number of queries.

    The same `analyse()` as the page, limited to this Value Code: its figures depend on no
    other Value Code, so they equal the page's and the JSON's (and the open round's figures
    are the published ones, brought up to date as for the page).
    """
    result = analysis.analyse(diagnostic, round_.number, value_code_ids=[value_code.pk])
    parties = shown_parties(all_parties, filters)
    [entry] = result["value_codes"]
    comments = analysis.anonymous_comments(diagnostic, round_, [value_code.pk])
    row = _row(entry, value_code, parties)
    links = trade_offs.links_of_round(round_).filter(agreed_target__value_code=value_code)
    reviews = trade_offs.review(diagnostic, links)
    return {
        "analysis": result,
        "parties": parties,
        "details": _details(row, parties, result, comments.get(value_code.pk, {}), reviews),
    }


def groups_of(rows, sort):
    """[(section or None, rows)]: by section in section order, else one sorted list."""
    if sort != "section":
        return [(None, rows)]
    groups = {}
    for row in rows:
        groups.setdefault(row.entry["section"], []).append(row)
    return list(groups.items())


def publications(result, parties):
    """[(party, when its figures were last published, or None: results pending)]."""
    return [(party, parse_datetime(result["published_at"][party.name] or "")) for party in parties]


def build(diagnostic, round_, previous_round, all_parties, filters):
    """Everything the dashboard's first response shows for one round, in a constant number of
    queries: the overview and one compact row per Value Code. Each Value Code's charts,
    distributions and comments come from `details`, when asked for."""
    result = analysis.analyse(diagnostic, round_.number)
    parties = shown_parties(all_parties, filters)
    value_codes = {vc.identifier: vc for vc in diagnostic.value_codes.all()}
    by_identifier = {vc["identifier"]: vc for vc in result["value_codes"]}
    entries = [
        vc
        for vc in result["value_codes"]
        if not filters.section or vc["section"] == filters.section
    ]
    rows = [
        _row(entry, value_codes[entry["identifier"]], parties)
        for entry in _sorted(entries, filters.sort)
    ]
    threshold = result["anonymity_threshold"]
    trend = relationship.relationship_trend(diagnostic, round_, result)
    return {
        "relationship": trend if trend.series else None,
        "relationship_chart": (
            charts.relationship_svg(trend, {p.name: p.colour for p in all_parties})
            if trend.has_trend
            else None
        ),
        "analysis": result,
        "parties": parties,
        "all_parties": all_parties,
        "response_counts": [(p, result["response_counts"][p.name]) for p in all_parties],
        "publications": publications(result, all_parties),
        "sections": list(dict.fromkeys(vc["section"] for vc in result["value_codes"])),
        "rows": rows,
        "groups": groups_of(rows, filters.sort),
        "heatmap_columns": 2 * len(parties) + 5 + (previous_round is not None),
        "priorities": [
            (by_identifier[i], value_codes[i].pk, priority_sentence(by_identifier[i]))
            for i in result["priorities"][:TOP]
        ],
        "blind_spots": [
            (
                by_identifier[i],
                value_codes[i].pk,
                blind_spot_sentence(by_identifier[i], all_parties, threshold),
            )
            for i in analysis.disagreements(result)[:TOP]
        ],
        "any_perception_gap": bool(result["blind_spots"]),
        "largest_perception_gap": (
            by_identifier[result["blind_spots"][0]]["perception_gap_current"]
            if result["blind_spots"]
            else None
        ),
        "disagreement": analysis.DISAGREEMENT,
        "perception_gap_chart": charts.perception_gap_svg(result, limit=10),
        "previous_round": previous_round,
        "has_ratings": any(result["response_counts"].values()),
        "all_pending": not any(result["published_at"].values()),
        "reviewed_here": trade_offs.review(diagnostic, trade_offs.links_reviewed_in(round_)),
    }
