import logging

from celery import shared_task

from . import services
from .models import Report

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_report(report_id):
    """Thin wrapper: load the Report and render it; record a failure on the Report itself."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("Report %s no longer exists; nothing to render", report_id)
        return None
    try:
        services.render(report)
    except Exception as exc:
        logger.exception("Rendering report %s failed", report_id)
        services.mark_failed(report_id, f"{type(exc).__name__}: {exc}")
        raise
    return report_id
