import logging

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

from . import services
from .models import Report

logger = logging.getLogger(__name__)

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
        services.render(report)
    except TRANSIENT_ERRORS as exc:
        retries = self.request.retries
        if retries >= MAX_RETRIES:
            logger.exception("Rendering report %s failed after %s retries", report_id, retries)
            services.mark_failed(report_id, human_reason(exc))
            return None
        countdown = min(5 * 2**retries, 120)
        logger.warning("Rendering report %s hit %r; retrying in %s s", report_id, exc, countdown)
        services.mark_retrying(report_id, human_reason(exc), countdown)
        if self.request.is_eager:
            # Eager Celery with eager propagation re-raises Retry instead of retrying: without a
            # broker (local use, tests) the retry runs inline, immediately.
            return render_report.apply(args=[report_id], retries=retries + 1).get()
        raise  # autoretry_for schedules the retry with retry_backoff
    except Exception as exc:
        logger.exception("Rendering report %s failed", report_id)
        services.mark_failed(report_id, human_reason(exc))
        return None
    return report_id


@shared_task
def sweep_reports():
    """Periodic safety net (cron `manage.py sweep_reports`, or celery beat with this task)."""
    failed, requeued = services.sweep_stale()
    return {"failed": failed, "requeued": requeued}
