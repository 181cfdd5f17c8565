"""Pages for facilitators and sponsors (logged in).

Every page finds its diagnostic through get_diagnostic_for (404 for non-members) and every
object inside it through the diagnostic (404 for ids of other diagnostics). Facilitators of
the diagnostic write; sponsors read the overview.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ttm.roles import facilitator_required

from .. import forms, invitations, services
from ..links import absolute, open_link_url, participant_url
from ..models import DiagnosticMember
from ..progress import current_round, diagnostic_progress, participant_progress
from ..selectors import get_diagnostic_for, member_role, visible_diagnostics

READERS = (DiagnosticMember.FACILITATOR, DiagnosticMember.SPONSOR)


def _facilitated(request, slug):
    return get_diagnostic_for(request.user, slug, roles=(DiagnosticMember.FACILITATOR,))


def _page(request, template, diagnostic, tab, **context):
    return render(
        request,
        f"diagnostics/{template}",
        {"diagnostic": diagnostic, "tab": tab, "can_edit": True, **context},
    )


def _form_errors_from(form, error):
    """Put a service's ValidationError on the form fields it names (else on the form)."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def _message_errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def _back(slug, name):
    return redirect(f"diagnostics:{name}", slug)


# --- list, create, overview ---------------------------------------------------------------------


@login_required
def diagnostic_list(request):
    diagnostics = visible_diagnostics(request.user)
    return render(request, "diagnostics/diagnostic_list.html", {"diagnostics": diagnostics})


@facilitator_required
def diagnostic_create(request):
    form = forms.DiagnosticCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            diagnostic = services.create_diagnostic(
                created_by=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{diagnostic.name} is open for round 1. Invite people next.")
            return redirect(diagnostic.get_absolute_url())
    return render(request, "diagnostics/diagnostic_form.html", {"form": form})


def _overview_context(request, diagnostic):
    role = member_role(request.user, diagnostic)
    return {
        "diagnostic": diagnostic,
        "tab": "overview",
        "can_edit": role == DiagnosticMember.FACILITATOR,
        "progress": diagnostic_progress(diagnostic=diagnostic),
        "parties": diagnostic.parties.all(),
    }


@login_required
def diagnostic_detail(request, slug):
    diagnostic = get_diagnostic_for(request.user, slug, roles=READERS)
    context = _overview_context(request, diagnostic)
    context["value_code_sections"] = diagnostic.value_codes.values("section").distinct().count()
    return render(request, "diagnostics/diagnostic_detail.html", context)


@login_required
def progress(request, slug):
    """The progress panel alone, polled by htmx every few seconds."""
    diagnostic = get_diagnostic_for(request.user, slug, roles=READERS)
    context = _overview_context(request, diagnostic)
    return render(request, "diagnostics/diagnostic_detail.html#progress", context)


@login_required
def diagnostic_edit(request, slug):
    diagnostic = _facilitated(request, slug)
    form = forms.DiagnosticForm(
        request.POST or None,
        initial={
            "name": diagnostic.name,
            "purpose": diagnostic.purpose,
            "anonymity_threshold": diagnostic.anonymity_threshold,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_diagnostic(diagnostic=diagnostic, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(diagnostic.get_absolute_url())
    return _page(request, "diagnostic_edit.html", diagnostic, "overview", form=form)


@login_required
@require_POST
def send_reminders(request, slug):
    diagnostic = _facilitated(request, slug)
    count = invitations.send_reminders(diagnostic=diagnostic)
    if count:
        messages.success(request, f"Reminder e-mailed to {count} people who have not finished.")
    else:
        messages.info(request, "Nobody with an e-mail address is left to remind.")
    return redirect(diagnostic.get_absolute_url())


# --- rounds ----------------------------------------------------------------------------------


@login_required
def rounds(request, slug):
    diagnostic = _facilitated(request, slug)
    return _page(
        request, "rounds.html", diagnostic, "rounds", rounds=diagnostic.rounds.order_by("-number")
    )


@login_required
@require_POST
def round_close(request, slug, number):
    diagnostic = _facilitated(request, slug)
    round = get_object_or_404(diagnostic.rounds, number=number)
    try:
        services.close_round(round=round)
        messages.success(request, f"{round} is closed; its ratings are now read-only.")
    except ValidationError as error:
        _message_errors(request, error)
    return _back(slug, "rounds")


@login_required
@require_POST
def round_open(request, slug):
    diagnostic = _facilitated(request, slug)
    try:
        round = services.open_round(diagnostic=diagnostic)
        messages.success(request, f"{round} is open. Everybody rates again from scratch.")
    except ValidationError as error:
        _message_errors(request, error)
    return _back(slug, "rounds")


# --- parties ---------------------------------------------------------------------------------


@login_required
def parties(request, slug):
    diagnostic = _facilitated(request, slug)
    form = forms.PartyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            party = services.add_party(diagnostic=diagnostic, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{party.name} added.")
            return _back(slug, "parties")
    party_list = [
        (party, absolute(open_link_url(party), request)) for party in diagnostic.parties.all()
    ]
    return _page(request, "parties.html", diagnostic, "parties", form=form, party_list=party_list)


@login_required
def party_edit(request, slug, party_id):
    diagnostic = _facilitated(request, slug)
    party = get_object_or_404(diagnostic.parties, pk=party_id)
    form = forms.PartyForm(
        request.POST or None, initial={"name": party.name, "colour": party.colour}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_party(party=party, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Saved.")
            return _back(slug, "parties")
    return _page(request, "party_edit.html", diagnostic, "parties", form=form, party=party)


@login_required
@require_POST
def party_open_link(request, slug, party_id):
    diagnostic = _facilitated(request, slug)
    party = get_object_or_404(diagnostic.parties, pk=party_id)
    action = request.POST.get("action")
    services.set_open_link(
        party=party, enabled=action in {"enable", "renew"}, renew=action == "renew"
    )
    state = "on" if party.open_link_enabled else "off"
    messages.success(request, f"The open link for {party.name} is {state}.")
    return _back(slug, "parties")


# --- participants ----------------------------------------------------------------------------


@login_required
def participants(request, slug):
    diagnostic = _facilitated(request, slug)
    form = forms.ParticipantsForm(
        request.POST or None, request.FILES or None, diagnostic=diagnostic
    )
    if request.method == "POST" and form.is_valid():
        try:
            added = invitations.add_participants(
                diagnostic=diagnostic,
                party=form.cleaned_data["party"],
                people=form.cleaned_data["people_list"],
                send_invitations=form.cleaned_data["send_invitations"],
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            emailed = (
                sum(1 for p in added if p.email) if form.cleaned_data["send_invitations"] else 0
            )
            messages.success(request, f"Added {len(added)} people; {emailed} invited by e-mail.")
            return _back(slug, "participants")
    round = current_round(diagnostic)
    people = list(participant_progress(diagnostic=diagnostic, round=round)) if round else []
    revoked = diagnostic.participants.filter(revoked_at__isnull=False).select_related("party")
    for person in [*people, *revoked]:
        person.link = absolute(participant_url(person), request)
    return _page(
        request,
        "participants.html",
        diagnostic,
        "participants",
        form=form,
        people=people,
        revoked=revoked,
        value_code_count=diagnostic.value_codes.count(),
    )


def _participant_action(request, slug, participant_id):
    diagnostic = _facilitated(request, slug)
    return get_object_or_404(diagnostic.participants, pk=participant_id)


@login_required
@require_POST
def participant_revoke(request, slug, participant_id):
    participant = _participant_action(request, slug, participant_id)
    invitations.revoke_participant(participant=participant)
    messages.success(request, f"{participant.label}'s link no longer works.")
    return _back(slug, "participants")


@login_required
@require_POST
def participant_reissue(request, slug, participant_id):
    participant = _participant_action(request, slug, participant_id)
    invitations.reissue_link(participant=participant)
    sent = " and e-mailed" if participant.email else ""
    messages.success(request, f"{participant.label} has a new link{sent}; the old one is dead.")
    return _back(slug, "participants")


@login_required
@require_POST
def participant_send(request, slug, participant_id):
    participant = _participant_action(request, slug, participant_id)
    if invitations.send_invitation_emails(participants=[participant]):
        messages.success(request, f"Invitation e-mailed to {participant.label}.")
    else:
        messages.error(request, f"{participant.label} has no e-mail address or is revoked.")
    return _back(slug, "participants")


# --- Things That Matter ----------------------------------------------------------------------


@login_required
def things(request, slug):
    diagnostic = _facilitated(request, slug)
    form = forms.ThingThatMattersForm(request.POST or None, diagnostic=diagnostic)
    if request.method == "POST" and form.is_valid():
        try:
            thing = services.create_thing_that_matters(diagnostic=diagnostic, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"“{thing.title}” recorded.")
            return _back(slug, "things")
    thing_list = diagnostic.things_that_matter.prefetch_related("parties", "value_codes")
    return _page(request, "things.html", diagnostic, "things", form=form, things=thing_list)


@login_required
def thing_edit(request, slug, thing_id):
    diagnostic = _facilitated(request, slug)
    thing = get_object_or_404(diagnostic.things_that_matter, pk=thing_id)
    form = forms.ThingThatMattersForm(
        request.POST or None,
        diagnostic=diagnostic,
        initial=forms.ThingThatMattersForm.initial_for(thing),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_thing_that_matters(thing=thing, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Saved.")
            return _back(slug, "things")
    return _page(request, "thing_edit.html", diagnostic, "things", form=form, thing=thing)


@login_required
@require_POST
def thing_delete(request, slug, thing_id):
    diagnostic = _facilitated(request, slug)
    thing = get_object_or_404(diagnostic.things_that_matter, pk=thing_id)
    services.delete_thing_that_matters(thing=thing)
    messages.success(request, f"“{thing.title}” deleted.")
    return _back(slug, "things")


# --- Value Codes -----------------------------------------------------------------------------


@login_required
def value_codes(request, slug):
    diagnostic = _facilitated(request, slug)
    form = forms.AddValueCodesForm(request.POST or None, diagnostic=diagnostic)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_value_codes(
                diagnostic=diagnostic, value_codes=form.cleaned_data["value_codes"]
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"Added {len(added)} Value Codes.")
            return _back(slug, "value_codes")
    return _page(
        request,
        "value_codes.html",
        diagnostic,
        "value_codes",
        form=form,
        codes=diagnostic.value_codes.all(),
    )


@login_required
def value_code_edit(request, slug, code_id):
    diagnostic = _facilitated(request, slug)
    code = get_object_or_404(diagnostic.value_codes, pk=code_id)
    form = forms.ValueCodeForm(request.POST or None, instance=code)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_value_code(value_code=code, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{code.identifier} saved (the library is unchanged).")
            return _back(slug, "value_codes")
    return _page(request, "value_code_edit.html", diagnostic, "value_codes", form=form, code=code)


@login_required
@require_POST
def value_code_move(request, slug, code_id):
    diagnostic = _facilitated(request, slug)
    code = get_object_or_404(diagnostic.value_codes, pk=code_id)
    services.move_value_code(value_code=code, offset=-1 if request.POST.get("up") else 1)
    return redirect(reverse("diagnostics:value_codes", args=[slug]) + f"#vc-{code.pk}")


@login_required
@require_POST
def value_code_remove(request, slug, code_id):
    diagnostic = _facilitated(request, slug)
    code = get_object_or_404(diagnostic.value_codes, pk=code_id)
    try:
        services.remove_value_code(value_code=code)
        messages.success(request, f"{code.identifier} removed from this diagnostic.")
    except ValidationError as error:
        _message_errors(request, error)
    return _back(slug, "value_codes")


# --- members ---------------------------------------------------------------------------------


@login_required
def members(request, slug):
    diagnostic = _facilitated(request, slug)
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(diagnostic=diagnostic, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{member.user.username} added as {member.role}.")
            return _back(slug, "members")
    memberships = diagnostic.memberships.select_related("user").order_by("role", "user__username")
    return _page(request, "members.html", diagnostic, "members", form=form, memberships=memberships)


@login_required
@require_POST
def member_remove(request, slug, member_id):
    diagnostic = _facilitated(request, slug)
    membership = get_object_or_404(diagnostic.memberships, pk=member_id)
    try:
        services.remove_member(membership=membership)
        messages.success(request, f"{membership.user.username} no longer shares this diagnostic.")
    except ValidationError as error:
        _message_errors(request, error)
    return _back(slug, "members")
