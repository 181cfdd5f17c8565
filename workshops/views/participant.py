"""What participants see on their phones: join by code (or invitation link), rate, capture.

A browser's attendance is kept in its Django session ({session id: participant id}), so a
phone can act only in the workshops it joined; anything else is a 404.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from diagnostics.models import Participant
from participation.services import ParticipantRevoked
from ttm.ratelimit import allow

from .. import live, selectors, services
from ..forms import CaptureForm, InvitationForm, JoinCodeForm, JoinForm, RatingForm
from ..models import CapturedThing, WorkshopAttendee, WorkshopSession
from .common import STOP_POLLING, cached_stamps, not_modified, with_etag

ATTENDANCE_KEY = "workshop_attendance"
# Wrong codes are what a guesser produces: few per minute. Joins are generous, because a whole
# room often shares one public IP on the venue's wifi: 200 people joining in the minute the
# code goes up must all get in.
WRONG_CODES_PER_MINUTE = getattr(settings, "TTM_WORKSHOP_WRONG_CODES_PER_MINUTE", 10)
JOINS_PER_MINUTE = getattr(settings, "TTM_WORKSHOP_JOINS_PER_MINUTE", 300)
TOO_MANY = "Too many attempts from this network. Please wait a minute and try again."


def _too_many(request):
    response = render(request, "workshops/too_many.html", {"message": TOO_MANY})
    response.status_code = 429
    response["Retry-After"] = "60"
    return response


def _remember(request, session, participant):
    attendance = dict(request.session.get(ATTENDANCE_KEY, {}))
    attendance[str(session.pk)] = participant.pk
    request.session[ATTENDANCE_KEY] = attendance


def _attendee(request, pk):
    """(attendee, None), or (None, response) once the person was removed or revoked."""
    participant_id = request.session.get(ATTENDANCE_KEY, {}).get(str(pk))
    try:
        return selectors.attendee_for(pk, participant_id), None
    except selectors.Withdrawn:
        return None, _withdrawn(request)


def _withdrawn(request, status=410):
    template = "workshops/withdrawn.html#message" if request.htmx else "workshops/withdrawn.html"
    return render(request, template, status=status)


def _known_participant(request, session):
    """Someone this browser already joined as in the same diagnostic (to offer "continue").

    Only while that attendance still stands: a new personal link ends every attendance of its
    participant (participation.invitations), and "continue" must not bring it back."""
    attendance = request.session.get(ATTENDANCE_KEY, {})
    if not attendance:
        return None
    attended = Q()
    for session_pk, participant_pk in attendance.items():
        attended |= Q(session_id=session_pk, participant_id=participant_pk)
    return (
        Participant.objects.select_related("party")
        .filter(
            pk__in=WorkshopAttendee.objects.filter(attended).values("participant_id"),
            diagnostic_id=session.diagnostic_id,
            revoked_at__isnull=True,
        )
        .first()
    )


def join(request):
    """The page behind the short URL on the projector: type the code."""
    form = JoinCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        session = services.live_session_for_code(form.cleaned_data["code"])
        if session is not None:
            return redirect("workshop:join_session", code=session.join_code)
        if not allow(request, "workshop-wrong-code", WRONG_CODES_PER_MINUTE):
            return _too_many(request)
        form.add_error("code", "No live workshop has this code. Check the screen and try again.")
    return render(request, "workshops/join.html", {"form": form})


def join_session(request, code):
    """Choose party and name (or use an invitation link) to join the workshop with this code."""
    session = services.live_session_for_code(code)
    if session is None:
        if not allow(request, "workshop-wrong-code", WRONG_CODES_PER_MINUTE):
            return _too_many(request)
        form = JoinCodeForm(initial={"code": code})
        response = render(
            request,
            "workshops/join.html",
            {"form": form, "error": "This code is not (or no longer) valid. Check the screen."},
        )
        response.status_code = 404
        return response
    known = _known_participant(request, session)
    join_form = invitation_form = None
    status = 200
    if request.method == "POST":
        if not allow(request, "workshop-join", JOINS_PER_MINUTE):
            return _too_many(request)
        try:
            participant = _join(request, session, known)
        except ValidationError as error:
            # Seats may have gone since the page was shown: mark full parties as they are now.
            form = _refused_form(request, session, error)
            if "link" in request.POST:
                invitation_form = form
            else:
                join_form = form
            status = 409 if isinstance(error, services.WorkshopFull) else 200
        else:
            _remember(request, session, participant)
            return redirect("workshop:phone", pk=session.pk)
    full = selectors.full_party_ids(session)
    context = {
        "session": session,
        "join_form": join_form or JoinForm(diagnostic=session.diagnostic, full_party_ids=full),
        "invitation_form": invitation_form or InvitationForm(),
        "known": known,
        "all_full": len(full) == session.diagnostic.parties.count(),
    }
    return render(request, "workshops/join_session.html", context, status=status)


def _refused_form(request, session, error):
    """The form that was posted, bound again, with the service's error on it."""
    if "link" in request.POST:
        form = InvitationForm(request.POST)
    else:
        full = selectors.full_party_ids(session)
        form = JoinForm(request.POST, diagnostic=session.diagnostic, full_party_ids=full)
    form.is_valid()
    _add_errors(form, error)
    return form


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _join(request, session, known):
    if request.POST.get("continue") and known is not None:
        services.attend(session=session, participant=known)
        return known
    if "link" in request.POST:
        form = InvitationForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors.get("link", ["Paste your invitation link."])[0])
        return services.join_with_invitation(session=session, link=form.cleaned_data["link"])
    form = JoinForm(request.POST, diagnostic=session.diagnostic)  # full or not: checked below
    if not form.is_valid():
        raise ValidationError(dict(form.errors.items()))
    return services.join_with_name(
        session=session, party=form.cleaned_data["party"], name=form.cleaned_data["name"]
    )


def _stage_context(attendee):
    session, participant = attendee.session, attendee.participant
    context = {"session": session, "participant": participant, "value_code": None}
    if session.state == WorkshopSession.CAPTURING:
        context["captures"] = selectors.captures(session, participant)
        context["capture_form"] = CaptureForm()
    elif session.state == WorkshopSession.RATING and session.current_value_code_id:
        context["value_code"] = session.current_value_code
        context["rating"] = selectors.own_rating(session, participant)
        frozen = selectors.frozen_reveal(session)
        context["locked"] = selectors.answers_closed(session, frozen, participant)
        if session.revealed:
            parties = list(session.diagnostic.parties.order_by("position", "id"))
            context["reveal"] = selectors.reveal(frozen, parties, session.diagnostic)
    return context


def phone(request, pk):
    attendee, refusal = _attendee(request, pk)
    if refusal:
        return refusal
    stage, answers = cached_stamps(pk)
    context = {**_stage_context(attendee), "etag": live.phone_etag(stage, answers)}
    return render(request, "workshops/phone.html", context)


def phone_live(request, pk):
    """The polled stage of the phone page; 304 while nothing it shows has changed."""
    stage, answers = cached_stamps(pk)
    etag = live.phone_etag(stage, answers)
    if live.not_modified(request, etag):
        return not_modified(etag)
    attendee, refusal = _attendee(request, pk)
    if refusal:
        return _withdrawn(request, status=STOP_POLLING)
    response = render(request, "workshops/phone.html#stage", _stage_context(attendee))
    if attendee.session.state == WorkshopSession.ENDED:
        response.status_code = STOP_POLLING
    return with_etag(response, etag)


def _after_action(request, attendee, error=None, form=None):
    """htmx gets the fresh stage fragment; without JavaScript, back to the phone page.

    An answer refused because its question is locked answers 409, so that scripts (and
    people) can tell nothing was saved; the fragment says why.
    """
    if isinstance(error, ParticipantRevoked):
        return _withdrawn(request)
    context = _stage_context(attendee)
    status = 409 if isinstance(error, services.QuestionLocked) else 200
    if error is not None:
        context["error"] = " ".join(error.messages)
    if form is not None:
        context["capture_form"] = form
    if request.htmx:
        return render(request, "workshops/phone.html#stage", context, status=status)
    if error is None:
        return redirect("workshop:phone", pk=attendee.session_id)
    stage, answers = cached_stamps(attendee.session_id)
    context["etag"] = live.phone_etag(stage, answers)
    return render(request, "workshops/phone.html", context, status=status)


@require_POST
def rate(request, pk):
    attendee, refusal = _attendee(request, pk)
    if refusal:
        return refusal
    session = attendee.session
    form = RatingForm(request.POST)
    if not form.is_valid() or session.current_value_code_id is None:
        return _after_action(request, attendee, ValidationError("Choose a level."))
    if str(session.current_value_code_id) != request.POST.get("value_code"):
        error = ValidationError("The facilitator has moved on: here is the Value Code on screen.")
        return _after_action(request, attendee, error)
    try:
        services.rate(
            session=session,
            participant=attendee.participant,
            value_code=session.current_value_code,
            answers=form.answers(),
        )
    except ValidationError as error:
        return _after_action(request, attendee, error)
    return _after_action(request, attendee)


@require_POST
def capture(request, pk):
    attendee, refusal = _attendee(request, pk)
    if refusal:
        return refusal
    form = CaptureForm(request.POST)
    if not form.is_valid():
        return _after_action(request, attendee, ValidationError("Please give a title."), form)
    try:
        services.capture(
            session=attendee.session, participant=attendee.participant, **form.cleaned_data
        )
    except ValidationError as error:
        return _after_action(request, attendee, error, form)
    return _after_action(request, attendee)


@require_POST
def upvote(request, pk, capture_pk):
    attendee, refusal = _attendee(request, pk)
    if refusal:
        return refusal
    captured = get_object_or_404(CapturedThing, pk=capture_pk, session_id=attendee.session_id)
    try:
        services.upvote(
            session=attendee.session, participant=attendee.participant, captured_thing=captured
        )
    except ValidationError as error:
        return _after_action(request, attendee, error)
    return _after_action(request, attendee)
