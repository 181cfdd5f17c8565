"""A participant's own answers beside the aggregated figures (the individual response report).

The aggregated figures are `analyse()`'s, so anonymity holds here as everywhere; the only
individual answers shown are the participant's own.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from diagnostics import rounds
from diagnostics.models import Rating
from participation import progress
from results import analysis, charts

YOU_COLOUR = "#212529"


@dataclass
class ReportRow:
    entry: dict  # analyse()["value_codes"][i]
    value_code: object
    current_level: int | None  # None: "don't know"
    target_level: int | None
    chart: str


def _you_name(entry):
    name = "Your answers"
    while name in entry["parties"]:
        name += " "
    return name


def _chart(entry, rating, parties, threshold):
    you = SimpleNamespace(name=_you_name(entry), colour=YOU_COLOUR)
    mine = {
        "mean_current": rating.current_level,
        "mean_target": rating.target_level,
        "suppressed_current": False,
        "suppressed_target": False,
    }
    with_you = {**entry, "parties": {you.name: mine, **entry["parties"]}}
    agreed = entry["agreed_target"]
    return charts.dumbbell_svg(
        with_you, [you, *parties], agreed_level=agreed and agreed["level"], threshold=threshold
    )


def build(participant):
    """{'state': 'sharing_off' | 'no_round' | 'unfinished' | 'ready', ...} for the page."""
    diagnostic = participant.diagnostic
    if not diagnostic.share_individual_reports:
        return {"state": "sharing_off"}
    round_ = rounds.round_to_show(diagnostic)
    if round_ is None:
        return {"state": "no_round"}
    mine = progress.participant_progress(participant, round_)
    if not mine.finished:
        return {"state": "unfinished", "round": round_, "done": mine.answered, "total": mine.asked}
    # Their answers in full, by identifier; Value Codes they were not asked and left alone
    # have no row here, and no row in the report.
    ratings = {
        r.value_code.identifier: r
        for r in Rating.objects.filter(
            round=round_, participant=participant, current_answered=True, target_answered=True
        ).select_related("value_code")
    }
    result = analysis.analyse(diagnostic, round_.number)
    parties = list(diagnostic.parties.order_by("position", "id"))
    threshold = result["anonymity_threshold"]
    rows = []
    for entry in result["value_codes"]:
        rating = ratings.get(entry["identifier"])
        if rating is None:
            continue
        rows.append(
            ReportRow(
                entry=entry,
                value_code=rating.value_code,
                current_level=rating.current_level,
                target_level=rating.target_level,
                chart=_chart(entry, rating, parties, threshold),
            )
        )
    sections = {}
    for row in rows:
        sections.setdefault(row.entry["section"], []).append(row)
    return {
        "state": "ready",
        "round": round_,
        "analysis": result,
        "parties": parties,
        "sections": list(sections.items()),
    }
