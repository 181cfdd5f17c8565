"""Report requests: asking for a report, trying a failed one again, and what a page shows of
its way through the queue. Rendering is reports.rendering; queueing is reports.tasks."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Report
from .tasks import DELAYED, enqueue

logger = logging.getLogger(__name__)


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


def is_delayed(report):
    """True when the request is saved but waits for the queue to come back (see DELAYED)."""
    report.refresh_from_db(fields=["status", "step"])
    return report.status == Report.QUEUED and report.step == DELAYED
