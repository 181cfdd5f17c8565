"""Reads for the live screens. Each screen costs a fixed number of queries, whatever the
number of people in the room, Value Codes or captured things."""

from django.db.models import Count, Exists, OuterRef
from django.http import Http404

from diagnostics.analysis import analyse
from diagnostics.models import AgreedTarget, Rating
from valuecodes.models import LEVELS

from . import live
from .models import CapturedThing, Upvote, WorkshopAttendee, WorkshopSession


def session_for_presenter(diagnostic):
    """The live session of a diagnostic (with what the screen needs), or None."""
    return (
        WorkshopSession.objects.select_related("round", "current_value_code")
        .filter(diagnostic=diagnostic, ended_at__isnull=True)
        .first()
    )


def attendee_for(session_id, participant_id):
    """The attendance of this browser's participant in the session; 404 for anyone else."""
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
    if attendee is None:
        raise Http404("Not in this workshop")
    return attendee


def answer_counts(session, parties):
    """[(party, answered, in the room)] for the Value Code on screen: "Council 5/6".

    "In the room" are the session's attendees; "answered" those of them who gave a current level
    (or "don't know") on the Value Code on screen.
    """
    present = dict(
        WorkshopAttendee.objects.filter(session=session)
        .values_list("participant__party_id")
        .annotate(n=Count("id"))
        .order_by()
    )
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


def reveal(session, parties):
    """The published figures of the Value Code on screen, anonymity applied (analysis.analyse).

    Records the publication shown, so that every screen follows a new one (live.note_figures).
    """
    if not session.current_value_code_id:
        return None
    result = analyse(
        session.diagnostic,
        session.round.number,
        value_code_ids=[session.current_value_code_id],
    )
    live.note_figures(session.pk, result["published_at"])
    figures = result["value_codes"][0]
    rows = []
    for party in parties:
        party_figures = figures["parties"][party.name]
        rows.append(
            {
                "party": party,
                "figures": party_figures,
                "current_bars": _bars(party_figures["current_distribution"]),
                "target_bars": _bars(party_figures["target_distribution"]),
            }
        )
    return {
        "threshold": result["anonymity_threshold"],
        "rows": rows,
        "overall": figures["overall"],
        "perception_gap_current": figures["perception_gap_current"],
        "perception_gap_target": figures["perception_gap_target"],
        "change": figures["change"],
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
