"""Writes of a live workshop. Each takes keyword-only arguments, validates, saves in one
transaction and marks the session changed so polling screens pick it up (see live.py)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from diagnostics.models import Participant, Round, ThingThatMatters
from diagnostics.participation import add_named_participant

from . import live
from .models import (
    JOIN_CODE_ALPHABET,
    CapturedThing,
    Upvote,
    WorkshopAttendee,
    WorkshopSession,
)


class SessionEnded(ValidationError):
    """The workshop is over: nothing more can be done in it."""


# Facilitator: the session and its state machine


def start_session(*, diagnostic, user=None, capture_first=False):
    """Start a live session on the diagnostic's open round, or return the one already live."""
    live_session = live_session_of(diagnostic)
    if live_session is not None:
        return live_session
    round = Round.objects.filter(diagnostic=diagnostic, closed_at__isnull=True).first()
    if round is None:
        raise ValidationError("Open a round before starting a workshop: ratings go into it.")
    first = diagnostic.value_codes.order_by("position", "id").first()
    if first is None and not capture_first:
        raise ValidationError("Add Value Codes first, or start with a capture round.")
    state = WorkshopSession.CAPTURING if capture_first else WorkshopSession.RATING
    for _attempt in range(10):
        try:
            with transaction.atomic():
                session = WorkshopSession.objects.create(
                    diagnostic=diagnostic,
                    round=round,
                    state=state,
                    resume_state=state,
                    current_value_code=first,
                    started_by=user if user and user.is_authenticated else None,
                )
        except IntegrityError:
            # A live code clashed (one in 887 million), or another tab started one just now.
            live_session = live_session_of(diagnostic)
            if live_session is not None:
                return live_session
            continue
        live.bump(session, stage=True, answers=True)
        return session
    raise ValidationError("Could not find a free join code; please try again.")


def live_session_of(diagnostic):
    return WorkshopSession.objects.filter(diagnostic=diagnostic, ended_at__isnull=True).first()


def _change(session, **fields):
    """Apply `fields` to the locked row, bump its version and the live stamp."""
    if not session.is_live:
        raise SessionEnded("This workshop has ended.")
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        if not locked.is_live:
            raise SessionEnded("This workshop has ended.")
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version = F("version") + 1
        locked.save(update_fields=[*fields, "version"])
        locked.refresh_from_db()
    for name in [*fields, "version"]:
        setattr(session, name, getattr(locked, name))
    live.bump(session, stage=True, answers=True)
    return session


def go_to(*, session, value_code):
    """Put a Value Code of the session's diagnostic on screen, hidden, ready for rating."""
    if value_code.diagnostic_id != session.diagnostic_id:
        raise ValidationError("This Value Code belongs to another diagnostic.")
    fields = {"current_value_code": value_code, "revealed": False}
    if session.state == WorkshopSession.CAPTURING:
        fields["state"] = fields["resume_state"] = WorkshopSession.RATING
    return _change(session, **fields)


def step(*, session, offset):
    """Next (+1) or previous (-1) Value Code in the diagnostic's order; stays put at the ends."""
    ordered = list(
        session.diagnostic.value_codes.order_by("position", "id").values_list("pk", flat=True)
    )
    if not ordered:
        raise ValidationError("This diagnostic has no Value Codes yet.")
    if session.current_value_code_id in ordered:
        index = ordered.index(session.current_value_code_id) + offset
    else:
        index = 0
    index = max(0, min(len(ordered) - 1, index))
    value_code = session.diagnostic.value_codes.get(pk=ordered[index])
    return go_to(session=session, value_code=value_code)


def set_revealed(*, session, revealed):
    if revealed and session.current_value_code_id is None:
        raise ValidationError("There is no Value Code on screen to reveal.")
    return _change(session, revealed=bool(revealed))


def start_capture(*, session):
    return _change(
        session,
        state=WorkshopSession.CAPTURING,
        resume_state=WorkshopSession.CAPTURING,
        revealed=False,
    )


def start_rating(*, session):
    if session.current_value_code_id is None:
        first = session.diagnostic.value_codes.order_by("position", "id").first()
        if first is None:
            raise ValidationError("Add Value Codes to the diagnostic before rating.")
        return go_to(session=session, value_code=first)
    return _change(session, state=WorkshopSession.RATING, resume_state=WorkshopSession.RATING)


def pause(*, session):
    if session.state == WorkshopSession.PAUSED:
        return session
    return _change(session, state=WorkshopSession.PAUSED, resume_state=session.state)


def resume(*, session):
    if session.state != WorkshopSession.PAUSED:
        return session
    return _change(session, state=session.resume_state)


def end_session(*, session):
    """End the session: its code stops working; everything recorded stays in the diagnostic."""
    return _change(session, state=WorkshopSession.ENDED, ended_at=timezone.now(), revealed=False)


def record_target(*, session, level, trade_off="", owner="", due_date=None):
    """The agreed target of the Value Code on screen, recorded in the session's round."""
    from diagnostics.targets import record_agreed_target

    if session.current_value_code_id is None:
        raise ValidationError("There is no Value Code on screen.")
    target = record_agreed_target(
        round=session.round,
        value_code=session.current_value_code,
        level=level,
        trade_off=trade_off,
        owner=owner,
        due_date=due_date,
    )
    live.bump(session, stage=True)
    return target


# Participants: joining


def normalise_code(code):
    """What people type: any case, with spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def live_session_for_code(code):
    """The live session with this join code, or None (wrong and ended codes alike)."""
    code = normalise_code(code)
    if not code or any(ch not in JOIN_CODE_ALPHABET for ch in code):
        return None
    return (
        WorkshopSession.objects.select_related("diagnostic")
        .filter(join_code=code, ended_at__isnull=True)
        .first()
    )


def attend(*, session, participant):
    """Record that the participant is in the room; joining twice is harmless."""
    if not session.is_live:
        raise SessionEnded("This workshop has ended.")
    if participant.diagnostic_id != session.diagnostic_id:
        raise ValidationError("This person belongs to another diagnostic.")
    if participant.is_revoked:
        raise ValidationError("This invitation was revoked. Ask your facilitator.")
    attendee, created = WorkshopAttendee.objects.get_or_create(
        session=session, participant=participant
    )
    if created:
        live.bump(session, stage=False, answers=True)
    return attendee


@transaction.atomic
def join_with_name(*, session, party, name):
    """A new participant of `party`, named as they typed with a random tag added."""
    if not session.is_live:
        raise SessionEnded("This workshop has ended.")
    if party.diagnostic_id != session.diagnostic_id:
        raise ValidationError({"party": "Choose one of this workshop's parties."})
    participant = add_named_participant(party=party, name=name)
    attend(session=session, participant=participant)
    return participant


def token_from_link(link):
    """The secret token from a pasted invitation link (or the bare token)."""
    return (link or "").strip().rstrip("/").rsplit("/", 1)[-1]


def join_with_invitation(*, session, link):
    """The participant whose personal link (or unused invitation link) this is, attending.

    An invitation link that was used already is refused: its holder may be the facilitator,
    and a phone in the workshop shows its participant's own answers. An unused one counts as
    its first use (diagnostics.invitations.use_invitation)."""
    from diagnostics.invitations import InvitationRefused, use_invitation

    token = token_from_link(link)
    in_diagnostic = Participant.objects.select_related("party").filter(
        diagnostic_id=session.diagnostic_id
    )
    participant = in_diagnostic.filter(token=token).first() if token else None
    if participant is None and token:
        invited = in_diagnostic.filter(invitation_token=token).first()
        if invited is not None:
            try:
                participant = use_invitation(participant=invited)
            except InvitationRefused as refused:
                raise ValidationError(
                    {
                        "link": "This invitation link was used already: paste your personal "
                        "link instead."
                        if not invited.is_revoked
                        else refused.messages[0]
                    }
                ) from refused
    if participant is None:
        raise ValidationError({"link": "This is not an invitation link of this workshop."})
    attend(session=session, participant=participant)
    return participant


# Participants: rating and capturing


def rate(*, session, participant, value_code, answers):
    """An ordinary rating of the round, allowed on the Value Code on screen while rating."""
    from diagnostics.participation import save_rating

    if session.state != WorkshopSession.RATING:
        raise ValidationError("Rating is not open right now: look at the screen.")
    if value_code.pk != session.current_value_code_id:
        raise ValidationError("The facilitator has moved on to another Value Code.")
    rating = save_rating(participant=participant, value_code=value_code, answers=answers)
    live.bump(session, stage=False, answers=True)
    return rating


def capture(*, session, participant, title, detail=""):
    if session.state != WorkshopSession.CAPTURING:
        raise ValidationError("The capture round is closed.")
    title = " ".join((title or "").split())[:200]
    if not title:
        raise ValidationError({"title": "Please give a short title."})
    captured = CapturedThing.objects.create(
        session=session, participant=participant, title=title, detail=(detail or "").strip()
    )
    live.bump(session)
    return captured


def upvote(*, session, participant, captured_thing):
    """One upvote per participant per captured thing; a second one changes nothing."""
    if session.state != WorkshopSession.CAPTURING:
        raise ValidationError("The capture round is closed.")
    if captured_thing.session_id != session.pk or captured_thing.merged_into_id:
        raise ValidationError("This is not one of the workshop's captured things.")
    _vote, created = Upvote.objects.get_or_create(
        captured_thing=captured_thing, participant=participant
    )
    if created:
        live.bump(session)
    return created


def merge(*, session, captured_thing, into):
    """Fold a duplicate into another captured thing; its upvotes move, without double votes."""
    if captured_thing.pk == into.pk:
        raise ValidationError("A captured thing cannot be merged into itself.")
    if {captured_thing.session_id, into.session_id} != {session.pk} or into.merged_into_id:
        raise ValidationError("Both must be captured things of this workshop.")
    with transaction.atomic():
        voters = Upvote.objects.filter(captured_thing=into).values("participant_id")
        Upvote.objects.filter(captured_thing=captured_thing).exclude(
            participant_id__in=voters
        ).update(captured_thing=into)
        # Anything already merged into the duplicate now points at the survivor.
        CapturedThing.objects.filter(merged_into=captured_thing).update(merged_into=into)
        captured_thing.merged_into = into
        captured_thing.save(update_fields=["merged_into"])
    live.bump(session)
    return into


def keep(*, session, captured_thing):
    """Turn a captured thing into a Thing That Matters of the diagnostic (once)."""
    if captured_thing.session_id != session.pk or captured_thing.merged_into_id:
        raise ValidationError("This is not one of the workshop's captured things.")
    with transaction.atomic():
        locked = CapturedThing.objects.select_for_update().get(pk=captured_thing.pk)
        if locked.thing_that_matters_id:
            return locked.thing_that_matters
        last = ThingThatMatters.objects.filter(diagnostic_id=session.diagnostic_id).aggregate(
            last=Max("position")
        )["last"]
        thing = ThingThatMatters.objects.create(
            diagnostic_id=session.diagnostic_id,
            title=locked.title,
            description=locked.detail,
            position=(last or 0) + 1,
        )
        # It matters to the parties of whoever raised it or voted for it.
        party_ids = set(
            Participant.objects.filter(
                Q(pk=locked.participant_id)
                | Q(pk__in=Upvote.objects.filter(captured_thing=locked).values("participant_id"))
            ).values_list("party_id", flat=True)
        )
        thing.parties.set(party_ids)
        locked.kept = True
        locked.thing_that_matters = thing
        locked.save(update_fields=["kept", "thing_that_matters"])
    captured_thing.kept, captured_thing.thing_that_matters = True, thing
    live.bump(session)
    return thing
