"""Hub pages for the people of a diagnostic: its parties and their participants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from diagnostics import selectors, services
from diagnostics.models import Participant
from diagnostics.rounds import round_to_show
from hub import forms
from hub.views.common import back_to, facilitated, hub_page, perform, submitted
from participation import invitations
from participation.links import absolute, invitation_url, open_link_url
from participation.progress import participants_progress
from participation.ratings_file import parties_left_out

# --- parties ---------------------------------------------------------------------------------


@login_required
def parties(request, slug):
    diagnostic = facilitated(request, slug)
    form = forms.PartyForm(request.POST or None)
    saved, party = submitted(
        request, form, lambda data: services.add_party(diagnostic=diagnostic, **data)
    )
    if saved:
        messages.success(request, f"{party.name} added.")
        return back_to(slug, "parties")
    joined = Count("participants", filter=Q(participants__joined_through=Participant.OPEN_LINK))
    party_list = [
        (party, absolute(open_link_url(party), request))
        for party in diagnostic.parties.annotate(
            participant_count=Count("participants"), open_link_taken=joined
        )
    ]
    return hub_page(
        request, "parties.html", diagnostic, "parties", form=form, party_list=party_list
    )


@login_required
def party_edit(request, slug, party_id):
    diagnostic = facilitated(request, slug)
    party = get_object_or_404(diagnostic.parties, pk=party_id)
    form = forms.PartyForm(
        request.POST or None, initial={"name": party.name, "colour": party.colour}
    )
    saved, _ = submitted(request, form, lambda data: services.update_party(party=party, **data))
    if saved:
        messages.success(request, "Saved.")
        return back_to(slug, "parties")
    return hub_page(request, "party_edit.html", diagnostic, "parties", form=form, party=party)


@login_required
@require_POST
def party_remove(request, slug, party_id):
    diagnostic = facilitated(request, slug)
    party = get_object_or_404(diagnostic.parties, pk=party_id)
    return perform(
        request,
        slug,
        "parties",
        lambda: services.remove_party(party=party),
        f"{party.name} removed from this diagnostic.",
    )


@login_required
@require_POST
def party_open_link(request, slug, party_id):
    diagnostic = facilitated(request, slug)
    party = get_object_or_404(diagnostic.parties, pk=party_id)
    action = request.POST.get("action")
    capacity = request.POST.get("capacity") if action in {"enable", "places"} else None

    def describe(party):
        if action == "places":
            return f"{party.open_link_capacity} places on the open link for {party.name}."
        state = "on" if party.open_link_enabled else "off"
        return f"The open link for {party.name} is {state}."

    return perform(
        request,
        slug,
        "parties",
        lambda: services.set_open_link(
            party=party,
            enabled=action in {"enable", "renew"}
            or (action == "places" and party.open_link_enabled),
            renew=action == "renew",
            capacity=capacity,
        ),
        describe,
    )


# --- participants ----------------------------------------------------------------------------


@login_required
def participants(request, slug):
    diagnostic = facilitated(request, slug)
    form = forms.ParticipantsForm(
        request.POST or None, request.FILES or None, diagnostic=diagnostic
    )
    saved, added = submitted(
        request,
        form,
        lambda data: invitations.add_participants(
            diagnostic=diagnostic,
            party=data["party"],
            people=data["people_list"],
            send_invitations=data["send_invitations"],
        ),
    )
    if saved:
        emailed = sum(1 for p in added if p.email) if form.cleaned_data["send_invitations"] else 0
        messages.success(request, f"Added {len(added)} people; {emailed} invited by e-mail.")
        return back_to(slug, "participants")
    round = round_to_show(diagnostic)
    people = list(participants_progress(diagnostic=diagnostic, round=round)) if round else []
    revoked = diagnostic.participants.filter(revoked_at__isnull=False).select_related("party")
    for person in people:
        # Finished or not, never how far nor whether someone started: the raw ratings export
        # lists each respondent's answers, and the only "started" person of a party would
        # match a name to the one respondent code with a partial set of rows.
        person.status = "finished" if person.finished else "not finished"
        # Only an unused invitation is ever shown: a used one opens nobody's answers.
        if not person.invitation_used:
            person.link = absolute(invitation_url(person), request)
    return hub_page(
        request,
        "participants.html",
        diagnostic,
        "participants",
        form=form,
        people=people,
        revoked=revoked,
        joiners=selectors.joiners(diagnostic),
        raw_export_left_out=parties_left_out(diagnostic),
    )


def _participant_action(request, slug, participant_id):
    diagnostic = facilitated(request, slug)
    return get_object_or_404(diagnostic.participants, pk=participant_id)


@login_required
@require_POST
def participant_revoke(request, slug, participant_id):
    participant = _participant_action(request, slug, participant_id)
    invitations.revoke_participant(participant=participant)
    messages.success(request, f"{participant.label}'s link no longer works.")
    return back_to(slug, "participants")


@login_required
@require_POST
def participant_remove(request, slug, participant_id):
    participant = _participant_action(request, slug, participant_id)
    return perform(
        request,
        slug,
        "participants",
        lambda: invitations.remove_joiner(participant=participant),
        f"{participant.label} is removed; nothing they answered counts any more.",
    )


@login_required
@require_POST
def participant_reissue(request, slug, participant_id):
    participant = _participant_action(request, slug, participant_id)
    used = participant.invitation_used
    holder = invitations.reissue_link(participant=participant)
    if holder.pk != participant.pk:
        message = (
            f"{holder.label} starts afresh with a new invitation link; the old link is revoked "
            "and the answers given with it stay in the results."
        )
    elif used:
        message = f"A new personal link is e-mailed to {holder.label}; the old one is dead."
    else:
        sent = " and e-mailed" if holder.email else ""
        message = f"{holder.label} has a new invitation link{sent}; the old one is dead."
    messages.success(request, message)
    return back_to(slug, "participants")


@login_required
@require_POST
def participant_send(request, slug, participant_id):
    participant = _participant_action(request, slug, participant_id)
    if participant.invitation_used and participant.email and not participant.is_revoked:
        invitations.send_personal_link(participant=participant)
        messages.success(request, f"A new personal link is e-mailed to {participant.label}.")
    elif invitations.send_invitation_emails(participants=[participant]):
        messages.success(request, f"Invitation e-mailed to {participant.label}.")
    else:
        messages.error(request, f"{participant.label} has no e-mail address or is revoked.")
    return back_to(slug, "participants")


@login_required
def participant_edit(request, slug, participant_id):
    participant = _participant_action(request, slug, participant_id)
    form = forms.ParticipantEditForm(
        request.POST or None,
        participant=participant,
        initial={"label": participant.label, "email": participant.email},
    )
    saved, _ = submitted(
        request,
        form,
        lambda data: invitations.update_participant(participant=participant, **data),
    )
    if saved:
        messages.success(request, "Saved.")
        return back_to(slug, "participants")
    return hub_page(
        request,
        "participant_edit.html",
        participant.diagnostic,
        "participants",
        form=form,
        participant=participant,
    )
