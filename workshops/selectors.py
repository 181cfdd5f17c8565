"""Reads for the live screens. Each screen costs a fixed number of queries, whatever the
number of people in the room, Value Codes or captured things."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.http import Http404

from diagnostics import locks
from diagnostics.models import AgreedTarget, Party, Rating
from participation.services import ParticipantRevoked, check_active
from results.analysis import analyse
from ttm.levels import LEVELS

from .models import (
    CapturedThing,
    Upvote,
    WorkshopAttendee,
    WorkshopReveal,
    WorkshopSeats,
    WorkshopSession,
)


class Withdrawn(Exception):
    """The person this browser joined as was removed or revoked: they may do nothing more."""


@dataclass
class PartySeats:
    party: Party
    present: int  # people of the party in the room
    seats: int  # how many may be

    @property
    def full(self):
        return self.present >= self.seats


def session_for_presenter(diagnostic):
    """The live session of a diagnostic (with what the screen needs), or None."""
    return (
        WorkshopSession.objects.select_related("round", "current_value_code")
        .filter(diagnostic=diagnostic, ended_at__isnull=True)
        .first()
    )


def attendee_for(session_id, participant_id):
    """The attendance of this browser's participant in the session; 404 for a browser that
    never joined it, Withdrawn once the person it joined as was removed or revoked."""
    if not participant_id:
        raise Http404("Not in this workshop")
    attendee = (
        WorkshopAttendee.objects.select_related(
            "participant__party",
            "session__diagnostic",
            "session__round",
            "session__current_value_code",
        )
        .filter(session_id=session_id, participant_id=participant_id)
        .first()
    )
    if attendee is None:  # this browser joined, so the attendance went with its person
        raise Withdrawn
    try:
        check_active(attendee.participant)
    except ParticipantRevoked as revoked:
        raise Withdrawn from revoked
    return attendee


def seats_taken(session):
    """{party id: (people in the room, seats)}; two queries."""
    seats = dict(WorkshopSeats.objects.filter(session=session).values_list("party_id", "seats"))
    present = _present(session)
    return {pk: (present.get(pk, 0), seats.get(pk, 0)) for pk in {*seats, *present}}


def party_seats(session, parties):
    """[PartySeats] in the order of `parties` (a party given no seats has 0)."""
    taken = seats_taken(session)
    return [PartySeats(party, *taken.get(party.pk, (0, 0))) for party in parties]


def full_party_ids(session):
    """Parties of the session's diagnostic with no free seat (a party given no seats has none)."""
    free = {pk for pk, (present, seats) in seats_taken(session).items() if present < seats}
    parties = Party.objects.filter(diagnostic_id=session.diagnostic_id)
    return set(parties.values_list("pk", flat=True)) - free


def _present(session):
    return dict(
        WorkshopAttendee.objects.filter(session=session)
        .values_list("participant__party_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def answer_counts(session, parties, frozen=None):
    """[(party, answered, in the room)] for the Value Code on screen: "Council 5/6".

    "In the room" are the session's attendees; "answered" those of them who gave a current level
    (or "don't know") on the Value Code on screen. Once it was revealed (`frozen`), both are
    the counts frozen at the reveal.
    """
    if frozen is not None:
        counts = frozen.figures["counts"]
        return [(party, *counts.get(str(party.pk), (0, 0))) for party in parties]
    present = _present(session)
    answered = {}
    if session.current_value_code_id:
        answered = dict(
            Rating.objects.filter(
                round_id=session.round_id,
                value_code_id=session.current_value_code_id,
                current_answered=True,
                participant__workshop_attendances__session=session,
            )
            .values_list("participant__party_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    return [(party, answered.get(party.pk, 0), present.get(party.pk, 0)) for party in parties]


def _bars(distribution):
    """Level counts as widths in percent of the largest, for CSS bars."""
    if distribution is None:
        return None
    top = max(distribution) or 1
    return [
        {"level": level, "count": count, "percent": round(100 * count / top)}
        for level, count in zip(LEVELS, distribution, strict=True)
    ]


def is_locked(session, value_code_id, participant):
    """Are the participant's answers to this Value Code closed: revealed in this session, or
    revealed in an earlier session of the round while they were in the room? Two queries at
    most. See diagnostics.locks."""
    revealed_here = WorkshopReveal.objects.filter(session=session, value_code_id=value_code_id)
    return revealed_here.exists() or locks.is_locked(
        round_id=session.round_id, value_code_id=value_code_id, participant_id=participant.pk
    )


def answers_closed(session, frozen, participant=None):
    """Are answers to the Value Code on screen closed? Yes once revealed in this session
    (`frozen`, see frozen_reveal); for a participant, also when it was revealed in an earlier
    session of the round while they were in the room (one query then). The presenter asks
    without a participant: in a later session, newcomers may still answer."""
    if frozen is not None:
        return True
    if participant is None or not session.current_value_code_id:
        return False
    return locks.is_locked(
        round_id=session.round_id,
        value_code_id=session.current_value_code_id,
        participant_id=participant.pk,
    )


def frozen_reveal(session):
    """The WorkshopReveal of the Value Code on screen, or None while it is open for answers."""
    if not session.current_value_code_id:
        return None
    return WorkshopReveal.objects.filter(
        session=session, value_code_id=session.current_value_code_id
    ).first()


def figures_to_freeze(session):
    """What the reveal of the Value Code on screen shows from then on (a JSON-able dict): its
    figures, anonymity applied (analysis.analyse), and the answer counts at that moment."""
    parties = list(session.diagnostic.parties.order_by("position", "id"))
    result = analyse(
        session.diagnostic,
        session.round.number,
        value_code_ids=[session.current_value_code_id],
    )
    counts = answer_counts(session, parties)
    return {
        "threshold": result["anonymity_threshold"],
        "value_code": result["value_codes"][0],
        "counts": {str(party.pk): [answered, present] for party, answered, present in counts},
    }


def expectations(frozen, diagnostic, parties=None):
    """What each party expected each other party to say about the Value Code of a reveal:
    [{"party", "about", and the analysis's estimates[A][B]: n, mean_estimate, actual,
    misreading, suppressed, pending}] for every ordered pair, in the parties' order.

    Empty unless the diagnostic asks for estimates and the figures frozen at the reveal hold
    them (a reveal frozen before estimates were switched on has none to show)."""
    if frozen is None or not diagnostic.asks_estimates:
        return []
    estimates = frozen.figures["value_code"].get("estimates")
    if not estimates:
        return []
    if parties is None:
        parties = list(diagnostic.parties.order_by("position", "id"))
    pairs = []
    for party in parties:
        for about in parties:
            entry = estimates.get(party.name, {}).get(about.name)
            if about.pk != party.pk and entry is not None:
                pairs.append({"party": party, "about": about, **entry})
    return pairs


def reveal(frozen, parties, diagnostic=None):
    """The frozen figures of a reveal (see figures_to_freeze), laid out for the screens; with
    the diagnostic, also what each party expected the others to say (see expectations)."""
    if frozen is None:
        return None
    figures = frozen.figures["value_code"]
    rows = []
    for party in parties:
        party_figures = figures["parties"].get(party.name)
        if party_figures is None:  # a party added (or renamed) after the reveal
            continue
        rows.append(
            {
                "party": party,
                "figures": party_figures,
                "current_bars": _bars(party_figures["current_distribution"]),
                "target_bars": _bars(party_figures["target_distribution"]),
            }
        )
    return {
        "threshold": frozen.figures["threshold"],
        "rows": rows,
        "overall": figures["overall"],
        "perception_gap_current": figures["perception_gap_current"],
        "perception_gap_target": figures["perception_gap_target"],
        "change": figures["change"],
        "expectations": expectations(frozen, diagnostic, parties) if diagnostic else [],
    }


def agreed_target(session):
    if not session.current_value_code_id:
        return None
    return AgreedTarget.objects.filter(
        round_id=session.round_id, value_code_id=session.current_value_code_id
    ).first()


def captures(session, participant=None):
    """Captured things not merged away, most upvoted first, with `upvote_count`, `merged_count`
    and, for a participant, `upvoted_by_me`."""
    queryset = (
        CapturedThing.objects.filter(session=session, merged_into__isnull=True)
        .annotate(
            upvote_count=Count("upvotes", distinct=True),
            merged_count=Count("merged", distinct=True),
        )
        .order_by("-upvote_count", "created_at", "id")
    )
    if participant is not None:
        mine = Upvote.objects.filter(captured_thing=OuterRef("pk"), participant=participant)
        queryset = queryset.annotate(upvoted_by_me=Exists(mine))
    return list(queryset)


def own_rating(session, participant):
    if not session.current_value_code_id:
        return None
    return Rating.objects.filter(
        round_id=session.round_id,
        value_code_id=session.current_value_code_id,
        participant=participant,
    ).first()


def room(session):
    """The session's attendees with their participant and party, by party then arrival; one
    query whatever their number."""
    return list(
        WorkshopAttendee.objects.filter(session=session)
        .select_related("participant__party")
        .order_by("participant__party__position", "participant__party_id", "joined_at", "id")
    )


def value_code_choices(diagnostic):
    """The diagnostic's Value Codes in order, for the presenter's "keep as" menu (one query)."""
    return list(diagnostic.value_codes.order_by("position", "id").only("pk", "identifier"))
