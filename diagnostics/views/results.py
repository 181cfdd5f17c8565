"""Results for facilitators and sponsors: the analysis as JSON and CSV (and the dashboard)."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse

from .. import analysis
from ..models import DiagnosticMember
from ..selectors import get_diagnostic_for

READERS = (DiagnosticMember.FACILITATOR, DiagnosticMember.SPONSOR)


def _analysis_for(request, slug):
    diagnostic = get_diagnostic_for(request.user, slug, roles=READERS)
    try:
        round_number = int(request.GET["round"]) if request.GET.get("round") else None
        return diagnostic, analysis.analyse(diagnostic, round_number)
    except (ValueError, analysis.NoRound) as exc:
        raise Http404("No such round") from exc


@login_required
def analysis_json(request, slug):
    """The `analyse` JSON of PRODUCT.md 6; `?round=N` for an earlier round."""
    _, result = _analysis_for(request, slug)
    return JsonResponse(result, json_dumps_params={"ensure_ascii": False})


@login_required
def analysis_csv(request, slug):
    diagnostic, result = _analysis_for(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{diagnostic.slug}-round-{result['round']}-analysis.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(analysis.CSV_COLUMNS)
    for row in analysis.csv_rows(result):
        writer.writerow(["" if cell is None else cell for cell in row])
    return response
