"""Pages for facilitators and sponsors (logged in).

Every page finds its diagnostic through ttm.access (404 for non-members) and every object
inside it through the diagnostic (404 for ids of other diagnostics). Facilitators of the
diagnostic write; sponsors read the overview.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from diagnostics import publication, selectors, services
from diagnostics.rounds import round_numbered
from diagnostics.selectors import visible_diagnostics
from hub import forms
from hub.views.common import back_to, facilitated, hub_page, perform, submitted
from participation import invitations
from participation.progress import diagnostic_progress
from ttm import access, ordering
from ttm.access import facilitator_required

# --- list, create, overview ---------------------------------------------------------------------


@login_required
def diagnostic_list(request):
    diagnostics = visible_diagnostics(request.user)
    return render(request, "hub/diagnostic_list.html", {"diagnostics": diagnostics})


@facilitator_required
def diagnostic_create(request):
    form = forms.DiagnosticCreateForm(request.POST or None)
    saved, diagnostic = submitted(
        request,
        form,
        lambda _: services.create_diagnostic(created_by=request.user, **form.service_arguments()),
    )
    if saved:
        messages.success(request, f"{diagnostic.name} is open for round 1. Invite people next.")
        return redirect(diagnostic.get_absolute_url())
    return render(request, "hub/diagnostic_form.html", {"form": form})


def _overview_context(request, diagnostic):
    return {
        "diagnostic": diagnostic,
        "tab": "overview",
        "can_edit": access.runs(request.user, diagnostic),
        "progress": diagnostic_progress(diagnostic=diagnostic),
        "parties": diagnostic.parties.all(),
    }


@login_required
def diagnostic_detail(request, slug):
    diagnostic = selectors.diagnostic_to_read(request.user, slug)
    context = _overview_context(request, diagnostic)
    context["value_code_sections"] = diagnostic.value_codes.values("section").distinct().count()
    return render(request, "hub/diagnostic_detail.html", context)


@login_required
def progress(request, slug):
    """The progress panel alone, polled by htmx every few seconds."""
    diagnostic = selectors.diagnostic_to_read(request.user, slug)
    context = _overview_context(request, diagnostic)
    return render(request, "hub/diagnostic_detail.html#progress", context)


@login_required
def diagnostic_edit(request, slug):
    diagnostic = facilitated(request, slug)
    form = forms.DiagnosticSettingsForm(
        request.POST or None,
        initial={
            "name": diagnostic.name,
            "purpose": diagnostic.purpose,
            "anonymity_threshold": diagnostic.anonymity_threshold,
            "share_individual_reports": diagnostic.share_individual_reports,
            "asks_estimates": diagnostic.asks_estimates,
            "asks_importance": diagnostic.asks_importance,
            "priority_basis": diagnostic.priority_basis,
            "asks_stance": diagnostic.asks_stance,
            "asks_pulse": diagnostic.asks_pulse,
        },
    )
    saved, _ = submitted(
        request, form, lambda data: services.update_diagnostic(diagnostic=diagnostic, **data)
    )
    if saved:
        messages.success(request, "Saved.")
        return redirect(diagnostic.get_absolute_url())
    return hub_page(request, "diagnostic_edit.html", diagnostic, "overview", form=form)


@login_required
@require_POST
def send_reminders(request, slug):
    diagnostic = facilitated(request, slug)
    count = invitations.send_reminders(diagnostic=diagnostic)
    if count:
        messages.success(request, f"Reminder e-mailed to {count} people who have not finished.")
    else:
        messages.info(request, "Nobody with an e-mail address is left to remind.")
    return redirect(diagnostic.get_absolute_url())


# --- rounds ----------------------------------------------------------------------------------


@login_required
def rounds(request, slug):
    diagnostic = facilitated(request, slug)
    rounds = list(diagnostic.rounds.order_by("-number"))
    open_round = next((r for r in rounds if r.is_open), None)
    waiting = open_round and publication.waiting_below_k(
        open_round,
        threshold=diagnostic.anonymity_threshold,
        estimates=diagnostic.asks_estimates,
    )
    return hub_page(request, "rounds.html", diagnostic, "rounds", rounds=rounds, waiting=waiting)


@login_required
@require_POST
def round_close(request, slug, number):
    diagnostic = facilitated(request, slug)
    round = round_numbered(diagnostic, number)
    return perform(
        request,
        slug,
        "rounds",
        lambda: services.close_round(round=round),
        f"{round} is closed; its ratings are now read-only.",
    )


@login_required
@require_POST
def round_open(request, slug):
    diagnostic = facilitated(request, slug)
    return perform(
        request,
        slug,
        "rounds",
        lambda: services.open_round(diagnostic=diagnostic),
        lambda round: f"{round} is open. Everybody rates again from scratch.",
    )


# --- Things That Matter ----------------------------------------------------------------------


@login_required
def things(request, slug):
    diagnostic = facilitated(request, slug)
    form = forms.ThingThatMattersForm(request.POST or None, diagnostic=diagnostic)
    saved, thing = submitted(
        request,
        form,
        lambda data: services.create_thing_that_matters(diagnostic=diagnostic, **data),
    )
    if saved:
        messages.success(request, f"“{thing.title}” recorded.")
        return back_to(slug, "things")
    thing_list = diagnostic.things_that_matter.prefetch_related("parties", "value_codes")
    return hub_page(request, "things.html", diagnostic, "things", form=form, things=thing_list)


@login_required
def thing_edit(request, slug, thing_id):
    diagnostic = facilitated(request, slug)
    thing = get_object_or_404(diagnostic.things_that_matter, pk=thing_id)
    form = forms.ThingThatMattersForm(
        request.POST or None,
        diagnostic=diagnostic,
        initial=forms.ThingThatMattersForm.initial_for(thing),
    )
    saved, _ = submitted(
        request, form, lambda data: services.update_thing_that_matters(thing=thing, **data)
    )
    if saved:
        messages.success(request, "Saved.")
        return back_to(slug, "things")
    return hub_page(request, "thing_edit.html", diagnostic, "things", form=form, thing=thing)


@login_required
@require_POST
def thing_delete(request, slug, thing_id):
    diagnostic = facilitated(request, slug)
    thing = get_object_or_404(diagnostic.things_that_matter, pk=thing_id)
    services.delete_thing_that_matters(thing=thing)
    messages.success(request, f"“{thing.title}” deleted.")
    return back_to(slug, "things")


# --- Value Codes -----------------------------------------------------------------------------


@login_required
def value_codes(request, slug):
    diagnostic = facilitated(request, slug)
    form = forms.AddValueCodesForm(request.POST or None, diagnostic=diagnostic)
    saved, added = submitted(
        request,
        form,
        lambda data: services.add_value_codes(
            diagnostic=diagnostic, value_codes=data["value_codes"]
        ),
    )
    if saved:
        messages.success(request, f"Added {len(added)} Value Codes.")
        return back_to(slug, "value_codes")
    return hub_page(
        request,
        "value_codes.html",
        diagnostic,
        "value_codes",
        form=form,
        codes=diagnostic.value_codes.all(),
    )


@login_required
def value_code_edit(request, slug, code_id):
    diagnostic = facilitated(request, slug)
    code = get_object_or_404(diagnostic.value_codes, pk=code_id)
    form = forms.ValueCodeForm(request.POST or None, instance=code)
    saved, _ = submitted(
        request, form, lambda data: services.update_value_code(value_code=code, **data)
    )
    if saved:
        messages.success(request, f"{code.identifier} saved (the library is unchanged).")
        return back_to(slug, "value_codes")
    return hub_page(
        request, "value_code_edit.html", diagnostic, "value_codes", form=form, code=code
    )


@login_required
@require_POST
def value_code_move(request, slug, code_id):
    diagnostic = facilitated(request, slug)
    code = get_object_or_404(diagnostic.value_codes, pk=code_id)
    services.move_value_code(value_code=code, offset=ordering.offset(request.POST))
    return redirect(reverse("diagnostics:value_codes", args=[slug]) + f"#vc-{code.pk}")


@login_required
@require_POST
def value_code_remove(request, slug, code_id):
    diagnostic = facilitated(request, slug)
    code = get_object_or_404(diagnostic.value_codes, pk=code_id)
    return perform(
        request,
        slug,
        "value_codes",
        lambda: services.remove_value_code(value_code=code),
        f"{code.identifier} removed from this diagnostic.",
    )


# --- members ---------------------------------------------------------------------------------


@login_required
def members(request, slug):
    diagnostic = facilitated(request, slug)
    form = forms.MemberForm(request.POST or None)
    saved, member = submitted(
        request,
        form,
        lambda data: services.add_member(diagnostic=diagnostic, added_by=request.user, **data),
    )
    if saved:
        messages.success(request, f"{member.user.username} added as {member.role}.")
        return back_to(slug, "members")
    memberships = diagnostic.memberships.select_related("user").order_by("role", "user__username")
    return hub_page(
        request, "members.html", diagnostic, "members", form=form, memberships=memberships
    )


@login_required
@require_POST
def member_remove(request, slug, member_id):
    diagnostic = facilitated(request, slug)
    membership = get_object_or_404(diagnostic.memberships, pk=member_id)
    return perform(
        request,
        slug,
        "members",
        lambda: services.remove_member(membership=membership),
        f"{membership.user.username} no longer shares this diagnostic.",
    )
