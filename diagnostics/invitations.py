"""Participants and their invitations: secret links, e-mails, revocation, reminders.

Writes as in services.py: keyword-only, validated, one transaction.
"""

import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .links import absolute, participant_url
from .models import Participant, new_token
from .participant_lists import check_people
from .progress import unfinished_participants

logger = logging.getLogger(__name__)


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
    """Queue invitation (or reminder) e-mails for participants who have an e-mail address, as
    one batch: however often its task is retried, each of them gets one message."""
    from .tasks import send_participant_emails

    ids = [p.pk for p in participants if p.email and not p.is_revoked]
    if ids:
        batch = str(uuid.uuid4())
        transaction.on_commit(
            lambda: send_participant_emails.delay(ids, reminder=reminder, batch=batch)
        )
    return len(ids)


def email_batch(*, participant_ids, batch, reminder=False):
    """E-mail their link to the participants this batch has not reached yet; returns how many.

    Each participant is marked (invited_at, email_batch) as soon as the server accepted their
    own message, in its own UPDATE, so when the server fails part-way, a retry of the batch
    sends only to the rest. Revoked participants and those without an e-mail are skipped.
    """
    participants = list(
        Participant.objects.filter(pk__in=participant_ids, revoked_at__isnull=True)
        .exclude(email="")
        .exclude(email_batch=batch)
        .select_related("diagnostic", "party")
    )
    kind = "reminder" if reminder else "invitation"
    sent = 0
    try:
        with get_connection() as connection:
            for participant in participants:
                connection.send_messages([_email(participant, kind=kind, reminder=reminder)])
                Participant.objects.filter(pk=participant.pk).update(
                    invited_at=timezone.now(), email_batch=batch
                )
                sent += 1
    except OSError as error:  # smtplib's errors, refused connections, timeouts
        logger.warning(
            "Sent %d of %d %s e-mails of batch %s; the next one failed: %r",
            sent,
            len(participants),
            kind,
            batch,
            error,
        )
        raise
    logger.info("Sent %d %s e-mails of batch %s", sent, kind, batch)
    return sent


def _email(participant, *, kind, reminder):
    context = {
        "participant": participant,
        "diagnostic": participant.diagnostic,
        "link": absolute(participant_url(participant)),
        "reminder": reminder,
    }
    subject = render_to_string(f"diagnostics/email/{kind}_subject.txt", context)
    body = render_to_string(f"diagnostics/email/{kind}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[participant.email])


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


@transaction.atomic
def send_reminders(*, diagnostic):
    """Remind by e-mail everybody not finished in the open round; returns how many."""
    return send_invitation_emails(
        participants=unfinished_participants(diagnostic=diagnostic), reminder=True
    )
