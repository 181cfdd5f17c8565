"""Pages for participants: no account, the secret token in the URL says who they are.

Every page here is `never_cache`: it shows someone's answers or carries a secret link, so no
browser or proxy may keep a copy.
"""

import re
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods, require_POST

from diagnostics import rounds
from diagnostics.models import Party, Rating
from participation import give_and_take, invitations, progress
from participation import services as participation
from participation.understanding_sheet import understanding_sheet
from ttm import parsing
from ttm.levels import LEVELS
from ttm.ratelimit import allow, within_limit

# Each e-mail of a personal link makes a new one, so a holder of a used invitation link
# could otherwise keep the participant's bookmark changing.
PERSONAL_LINK_EMAILS_PER_HOUR = 3
PERSONAL_LINK_REQUESTS_PER_HOUR_PER_IP = 30

DONT_KNOW = "dk"
# Up to this many Value Codes, every section of the rating page starts open.
FOLD_ABOVE = 12
NO_LONGER_WORKS = (
    "This link no longer works: a newer personal link was made. Open the one in your latest "
    "e-mail, or your invitation link."
)
FIELD_PREFIX = {"current_level": "c", "target_level": "t"}
# c<id>, t<id>, m<id> and i<id>: current, target, comment and importance of one Value Code on
# the whole sheet; e<id>_<party id>: the estimate of where that party would place it.
SHEET_FIELD = re.compile(r"[ctmi]([0-9]{1,18})")
# g<id>: give and take on one Value Code; p<party id>: the relationship pulse about that party.
STANCE_FIELD = re.compile(r"g([0-9]{1,18})")
PULSE_FIELD = re.compile(r"p([0-9]{1,18})")
ESTIMATE_FIELD = re.compile(r"e([0-9]{1,18})_([0-9]{1,18})")


@dataclass
class SheetSection:
    """A section of the rating page: its Value Codes and how many of them are done."""

    name: str
    value_codes: list
    answered: int
    asked: int


def _active_participant(request, token):
    """(participant, None), or (None, response) when the link was revoked."""
    try:
        return participation.active_participant_for_token(token), None
    except participation.ParticipantRevoked:
        return None, revoked_page(request)


def revoked_page(request):
    return render(request, "participation/revoked.html", status=410)


@never_cache
@require_http_methods(["GET", "POST"])
def home(request, token):
    """The participant's page behind their personal link; an invitation link lands here too."""
    try:
        participant, refusal = _active_participant(request, token)
    except Http404:
        return _invitation(request, token)
    if refusal:
        return refusal
    if request.method == "POST":
        return redirect("participant:home", token)
    diagnostic = participant.diagnostic
    round = rounds.round_to_show(diagnostic)
    mine = progress.participant_progress(participant, round)
    context = {
        "participant": participant,
        "diagnostic": diagnostic,
        "parties": list(diagnostic.parties.all()),
        "round": round,
        "answered": mine.answered,
        "total": mine.asked,
        "finished": mine.finished,
        "minutes": participation.estimated_minutes(mine.asked),
        "threshold_fixed": Rating.objects.filter(round__diagnostic=diagnostic).exists(),
    }
    return render(request, "participation/home.html", context)


def _invitation(request, token):
    """An invitation link: used once (a POST, so that mail scanners that follow links do not
    use it up), it moves its user to a fresh personal link; afterwards it only offers to
    e-mail that link to the address on file."""
    participant = participation.participant_for_invitation(token)
    if participant is None:
        raise Http404("No such link")
    if participant.is_revoked:
        return revoked_page(request)
    if participant.invitation_used:
        return _invitation_used(request, participant)
    if request.method == "POST":
        try:
            participant = invitations.use_invitation(participant=participant)
        except invitations.InvitationRefused:
            return _invitation_used(request, participant)
        messages.success(
            request,
            "Welcome! This page is your personal link: bookmark it to come back and change your "
            "answers. Nobody else has it, not even the facilitator. Do not share it.",
        )
        return redirect("participant:home", participant.token)
    context = {"participant": participant, "diagnostic": participant.diagnostic}
    return render(request, "participation/invitation.html", context)


def _invitation_used(request, participant, sent=False, limited=False):
    context = {"diagnostic": participant.diagnostic, "can_email": bool(participant.email)}
    context |= {"invitation_token": participant.invitation_token, "sent": sent, "limited": limited}
    status = 429 if limited else 200
    return render(request, "participation/invitation_used.html", context, status=status)


@never_cache
@require_POST
def email_personal_link(request, token):
    """From a used invitation link: e-mail a fresh personal link to the address on file."""
    participant = participation.participant_for_invitation(token)
    if participant is None:
        raise Http404("No such link")
    if participant.is_revoked:
        return revoked_page(request)
    if not participant.invitation_used or not participant.email:
        return redirect("participant:home", token)
    if not allow(request, "personal-link", PERSONAL_LINK_REQUESTS_PER_HOUR_PER_IP, 3600) or (
        not within_limit(f"personal-link:{participant.pk}", PERSONAL_LINK_EMAILS_PER_HOUR, 3600)
    ):
        response = _invitation_used(request, participant, limited=True)
        response["Retry-After"] = "3600"
        return response
    invitations.send_personal_link(participant=participant)
    return _invitation_used(request, participant, sent=True)


# Hundreds of Value Codes make a long page (about 1.6 KB each) that compresses twentyfold: worth
# it on a phone. Nothing an attacker chooses is ever echoed into this page beside its secrets
# (what BREACH needs): it shows the diagnostic's wording and this person's own answers only.
@never_cache
@gzip_page
@require_http_methods(["GET", "POST"])
def rate(request, token):
    participant, refusal = _active_participant(request, token)
    if refusal:
        return refusal
    if request.method == "POST":
        return _save_whole_sheet(request, participant)
    diagnostic = participant.diagnostic
    round = rounds.round_to_show(diagnostic)
    read_only = round is None or not round.is_open
    labels = diagnostic.level_labels
    understanding = understanding_sheet(participant, round)
    sections = []
    for name, value_codes in participation.rating_sheet(participant, round, read_only=read_only):
        for value_code in value_codes:
            _decorate(value_code, labels)
            understanding.decorate(value_code)
            give_and_take.decorate_stance(value_code)
        answered = sum(vc.complete and vc.asked for vc in value_codes)
        asked = sum(vc.asked for vc in value_codes)
        sections.append(SheetSection(name, value_codes, answered, asked))
    context = {
        "participant": participant,
        "diagnostic": diagnostic,
        "round": round,
        "read_only": read_only,
        "sections": sections,
        "answered": sum(section.answered for section in sections),
        "total": sum(section.asked for section in sections),
        # One section opens by itself: the first not yet done (all of them when few).
        "open_section": next((s.name for s in sections if s.answered < s.asked), None),
        "fold": sum(len(section.value_codes) for section in sections) > FOLD_ABOVE,
        "understanding": understanding,
        "asks_stance": diagnostic.asks_stance,
        "stance_choices": give_and_take.STANCE_CHOICES,
        "pulse": give_and_take.pulse_sheet(participant, round),
    }
    return render(request, "participation/rate.html", context)


def _save_through_link(request, value_code_id, *, find, save):
    """What every htmx save of one Value Code's answers shares: find the link and what the
    rules need (`find()`), refuse a Value Code it does not rate, `save(participant)`, and turn
    every refusal into a plain answer. Returns ((participant, saved), None), or (None, the
    response to send instead)."""
    try:
        participant = find()
    except Http404:
        return None, HttpResponse(NO_LONGER_WORKS, status=404, content_type="text/plain")
    except participation.ParticipantRevoked:
        return None, HttpResponse("This link was revoked.", status=403, content_type="text/plain")
    if not participant.rates_value_code:
        raise Http404("No such Value Code")  # another diagnostic's, or none
    try:
        saved = save(participant)
    except participation.AnswersClosed as closed:
        # As a workshop phone answers a locked question: 409, nothing saved.
        return None, HttpResponse(closed.messages[0], status=409, content_type="text/plain")
    except participation.RatingRefused as refused:
        return None, HttpResponse(refused.messages[0], status=403, content_type="text/plain")
    except ValidationError as invalid:
        return None, HttpResponseBadRequest(" ".join(invalid.messages), content_type="text/plain")
    if not request.htmx:
        return None, redirect(f"{participant_rate_url(participant)}#vc{value_code_id}")
    return (participant, saved), None


@never_cache
@require_POST
def save(request, token, value_code_id):
    """Save one Value Code's answers (htmx); answers with the status and the new progress.

    Three queries whatever the size of the diagnostic: the link with what the rules need, the
    upsert, and the progress count."""
    done, refusal = _save_through_link(
        request,
        value_code_id,
        find=lambda: participation.participant_for_save(token, value_code_id),
        save=lambda participant: participation.save_rating_through_link(
            participant=participant,
            value_code_id=value_code_id,
            answers=_answers_from_post(request.POST, value_code_id),
        ),
    )
    if refusal:
        return refusal
    participant, rating = done
    context = {
        "value_code_id": value_code_id,
        "answered": participation.answered_count(participant.pk, rating.round_id),
        "total": participant.asked_count,
        "oob": True,
    }
    return render(request, "participation/rate.html#saved", context)


@never_cache
@require_POST
def save_understanding(request, token, value_code_id):
    """Save how much one Value Code matters and the estimates of the other parties (htmx).

    Its own path, so the rating save stays lean: three queries, the link with what the rules
    need, the rating's upsert and the estimates' upsert."""
    raw_estimates = _estimates_from_post(request.POST).get(value_code_id, {})
    _done, refusal = _save_through_link(
        request,
        value_code_id,
        find=lambda: participation.participant_for_understanding(
            token, value_code_id, raw_estimates
        ),
        save=lambda participant: participation.save_understanding_through_link(
            participant=participant,
            value_code_id=value_code_id,
            importance=_importance_from_post(request.POST, value_code_id),
            estimates=_levels({value_code_id: raw_estimates})[value_code_id],
        ),
    )
    if refusal:
        return refusal
    return render(
        request, "participation/_understanding.html#saved", {"value_code_id": value_code_id}
    )


@never_cache
@require_POST
def save_stance(request, token, value_code_id):
    """Mark one Value Code give, take or unmarked (htmx). Its own path, two queries: the link
    with what the rules need, and the rating's upsert."""
    _done, refusal = _save_through_link(
        request,
        value_code_id,
        find=lambda: give_and_take.participant_for_stance(token, value_code_id),
        save=lambda participant: give_and_take.save_stance_through_link(
            participant=participant,
            value_code_id=value_code_id,
            stance=request.POST.get(f"g{value_code_id}", ""),
        ),
    )
    if refusal:
        return refusal
    return render(
        request, "participation/_understanding.html#saved", {"value_code_id": value_code_id}
    )


@never_cache
@require_POST
def save_pulse(request, token):
    """Save the relationship pulse about the other parties (htmx, or a plain form POST)."""
    participant, refusal = _active_participant(request, token)
    if refusal:
        return refusal
    try:
        give_and_take.save_pulse(participant=participant, scores=_pulse_from_post(request.POST))
    except participation.RatingRefused as refused:
        return HttpResponse(refused.messages[0], status=403, content_type="text/plain")
    except ValidationError as invalid:
        return HttpResponseBadRequest(" ".join(invalid.messages), content_type="text/plain")
    if not request.htmx:
        return redirect(f"{participant_rate_url(participant)}#pulse")
    return render(request, "participation/_pulse.html#saved", {})


def _pulse_from_post(post):
    """{party id: raw score} of the p<party id> fields posted (empty ones too: taken back)."""
    return {
        int(match[1]): post.get(key)
        for key in post
        if (match := PULSE_FIELD.fullmatch(key)) is not None
    }


def _stances_from_post(post):
    """{Value Code id: raw stance} of the g<id> fields posted."""
    return {
        int(match[1]): post.get(key)
        for key in post
        if (match := STANCE_FIELD.fullmatch(key)) is not None
    }


def _importance_from_post(post, value_code_id):
    raw = post.get(f"i{value_code_id}")
    if raw is None or raw == "":
        return participation.NOT_GIVEN
    return None if raw == DONT_KNOW else parsing.level(raw)


def _estimates_from_post(post):
    """{Value Code id: {about party id: raw answer}} from the e<id>_<party id> fields given."""
    estimates = {}
    for key in post:
        match = ESTIMATE_FIELD.fullmatch(key)
        raw = post.get(key)
        if match is None or raw in (None, ""):
            continue
        estimates.setdefault(int(match[1]), {})[int(match[2])] = raw
    return estimates


def _levels(estimates):
    """The levels of _estimates_from_post parsed: "dk" is None, anything else must be 1..5."""
    return {
        value_code_id: {
            party_id: None if raw == DONT_KNOW else parsing.level(raw)
            for party_id, raw in by_party.items()
        }
        for value_code_id, by_party in estimates.items()
    }


def _save_whole_sheet(request, participant):
    """The form POST used without JavaScript: every Value Code on the page at once."""
    ids = {int(match[1]) for key in request.POST if (match := SHEET_FIELD.fullmatch(key))}
    try:
        estimates = _levels(_estimates_from_post(request.POST))
        stances = _stances_from_post(request.POST)
        ids |= set(estimates) | set(stances)
        answers = {pk: _answers_from_post(request.POST, pk) for pk in ids}
        _saved, left_out, closed = give_and_take.save_sheet_with_give_and_take(
            participant=participant,
            answers=answers,
            estimates=estimates,
            stances=stances,
            pulses=_pulse_from_post(request.POST),
        )
    except participation.RatingRefused as refused:
        messages.error(request, refused.messages[0])
    except ValidationError as invalid:
        return HttpResponseBadRequest(" ".join(invalid.messages), content_type="text/plain")
    else:
        messages.success(
            request, "Your answers are saved. You can change them until the round closes."
        )
        if left_out:
            messages.warning(
                request,
                f"{left_out} answer{'s' if left_out != 1 else ''} not saved: you are no longer "
                "asked to rate those Value Codes. This page now shows what you are asked.",
            )
        if closed:
            messages.warning(request, _closed_note(closed))
    return redirect(participant_rate_url(participant))


def _closed_note(closed):
    if closed == 1:
        return (
            "1 answer not saved: its Value Code was revealed in the workshop, and answers to it "
            "are closed."
        )
    return (
        f"{closed} answers not saved: their Value Codes were revealed in the workshop, and "
        "answers to them are closed."
    )


MAX_COMMENT = 4000  # characters; the text box stops there, so nothing is cut unseen


def _answers_from_post(post, value_code_id):
    answers = {}
    for key, prefix in FIELD_PREFIX.items():
        raw = post.get(f"{prefix}{value_code_id}")
        if raw is None or raw == "":
            continue
        answers[key] = None if raw == DONT_KNOW else parsing.level(raw)
    comment = post.get(f"m{value_code_id}")
    if comment is not None:
        answers["comment"] = comment[:MAX_COMMENT]
    importance = _importance_from_post(post, value_code_id)
    if importance is not participation.NOT_GIVEN:
        answers["importance_level"] = importance
    return answers


def _decorate(value_code, labels):
    """What the template needs per Value Code, computed once here instead of in template tags."""
    rating = value_code.rating
    value_code.choices = list(zip(LEVELS, labels, value_code.statements, strict=True))
    value_code.current_choice = _choice(rating, "current")
    value_code.target_choice = _choice(rating, "target")
    value_code.comment = rating.comment if rating else ""
    value_code.complete = bool(rating and rating.current_answered and rating.target_answered)


def _choice(rating, which):
    if rating is None or not getattr(rating, f"{which}_answered"):
        return ""
    level = getattr(rating, f"{which}_level")
    return DONT_KNOW if level is None else level


def participant_rate_url(participant):
    return reverse("participant:rate", args=[participant.token])


class JoinForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=100,
        help_text="Facilitators see it, with a random tag added; results never show names.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def join(request, token):
    party = get_object_or_404(Party.objects.select_related("diagnostic"), open_link_token=token)
    context = {"party": party, "diagnostic": party.diagnostic}
    if not party.open_link_enabled:
        return render(request, "participation/join_closed.html", context, status=410)
    if participation.open_link_is_full(party):
        return render(request, "participation/join_full.html", context, status=409)
    form = JoinForm(request.POST or None)
    if form.is_valid():
        try:
            participant = participation.register_participant(
                party=party, name=form.cleaned_data["name"]
            )
        except participation.OpenLinkFull:
            # The last place went while this person was typing.
            return render(request, "participation/join_full.html", context, status=409)
        except participation.RegistrationRefused as refused:
            form.add_error(None, refused)
        except ValidationError as invalid:
            form.add_error("name", invalid)
        else:
            messages.success(
                request,
                "Welcome! This page is your personal link: bookmark it to come back and change "
                "your answers. Nobody else has it, not even the facilitator. Do not share it.",
            )
            return redirect("participant:home", participant.token)
    context["form"] = form
    return render(request, "participation/join.html", context)
