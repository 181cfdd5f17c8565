import logging
from datetime import timedelta

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import rendering
from .models import Report

logger = logging.getLogger(__name__)

# A render takes seconds and the worker's hard time limit is 300 s: 15 minutes is surely dead.
STALE_AFTER = timedelta(minutes=15)
REQUEUED_BY_SWEEP = "Queued again: no worker had picked it up"
# The request is saved but never reached the queue; the sweep sends it again.
DELAYED = "Delayed: the report queue is not answering. It will start by itself once it is back"

# Worth another go: the database blinked, the disk was briefly full, a file was locked.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)
MAX_RETRIES = 3


def human_reason(exc):
    if isinstance(exc, (OperationalError, InterfaceError, DatabaseError)):
        return "The database was unavailable while the report was being written."
    if isinstance(exc, OSError):
        return f"The report file could not be written ({exc.strerror or exc})."
    return f"The report could not be produced ({type(exc).__name__}: {exc})."


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=MAX_RETRIES,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=False,
)
def render_report(self, report_id):
    """Thin wrapper: render the Report; transient errors retry with backoff, then fail."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("Report %s no longer exists; nothing to render", report_id)
        return None
    if report.status == Report.READY:
        logger.info("Report %s is already ready (a redelivery); nothing to do", report_id)
        return report_id
    try:
        rendering.render(report)
    except TRANSIENT_ERRORS as exc:
        retries = self.request.retries
        if retries >= MAX_RETRIES:
            logger.exception("Rendering report %s failed after %s retries", report_id, retries)
            rendering.mark_failed(report_id, human_reason(exc))
            return None
        countdown = min(5 * 2**retries, 120)
        logger.warning("Rendering report %s hit %r; retrying in %s s", report_id, exc, countdown)
        rendering.mark_retrying(report_id, human_reason(exc), countdown)
        if self.request.is_eager:
            # Eager Celery with eager propagation re-raises Retry instead of retrying: without a
            # broker (local use, tests) the retry runs inline, immediately.
            return render_report.apply(args=[report_id], retries=retries + 1).get()
        raise  # autoretry_for schedules the retry with retry_backoff
    except Exception as exc:
        logger.exception("Rendering report %s failed", report_id)
        rendering.mark_failed(report_id, human_reason(exc))
        return None
    return report_id


@shared_task
def sweep_reports():
    """Periodic safety net (cron `manage.py sweep_reports`, or celery beat with this task)."""
    failed, requeued = sweep_stale()
    return {"failed": failed, "requeued": requeued}


def enqueue(report):
    # robust: an eager-render error must not break the request that queued it; the Report row
    # records the failure and the sweep catches a lost message.
    transaction.on_commit(lambda: _send(report.pk), robust=True)


def _send(report_id):
    try:
        render_report.delay(report_id)
    except BrokerUnavailable as exc:
        logger.warning("Report %s not queued, the broker is unavailable: %s", report_id, exc)
        Report.objects.filter(pk=report_id, status=Report.QUEUED).update(step=DELAYED)


def sweep_stale(*, now=None, stale_after=STALE_AFTER):
    """Fail reports stuck in "rendering"; queue stuck "queued" ones once more, then fail them.

    Requests that never reached the queue (DELAYED) are sent again at once, however old: a
    broker outage is not the requester's fault. Returns (failed, requeued) counts. Run it every
    few minutes (`manage.py sweep_reports`).
    """
    cutoff = (now or timezone.now()) - stale_after
    minutes = int(stale_after.total_seconds() // 60)
    failed = Report.objects.filter(status=Report.RENDERING, started_at__lt=cutoff).update(
        status=Report.FAILED,
        step="Failed",
        error=f"The worker stopped before the report was finished (no result after {minutes} "
        "minutes). Try again.",
        finished_at=timezone.now(),
    )
    delayed = Report.objects.filter(status=Report.QUEUED, step=DELAYED)
    stuck = Report.objects.filter(status=Report.QUEUED, queued_at__lt=cutoff).exclude(step=DELAYED)
    failed += stuck.filter(step=REQUEUED_BY_SWEEP).update(
        status=Report.FAILED,
        step="Failed",
        error="No worker picked the report up. Check that a worker is running, then try again.",
        finished_at=timezone.now(),
    )
    requeued = 0
    for report in [*delayed, *stuck.exclude(step=REQUEUED_BY_SWEEP)]:
        Report.objects.filter(pk=report.pk).update(step=REQUEUED_BY_SWEEP, queued_at=timezone.now())
        enqueue(report)
        requeued += 1
    if failed or requeued:
        logger.warning("Report sweep: %s failed, %s queued again", failed, requeued)
    return failed, requeued
