"""Business-case reports for facilitators and sponsors: request, follow, download, retry."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from diagnostics import selectors as diagnostic_selectors
from ttm import access, parsing

from . import selectors, services
from .models import Report


def _diagnostic(request, slug):
    return diagnostic_selectors.diagnostic_to_read(request.user, slug)


@login_required
@require_GET
def report_list(request, slug):
    diagnostic = _diagnostic(request, slug)
    rounds = list(diagnostic.rounds.order_by("-number"))
    return render(
        request,
        "reports/report_list.html",
        {
            "diagnostic": diagnostic,
            "tab": "reports",
            "can_edit": access.runs(request.user, diagnostic),
            "rounds": rounds,
            "reports": selectors.business_cases(diagnostic),
        },
    )


def _round_of(diagnostic, raw):
    """The diagnostic's round numbered `raw`; None when there is none or `raw` is no number."""
    try:
        return diagnostic.rounds.filter(number=parsing.round_number(raw)).first()
    except parsing.InvalidInput:
        return None


@login_required
@require_POST
def report_request(request, slug):
    diagnostic = _diagnostic(request, slug)
    round_ = _round_of(diagnostic, request.POST.get("round"))
    if round_ is None:
        messages.error(request, "Choose a round to report on.")
        return redirect("reports:list", slug=slug)
    try:
        report = services.request_business_case(
            diagnostic=diagnostic, round_=round_, requested_by=request.user
        )
    except services.AlreadyOnItsWay:
        messages.info(
            request,
            f"The business case for round {round_.number} is already on its way (below); "
            "it is not queued twice.",
        )
    else:
        if services.is_delayed(report):
            messages.warning(request, _delayed_message(round_))
        else:
            messages.success(request, f"The business case for round {round_.number} is on its way.")
    return redirect("reports:list", slug=slug)


def _delayed_message(round_):
    return (
        f"Reports are delayed: the report queue is not answering right now. Your request for "
        f"round {round_.number} is saved and will start by itself once the queue is back."
    )


@login_required
@require_GET
def report_status(request, slug, report_id):
    """The report's row alone: htmx polls it while the worker renders."""
    report = selectors.get_business_case(_diagnostic(request, slug), report_id)
    return render(
        request,
        "reports/report_list.html#report-row",
        {"report": report, "diagnostic": report.diagnostic},
    )


@login_required
@require_POST
def report_retry(request, slug, report_id):
    report = selectors.get_business_case(_diagnostic(request, slug), report_id)
    try:
        services.retry(report=report)
    except services.CannotRetry as exc:
        messages.error(request, str(exc))
    else:
        if services.is_delayed(report):
            messages.warning(request, _delayed_message(report.round))
        else:
            messages.success(request, f"Trying the round {report.round.number} report again.")
    return redirect("reports:list", slug=slug)


@login_required
@require_GET
def report_download(request, slug, report_id):
    """The PDF as an attachment: streamed by Django, or by nginx via X-Accel-Redirect."""
    report = selectors.get_business_case(_diagnostic(request, slug), report_id)
    media_root = Path(settings.MEDIA_ROOT).resolve()
    path = (media_root / report.file_path).resolve()
    if report.status != Report.READY or not report.file_path or not path.is_relative_to(media_root):
        raise Http404("This report is not ready")
    if not path.is_file():
        raise Http404("The report file is missing; request a new one")
    filename = selectors.download_name(report)
    header = settings.TTM_PROTECTED_MEDIA_HEADER
    if header:
        response = HttpResponse(content_type="application/pdf")
        prefix = settings.TTM_PROTECTED_MEDIA_PREFIX.rstrip("/")
        response[header] = f"{prefix}/{report.file_path}"
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        response = FileResponse(
            path.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
