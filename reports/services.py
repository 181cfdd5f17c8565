"""Report requests and rendering: one code path for the web, the worker and the command."""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import business_case
from .models import Report
from .pdf import html_to_pdf, write_atomically

logger = logging.getLogger(__name__)

# A render takes seconds and the worker's hard time limit is 300 s: 15 minutes is surely dead.
STALE_AFTER = timedelta(minutes=15)
REQUEUED_BY_SWEEP = "Queued again: no worker had picked it up"
# The request is saved but never reached the queue; the sweep sends it again.
DELAYED = "Delayed: the report queue is not answering. It will start by itself once it is back"


ON_ITS_WAY = [Report.QUEUED, Report.RENDERING]


class CannotRetry(Exception):
    """Only a failed report can be tried again, and not while another of its round is on its
    way."""


class AlreadyOnItsWay(Exception):
    """The round's business case is already queued or rendering: that one is `report`."""

    def __init__(self, report):
        super().__init__(f"The business case for round {report.round.number} is on its way.")
        self.report = report


def request_test_page(*, requested_by=None):
    """Queue a one-page PDF that proves the web -> broker -> worker -> MEDIA_ROOT chain."""
    report = Report.objects.create(kind=Report.TEST_PAGE, requested_by=requested_by)
    enqueue(report)
    return report


def on_its_way(*, diagnostic, round_):
    """The round's business case that is queued or rendering, or None."""
    return Report.objects.filter(
        kind=Report.BUSINESS_CASE, diagnostic=diagnostic, round=round_, status__in=ON_ITS_WAY
    ).first()


def request_business_case(*, diagnostic, round_, requested_by=None):
    """Queue the business-case PDF of one round; the worker renders it after the commit.

    At most one per round is on its way (a partial unique constraint): while one is queued or
    rendering, raises AlreadyOnItsWay with it instead of queueing another.
    """
    existing = on_its_way(diagnostic=diagnostic, round_=round_)
    if existing is not None:
        raise AlreadyOnItsWay(existing)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=Report.BUSINESS_CASE,
                diagnostic=diagnostic,
                round=round_,
                requested_by=requested_by,
                step="Waiting for a worker",
                queued_at=timezone.now(),
            )
            enqueue(report)
    except IntegrityError:
        # Another request queued one between our check and our insert.
        existing = on_its_way(diagnostic=diagnostic, round_=round_)
        if existing is None:
            raise
        raise AlreadyOnItsWay(existing) from None
    return report


def retry(*, report):
    """Queue a failed report again (same row, same file name once it succeeds)."""
    busy = CannotRetry(
        f"The business case for round {report.round.number} is already on its way."
        if report.round_id
        else "Another report is on its way."
    )
    if report.kind == Report.BUSINESS_CASE and on_its_way(
        diagnostic=report.diagnostic, round_=report.round
    ):
        raise busy
    try:
        with transaction.atomic():
            updated = Report.objects.filter(pk=report.pk, status=Report.FAILED).update(
                status=Report.QUEUED,
                step="Waiting for a worker",
                progress=0,
                error="",
                queued_at=timezone.now(),
                started_at=None,
                finished_at=None,
            )
            if not updated:
                raise CannotRetry("Only a failed report can be tried again.")
            enqueue(report)
    except IntegrityError:
        raise busy from None
    report.refresh_from_db()
    return report


def enqueue(report):
    # robust: an eager-render error must not break the request that queued it; the Report row
    # records the failure and the sweep catches a lost message.
    transaction.on_commit(lambda: _send(report.pk), robust=True)


def _send(report_id):
    from .tasks import render_report

    try:
        render_report.delay(report_id)
    except BrokerUnavailable as exc:
        logger.warning("Report %s not queued, the broker is unavailable: %s", report_id, exc)
        Report.objects.filter(pk=report_id, status=Report.QUEUED).update(step=DELAYED)


def is_delayed(report):
    """True when the request is saved but waits for the queue to come back (see DELAYED)."""
    report.refresh_from_db(fields=["status", "step"])
    return report.status == Report.QUEUED and report.step == DELAYED


def set_progress(report, step, progress):
    report.step, report.progress = step, progress
    report.save(update_fields=["step", "progress"])


def render_test_page(report):
    html = render_to_string("reports/test_page.html", {"report": report, "now": timezone.now()})
    set_progress(report, "Laying out the page", 50)
    return html_to_pdf(html)


def render_business_case(report):
    set_progress(report, "Querying the results", 10)
    context = business_case.gather(report.diagnostic, report.round)
    set_progress(report, "Writing the report", 30)
    html = business_case.to_html(context)
    set_progress(report, "Laying out the pages", 50)
    return html_to_pdf(html)


RENDERERS = {Report.TEST_PAGE: render_test_page, Report.BUSINESS_CASE: render_business_case}


def render(report):
    """Render a report's PDF and store it; the Report row records every state change.

    Idempotent: running it again for the same report replaces the file atomically.
    """
    Report.objects.filter(pk=report.pk).update(
        status=Report.RENDERING,
        step="Starting",
        progress=5,
        started_at=timezone.now(),
        finished_at=None,
        error="",
        attempts=report.attempts + 1,
    )
    report.refresh_from_db()
    pdf = RENDERERS[report.kind](report)
    set_progress(report, "Saving the file", 90)
    relative = f"reports/{report.pk}.pdf"
    write_atomically(relative, pdf)
    Report.objects.filter(pk=report.pk).update(
        status=Report.READY,
        step="Ready",
        progress=100,
        file_path=relative,
        size=len(pdf),
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    return report


def mark_failed(report_id, reason):
    Report.objects.filter(pk=report_id).update(
        status=Report.FAILED, step="Failed", error=reason, finished_at=timezone.now()
    )


def mark_retrying(report_id, reason, countdown):
    Report.objects.filter(pk=report_id).update(
        status=Report.QUEUED,
        step=f"Retrying in {countdown} s after a temporary problem",
        progress=0,
        error=reason,
        queued_at=timezone.now() + timedelta(seconds=countdown),
    )


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
