import uuid

from celery import shared_task

from . import invitations


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_participant_emails(participant_ids, reminder=False, batch=None):
    """E-mail each participant their personal link: an invitation, or a reminder to finish.

    Retried (and redelivered after a lost worker) with the same batch, which sends only to
    those the batch has not reached yet.
    """
    return invitations.email_batch(
        participant_ids=participant_ids,
        batch=batch or str(uuid.uuid4()),  # queued before batches existed
        reminder=reminder,
    )
