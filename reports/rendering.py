"""Rendering a report's PDF: one code path for the worker (reports.tasks) and the command."""

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from . import business_case
from .models import Report
from .pdf import html_to_pdf, write_atomically


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
