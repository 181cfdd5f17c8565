"""The action plan of a round, for facilitators and sponsors: a page, a CSV and an XLSX."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from diagnostics import rounds, selectors
from results import analysis
from results.action_plan import action_plan, csv_bytes, workbook_bytes
from ttm import access, parsing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan(request, slug):
    """(diagnostic, round, analyse() of it, the action plan) for `?round=N` (default latest)."""
    diagnostic = selectors.diagnostic_to_read(request.user, slug)
    number = parsing.optional_round_number(request.GET.get("round"))
    round_ = rounds.chosen_round(diagnostic, number)
    result = analysis.analyse(diagnostic, round_.number)
    return diagnostic, round_, result, action_plan(diagnostic, round_, result)


@login_required
def page(request, slug):
    diagnostic, round_, result, actions = _plan(request, slug)
    return render(
        request,
        "results/action_plan.html",
        {
            "diagnostic": diagnostic,
            "round": round_,
            "rounds": list(diagnostic.rounds.order_by("number")),
            "analysis": result,
            "actions": actions,
            "can_record_targets": access.runs(request.user, diagnostic),
            "can_edit": access.runs(request.user, diagnostic),
            "tab": "dashboard",
        },
    )


def _download(content, content_type, diagnostic, round_, suffix):
    response = HttpResponse(content, content_type=content_type)
    filename = f"{diagnostic.slug}-round-{round_.number}-action-plan.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def csv_file(request, slug):
    diagnostic, round_, _result, actions = _plan(request, slug)
    content = csv_bytes(round_, actions)
    return _download(content, "text/csv; charset=utf-8", diagnostic, round_, "csv")


@login_required
def xlsx_file(request, slug):
    diagnostic, round_, _result, actions = _plan(request, slug)
    return _download(workbook_bytes(round_, actions), XLSX, diagnostic, round_, "xlsx")
