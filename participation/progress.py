"""Progress and "finished": the one home of both, for every page that says them.

A person has finished a round when they answered current and target (a level or "don't know")
of every Value Code they are asked (diagnostics.assignment); Value Codes they are not asked do
not count, answered or not. The participant's pages, the lean save, the facilitator's overview
and participants tab, reminders and the individual report all read progress from here.

Counts are correlated subqueries in SQL, so a list of people costs one query whatever the
number of participants or Value Codes.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, IntegerField, OuterRef
from django.db.models.expressions import RawSQL

from diagnostics.assignment import asked_condition
from diagnostics.models import DiagnosticValueCode, Participant, Rating
from diagnostics.rounds import open_round_of, round_to_show


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def finished(answered, asked):
    """The rule: every asked Value Code answered in full. With nothing to rate, not finished."""
    return asked > 0 and answered >= asked


def _asked(person, value_code):
    return asked_condition(
        participant=f"{person}.id",
        party=f"{person}.party_id",
        value_code=f"{value_code}.id",
        section=f"{value_code}.section",
    )


def asked_count_sql(person):
    """SQL: how many Value Codes the participant row `person` (an alias) is asked."""
    return (
        f"(SELECT COUNT(*) FROM {_table(DiagnosticValueCode)} vca "
        f"WHERE vca.diagnostic_id = {person}.diagnostic_id AND {_asked(person, 'vca')})"
    )


def answered_count_sql(person, round):
    """SQL: how many asked Value Codes the participant row `person` answered in full in the
    round `round` (an SQL expression, e.g. %s)."""
    return (
        f"(SELECT COUNT(*) FROM {_table(Rating)} rta "
        f"JOIN {_table(DiagnosticValueCode)} vcb ON vcb.id = rta.value_code_id "
        f"WHERE rta.participant_id = {person}.id AND rta.round_id = {round} "
        f"AND rta.current_answered AND rta.target_answered AND {_asked(person, 'vcb')})"
    )


def with_progress(participants, round):
    """`participants` annotated with `asked`, `answered` (see answered_count_sql) and `rated`
    (at least one rating in the round); `round` may be None (nothing answered yet)."""
    person = _table(Participant)
    round_id = round.pk if round is not None else None
    return participants.annotate(
        asked=RawSQL(asked_count_sql(person), [], output_field=IntegerField()),
        answered=RawSQL(answered_count_sql(person, "%s"), [round_id], output_field=IntegerField()),
        rated=Exists(Rating.objects.filter(participant=OuterRef("pk"), round_id=round_id)),
    )


@dataclass(frozen=True)
class ParticipantProgress:
    answered: int
    asked: int

    @property
    def finished(self):
        return finished(self.answered, self.asked)


def participant_progress(participant, round):
    """How far one person is in the round (`round` may be None): one query."""
    row = (
        with_progress(Participant.objects.filter(pk=participant.pk), round)
        .values("answered", "asked")
        .get()
    )
    return ParticipantProgress(answered=row["answered"], asked=row["asked"])


def participants_progress(*, diagnostic, round):
    """Active participants of the diagnostic with their party, annotated as by with_progress
    and with `finished`; one query."""
    people = with_progress(
        Participant.objects.filter(diagnostic=diagnostic, revoked_at__isnull=True)
        .select_related("party")
        .order_by("party__position", "party_id", "label"),
        round,
    )
    for person in people:
        person.finished = finished(person.answered, person.asked)
        yield person


@dataclass
class PartyProgress:
    party: object
    invited: int = 0
    started: int = 0
    completed: int = 0
    unfinished: list = field(default_factory=list)

    @property
    def percent_completed(self):
        return round(100 * self.completed / self.invited) if self.invited else 0


@dataclass
class Progress:
    round: object
    value_code_count: int
    parties: list

    @property
    def invited(self):
        return sum(p.invited for p in self.parties)

    @property
    def started(self):
        return sum(p.started for p in self.parties)

    @property
    def completed(self):
        return sum(p.completed for p in self.parties)


def diagnostic_progress(*, diagnostic, round=None):
    """Per party: invited (active participants), started (>= 1 rating in the round) and
    completed (finished, see `finished`), plus who has not finished."""
    round = round or round_to_show(diagnostic)
    value_code_count = diagnostic.value_codes.count()
    by_party = {party.pk: PartyProgress(party) for party in diagnostic.parties.all()}
    if round is not None:
        for person in participants_progress(diagnostic=diagnostic, round=round):
            entry = by_party[person.party_id]
            entry.invited += 1
            entry.started += person.rated
            if person.finished:
                entry.completed += 1
            else:
                entry.unfinished.append(person)
    return Progress(round=round, value_code_count=value_code_count, parties=list(by_party.values()))


def unfinished_participants(*, diagnostic):
    """Active participants who have not finished the open round (none when no round is open)."""
    round = open_round_of(diagnostic)
    if round is None:
        return []
    return [p for p in participants_progress(diagnostic=diagnostic, round=round) if not p.finished]
