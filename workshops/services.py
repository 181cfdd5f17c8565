"""Writes of a live workshop. Each takes keyword-only arguments, validates, saves in one
transaction and marks the session changed so polling screens pick it up (see live.py)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from diagnostics import locks, rounds
from diagnostics.models import Participant, Party
from diagnostics.services import create_thing_that_matters
from diagnostics.targets import record_agreed_target
from participation.invitations import InvitationRefused, remove_joiner, use_invitation
from participation.services import (
    AnswersClosed,
    add_named_participant,
    check_active,
    save_rating,
)

from . import live, selectors
from .models import (
    JOIN_CODE_ALPHABET,
    CapturedThing,
    Upvote,
    WorkshopAttendee,
    WorkshopReveal,
    WorkshopSeats,
    WorkshopSession,
)

# Seats offered for a party nobody belongs to yet, until the facilitator says otherwise.
DEFAULT_SEATS = 10
MAX_SEATS = 10_000
# Nothing of a reveal on screen (both fields go together: see the session's constraints).
HIDDEN = {"revealed": False, "showing_expectations": False}


class SessionEnded(ValidationError):
    """The workshop is over: nothing more can be done in it."""


class WorkshopFull(ValidationError):
    """Every seat of the party in this session is taken."""


class QuestionLocked(AnswersClosed):
    """The Value Code was revealed in this session, or in an earlier session of the round while
    this person was in the room: their answers to it are closed (diagnostics.locks)."""


# Facilitator: the session and its state machine


def expected_seats(diagnostic):
    """{party id: seats} a new session proposes: the party's active participants, or
    DEFAULT_SEATS for a party nobody belongs to yet."""
    active = dict(
        Participant.objects.filter(diagnostic=diagnostic, revoked_at__isnull=True)
        .values_list("party_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        pk: active.get(pk) or DEFAULT_SEATS
        for pk in diagnostic.parties.values_list("pk", flat=True)
    }


def _check_seats(diagnostic, seats):
    """{party id: seats} for every party of the diagnostic, each a whole number 1..MAX_SEATS."""
    party_ids = set(diagnostic.parties.values_list("pk", flat=True))
    if set(seats) - party_ids:
        raise ValidationError("Seats can only be given to this diagnostic's parties.")
    cleaned = {}
    for pk in party_ids:
        try:
            number = int(seats.get(pk, 0))
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= MAX_SEATS:
            raise ValidationError(
                f"Every party needs between 1 and {MAX_SEATS} seats in the workshop."
            )
        cleaned[pk] = number
    return cleaned


def start_session(*, diagnostic, user=None, capture_first=False, seats=None):
    """Start a live session on the diagnostic's open round, or return the one already live.

    `seats` ({party id: number}) bounds how many people of each party may be in the room;
    by default, expected_seats().
    """
    seats = _check_seats(diagnostic, expected_seats(diagnostic) if seats is None else seats)
    live_session = live_session_of(diagnostic)
    if live_session is not None:
        return live_session
    round = rounds.open_round_of(diagnostic)
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
                WorkshopSeats.objects.bulk_create(
                    WorkshopSeats(session=session, party_id=pk, seats=number)
                    for pk, number in seats.items()
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
    fields = {"current_value_code": value_code, **HIDDEN}
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


@transaction.atomic
def set_revealed(*, session, revealed):
    """Show or hide the figures of the Value Code on screen.

    The first reveal of a Value Code locks it: its figures are frozen as they stand (while the
    session row is locked, so no answer slips in between), and answers to it are refused from
    then on: in this session, and for the people in its room in the whole round
    (diagnostics.locks: their personal links, their sheet, their phones in later sessions), in
    the same transaction. Hiding and showing again shows the same frozen figures; hiding never
    reopens the question. A later session of the round that reveals it again freezes its own
    figures, which may include answers of people who were not in the first room.

    When the frozen figures hold estimates of the other side (the diagnostic asks for them and
    has two parties or more), showing starts at what each party expected the others to say;
    show_what_was_said() moves on to the figures. Showing what is shown already changes nothing.
    """
    if not revealed:
        return _change(session, **HIDDEN)
    if session.current_value_code_id is None:
        raise ValidationError("There is no Value Code on screen to reveal.")
    if session.revealed:
        return session
    session = _change(session, revealed=True, showing_expectations=False)
    frozen = selectors.frozen_reveal(session)
    if frozen is None:
        frozen = WorkshopReveal.objects.create(
            session=session,
            value_code_id=session.current_value_code_id,
            figures=selectors.figures_to_freeze(session),
        )
        locks.lock(
            round_id=session.round_id,
            value_code_id=session.current_value_code_id,
            participant_ids=WorkshopAttendee.objects.filter(session=session).values_list(
                "participant_id", flat=True
            ),
        )
    if selectors.expectations(frozen, session.diagnostic):
        session = _change(session, showing_expectations=True)
    return session


def show_what_was_said(*, session):
    """From what each party expected to what each party said (the second step of a reveal)."""
    if not (session.revealed and session.showing_expectations):
        return session
    return _change(session, showing_expectations=False)


@transaction.atomic
def set_seats(*, session, seats):
    """Change how many people of each party may be in the room; people already in stay."""
    seats = _check_seats(session.diagnostic, seats)
    if not session.is_live:
        raise SessionEnded("This workshop has ended.")
    for pk, number in seats.items():
        WorkshopSeats.objects.update_or_create(
            session=session, party_id=pk, defaults={"seats": number}
        )
    live.bump(session, stage=True, answers=True)
    return seats


def start_capture(*, session):
    return _change(
        session,
        state=WorkshopSession.CAPTURING,
        resume_state=WorkshopSession.CAPTURING,
        **HIDDEN,
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
    return _change(session, state=WorkshopSession.ENDED, ended_at=timezone.now(), **HIDDEN)


def record_target(*, session, level, trade_off="", owner="", due_date=None):
    """The agreed target of the Value Code on screen, recorded in the session's round."""
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


def _take_seat(session, party):
    """Lock the party's seats in the session and check one is free (WorkshopFull if not).

    The lock makes people joining at the same moment queue here, so the count they check
    includes everyone who got in before them.
    """
    seats = WorkshopSeats.objects.select_for_update().filter(session=session, party=party).first()
    taken = WorkshopAttendee.objects.filter(session=session, participant__party=party).count()
    if seats is None or taken >= seats.seats:
        raise WorkshopFull(
            {"party": f"The workshop is full for {party.name}. Ask the facilitator to let you in."}
        )


@transaction.atomic
def attend(*, session, participant):
    """Record that the participant is in the room, in a free seat of their party; joining
    twice is harmless."""
    if not session.is_live:
        raise SessionEnded("This workshop has ended.")
    if participant.diagnostic_id != session.diagnostic_id:
        raise ValidationError("This person belongs to another diagnostic.")
    check_active(participant)
    attendee = WorkshopAttendee.objects.filter(session=session, participant=participant).first()
    if attendee is not None:
        return attendee
    _take_seat(session, participant.party)
    attendee, created = WorkshopAttendee.objects.get_or_create(
        session=session, participant=participant
    )
    if created:
        live.bump(session, stage=False, answers=True)
    return attendee


@transaction.atomic
def join_with_name(*, session, party, name):
    """A new participant of `party` in a free seat, named as they typed with a random tag added."""
    if not session.is_live:
        raise SessionEnded("This workshop has ended.")
    if party.diagnostic_id != session.diagnostic_id:
        raise ValidationError({"party": "Choose one of this workshop's parties."})
    _take_seat(session, party)
    participant = add_named_participant(party=party, name=name, joined_through=Participant.WORKSHOP)
    WorkshopAttendee.objects.create(session=session, participant=participant)
    live.bump(session, stage=False, answers=True)
    return participant


@transaction.atomic
def remove_attendee(*, session, participant):
    """Remove someone who joined without an invitation from the diagnostic (see
    invitations.remove_joiner): their phone loses every right at once, their seat is free."""
    remove_joiner(participant=participant)
    live.bump(session, stage=True, answers=True)
    return participant


def token_from_link(link):
    """The secret token from a pasted invitation link (or the bare token)."""
    return (link or "").strip().rstrip("/").rsplit("/", 1)[-1]


def join_with_invitation(*, session, link):
    """The participant whose personal link (or unused invitation link) this is, attending.

    An invitation link that was used already is refused: its holder may be the facilitator,
    and a phone in the workshop shows its participant's own answers. An unused one counts as
    its first use (participation.invitations.use_invitation)."""
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


QUESTION_LOCKED = "Answers to this question closed at the reveal. Nothing was changed."


@transaction.atomic
def rate(*, session, participant, value_code, answers):
    """An ordinary rating of the round, allowed on the Value Code on screen while rating,
    until it is revealed (in this session, or in an earlier one of the round while they were
    in the room).

    The session row is locked as the reveal locks it, so an answer either lands before the
    figures are frozen or is refused.
    """
    check_active(participant)
    locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    if locked.state != WorkshopSession.RATING:
        raise ValidationError("Rating is not open right now: look at the screen.")
    if value_code.pk != locked.current_value_code_id:
        raise ValidationError("The facilitator has moved on to another Value Code.")
    if selectors.is_locked(locked, value_code.pk, participant):
        raise QuestionLocked(QUESTION_LOCKED)
    rating = save_rating(participant=participant, value_code=value_code, answers=answers)
    live.bump(session, stage=False, answers=True)
    return rating


def capture(*, session, participant, title, detail=""):
    check_active(participant)
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
    check_active(participant)
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


def keep(*, session, captured_thing, value_codes):
    """Turn a captured thing into a Thing That Matters of the diagnostic (once), mapped to
    `value_codes`, through the Things That Matter service and its rules (at least one Value
    Code of the diagnostic)."""
    if captured_thing.session_id != session.pk or captured_thing.merged_into_id:
        raise ValidationError("This is not one of the workshop's captured things.")
    with transaction.atomic():
        locked = CapturedThing.objects.select_for_update().get(pk=captured_thing.pk)
        if locked.thing_that_matters_id:
            return locked.thing_that_matters
        # It matters to the parties of whoever raised it or voted for it.
        parties = Party.objects.filter(
            participants__in=Participant.objects.filter(
                Q(pk=locked.participant_id)
                | Q(pk__in=Upvote.objects.filter(captured_thing=locked).values("participant_id"))
            )
        ).distinct()
        thing = create_thing_that_matters(
            diagnostic=session.diagnostic,
            title=locked.title,
            description=locked.detail,
            value_codes=value_codes,
            parties=parties,
        )
        locked.kept = True
        locked.thing_that_matters = thing
        locked.save(update_fields=["kept", "thing_that_matters"])
    captured_thing.kept, captured_thing.thing_that_matters = True, thing
    live.bump(session)
    return thing
