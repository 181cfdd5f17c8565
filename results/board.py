"""The negotiation board (issue 17): where one party needs movement and another could give, the
largest gaps and how much each side cares, so a session can settle agreed targets quickly.

No figure is computed here: everything comes from `analyse()` (results.analysis and
results.give_and_take), so the board reads exactly as the JSON. Importance is the parties'
`mean_importance` where the analysis has it (PRODUCT.md 10, Mutual understanding), else the
Value Code's weight. A fixed number of queries whatever the number of Value Codes and people.
"""

from dataclasses import dataclass, field

LARGEST_GAPS = 10


@dataclass
class Side:
    """One party's view of one Value Code on the board."""

    party: str
    figures: dict  # analyse()["value_codes"][i]["parties"][party]
    stance: dict | None  # ...["stance"][party], when give and take is asked
    importance: float | None  # mean_importance, or None (suppressed, pending, not asked)


@dataclass
class BoardRow:
    """One Value Code to settle; `pk` and `identifier` let it stand in for the Value Code in the
    agreed-target partial of the dashboard."""

    entry: dict  # analyse()["value_codes"][i]
    pk: int
    sides: list  # [Side]
    by_importance: bool  # importance is the parties' mean_importance, not the weight
    candidates: list = field(default_factory=list)  # its trade candidates of the analysis

    @property
    def identifier(self):
        return self.entry["identifier"]

    @property
    def agreed(self):
        return self.entry["agreed_target"]

    def side(self, party):
        return next(side for side in self.sides if side.party == party)


def _row(entry, value_code_id):
    importance = entry.get("importance")
    sides = [
        Side(
            party=party,
            figures=figures,
            stance=(entry.get("stance") or {}).get(party),
            importance=(importance or {}).get(party, {}).get("mean_importance"),
        )
        for party, figures in entry["parties"].items()
    ]
    return BoardRow(
        entry=entry,
        pk=value_code_id,
        sides=sides,
        by_importance=importance is not None,
    )


def build(result, value_code_ids):
    """The board's content from one analysis; `value_code_ids` maps identifiers to ids (for
    the agreed-target form). `rows` lists each Value Code once: those with trade candidates
    first, in the candidates' order, then the largest overall gaps."""
    rows = {
        entry["identifier"]: _row(entry, value_code_ids[entry["identifier"]])
        for entry in result["value_codes"]
    }
    candidates = result.get("trade_candidates")
    for candidate in candidates or []:
        rows[candidate["value_code"]].candidates.append(candidate)
    with_gap = [row for row in rows.values() if row.entry["overall"]["gap"] is not None]
    largest = sorted(with_gap, key=lambda row: (-row.entry["overall"]["gap"], row.identifier))
    chosen = [rows[c["value_code"]] for c in candidates or []]
    chosen += largest[:LARGEST_GAPS]
    return {
        "asks_stance": candidates is not None,
        "candidates": candidates or [],
        "rows": _unique(chosen),
        "pulse": result.get("pulse"),
        "parties": result["parties"],
    }


def _unique(rows):
    seen, unique = set(), []
    for row in rows:
        if row.pk not in seen:
            seen.add(row.pk)
            unique.append(row)
    return unique
