"""Participants and their invitations: secret links, e-mails, revocation, reminders.

Writes as in services.py: keyword-only, validated, one transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Participant, new_token
from .participant_lists import check_people
from .progress import unfinished_participants


@transaction.atomic
def add_participants(*, diagnostic, party, people, send_invitations=True):
    """Add people (label, e-mail) to a party, all or none; each gets a secret link. Those with
    an e-mail are invited by e-mail once the transaction commits."""
    if party.diagnostic_id != diagnostic.pk:
        raise ValidationError({"party": "Choose a party of this diagnostic."})
    people = check_people(people)
    wanted = [label.casefold() for label, _ in people]
    taken = [
        label
        for label in diagnostic.participants.values_list("label", flat=True)
        if label.casefold() in wanted
    ]
    if taken:
        raise ValidationError(
            {"people": f"Already in this diagnostic: {', '.join(sorted(taken))}. Use other names."}
        )
    participants = Participant.objects.bulk_create(
        Participant(diagnostic=diagnostic, party=party, label=label, email=email)
        for label, email in people
    )
    if send_invitations:
        send_invitation_emails(participants=[p for p in participants if p.email])
    return participants


def send_invitation_emails(*, participants, reminder=False):
    """Queue invitation (or reminder) e-mails for participants who have an e-mail address."""
    from .tasks import send_participant_emails

    ids = [p.pk for p in participants if p.email and not p.is_revoked]
    if ids:
        transaction.on_commit(lambda: send_participant_emails.delay(ids, reminder=reminder))
    return len(ids)


@transaction.atomic
def revoke_participant(*, participant):
    """The participant's link stops working; their ratings so far stay."""
    if participant.revoked_at is None:
        participant.revoked_at = timezone.now()
        participant.save(update_fields=["revoked_at"])
    return participant


@transaction.atomic
def remove_joiner(*, participant):
    """Remove someone who joined without an invitation, with everything they answered.

    They lose every right at once (their link and their workshop seats are gone with them),
    their answers no longer count, and their place on the open link or in the room is free.
    Invited people are revoked instead: their answers stay as evidence.
    """
    if not participant.is_joiner:
        raise ValidationError(
            f"{participant.label} was invited, so they are not removed: revoke their link instead."
        )
    participant.delete()
    return participant


@transaction.atomic
def reissue_link(*, participant, send=True):
    """A new secret link (the old one stops working), un-revoked, e-mailed when possible."""
    participant.token = new_token()
    participant.revoked_at = None
    participant.save(update_fields=["token", "revoked_at"])
    if send:
        send_invitation_emails(participants=[participant])
    return participant


def mark_invited(*, participant_ids):
    Participant.objects.filter(pk__in=participant_ids).update(invited_at=timezone.now())


@transaction.atomic
def send_reminders(*, diagnostic):
    """Remind by e-mail everybody not finished in the open round; returns how many."""
    return send_invitation_emails(
        participants=unfinished_participants(diagnostic=diagnostic), reminder=True
    )
