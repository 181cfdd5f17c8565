"""The relationship as its own KPI (PRODUCT.md 10, relationship over rounds): alignment, the
understanding scores and the pulse's net score, round by round, with a sentence on the
direction of travel.

Nothing is computed here: every value is the one each round's `analyse()` publishes (the same
as that round's JSON), so the dashboard, the business case and the JSON never disagree. Only
what the diagnostic asks appears: a diagnostic asking for neither mutual understanding nor the
pulse has no relationship figures and so no trend.
"""

from dataclasses import dataclass

from results import analysis, charts


@dataclass
class Series:
    """One figure of the relationship over the rounds: `values[i]` belongs to `rounds[i]`."""

    kind: str  # "alignment", "understanding" or "pulse"
    party: str | None  # A in "A understands B" / "A about B"; None for alignment
    other: str | None
    values: list

    @property
    def label(self):
        if self.kind == "alignment":
            return "Alignment"
        if self.kind == "understanding":
            return f"{self.party} understands {self.other}"
        return f"{self.party}'s pulse about {self.other}"

    @property
    def noun(self):
        """The figure's name inside a sentence."""
        if self.kind == "alignment":
            return "alignment"
        if self.kind == "understanding":
            return f"{self.party}'s understanding of {self.other}"
        return self.label


@dataclass
class Trend:
    rounds: list  # round numbers, oldest first
    series: list  # [Series]
    sentence: str

    @property
    def kinds(self):
        return {s.kind for s in self.series}

    @property
    def has_trend(self):
        return len(self.rounds) > 1

    @property
    def table(self):
        """[(series, [printed value per round])] for a table beside the chart."""
        return [(s, [charts.score_text(v) for v in s.values]) for s in self.series]


def _pairs(results, key):
    """Directed pairs (A, B) appearing under `key` in any round, in the parties' order."""
    order = {}
    for result in results:
        for party in result["parties"]:
            order.setdefault(party, len(order))
    pairs = {
        (party, other)
        for result in results
        for party, row in result.get(key, {}).items()
        for other in row
    }
    return sorted(pairs, key=lambda pair: (order[pair[0]], order[pair[1]]))


def _score(result, key, party, other):
    entry = result.get(key, {}).get(party, {}).get(other)
    return entry and entry["score"]


def series_of(results):
    """[Series] from analyse() results of consecutive rounds, oldest first."""
    series = []
    if any("alignment" in r for r in results):
        series.append(Series("alignment", None, None, [r.get("alignment") for r in results]))
    for key in ("understanding", "pulse"):
        for party, other in _pairs(results, key):
            values = [_score(r, key, party, other) for r in results]
            series.append(Series(key, party, other, values))
    return series


def _movement(series, first, last):
    """The words for one series between its first and last value, as printed."""
    before, after = series.values[0], series.values[-1]
    if before is None or after is None:
        missing = " and ".join(
            f"round {number}" for number, value in ((first, before), (last, after)) if value is None
        )
        return f"nothing comparable for {series.noun} (no figure in {missing})"
    shown_before, shown_after = charts.score_text(before), charts.score_text(after)
    if shown_before == shown_after:
        return f"{series.noun} unchanged at {shown_after}"
    if series.kind == "understanding":
        how = "better" if after > before else "less well"
        return f"{series.party} understands {series.other} {how} ({shown_before} → {shown_after})"
    verb = "rose" if after > before else "fell"
    return f"{series.noun} {verb} from {shown_before} to {shown_after}"


def _capitalised(text):
    return text[:1].upper() + text[1:]


def direction_sentence(rounds, series):
    """'Alignment rose from 62 to 71 between round 1 and round 2; Council understands
    Contractor better (55 → 68), ...': the first round against the last, as printed; with one
    round, that round's values."""
    if not series:
        return ""
    if len(rounds) == 1:
        values = ", ".join(f"{s.noun} {charts.score_text(s.values[0])}" for s in series)
        return _capitalised(
            f"round {rounds[0]} is the first round: {values}. "
            "How the relationship moves shows once a later round has figures."
        )
    first, last = rounds[0], rounds[-1]
    clauses = [_movement(s, first, last) for s in series]
    between = f"between round {first} and round {last}"
    if series[0].kind == "alignment" and None not in (series[0].values[0], series[0].values[-1]):
        text = f"{clauses[0]} {between}"
    else:
        text = f"{between}: {clauses[0]}"
    if clauses[1:]:
        text += "; " + ", ".join(clauses[1:])
    return _capitalised(text) + "."


def trend_of(results):
    """The Trend of analyse() results of consecutive rounds, oldest first."""
    rounds = [r["round"] for r in results]
    series = series_of(results)
    return Trend(rounds=rounds, series=series, sentence=direction_sentence(rounds, series))


def asks_for_it(diagnostic):
    """Whether the analysis has relationship figures at all (alignment comes with mutual
    understanding's questions, the pulse with its own switch)."""
    return diagnostic.asks_importance or diagnostic.asks_estimates or diagnostic.asks_pulse


def relationship_trend(diagnostic, round_, *known):
    """The trend of every round up to `round_`, from each round's analyse(); `known` are
    analyses the caller has already made (one analyse per round, never two)."""
    if not asks_for_it(diagnostic):
        return Trend(rounds=[round_.number], series=[], sentence="")
    by_number = {result["round"]: result for result in known if result is not None}
    numbers = diagnostic.rounds.filter(number__lte=round_.number).order_by("number")
    results = [
        by_number.get(number) or analysis.analyse(diagnostic, number)
        for number in numbers.values_list("number", flat=True)
    ]
    return trend_of(results)
