import logging

from celery import shared_task
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string

from . import invitations
from .links import absolute, invitation_url, participant_url
from .models import Participant

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_participant_emails(participant_ids, kind=invitations.INVITATION, reminder=False):
    """E-mail each participant an invitation, a reminder to finish, or their personal link.

    Invitations and reminders carry the invitation link; only a `personal_link` e-mail carries
    the personal link. Revoked participants and those without an e-mail are skipped, so a
    retried task is harmless. (`reminder` is what tasks queued before `kind` existed send.)
    """
    kind = invitations.REMINDER if reminder else kind
    participants = list(
        Participant.objects.filter(pk__in=participant_ids, revoked_at__isnull=True)
        .exclude(email="")
        .select_related("diagnostic", "party")
    )
    if kind == invitations.PERSONAL_LINK:
        participants = [p for p in participants if p.invitation_used]
    messages = []
    for participant in participants:
        personal = kind == invitations.PERSONAL_LINK
        context = {
            "participant": participant,
            "diagnostic": participant.diagnostic,
            "link": absolute(
                participant_url(participant) if personal else invitation_url(participant)
            ),
        }
        subject = render_to_string(f"diagnostics/email/{kind}_subject.txt", context)
        body = render_to_string(f"diagnostics/email/{kind}.txt", context)
        messages.append(
            EmailMessage(subject=" ".join(subject.split()), body=body, to=[participant.email])
        )
    if messages:
        get_connection().send_messages(messages)
        invitations.mark_invited(participant_ids=[p.pk for p in participants])
    logger.info("Sent %d %s e-mails", len(messages), kind)
    return len(messages)
