"""Results for facilitators and sponsors: the analysis as JSON and CSV (and the dashboard)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from diagnostics import selectors, targets
from diagnostics.models import AgreedTarget, DiagnosticValueCode, Round
from results import analysis
from results import board as board_content
from results import dashboard as dashboard_content
from results import understanding as understanding_content
from results.forms import AgreedTargetForm, DashboardFilterForm
from ttm import access, parsing
from ttm.spreadsheets import csv_writer


def _analysis_for(request, slug):
    diagnostic = selectors.diagnostic_to_read(request.user, slug)
    round_number = parsing.optional_round_number(request.GET.get("round"))
    try:
        return diagnostic, analysis.analyse(diagnostic, round_number)
    except analysis.NoRound as exc:
        raise Http404("No such round") from exc


@login_required
@never_cache
def analysis_json(request, slug):
    """The `analyse` JSON of PRODUCT.md 6; `?round=N` for an earlier round."""
    _, result = _analysis_for(request, slug)
    return JsonResponse(result, json_dumps_params={"ensure_ascii": False})


@login_required
@never_cache
def analysis_csv(request, slug):
    diagnostic, result = _analysis_for(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{diagnostic.slug}-round-{result['round']}-analysis.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv_writer(response)
    writer.writerow(analysis.CSV_COLUMNS)
    writer.writerows(analysis.csv_rows(result))
    return response


def _chosen_round(rounds, number):
    """(the round chosen (default: the latest), the one before it) among rounds by number."""
    chosen = next((r for r in rounds if r.number == number), rounds[-1] if rounds else None)
    earlier = [r for r in rounds if chosen and r.number < chosen.number]
    return chosen, earlier[-1] if earlier else None


@login_required
def dashboard(request, slug):
    """Where the parties disagree and what matters most, for one round."""
    diagnostic = selectors.diagnostic_to_read(request.user, slug)
    rounds = list(diagnostic.rounds.order_by("number"))
    sections = list(
        diagnostic.value_codes.order_by("position", "id").values_list("section", flat=True)
    )
    parties = list(diagnostic.parties.order_by("position", "id"))
    form = DashboardFilterForm(
        request.GET, rounds=rounds, sections=dict.fromkeys(sections), parties=parties
    )
    round_, previous = _chosen_round(rounds, form.round_number())
    can_edit = access.runs(request.user, diagnostic)
    context = {
        "diagnostic": diagnostic,
        "form": form,
        "rounds": rounds,
        "round": round_,
        "can_record_targets": can_edit,
        "can_edit": can_edit,
        "tab": "dashboard",
    }
    if round_ is not None:
        context |= dashboard_content.build(diagnostic, round_, previous, parties, form.filters())
    template = "results/dashboard.html"
    if request.htmx and request.htmx.target == "dashboard-results":
        template += "#results"
    return render(request, template, context)


@login_required
def understanding(request, slug):
    """Do we understand each other? Who misreads whom, on what and by how much, and what
    matters to whom (PRODUCT.md 10), from the same analysis as every other surface."""
    diagnostic, result = _analysis_for(request, slug)
    context = {
        "diagnostic": diagnostic,
        "result": result,
        "asks": diagnostic.asks_estimates or diagnostic.asks_importance,
        "can_edit": access.runs(request.user, diagnostic),
        "rounds": list(diagnostic.rounds.order_by("number")),
        "tab": "understanding",
    }
    if diagnostic.asks_estimates:
        context["misreadings"] = understanding_content.misreadings(result)
        context["matrix"] = understanding_content.understanding_matrix(result)
    if diagnostic.asks_importance:
        context["importance"] = understanding_content.importance_contrasts(result)
    return render(request, "results/understanding.html", context)


def _agreed_target_context(diagnostic, round_, value_code, form=None):
    agreed = AgreedTarget.objects.filter(round=round_, value_code=value_code).first()
    return {
        "diagnostic": diagnostic,
        "round": round_,
        "value_code": value_code,
        "agreed": analysis.agreed_target_figures(agreed),
        "can_record_targets": True,
        "target_form": form,
    }


@login_required
def agreed_target(request, slug, number, value_code_id):
    """Facilitators record a Value Code's agreed target (inline with htmx, or as a page)."""
    diagnostic = selectors.diagnostic_to_run(request.user, slug)
    round_ = get_object_or_404(Round, diagnostic=diagnostic, number=number)
    value_code = get_object_or_404(DiagnosticValueCode, diagnostic=diagnostic, pk=value_code_id)
    form = None
    if request.method == "POST" and "delete" in request.POST:
        targets.delete_agreed_target(round=round_, value_code=value_code)
    elif request.method == "POST":
        form = AgreedTargetForm(request.POST, level_labels=diagnostic.level_labels)
        if form.is_valid():
            targets.record_agreed_target(round=round_, value_code=value_code, **form.cleaned_data)
            form = None
    elif "show" not in request.GET:
        agreed = AgreedTarget.objects.filter(round=round_, value_code=value_code).first()
        initial = analysis.agreed_target_figures(agreed) or {}
        form = AgreedTargetForm(initial=initial, level_labels=diagnostic.level_labels)
    if request.method == "POST" and form is None and not request.htmx:
        url = reverse("results:dashboard", args=[diagnostic.slug])
        return redirect(f"{url}?round={round_.number}#vc-{value_code.pk}")
    context = _agreed_target_context(diagnostic, round_, value_code, form)
    if request.htmx:
        return render(request, "results/dashboard.html#agreed-target", context)
    return render(request, "results/agreed_target_page.html", context)


@login_required
def board(request, slug):
    """The negotiation board, for facilitators: trade candidates, the largest gaps and how much
    each side cares, with the agreed-target form beside each; `?round=N` for an earlier round."""
    diagnostic = selectors.diagnostic_to_run(request.user, slug)
    round_number = parsing.optional_round_number(request.GET.get("round"))
    context = {"diagnostic": diagnostic, "tab": "dashboard", "can_edit": True}
    try:
        result = analysis.analyse(diagnostic, round_number)
    except analysis.NoRound:
        if round_number is not None:
            raise Http404("No such round") from None
        return render(request, "results/board.html", context)
    value_code_ids = dict(diagnostic.value_codes.values_list("identifier", "pk"))
    context |= {
        "round": diagnostic.rounds.get(number=result["round"]),
        "result": result,
        "can_record_targets": True,
        "value_code_ids": value_code_ids,
        **board_content.build(result, value_code_ids),
    }
    return render(request, "results/board.html", context)
