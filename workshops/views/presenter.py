"""The facilitator's presenter view, meant for a projector.

Running a workshop is part of running the diagnostic: its facilitator members (ttm.access)
may, whatever their groups; sponsors get 403 and everyone else 404.
"""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from diagnostics import rounds
from diagnostics import selectors as diagnostic_selectors
from results.forms import AgreedTargetForm
from ttm import parsing

from .. import live, selectors, services
from ..forms import KeepForm, SeatsForm
from ..models import CapturedThing, WorkshopAttendee, WorkshopSession
from .common import STOP_POLLING, cached_stamps, not_modified, with_etag


def _diagnostic(request, slug):
    return diagnostic_selectors.diagnostic_to_run(request.user, slug)


def _session(diagnostic, pk):
    session = selectors.session_for_presenter(diagnostic)
    if session is None or session.pk != pk:
        raise Http404("No such live workshop")
    session.diagnostic = diagnostic
    return session


def _join_url(request, session):
    return request.build_absolute_uri(reverse("workshop:join_session", args=[session.join_code]))


def _without_scheme(url):
    """What people type: "ttm.example.org/workshop/" reads better than a full URL."""
    return url.split("://", 1)[-1]


def _live_context(session, parties):
    frozen = selectors.frozen_reveal(session)
    context = {
        "session": session,
        "value_code": session.current_value_code,
        "counts": selectors.answer_counts(session, parties, frozen),
        "seats": selectors.party_seats(session, parties),
        "locked": frozen is not None,  # in this session: the counts are those of its reveal
        "closed": selectors.answers_closed(session, frozen),
    }
    if session.state == WorkshopSession.CAPTURING:
        context["captures"] = selectors.captures(session)
        context["keep_choices"] = selectors.value_code_choices(session.diagnostic)
    elif session.revealed:
        context["reveal"] = selectors.reveal(frozen, parties, session.diagnostic)
    return context


@login_required
def presenter(request, slug):
    """The live session's presenter view, or the page that starts one."""
    diagnostic = _diagnostic(request, slug)
    session = selectors.session_for_presenter(diagnostic)
    if session is None:
        return _start_page(request, diagnostic, _seats_form(diagnostic))
    session.diagnostic = diagnostic
    stage, answers = cached_stamps(session.pk)
    parties = list(diagnostic.parties.order_by("position", "id"))
    join_url = _join_url(request, session)
    target = selectors.agreed_target(session)
    initial = (
        {"level": target.level, "trade_off": target.trade_off, "owner": target.owner,
         "due_date": target.due_date}
        if target
        else {}
    )  # fmt: skip
    context = {
        **_live_context(session, parties),
        "diagnostic": diagnostic,
        "etag": live.presenter_etag(stage, answers),
        "join_url": join_url,
        "join_page_url": _without_scheme(request.build_absolute_uri(reverse("workshop:join"))),
        "qr_svg": segno.make(join_url, error="m").svg_inline(
            scale=6, border=2, dark="#000", omitsize=True
        ),
        "value_codes": diagnostic.value_codes.order_by("position", "id").only(
            "pk", "identifier", "section"
        ),
        "agreed_target": target,
        "target_form": AgreedTargetForm(initial=initial, level_labels=diagnostic.level_labels),
    }
    return render(request, "workshops/presenter.html", context)


def presenter_live(request, slug, pk):
    """The polled part of the presenter view; 304 while nothing changed.

    The 304 is answered before authentication on purpose: it costs one cache read, and tells a
    client only that the random stamp it already holds is still current.
    """
    stage, answers = cached_stamps(pk)
    etag = live.presenter_etag(stage, answers)
    if live.not_modified(request, etag):
        return not_modified(etag)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    diagnostic = _diagnostic(request, slug)
    session = selectors.session_for_presenter(diagnostic)
    if session is None or session.pk != pk:
        response = render(request, "workshops/presenter_ended.html", {"diagnostic": diagnostic})
        response.status_code = STOP_POLLING
        return response
    session.diagnostic = diagnostic
    parties = list(diagnostic.parties.order_by("position", "id"))
    response = render(request, "workshops/presenter.html#live", _live_context(session, parties))
    return with_etag(response, etag)


def _seats_form(diagnostic, data=None):
    parties = diagnostic.parties.order_by("position", "id")
    return SeatsForm(data, parties=parties, initial_seats=services.expected_seats(diagnostic))


def _start_page(request, diagnostic, seats_form, status=200):
    context = {
        "diagnostic": diagnostic,
        "past_sessions": diagnostic.workshop_sessions.filter(ended_at__isnull=False)[:5],
        "has_open_round": rounds.open_round_of(diagnostic) is not None,
        "seats_form": seats_form,
        "tab": "workshop",
        "can_edit": True,
    }
    return render(request, "workshops/start.html", context, status=status)


@require_POST
@login_required
def start(request, slug):
    diagnostic = _diagnostic(request, slug)
    form = _seats_form(diagnostic, request.POST)
    if not form.is_valid():
        return _start_page(request, diagnostic, form, status=400)
    try:
        services.start_session(
            diagnostic=diagnostic,
            user=request.user,
            capture_first=request.POST.get("first") == "capture",
            seats=form.seats(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("workshop_presenter:presenter", slug=diagnostic.slug)


def _apply(action, session, request):
    """Run one control of the presenter's toolbar."""
    if action == "next":
        return services.step(session=session, offset=1)
    if action == "previous":
        return services.step(session=session, offset=-1)
    if action == "jump":
        value_code_id = parsing.object_id(request.POST.get("value_code"), what="A Value Code id")
        value_code = session.diagnostic.value_codes.filter(pk=value_code_id)
        return services.go_to(session=session, value_code=get_object_or_404(value_code))
    if action in {"reveal", "hide"}:
        return services.set_revealed(session=session, revealed=action == "reveal")
    if action == "said":
        return services.show_what_was_said(session=session)
    if action == "capture":
        return services.start_capture(session=session)
    if action == "rating":
        return services.start_rating(session=session)
    if action == "pause":
        return services.pause(session=session)
    if action == "resume":
        return services.resume(session=session)
    if action == "end":
        return services.end_session(session=session)
    raise Http404("No such control")


@require_POST
@login_required
def control(request, slug, pk):
    diagnostic = _diagnostic(request, slug)
    session = _session(diagnostic, pk)
    action = request.POST.get("action", "")
    try:
        _apply(action, session, request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if action == "end":
        messages.success(
            request, "The workshop has ended. Everything recorded stays in the diagnostic."
        )
    return redirect("workshop_presenter:presenter", slug=diagnostic.slug)


@require_POST
@login_required
def agreed_target(request, slug, pk):
    diagnostic = _diagnostic(request, slug)
    session = _session(diagnostic, pk)
    form = AgreedTargetForm(request.POST)
    if form.is_valid():
        try:
            services.record_target(session=session, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Agreed target for {session.current_value_code.identifier}: "
                f"level {form.cleaned_data['level']}.",
            )
    else:
        messages.error(request, "The agreed target needs a level from 1 to 5.")
    return redirect("workshop_presenter:presenter", slug=diagnostic.slug)


def _capture(session, capture_pk):
    return get_object_or_404(CapturedThing, pk=capture_pk, session=session)


@require_POST
@login_required
def keep(request, slug, pk, capture_pk):
    diagnostic = _diagnostic(request, slug)
    session = _session(diagnostic, pk)
    captured = _capture(session, capture_pk)
    value_codes = KeepForm(request.POST, diagnostic=diagnostic).chosen()
    try:
        thing = services.keep(session=session, captured_thing=captured, value_codes=value_codes)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Kept as a Thing That Matters: {thing.title}")
    return redirect("workshop_presenter:presenter", slug=diagnostic.slug)


@require_POST
@login_required
def merge(request, slug, pk, capture_pk):
    diagnostic = _diagnostic(request, slug)
    session = _session(diagnostic, pk)
    duplicate = _capture(session, capture_pk)
    into_id = parsing.id_or_none(request.POST.get("into"))
    into = CapturedThing.objects.filter(session=session, pk=into_id).first()
    if into is None:
        messages.error(request, "Choose what to merge it into.")
    else:
        try:
            services.merge(session=session, captured_thing=duplicate, into=into)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("workshop_presenter:presenter", slug=diagnostic.slug)


# The room: who is in, seats per party. It shows names, so it is a page of its own, off the
# projector (facilitators manage people; results never show names).


@login_required
def room(request, slug, pk):
    diagnostic = _diagnostic(request, slug)
    session = _session(diagnostic, pk)
    parties = list(diagnostic.parties.order_by("position", "id"))
    seats = selectors.party_seats(session, parties)
    form = SeatsForm(
        request.POST or None,
        parties=parties,
        initial_seats={seat.party.pk: seat.seats or None for seat in seats},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_seats(session=session, seats=form.seats())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Seats saved.")
        return redirect("workshop_presenter:room", slug=diagnostic.slug, pk=session.pk)
    context = {
        "diagnostic": diagnostic,
        "session": session,
        "seats": seats,
        "seats_form": form,
        "attendees": selectors.room(session),
        "tab": "workshop",
        "can_edit": True,
    }
    return render(request, "workshops/room.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def remove_attendee(request, slug, pk, participant_id):
    diagnostic = _diagnostic(request, slug)
    session = _session(diagnostic, pk)
    attendee = get_object_or_404(
        WorkshopAttendee.objects.select_related("participant"),
        session=session,
        participant_id=participant_id,
    )
    label = attendee.participant.label
    try:
        services.remove_attendee(session=session, participant=attendee.participant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{label} is removed; nothing they answered counts any more.")
    return redirect("workshop_presenter:room", slug=diagnostic.slug, pk=session.pk)
