"""The action plan of a round: its agreed targets with owners, due dates and trade-offs.

The page, its CSV and XLSX, and the business-case chapter are made of `action_plan()`, whose
figures come from `analyse` (current and priority as the JSON has them) and from
results.trade_offs (what the review rounds say), so all four read the same.
"""

import datetime
import io
from dataclasses import dataclass

from diagnostics.models import AgreedTarget
from results import analysis, trade_offs
from ttm.spreadsheets import csv_writer, xlsx_bytes

COLUMNS = [
    "round", "value_code", "section", "current", "agreed_level", "priority", "owner",
    "due_date", "trade_off", "may_suffer", "expected", "review_round", "change", "outcome",
    "target_reached",
]  # fmt: skip


@dataclass(frozen=True)
class Action:
    """One agreed target of the plan, with the figures of its Value Code in its round."""

    agreed_target: AgreedTarget
    entry: dict  # analyse()["value_codes"][i] of the target's Value Code
    reviews: list  # [trade_offs.Review] of its trade-off links

    @property
    def identifier(self):
        return self.agreed_target.value_code.identifier

    @property
    def current(self):
        return self.entry["overall"]["mean_current"]

    @property
    def priority(self):
        return self.entry["priority"]

    def sort_key(self):
        """Due date first (undated last), then highest priority, then identifier."""
        due = self.agreed_target.due_date
        return (
            due is None,
            due or datetime.date.max,
            self.priority is None,
            -(self.priority or 0),
            self.identifier,
        )


def action_plan(diagnostic, round_, result=None):
    """[Action] of the round, in plan order; `result` is analyse() of the round if at hand.

    A constant number of queries whatever the number of targets, links and Value Codes.
    """
    if result is None:
        result = analysis.analyse(diagnostic, round_.number)
    entries = {vc["identifier"]: vc for vc in result["value_codes"]}
    targets = AgreedTarget.objects.filter(round=round_).select_related("value_code")
    reviews = {}
    for found in trade_offs.review(diagnostic, trade_offs.links_of_round(round_)):
        reviews.setdefault(found.link.agreed_target_id, []).append(found)
    actions = [
        Action(target, entries[target.value_code.identifier], reviews.get(target.pk, []))
        for target in targets
    ]
    return sorted(actions, key=Action.sort_key)


def table_rows(round_, actions):
    """Header and one row per target and trade-off link (a target without links: one row)."""
    yield COLUMNS
    for action in actions:
        target = action.agreed_target
        common = [
            round_.number,
            action.identifier,
            target.value_code.section,
            action.current,
            target.level,
            action.priority,
            target.owner,
            target.due_date,
            target.trade_off,
        ]
        if not action.reviews:
            yield common + [None] * 6
        for review in action.reviews:
            yield common + [
                review.identifier,
                review.link.direction,
                review.link.review_round,
                review.change,
                review.outcome,
                _yes_no(review.reached),
            ]


def _yes_no(verdict):
    return None if verdict is None else ("yes" if verdict else "no")


def csv_bytes(round_, actions):
    stream = io.StringIO(newline="")
    writer = csv_writer(stream)
    writer.writerows(
        [cell.isoformat() if isinstance(cell, datetime.date) else cell for cell in row]
        for row in table_rows(round_, actions)
    )
    return stream.getvalue().encode("utf-8")


def workbook_bytes(round_, actions):
    return xlsx_bytes(table_rows(round_, actions), sheet_title=f"Action plan round {round_.number}")
