"""A participant's own answers beside the aggregated figures (the individual response report).

The aggregated figures are `analyse()`'s, so anonymity holds here as everywhere; the only
individual answers shown are the participant's own.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from diagnostics.models import Rating
from results import analysis, charts

YOU_COLOUR = "#212529"


@dataclass
class ReportRow:
    entry: dict  # analyse()["value_codes"][i]
    value_code: object
    current_level: int | None  # None: "don't know"
    target_level: int | None
    chart: str


def finished(ratings, value_codes):
    """True when every Value Code has both questions answered (a level or "don't know")."""
    answered = {r.value_code_id for r in ratings if r.current_answered and r.target_answered}
    return bool(value_codes) and all(vc.pk in answered for vc in value_codes)


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
    try:
        round_ = analysis.resolve_round(diagnostic)
    except analysis.NoRound:
        return {"state": "no_round"}
    value_codes = list(diagnostic.value_codes.order_by("position", "id"))
    ratings = {
        r.value_code_id: r for r in Rating.objects.filter(round=round_, participant=participant)
    }
    if not finished(list(ratings.values()), value_codes):
        done = sum(1 for r in ratings.values() if r.current_answered and r.target_answered)
        return {"state": "unfinished", "round": round_, "done": done, "total": len(value_codes)}
    result = analysis.analyse(diagnostic, round_.number)
    parties = list(diagnostic.parties.order_by("position", "id"))
    threshold = result["anonymity_threshold"]
    by_identifier = {vc.identifier: vc for vc in value_codes}
    rows = []
    for entry in result["value_codes"]:
        value_code = by_identifier[entry["identifier"]]
        rating = ratings[value_code.pk]
        rows.append(
            ReportRow(
                entry=entry,
                value_code=value_code,
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
