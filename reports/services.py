"""Report requests and rendering: one code path for the web, the worker and the command."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Report
from .pdf import html_to_pdf, write_atomically


def request_test_page(*, requested_by=None):
    """Queue a one-page PDF that proves the web -> broker -> worker -> MEDIA_ROOT chain."""
    report = Report.objects.create(kind=Report.TEST_PAGE, requested_by=requested_by)
    enqueue(report)
    return report


def enqueue(report):
    from .tasks import render_report

    transaction.on_commit(lambda: render_report.delay(report.pk))


def set_progress(report, step, progress):
    report.step, report.progress = step, progress
    report.save(update_fields=["step", "progress"])


def render_test_page(report):
    html = render_to_string("reports/test_page.html", {"report": report, "now": timezone.now()})
    set_progress(report, "Laying out the page", 50)
    return html_to_pdf(html)


RENDERERS = {Report.TEST_PAGE: render_test_page}


def render(report):
    """Render a report's PDF and store it; the Report row records every state change."""
    Report.objects.filter(pk=report.pk).update(
        status=Report.RENDERING, started_at=timezone.now(), error="", attempts=report.attempts + 1
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
