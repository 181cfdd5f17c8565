"""Give and take, and the relationship pulse (PRODUCT.md 10). `analysis.analyse` calls
`add_figures`.

Made of the same answers as every other figure (analysis.answers_of: the published copy while a
round is open, so they move in steps of K): one GROUP BY counts the stances of every Value Code
and party, one more the pulse of every pair of parties, whatever the number of Value Codes and
participants.

- `stance[A]` of a Value Code: `n_give`, `n_take`, `n_stance` (participants of A who rated it at
  all: answered where we are or where we should be, "don't know" included, or marked a stance),
  `lean = (n_take - n_give) / n_stance`; below K, `n_give`, `n_take` and `lean` are null and
  `n_stance` stays. Levels and stance are published each in their own steps of K, so a
  publication of levels may move `n_stance` (and with it `lean`) by people who answered for the
  first time: that says that someone answered, never what they marked.
- `trade_candidates`: A needs movement (lean >= 0.5) where B could give (lean <= -0.5).
- `pulse[A][B]`: how likely A's participants are to recommend working with B, as a net score.
"""

from django.db.models import Count, Q

from diagnostics.models import GIVE, TAKE, PublishedPulse, Pulse
from diagnostics.publication import publish_due_pulse

NEEDS = 0.5  # a lean at least this high: the party needs movement here
GIVES = -0.5  # at most this low: the party could give here
PROMOTERS = 9  # 9 and 10
DETRACTORS = 6  # 0 to 6
DECIMALS = 4


def stance_counts(answers, value_code_ids=None):
    """{(value_code_id, party_id): (n_give, n_take, n_stance)} of analysis.Answers, one query."""
    rows = answers.rows
    if value_code_ids is not None:
        rows = rows.filter(value_code_id__in=value_code_ids)
    rated = Q(current_answered=True) | Q(target_answered=True) | ~Q(stance="")
    rows = (
        rows.values("value_code_id", answers.party_id)
        .annotate(
            n_give=Count("id", filter=Q(stance=GIVE)),
            n_take=Count("id", filter=Q(stance=TAKE)),
            n_stance=Count("id", filter=rated),
        )
        .order_by()
    )
    return {
        (row["value_code_id"], row[answers.party_id]): (
            row["n_give"],
            row["n_take"],
            row["n_stance"],
        )
        for row in rows
    }


def pending_stance():
    return {
        "n_give": None,
        "n_take": None,
        "n_stance": None,
        "lean": None,
        "suppressed": True,
        "pending": True,
    }


def stance_figures(n_give, n_take, n_stance, threshold):
    """One party's give and take on one Value Code; below K only n_stance shows."""
    suppressed = n_stance < threshold
    return {
        "n_give": None if suppressed else n_give,
        "n_take": None if suppressed else n_take,
        "n_stance": n_stance,
        "lean": None if suppressed else (n_take - n_give) / n_stance,
        "suppressed": suppressed,
        "pending": False,
    }


def value_code_stance(by_party, counts, value_code, parties, threshold):
    """The `stance` entry of one Value Code; a party whose figures are pending shows only that."""
    stance = {}
    for party in parties:
        if by_party[party.name]["pending"]:
            stance[party.name] = pending_stance()
        else:
            found = counts.get((value_code.pk, party.pk), (0, 0, 0))
            stance[party.name] = stance_figures(*found, threshold)
    return stance


def trade_candidates(figures, parties):
    """(v, A, B) where A needs movement and B could give, ordered by A's lean minus B's lean
    (as shown, rounded), descending, then identifier, then the parties' order."""
    order = {party.name: index for index, party in enumerate(parties)}
    found = []
    for entry in figures:
        leans = {name: f["lean"] for name, f in entry["stance"].items() if f["lean"] is not None}
        for needs, needs_lean in leans.items():
            if needs_lean < NEEDS:
                continue
            for gives, gives_lean in leans.items():
                if gives_lean > GIVES:
                    continue
                key = (
                    -round(needs_lean - gives_lean, DECIMALS),
                    entry["identifier"],
                    order[needs],
                    order[gives],
                )
                candidate = {
                    "value_code": entry["identifier"],
                    "needs": needs,
                    "gives": gives,
                    "needs_lean": needs_lean,
                    "gives_lean": gives_lean,
                }
                found.append((key, candidate))
    return [candidate for _key, candidate in sorted(found, key=lambda pair: pair[0])]


def pulse_scores(round_):
    """{(party id, about party id): [scores]} counted per score: the published copy while the
    round is open (a pair without one was never published), the pulses once closed. One query."""
    if round_.is_open:
        rows, party = PublishedPulse.objects.filter(round=round_), "party_id"
    else:
        rows, party = Pulse.objects.filter(round=round_), "participant__party_id"
    counts = {}
    for party_id, about_id, score, n in (
        rows.values_list(party, "about_party_id", "score").annotate(n=Count("id")).order_by()
    ):
        counts.setdefault((party_id, about_id), []).extend([score] * n)
    return counts


def pulse_figures(scores, threshold):
    """pulse[A][B] from A's scores about B (None: taken back); below K only n shows."""
    given = [score for score in scores if score is not None]
    n = len(given)
    if n < threshold:
        return {"n": n, "promoters": None, "detractors": None, "score": None, "pending": False}
    promoters = sum(score >= PROMOTERS for score in given)
    detractors = sum(score <= DETRACTORS for score in given)
    return {
        "n": n,
        "promoters": promoters,
        "detractors": detractors,
        "score": 100 * (promoters - detractors) / n,
        "pending": False,
    }


def pulse(round_, parties, threshold):
    """Every directed pair of parties, A about B: none for one party."""
    scores = pulse_scores(round_)
    result = {}
    for party in parties:
        row = {}
        for other in parties:
            if other.pk == party.pk:
                continue
            found = scores.get((party.pk, other.pk))
            if found is None and round_.is_open:
                row[other.name] = {
                    "n": None,
                    "promoters": None,
                    "detractors": None,
                    "score": None,
                    "pending": True,
                }
            else:
                row[other.name] = pulse_figures(found or [], threshold)
        if row:
            result[party.name] = row
    return result


def add_figures(diagnostic, round_, answers, parties, value_codes, figures, value_code_ids=None):
    """Add to the unrounded `figures` of analysis.round_figures the stances, in place, when the
    diagnostic asks for give and take; returns the top-level keys to add to the analysis
    (`trade_candidates`, `pulse`). Only what is switched on appears."""
    threshold = diagnostic.anonymity_threshold
    top = {}
    if diagnostic.asks_stance:
        counts = stance_counts(answers, value_code_ids)
        for entry, value_code in zip(figures, value_codes, strict=True):
            entry["stance"] = value_code_stance(
                entry["parties"], counts, value_code, parties, threshold
            )
        top["trade_candidates"] = trade_candidates(figures, parties)
    if diagnostic.asks_pulse:
        publish_due_pulse(round_, threshold=threshold)
        top["pulse"] = pulse(round_, parties, threshold)
    return top
