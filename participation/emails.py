"""The e-mails a participant gets: an invitation, a reminder to finish, or their personal link.

Sent in batches by participation.tasks.send_participant_emails, which participation.invitations
queues; a batch is idempotent, so a retried task reaches only those it has not reached yet.
"""

import logging

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from diagnostics.models import Participant

from .links import absolute, invitation_url, participant_url

logger = logging.getLogger(__name__)

INVITATION, REMINDER, PERSONAL_LINK = "invitation", "reminder", "personal_link"


def email_batch(*, participant_ids, batch, kind=INVITATION):
    """E-mail the participants this batch has not reached yet; returns how many.

    Invitations and reminders carry the invitation link; only a personal-link e-mail carries
    the personal link. Each participant is marked (invited_at, email_batch) as soon as the
    server accepted their own message, in its own UPDATE, so when the server fails part-way,
    a retry of the batch sends only to the rest. Revoked participants and those without an
    e-mail are skipped.
    """
    participants = list(
        Participant.objects.filter(pk__in=participant_ids, revoked_at__isnull=True)
        .exclude(email="")
        .exclude(email_batch=batch)
        .select_related("diagnostic", "party")
    )
    if kind == PERSONAL_LINK:
        participants = [p for p in participants if p.invitation_used]
    sent = 0
    try:
        with get_connection() as connection:
            for participant in participants:
                connection.send_messages([_email(participant, kind=kind)])
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


def _email(participant, *, kind):
    personal = kind == PERSONAL_LINK
    context = {
        "participant": participant,
        "diagnostic": participant.diagnostic,
        "link": absolute(participant_url(participant) if personal else invitation_url(participant)),
        "reminder": kind == REMINDER,
    }
    subject = render_to_string(f"participation/email/{kind}_subject.txt", context)
    body = render_to_string(f"participation/email/{kind}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[participant.email])
