import uuid

from celery import shared_task

from . import emails


@shared_task(
    # The name it had before the move, so that messages already queued still find it.
    name="diagnostics.tasks.send_participant_emails",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_participant_emails(participant_ids, kind=emails.INVITATION, reminder=False, batch=None):
    """E-mail each participant an invitation, a reminder to finish, or their personal link.

    Retried (and redelivered after a lost worker) with the same batch, which sends only to
    those the batch has not reached yet. (`reminder` is what tasks queued before `kind`
    existed send; a task without a batch was queued before batches existed.)
    """
    return emails.email_batch(
        participant_ids=participant_ids,
        batch=batch or str(uuid.uuid4()),
        kind=emails.REMINDER if reminder else kind,
    )
