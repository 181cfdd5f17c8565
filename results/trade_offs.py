"""Trade-off links reviewed against the figures: did the expected dip happen, was the target met.

An agreed target (Value Code T, level L, agreed in round A) may name another Value Code V that
may suffer for it, expecting V to go `down` or to `hold`, to be reviewed in round R > A. Once
round R exists, and judged on the figures as every surface prints them (one decimal, so a
verdict never contradicts the number beside it):
- the change of V is V's overall current in R minus that in A, from the unrounded means of the
  analysis, rounded as the JSON rounds a change and printed by `charts.change_text` (when R
  follows A, it is exactly the JSON's `change.overall_current` of round R);
- `down` happened when that change prints as a fall (at least 0.05 down: "▼ −0.1" or more);
- `hold` happened when it does not print as a fall ("unchanged" or a rise);
- the target is reached when T's overall current in R, printed with one decimal, is at least L.
A figure suppressed or pending in either round gives no verdict: "not enough answers yet".
"""

from dataclasses import dataclass

from diagnostics.models import TradeOffLink
from results import analysis, charts

NOT_ENOUGH = "not enough answers yet"
EXPECTED = {TradeOffLink.DOWN: "may go down", TradeOffLink.HOLD: "should hold"}


@dataclass(frozen=True)
class Review:
    """One trade-off link and what the figures of its review round say about it."""

    link: TradeOffLink  # with its agreed target (and that target's round) and Value Code
    held: bool  # the review round exists
    change: float | None  # of the linked Value Code's overall current, target round to review
    target_current: float | None  # the target Value Code's overall current in the review round

    @property
    def identifier(self):
        return self.link.value_code.identifier

    @property
    def expected(self):
        """'may go down' or 'should hold'."""
        return EXPECTED[self.link.direction]

    @property
    def change_text(self):
        return charts.change_text(self.change)

    @property
    def as_expected(self):
        """True when the expected dip happened (or the hold held), None without a verdict."""
        direction = charts.change_direction(self.change) if self.held else None
        if direction is None:
            return None
        if self.link.direction == TradeOffLink.DOWN:
            return direction == "down"
        return direction != "down"

    @property
    def reached(self):
        """Whether the target was reached in the review round, None without a verdict."""
        if not self.held or self.target_current is None:
            return None
        return charts.shown_figure(self.target_current) >= self.link.agreed_target.level

    @property
    def outcome(self):
        """What happened to the linked Value Code, in words every surface prints."""
        if not self.held:
            return f"to be reviewed in round {self.link.review_round}"
        if self.as_expected is None:
            return NOT_ENOUGH
        went_down = charts.change_direction(self.change) == "down"
        if self.link.direction == TradeOffLink.DOWN:
            words = "went down, as expected" if went_down else "did not go down"
        else:
            words = "went down" if went_down else "held, as hoped"
        return f"{words} ({self.change_text})"

    @property
    def target_outcome(self):
        """Whether the target was reached, in words; empty before the review round."""
        if not self.held:
            return ""
        level = self.link.agreed_target.level
        if self.target_current is None:
            return f"target level {level}: {NOT_ENOUGH}"
        now = charts.one_decimal(self.target_current)
        verdict = "reached" if self.reached else "not reached"
        return f"target level {level} {verdict} ({now} in round {self.link.review_round})"

    @property
    def summary(self):
        """One line: 'Cost may go down, review in round 2: went down, as expected (▼ −0.3).'"""
        words = f"{self.identifier} {self.expected}, review in round {self.link.review_round}"
        if not self.held:
            return words + "."
        words += f": {self.outcome}"
        return words + (f"; {self.target_outcome}." if self.target_outcome else ".")


def links_of_round(round_):
    """Trade-off links of the agreed targets of a round, with what a review needs, 1 query."""
    return _links().filter(agreed_target__round=round_)


def links_reviewed_in(round_):
    """Trade-off links of earlier rounds' targets that name this round as their review round."""
    return _links().filter(
        agreed_target__round__diagnostic_id=round_.diagnostic_id,
        agreed_target__round__number__lt=round_.number,
        review_round=round_.number,
    )


def _links():
    return TradeOffLink.objects.select_related(
        "agreed_target__round", "agreed_target__value_code", "value_code"
    ).order_by("agreed_target__value_code__position", "value_code__position", "pk")


def review(diagnostic, links):
    """[Review] for the links, in their order.

    One pass of figures per round involved (the targets' rounds and the review rounds that
    exist), each over only the Value Codes that round needs: the queries grow with the
    number of rounds, never with targets, links or Value Codes.
    """
    links = list(links)
    if not links:
        return []
    rounds = {r.number: r for r in diagnostic.rounds.all()}
    needed = {}  # round number -> {value_code_id: DiagnosticValueCode}
    for link in links:
        if link.review_round in rounds:
            target = link.agreed_target
            needed.setdefault(target.round.number, {})[link.value_code_id] = link.value_code
            later = needed.setdefault(link.review_round, {})
            later[link.value_code_id] = link.value_code
            later[target.value_code_id] = target.value_code
    parties = list(diagnostic.parties.order_by("position", "id")) if needed else []
    currents = {
        number: analysis.overall_currents(diagnostic, rounds[number], list(codes.values()), parties)
        for number, codes in sorted(needed.items())
    }
    return [_review(link, rounds, currents) for link in links]


def _review(link, rounds, currents):
    if link.review_round not in rounds:
        return Review(link=link, held=False, change=None, target_current=None)
    target = link.agreed_target
    later = currents[link.review_round]
    earlier = currents[target.round.number]
    return Review(
        link=link,
        held=True,
        change=analysis.change(later[link.value_code_id], earlier[link.value_code_id]),
        target_current=analysis.as_published(later[target.value_code_id]),
    )
