"""The business-case PDF (PRODUCT.md 7): gather the evidence, write the HTML, lay it out.

Every figure comes from `results.analysis` (one `analyse` call per round) and every chart
from `results.charts`, the same code the dashboard uses, so the PDF and the screen never
disagree. The number of queries is constant whatever the size of the diagnostic.
"""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from diagnostics import assignment, rounds
from results import analysis as analysis_module
from results import charts, relationship, trade_offs
from results import understanding as understanding_module
from results.action_plan import action_plan

TOP = 5
TOP_MOVES = 8  # largest improvements and declines listed in the progress chapter
GAP_CHART_ROWS = 20  # the largest perception gaps charted; the rest are summed up in words
SECTION_CHART_HEIGHT = 640  # px (170 mm) at most per current-versus-target chart
CHART_WIDTH = 660  # px: the A4 text width (178 mm) less a little air


def gather(diagnostic, round_):
    """Everything the template needs, in a constant number of queries."""
    parties = list(diagnostic.parties.order_by("position", "id"))
    value_codes = list(diagnostic.value_codes.order_by("position", "id"))
    result = analysis_module.analyse(diagnostic, round_.number)
    previous_round = rounds.previous_round(round_)
    previous = (
        analysis_module.analyse(diagnostic, previous_round.number) if previous_round else None
    )
    comments = analysis_module.anonymous_comments(diagnostic, round_)
    targets = agreed_targets(result)
    threshold = diagnostic.anonymity_threshold

    entries = {vc["identifier"]: vc for vc in result["value_codes"]}
    priority_rank = {identifier: i for i, identifier in enumerate(result["priorities"], 1)}
    rows = [
        value_code_row(
            value_code,
            entries[value_code.identifier],
            parties,
            rank=priority_rank.get(value_code.identifier),
            comments=comments.get(value_code.pk, {}),
            agreed_target=targets.get(value_code.identifier),
            respondents=result["response_counts"],
        )
        for value_code in value_codes
    ]
    by_identifier = {row["identifier"]: row for row in rows}
    progress = progress_rows(rows, previous) if previous else None
    trend = relationship.relationship_trend(diagnostic, round_, result, previous)
    return {
        "relationship": trend if trend.series else None,
        "relationship_chart": (
            as_image(
                charts.relationship_svg(
                    trend, {p.name: p.colour for p in parties}, width=CHART_WIDTH
                )
            )
            if trend.has_trend
            else None
        ),
        "diagnostic": diagnostic,
        "round": round_,
        "previous_round": previous_round,
        "generated_on": timezone.localdate(),
        "parties": parties,
        "threshold": threshold,
        "analysis": result,
        "levels": level_key(diagnostic),
        "response_counts": [(p, result["response_counts"].get(p.name)) for p in parties],
        "value_code_count": len(rows),
        "sections": sections(rows, parties, threshold, previous_means(previous)),
        "top_priorities": [by_identifier[i] for i in result["priorities"][:TOP]],
        "weighted": any(vc["weight"] != 1 for vc in result["value_codes"])
        or result.get("priority_basis") == "importance",
        "priority_by_importance": result.get("priority_basis") == "importance",
        "top_gaps": [by_identifier[i] for i in analysis_module.disagreements(result)[:TOP]],
        "largest_gap": largest_perception_gap(result),
        "disagreement": analysis_module.DISAGREEMENT,
        "perception_gaps": perception_gaps(result),
        "evidence": evidence(rows, result["priorities"]),
        "agreed_targets": [row for row in rows if row["agreed_target"]],
        "action_plan": action_plan(diagnostic, round_, result),
        "reviewed_here": trade_offs.review(diagnostic, trade_offs.links_reviewed_in(round_)),
        "progress": progress,
        "progress_highlights": progress_highlights(progress) if progress else None,
        "things_that_matter": result["things_that_matter"],
        # Whether some people were asked only part: said once, never who nor how many.
        "asked_part": assignment.in_use(diagnostic),
        "understanding": mutual_understanding(diagnostic, result),
    }


def mutual_understanding(diagnostic, result):
    """The chapter on mutual understanding (PRODUCT.md 10), or None where neither question is
    asked: the same figures as the analysis and the Understanding page."""
    if not (diagnostic.asks_estimates or diagnostic.asks_importance):
        return None
    chapter = {"alignment": result.get("alignment")}
    if diagnostic.asks_estimates:
        chapter["matrix"] = understanding_module.understanding_matrix(result)
        chapter["misreadings"] = understanding_module.misreadings(result, limit=3)
        scored = [
            (entry["score"], party, other)
            for party, cells in chapter["matrix"]
            for other, entry, itself in cells
            if entry and not itself
        ]
        chapter["weakest"] = min(scored) if scored else None
    if diagnostic.asks_importance:
        chapter["importance"] = understanding_module.importance_contrasts(result)[:TOP]
    return chapter


def agreed_targets(result):
    """{identifier: agreed target with its due date as a date} from the analysis."""
    targets = {}
    for vc in result["value_codes"]:
        target = vc.get("agreed_target")
        if target:
            due = target.get("due_date")
            targets[vc["identifier"]] = {
                **target,
                "due_date": datetime.date.fromisoformat(due) if isinstance(due, str) else due,
            }
    return targets


def level_key(diagnostic):
    return [
        {"level": level, "label": label, "css": f"level-{level}"}
        for level, label in enumerate(diagnostic.level_labels, 1)
    ]


def cell(mean, n, suppressed, respondents=None, pending=False):
    """A heatmap figure. Its n is printed only when it is below the party's `respondents`
    (someone answered "don't know"): the page states the party counts once. `pending`: never
    published yet (PRODUCT.md 3)."""
    return {
        "mean": mean,
        "n": n,
        "show_n": n is not None and respondents is not None and n < respondents,
        "suppressed": suppressed,
        "pending": pending,
        "css": charts.level_css_class(mean),
    }


def value_code_row(value_code, entry, parties, *, rank, comments, agreed_target, respondents):
    party_rows = []
    for party in parties:
        figures = entry["parties"][party.name]
        people = respondents.get(party.name, 0)
        party_rows.append(
            {
                "party": party,
                "current": cell(
                    figures["mean_current"],
                    figures["n_current"],
                    figures["suppressed_current"],
                    people,
                    figures["pending"],
                ),
                "target": cell(
                    figures["mean_target"],
                    figures["n_target"],
                    figures["suppressed_target"],
                    people,
                    figures["pending"],
                ),
                "gap": figures["gap"],
            }
        )
    return {
        "value_code": value_code,
        "identifier": value_code.identifier,
        "section": value_code.section,
        "entry": entry,
        "overall": entry["overall"],
        "change": entry["change"] and entry["change"]["overall_current"],
        "parties": party_rows,
        "rank": rank,
        "comments": [
            (party.name, comments[party.name]) for party in parties if party.name in comments
        ],
        "agreed_target": agreed_target,
    }


def as_image(svg):
    """An SVG chart as an <img> with a data: URL, its label as the alt text.

    Still a vector chart from the same code as the dashboard, but WeasyPrint no longer
    tokenises, styles and builds boxes for every shape as part of the HTML document: it parses
    the SVG with ElementTree (and our url_fetcher serves data: URLs). About 0.5 s per render.
    """
    root = ET.fromstring(str(svg))
    src = "data:image/svg+xml;charset=utf-8," + quote(
        str(svg), safe="=:/,.;()-"
    )  # "#" would start a fragment
    return mark_safe(
        f'<img class="svg" src="{src}" alt="{escape(root.get("aria-label", ""))}" '
        f'width="{root.get("width")}" height="{root.get("height")}">'
    )


def sections(rows, parties, threshold, previous=None):
    """Rows grouped by section, in the diagnostic's order of first appearance, each with its
    current-versus-target charts: as many as it takes for no chart to outgrow a page."""
    per_chart = max(
        1, (SECTION_CHART_HEIGHT - charts.SECTION_TOP) // charts.section_group_height(len(parties))
    )
    grouped = {}
    for row in rows:
        grouped.setdefault(row["section"], []).append(row)
    return [
        {
            "name": name,
            "anchor": f"section-{i}",
            "rows": section_rows,
            "charts": [
                section_chart(section_rows[start : start + per_chart], parties, threshold, previous)
                for start in range(0, len(section_rows), per_chart)
            ],
        }
        for i, (name, section_rows) in enumerate(grouped.items(), 1)
    ]


def previous_means(previous):
    """{identifier: {party name: current mean}} of the previous round, or None."""
    if previous is None:
        return None
    return {
        vc["identifier"]: {name: f["mean_current"] for name, f in vc["parties"].items()}
        for vc in previous["value_codes"]
    }


def section_chart(rows, parties, threshold, previous=None):
    agreed = {
        row["identifier"]: row["agreed_target"]["level"] for row in rows if row["agreed_target"]
    }
    return as_image(
        charts.section_svg(
            [row["entry"] for row in rows],
            parties,
            agreed_levels=agreed,
            previous=previous,
            width=CHART_WIDTH,
            threshold=threshold,
        )
    )


def perception_gaps(result, limit=GAP_CHART_ROWS):
    """The chart of the largest perception gaps, and how many smaller ones it leaves out.

    Like the dashboard's, the chart stops at the largest ones: on a 60-code diagnostic the
    whole list filled a second page with ever smaller bars. Every party's figures for the
    rest are in the section heatmaps.
    """
    blind_spots = result["blind_spots"]
    rest = blind_spots[limit:]
    gaps = {vc["identifier"]: vc["perception_gap_current"] for vc in result["value_codes"]}
    return {
        "chart": as_image(charts.perception_gap_svg(result, limit=limit, width=640)),
        "shown": min(len(blind_spots), limit),
        "rest": len(rest),
        "rest_largest": gaps[rest[0]] if rest else None,
    }


def largest_perception_gap(result):
    """The largest perception gap of the round, or None when no gap can be shown."""
    if not result["blind_spots"]:
        return None
    first = result["blind_spots"][0]
    return next(vc for vc in result["value_codes"] if vc["identifier"] == first)[
        "perception_gap_current"
    ]


def evidence(rows, priorities):
    """Value Codes with comments, the highest priorities first."""
    order = {identifier: i for i, identifier in enumerate(priorities)}
    with_comments = [row for row in rows if row["comments"]]
    return sorted(with_comments, key=lambda row: order.get(row["identifier"], len(order)))


def progress_rows(rows, previous):
    """Current means now and in the previous round, per Value Code that both rounds rated."""
    before = {vc["identifier"]: vc for vc in previous["value_codes"]}
    result = []
    for row in rows:
        old = before.get(row["identifier"])
        if old is None:
            continue
        result.append(
            {
                "identifier": row["identifier"],
                "section": row["section"],
                "before": cell(old["overall"]["mean_current"], None, False),
                "now": cell(row["overall"]["mean_current"], None, False),
                "change": row["change"],
            }
        )
    return result


def progress_highlights(progress, limit=TOP_MOVES):
    """How many Value Codes moved up, down or not at all, and the largest moves each way."""
    moved = [row for row in progress if row["change"] is not None]
    direction = {row["identifier"]: charts.change_direction(row["change"]) for row in moved}
    improved = sorted(
        (r for r in moved if direction[r["identifier"]] == "up"), key=lambda r: -r["change"]
    )
    declined = sorted(
        (r for r in moved if direction[r["identifier"]] == "down"), key=lambda r: r["change"]
    )
    return {
        "improved": improved[:limit],
        "declined": declined[:limit],
        "improved_count": len(improved),
        "declined_count": len(declined),
        "unchanged_count": len(moved) - len(improved) - len(declined),
    }


def to_html(context):
    return render_to_string("reports/business_case.html", context)
