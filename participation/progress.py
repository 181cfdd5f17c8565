"""Reads for the facilitator's progress view: who is invited, started and finished in a round.

A fixed handful of queries whatever the number of participants: counts are aggregated in the
database, one row per participant.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from diagnostics.models import Participant, Round


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


def current_round(diagnostic):
    """The open round, or the latest one when all are closed (None before any)."""
    rounds = list(diagnostic.rounds.order_by("number"))
    open_rounds = [r for r in rounds if r.is_open]
    return open_rounds[0] if open_rounds else (rounds[-1] if rounds else None)


def participant_progress(*, diagnostic, round):
    """Active participants annotated with `answered` (ratings in the round) and `finished`
    (ratings with both current and target answered)."""
    in_round = Q(ratings__round=round)
    return (
        Participant.objects.filter(diagnostic=diagnostic, revoked_at__isnull=True)
        .select_related("party")
        .annotate(
            answered=Count("ratings", filter=in_round),
            finished=Count(
                "ratings",
                filter=in_round & Q(ratings__current_answered=True, ratings__target_answered=True),
            ),
        )
        .order_by("party__position", "party_id", "label")
    )


def diagnostic_progress(*, diagnostic, round=None):
    """Per party: invited (active participants), started (>= 1 rating in the round) and
    completed (current and target answered for every Value Code), plus who has not finished."""
    round = round or current_round(diagnostic)
    value_code_count = diagnostic.value_codes.count()
    by_party = {party.pk: PartyProgress(party) for party in diagnostic.parties.all()}
    if round is not None:
        for participant in participant_progress(diagnostic=diagnostic, round=round):
            entry = by_party[participant.party_id]
            entry.invited += 1
            entry.started += participant.answered > 0
            if value_code_count and participant.finished >= value_code_count:
                entry.completed += 1
            else:
                entry.unfinished.append(participant)
    return Progress(round=round, value_code_count=value_code_count, parties=list(by_party.values()))


def unfinished_participants(*, diagnostic):
    """Active participants who have not finished the open round (none when no round is open)."""
    round = Round.objects.filter(diagnostic=diagnostic, closed_at__isnull=True).first()
    if round is None:
        return []
    progress = diagnostic_progress(diagnostic=diagnostic, round=round)
    return [person for party in progress.parties for person in party.unfinished]
