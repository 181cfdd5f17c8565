"""The ratings file (PRODUCT.md 5): import for offline or paper workshops, raw export.

Import is all-or-nothing, reports every bad row by number (the header is row 1) and column,
and is idempotent: the same participant and Value Code again replaces the earlier rating.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils.connection import ConnectionProxy

from diagnostics import rounds
from diagnostics.models import (
    Diagnostic,
    DiagnosticValueCode,
    Estimate,
    Participant,
    Pulse,
    Rating,
    Round,
)
from participation.give_and_take import clean_score, clean_stance, upsert_pulses
from participation.services import upsert_ratings
from ttm import parsing
from ttm.spreadsheets import MB, CsvLimits, FileRefused, read_csv

HEADER = ["participant", "party", "value_code", "current", "target", "comment"]
# The export names respondents by their pseudonymous code, never by name (PRODUCT.md 3, 5).
EXPORT_HEADER = ["respondent", *HEADER[1:], "round"]
MAX_FILE_BYTES = 5 * MB
# A paper workshop is hundreds of rows; a whole diagnostic's ratings fit many times over.
CSV_LIMITS = CsvLimits(bytes=MAX_FILE_BYTES, rows=100_000, columns=50)


class RatingsFileError(ValidationError):
    """The file was rejected; `.messages` lists every problem, row by row."""


IMPORTANCE = "importance"
ESTIMATE_OF = "estimate of "
STANCE = "stance"
PULSE_ABOUT = "pulse about "


@dataclass(frozen=True)
class OptionalColumns:
    """Where the optional columns after the six are: importance, and `estimate of P` per party."""

    importance: int | None = None
    estimates: tuple = ()  # (index, party)
    stance: int | None = None
    pulses: tuple = ()  # (index, party)

    @property
    def any(self):
        return self.importance is not None or bool(self.estimates)


def optional_columns(header, parties):
    """The OptionalColumns of a header (lower-cased, stripped), or RatingsFileError naming
    every heading that is not one."""
    by_name = {name.casefold(): party for name, party in parties.items()}
    importance, estimates, errors, seen = None, [], [], set()
    stance, pulses = None, []
    for index in range(len(HEADER), len(header)):
        heading = header[index]
        column = index + 1
        if heading in seen:
            errors.append(f"Row 1, column {column}: “{heading}” appears twice.")
            continue
        seen.add(heading)
        if heading == IMPORTANCE:
            importance = index
        elif heading == STANCE:
            stance = index
        elif heading.startswith((ESTIMATE_OF, PULSE_ABOUT)):
            prefix = ESTIMATE_OF if heading.startswith(ESTIMATE_OF) else PULSE_ABOUT
            name = heading[len(prefix) :].strip()
            party = by_name.get(name.casefold())
            if party is None:
                errors.append(f"Row 1, column {column}: “{heading}”: no party “{name}”.")
            else:
                (estimates if prefix == ESTIMATE_OF else pulses).append((index, party))
        else:
            errors.append(
                f"Row 1, column {column}: “{heading}” is not a column of the ratings file; after "
                f"{','.join(HEADER)} come importance, stance, “estimate of <party>” and “pulse "
                "about <party>”."
            )
    if errors:
        raise RatingsFileError(errors)
    return OptionalColumns(
        importance=importance,
        estimates=tuple(estimates),
        stance=stance,
        pulses=tuple(pulses),
    )


@dataclass
class ImportSummary:
    round: Round
    ratings: int
    new_participants: int


def round_for_import(diagnostic, number=None):
    """Round `number` (closed too: paper results may come late), else the open round."""
    if number is None:
        round = rounds.open_round_of(diagnostic)
        if round is None:
            raise RatingsFileError("No round is open in this diagnostic; give a round number.")
        return round
    try:
        return rounds.round_numbered(diagnostic, number)
    except rounds.NoRound:
        raise RatingsFileError(f"This diagnostic has no round {number}.") from None


def read_rows(raw):
    """Rows of a UTF-8 CSV (a BOM is accepted) from bytes or text, within CSV_LIMITS."""
    try:
        return read_csv(raw, CSV_LIMITS)
    except FileRefused as refused:
        raise RatingsFileError(str(refused)) from None


def _level(raw, row_number, column, errors):
    raw = raw.strip()
    if raw == "":
        return None  # "don't know"
    try:
        return parsing.level(raw)
    except parsing.InvalidInput:
        errors.append(f'Row {row_number}, column {column}: "{raw[:20]}" is not 1 to 5 or empty.')
        return None


def import_ratings(*, diagnostic, raw, round_number=None):
    """Import a ratings file into a round of the diagnostic (all or nothing)."""
    round = round_for_import(diagnostic, round_number)
    rows = read_rows(raw)
    if not rows:
        raise RatingsFileError("The file is empty; row 1 must be the header.")
    header = [cell.strip().lower() for cell in rows[0]]
    while len(header) > len(HEADER) and not header[-1]:
        header.pop()
    if header[: len(HEADER)] != HEADER:
        raise RatingsFileError(f"Row 1 must be the header: {','.join(HEADER)}.")

    parties = {party.name: party for party in diagnostic.parties.all()}
    optional = optional_columns(header, parties)
    value_codes = {
        vc.identifier: vc for vc in DiagnosticValueCode.objects.filter(diagnostic=diagnostic)
    }
    participants = {p.label: p for p in Participant.objects.filter(diagnostic=diagnostic)}
    new_labels = {}  # label -> party, for participants created by this file
    answers = {}  # (label, value_code id) -> answer fields; later rows replace earlier ones
    understood = {}  # (label, value_code id) -> (importance, {party id: estimate})
    stances = {}  # (label, value_code id) -> "give", "take" or ""
    pulses = {}  # (label, about party id) -> {row number: score or None}
    errors = []
    for row_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(HEADER):
            errors.append(f"Row {row_number}: expected {len(HEADER)} columns, found {len(row)}.")
            continue
        label, party_name, identifier, current, target, comment = (c.strip() for c in row[:6])
        row_errors = []
        party = parties.get(party_name)
        if party is None:
            row_errors.append(f'Row {row_number}, column party: no party "{party_name}".')
        value_code = value_codes.get(identifier)
        if value_code is None:
            row_errors.append(
                f'Row {row_number}, column value_code: no Value Code "{identifier}" in this '
                "diagnostic."
            )
        if not label:
            row_errors.append(f"Row {row_number}, column participant: empty.")
        elif len(label) > 120:
            row_errors.append(f"Row {row_number}, column participant: longer than 120 characters.")
        elif party is not None:
            known = participants.get(label)
            known_party = known.party_id if known else getattr(new_labels.get(label), "pk", None)
            if known_party is not None and known_party != party.pk:
                row_errors.append(
                    f'Row {row_number}, column participant: "{label}" already belongs to another '
                    "party."
                )
            elif known is not None and known.invitation_used:
                row_errors.append(
                    f'Row {row_number}, column participant: "{label}" answers through their own '
                    "personal link, so only they can change their answers."
                )
            elif known is None:
                new_labels.setdefault(label, party)
        levels = (
            _level(current, row_number, "current", row_errors),
            _level(target, row_number, "target", row_errors),
        )
        understanding = _understanding(row, row_number, header, optional, party, row_errors)
        stance = _stance(row, row_number, optional, row_errors)
        # Compared across the participant's rows even when this row has other errors, so
        # that a differing pulse is named with every row it is on.
        for about_id, score in _pulses(row, row_number, header, optional, party, row_errors):
            if label:
                pulses.setdefault((label, about_id), {})[row_number] = score
        errors.extend(row_errors)
        if not row_errors:
            answers[label, value_code.pk] = levels, comment
            understood[label, value_code.pk] = understanding
            stances[label, value_code.pk] = stance
    errors.extend(_differing_pulses(pulses, header, optional))
    if errors:
        raise RatingsFileError(errors)

    with transaction.atomic():
        created = Participant.objects.bulk_create(
            [
                Participant(diagnostic=diagnostic, party=party, label=label)
                for label, party in new_labels.items()
            ]
        )
        # bulk_create does not return ids on every database: read them back.
        participants = {p.label: p for p in Participant.objects.filter(diagnostic=diagnostic)}
        importance = optional.importance is not None
        upsert_ratings(
            [
                Rating(
                    round=round,
                    participant=participants[label],
                    value_code_id=value_code_id,
                    current_level=current_level,
                    target_level=target_level,
                    current_answered=True,
                    target_answered=True,
                    comment=comment,
                    importance_level=understood[label, value_code_id][0],
                    importance_answered=importance,
                    stance=stances[label, value_code_id],
                )
                for (label, value_code_id), ((current_level, target_level), comment) in (
                    answers.items()
                )
            ],
            importance=importance,
            stance=optional.stance is not None,
        )
        upsert_pulses(
            Pulse(
                round=round,
                participant=participants[label],
                about_party_id=about_id,
                score=next(iter(by_row.values())),
            )
            for (label, about_id), by_row in pulses.items()
        )
        Estimate.objects.bulk_create(
            [
                Estimate(
                    round=round,
                    participant=participants[label],
                    value_code_id=value_code_id,
                    about_party_id=party_id,
                    level=level,
                )
                for (label, value_code_id), (_importance, estimates) in understood.items()
                for party_id, level in estimates.items()
            ],
            update_conflicts=True,
            unique_fields=["round", "participant", "value_code", "about_party"],
            update_fields=["level", "updated_at"],
        )
        _switch_on(diagnostic, optional)
    return ImportSummary(round=round, ratings=len(answers), new_participants=len(created))


def _understanding(row, row_number, header, optional, party, row_errors):
    """(importance, {other party id: estimate}) of one row; an estimate of the participant's
    own party is an error on every row that fills it, and is never stored."""
    cells = row + [""] * (len(header) - len(row))
    importance = None
    if optional.importance is not None:
        importance = _level(cells[optional.importance], row_number, IMPORTANCE, row_errors)
    estimates = {}
    for index, about in optional.estimates:
        raw = cells[index].strip()
        if party is not None and about.pk == party.pk:
            if raw:
                row_errors.append(
                    f"Row {row_number}, column {header[index]}: {about.name} is this "
                    "participant's own party; an estimate is about another party."
                )
            continue
        estimates[about.pk] = _level(raw, row_number, header[index], row_errors)
    return importance, estimates


def _stance(row, row_number, optional, row_errors):
    """The row's give and take: "give", "take" or "" (unmarked, also without the column)."""
    if optional.stance is None or optional.stance >= len(row):
        return ""
    try:
        return clean_stance(row[optional.stance])
    except ValidationError:
        raw = row[optional.stance].strip()[:20]
        row_errors.append(f'Row {row_number}, column stance: "{raw}" is not give, take or empty.')
        return ""


def _pulses(row, row_number, header, optional, party, row_errors):
    """[(other party id, score or None)] of one row's valid `pulse about P` cells; a column
    naming the participant's own party is an error on every row that fills it."""
    cells = row + [""] * (len(header) - len(row))
    scores = []
    for index, about in optional.pulses:
        raw = cells[index].strip()
        if party is not None and about.pk == party.pk:
            if raw:
                row_errors.append(
                    f"Row {row_number}, column {header[index]}: {about.name} is this "
                    "participant's own party; the pulse is about another party."
                )
            continue
        try:
            scores.append((about.pk, clean_score(raw)))
        except ValidationError:
            row_errors.append(
                f'Row {row_number}, column {header[index]}: "{raw[:20]}" is not 0 to 10 or empty.'
            )
    return scores


def _differing_pulses(pulses, header, optional):
    """A participant's pulse about a party is one answer per round: the same on each of their
    rows (empty included), else an error naming the rows."""
    columns = {about.pk: header[index] for index, about in optional.pulses}
    errors = []
    for (label, about_id), by_row in pulses.items():
        if len(set(by_row.values())) > 1:
            rows = ", ".join(str(number) for number in sorted(by_row))
            errors.append(
                f"Rows {rows}, column {columns[about_id]}: “{label}” has different values; "
                "the pulse is one answer per round, so give the same value (or leave it empty) "
                "on each of their rows."
            )
    return errors


def _switch_on(diagnostic, optional):
    """Importing the columns of a question switches it on (PRODUCT.md 10)."""
    fields = {}
    if optional.importance is not None:
        fields["asks_importance"] = True
    if optional.estimates:
        fields["asks_estimates"] = True
    if optional.stance is not None:
        fields["asks_stance"] = True
    if optional.pulses:
        fields["asks_pulse"] = True
    if fields:
        Diagnostic.objects.filter(pk=diagnostic.pk).update(**fields)
        for name, value in fields.items():
            setattr(diagnostic, name, value)


def export_header(diagnostic):
    """EXPORT_HEADER and the optional columns the diagnostic uses (PRODUCT.md 5)."""
    header = list(EXPORT_HEADER)
    if diagnostic.asks_importance:
        header.append(IMPORTANCE)
    if diagnostic.asks_estimates:
        header += [f"{ESTIMATE_OF}{party.name}" for party in _parties(diagnostic)]
    if diagnostic.asks_stance:
        header.append(STANCE)
    if diagnostic.asks_pulse:
        header += [f"{PULSE_ABOUT}{party.name}" for party in _parties(diagnostic)]
    return header


def _parties(diagnostic):
    return list(diagnostic.parties.order_by("position", "id"))


live_cache = ConnectionProxy(caches, "live")
LEFT_OUT_TIMEOUT = 24 * 3600


def _closed_ratings(diagnostic):
    # An open round's answers show only as figures published in steps of K (PRODUCT.md 3).
    return Rating.objects.filter(round__diagnostic=diagnostic, round__closed_at__isnull=False)


def _closed_pulses(diagnostic):
    return Pulse.objects.filter(
        round__diagnostic=diagnostic, round__closed_at__isnull=False, score__isnull=False
    )


def left_out_party_ids(diagnostic):
    """The ids of the parties whose rows the raw ratings export leaves out, in every round.

    The facilitator may know, for every named person, which Value Codes they answered in which
    closed round: they see who has finished, decide who is asked what (the party, or someone in
    person) and know who joined when. So a respondent code's pattern, the set of (round, Value
    Code) pairs it has rows for over all closed rounds (exports of separate rounds can be
    joined on the code), could name it. A party is exported only when each of its patterns is
    shared by at least K of its respondents; otherwise none of its rows are: leaving out only
    the rows of some would let "published figures minus exported rows" give their answers,
    while leaving out the whole party leaves only what its figures already say.

    A pattern also says which rows are answered in full (current and target, "don't know"
    included), as "finished" counts them: in the file an unanswered cell and "don't know" look
    alike, so the one person not finished would otherwise be the one code with an empty cell.

    A pulse is part of the pattern too (which party it is about, in which round): the closed
    figures count the pulse of someone with no rating row, whose pulse no row can carry, so
    "pulse figure minus exported pulses" would otherwise give it.

    Judged on the rows themselves (a row of "don't know" or only a stance is a row too), never
    on who is asked what today, so a later change of assignment cannot move it. Two queries.
    """
    patterns = {}  # participant id -> (party id, {(round id, Value Code id, in full)})
    rows = _closed_ratings(diagnostic).values_list(
        "participant_id",
        "participant__party_id",
        "round_id",
        "value_code_id",
        "current_answered",
        "target_answered",
    )
    for participant, party, round_id, value_code, current, target in rows.iterator(chunk_size=5000):
        row = (round_id, value_code, current and target)
        patterns.setdefault(participant, (party, set()))[1].add(row)
    pulses = _closed_pulses(diagnostic).values_list(
        "participant_id", "participant__party_id", "round_id", "about_party_id"
    )
    for participant, party, round_id, about in pulses.iterator(chunk_size=5000):
        patterns.setdefault(participant, (party, set()))[1].add((round_id, "pulse", about))
    sharing = Counter((party, frozenset(pairs)) for party, pairs in patterns.values())
    k = diagnostic.anonymity_threshold
    return {party for (party, _pattern), count in sharing.items() if count < k}


def parties_left_out(diagnostic):
    """The parties left out of the raw ratings export (see left_out_party_ids), in order, for
    the pages that link the export.

    Reading every closed-round rating on each visit of the Participants tab would cost more as
    ratings grow, so the answer is kept in the live cache under a fingerprint of those ratings
    and pulses (two aggregate queries; a lost cache costs one full read). The export itself
    always reads them."""
    fingerprint = _closed_ratings(diagnostic).aggregate(
        n=Count("id"),
        last=Max("updated_at"),
        people=Sum("participant_id"),
        codes=Sum("value_code_id"),
    )
    fingerprint |= _closed_pulses(diagnostic).aggregate(
        pulses=Count("id"), pulse_people=Sum("participant_id"), last_pulse=Max("updated_at")
    )
    if not fingerprint["n"] and not fingerprint["pulses"]:
        return []
    key = (
        "ttm:raw-export-left-out:"
        + hashlib.sha256(
            repr((diagnostic.pk, diagnostic.anonymity_threshold, *fingerprint.values())).encode()
        ).hexdigest()
    )
    ids = live_cache.get(key)
    if ids is None:
        ids = sorted(left_out_party_ids(diagnostic))
        live_cache.set(key, ids, LEFT_OUT_TIMEOUT)
    return list(diagnostic.parties.filter(pk__in=ids).order_by("position", "id")) if ids else []


def ratings_rows(diagnostic, round=None):
    """Header and rows of the raw ratings export of closed rounds: respondent codes, never
    names or e-mails, and no row of a party left out (left_out_party_ids).

    Rows are ordered by respondent code, which is random, so their order does not follow
    names either. Constant queries. Write them with ttm.spreadsheets.csv_writer, which
    neutralises formulas.
    """
    left_out = left_out_party_ids(diagnostic)
    ratings = (
        _closed_ratings(diagnostic)
        .exclude(participant__party_id__in=left_out)
        .select_related("participant__party", "value_code", "round")
        .order_by(
            "round__number",
            "participant__party__position",
            "participant__respondent_code",
            "value_code__position",
            "value_code_id",
        )
    )
    if round is not None:
        ratings = ratings.filter(round=round)
    yield export_header(diagnostic)
    parties = _parties(diagnostic) if diagnostic.asks_estimates else []
    estimates = _exported_estimates(diagnostic, round) if parties else {}
    pulse_parties = _parties(diagnostic) if diagnostic.asks_pulse else []
    pulses = _exported_pulses(diagnostic, round) if pulse_parties else {}
    for rating in ratings.iterator(chunk_size=2000):
        row = [
            rating.participant.respondent_code,
            rating.participant.party.name,
            rating.value_code.identifier,
            rating.current_level,
            rating.target_level,
            rating.comment,
            rating.round.number,
        ]
        if diagnostic.asks_importance:
            row.append(rating.importance_level)
        key = (rating.round_id, rating.participant_id, rating.value_code_id)
        row += [estimates.get((*key, party.pk)) for party in parties]
        if diagnostic.asks_stance:
            row.append(rating.stance)
        person = (rating.round_id, rating.participant_id)
        row += [pulses.get((*person, party.pk)) for party in pulse_parties]
        yield row


def _exported_pulses(diagnostic, round):
    """{(round id, participant id, party id): score} of the closed rounds."""
    pulses = Pulse.objects.filter(
        round__diagnostic=diagnostic, round__closed_at__isnull=False, score__isnull=False
    )
    if round is not None:
        pulses = pulses.filter(round=round)
    return {
        (r, p, a): score
        for r, p, a, score in pulses.values_list(
            "round_id", "participant_id", "about_party_id", "score"
        )
    }


def _exported_estimates(diagnostic, round):
    """{(round id, participant id, Value Code id, party id): level} of the closed rounds."""
    estimates = Estimate.objects.filter(
        round__diagnostic=diagnostic, round__closed_at__isnull=False, level__isnull=False
    )
    if round is not None:
        estimates = estimates.filter(round=round)
    return {
        (r, p, v, a): level
        for r, p, v, a, level in estimates.values_list(
            "round_id", "participant_id", "value_code_id", "about_party_id", "level"
        )
    }
