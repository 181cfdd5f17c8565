"""Hub pages for who rates what: a party, or a named person, asked chosen sections or Value
Codes (diagnostics.assignment). Facilitators only; sponsors never see who is asked what."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods

from diagnostics import assignment
from hub import forms
from hub.views.common import back_to, facilitated, hub_page, submitted
from participation import progress
from ttm import parsing


@login_required
@require_GET
def assignments(request, slug):
    """What each party and each person asked in person rates; a person may be chosen here."""
    diagnostic = facilitated(request, slug)
    chosen = parsing.id_or_none(request.GET.get("participant"))
    if chosen is not None:
        person = diagnostic.participants.filter(pk=chosen).first()
        if person is not None:
            return redirect("diagnostics:assignment_participant", slug, person.pk)
        messages.error(request, "Choose one of this diagnostic's participants.")
    by_party, by_participant = assignment.assignments_by_target(diagnostic)
    parties = list(assignment.parties_with_asked_count(diagnostic))
    for party in parties:
        party.rows = by_party.get(party.pk, [])
    people = list(
        progress.with_progress(assignment.people_with_own_assignment(diagnostic), round=None)
    )
    for person in people:
        person.rows = by_participant.get(person.pk, [])
    return hub_page(
        request,
        "assignments.html",
        diagnostic,
        "assignments",
        parties=parties,
        people=people,
        value_code_count=diagnostic.value_codes.count(),
        choosable=diagnostic.participants.filter(revoked_at__isnull=True).select_related("party"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_party(request, slug, party_id):
    diagnostic = facilitated(request, slug)
    party = get_object_or_404(diagnostic.parties, pk=party_id)
    return _choose(request, diagnostic, whom={"party": party}, name=party.name)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_participant(request, slug, participant_id):
    diagnostic = facilitated(request, slug)
    person = get_object_or_404(diagnostic.participants.select_related("party"), pk=participant_id)
    return _choose(request, diagnostic, whom={"participant": person}, name=person.label)


def _choose(request, diagnostic, *, whom, name):
    """The form of one party or person: tick sections, or single Value Codes, and save."""
    rows = list(assignment.rows_of(**whom))
    asked_sections = [row.section for row in rows if row.section]
    section_names = assignment.sections_of(diagnostic)
    section_names += [s for s in asked_sections if s not in section_names]
    initial = {
        "sections": asked_sections,
        "value_codes": [row.value_code_id for row in rows if row.value_code_id],
    }
    data = request.POST or None
    if data is not None and "everything" in data:
        data = {}  # asked nothing in particular: everything again
    form = forms.AssignmentForm(
        data, diagnostic=diagnostic, section_names=section_names, initial=initial
    )
    saved, _ = submitted(
        request,
        form,
        lambda data: assignment.set_asked(
            diagnostic=diagnostic,
            sections=data["sections"],
            value_codes=data["value_codes"],
            **whom,
        ),
    )
    if saved:
        if form.cleaned_data["sections"] or form.cleaned_data["value_codes"]:
            messages.success(request, f"Saved what {name} is asked to rate.")
        else:
            messages.success(request, f"{name} is no longer asked anything in particular.")
        return back_to(diagnostic.slug, "assignments")
    chosen_sections = set(form["sections"].value() or [])
    chosen_codes = {str(pk) for pk in form["value_codes"].value() or []}
    return hub_page(
        request,
        "assignment_form.html",
        diagnostic,
        "assignments",
        form=form,
        name=name,
        party=whom.get("party"),
        person=whom.get("participant"),
        # A section opens by itself when single Value Codes of it are chosen.
        sections=[
            (section, codes, any(str(code.pk) in chosen_codes for code in codes))
            for section, codes in assignment.value_codes_by_section(diagnostic, section_names)
        ],
        chosen_sections=chosen_sections,
        chosen_codes=chosen_codes,
    )
