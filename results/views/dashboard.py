"""Results for facilitators and sponsors: the analysis as JSON and CSV (and the dashboard)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from diagnostics import rounds, selectors, targets
from diagnostics.models import AgreedTarget, DiagnosticValueCode, Round
from results import analysis, trade_offs
from results import board as board_content
from results import dashboard as dashboard_content
from results import understanding as understanding_content
from results.forms import AgreedTargetForm, DashboardFilterForm, TradeOffLinkForm
from ttm import access, parsing
from ttm.spreadsheets import csv_writer


def _analysis_for(request, slug):
    diagnostic = selectors.diagnostic_to_read(request.user, slug)
    round_number = parsing.optional_round_number(request.GET.get("round"))
    return diagnostic, analysis.analyse(diagnostic, round_number)


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


def _requested_round_number(raw):
    """The round number asked for, or None when none (or nonsense) was: the dashboard's filters
    fall back to their defaults, yet a number that names no round is a 404, as in the JSON."""
    try:
        return parsing.optional_round_number(raw)
    except parsing.InvalidInput:
        return None


@login_required
def dashboard(request, slug):
    """Where the parties disagree and what matters most, for one round."""
    diagnostic = selectors.diagnostic_to_read(request.user, slug)
    all_rounds = list(diagnostic.rounds.order_by("number"))
    sections = list(
        diagnostic.value_codes.order_by("position", "id").values_list("section", flat=True)
    )
    parties = list(diagnostic.parties.order_by("position", "id"))
    form = DashboardFilterForm(
        request.GET, rounds=all_rounds, sections=dict.fromkeys(sections), parties=parties
    )
    number = _requested_round_number(request.GET.get("round"))
    round_ = rounds.chosen_round(diagnostic, number) if number or all_rounds else None
    can_edit = access.runs(request.user, diagnostic)
    context = {
        "diagnostic": diagnostic,
        "form": form,
        "rounds": all_rounds,
        "round": round_,
        "can_record_targets": can_edit,
        "can_edit": can_edit,
        "tab": "dashboard",
    }
    if round_ is not None:
        previous = rounds.previous_round(round_)
        context |= dashboard_content.build(diagnostic, round_, previous, parties, form.filters())
        context["details_query"] = form.details_query(round_)
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


@login_required
def value_code_details(request, slug, value_code_id):
    """One Value Code's details on the dashboard (charts, answers by level, change, comments):
    the fragment the dashboard loads as each comes into view, or a page of its own without
    JavaScript. Same readers, round and party filter as the dashboard; `?round=N` names the
    round (by default the latest), and a round that does not exist is a 404."""
    diagnostic = selectors.diagnostic_to_read(request.user, slug)
    number = parsing.optional_round_number(request.GET.get("round"))
    value_code = get_object_or_404(DiagnosticValueCode, diagnostic=diagnostic, pk=value_code_id)
    round_ = rounds.chosen_round(diagnostic, number)  # NoRound is a 404
    parties = list(diagnostic.parties.order_by("position", "id"))
    all_rounds = list(diagnostic.rounds.order_by("number"))
    form = DashboardFilterForm(request.GET, rounds=all_rounds, sections={}, parties=parties)
    can_edit = access.runs(request.user, diagnostic)
    context = {
        "diagnostic": diagnostic,
        "round": round_,
        "value_code": value_code,
        "can_record_targets": can_edit,
        "can_edit": can_edit,
        "tab": "dashboard",
        "details_query": form.details_query(round_),
        "standalone": not request.htmx,
    }
    context |= dashboard_content.details(diagnostic, round_, value_code, parties, form.filters())
    if request.htmx:
        response = render(request, "results/dashboard.html#value-code-details", context)
    else:
        response = render(request, "results/value_code_details.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _agreed_target_context(diagnostic, round_, value_code, form=None, link_form=None):
    """The agreed-target block of one Value Code; while editing, its trade-off links too."""
    agreed = (
        AgreedTarget.objects.filter(round=round_, value_code=value_code)
        .select_related("round", "value_code")
        .first()
    )
    reviews = []
    if agreed is not None:
        reviews = trade_offs.review(
            diagnostic, trade_offs.links_of_round(round_).filter(agreed_target=agreed)
        )
        if form is not None and link_form is None:
            link_form = _link_form(diagnostic, agreed)
    return {
        "diagnostic": diagnostic,
        "round": round_,
        "value_code": value_code,
        "agreed": analysis.agreed_target_figures(agreed),
        "reviews": reviews,
        "can_record_targets": True,
        "target_form": form,
        "link_form": link_form if form is not None else None,
    }


def _value_codes(diagnostic):
    return list(diagnostic.value_codes.order_by("position", "id"))


def _link_form(diagnostic, agreed, data=None):
    return TradeOffLinkForm(data, agreed_target=agreed, value_codes=_value_codes(diagnostic))


def _current_values_form(diagnostic, round_, value_code):
    agreed = AgreedTarget.objects.filter(round=round_, value_code=value_code).first()
    initial = analysis.agreed_target_figures(agreed) or {}
    return AgreedTargetForm(initial=initial, level_labels=diagnostic.level_labels)


def _agreed_target_answer(request, context):
    if request.htmx:
        return render(request, "results/dashboard.html#agreed-target", context)
    return render(request, "results/agreed_target_page.html", context)


@login_required
def agreed_target(request, slug, number, value_code_id):
    """Facilitators record a Value Code's agreed target (inline with htmx, or as a page)."""
    diagnostic = selectors.diagnostic_to_run(request.user, slug)
    round_ = rounds.round_numbered(diagnostic, number)
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
        form = _current_values_form(diagnostic, round_, value_code)
    if request.method == "POST" and form is None and not request.htmx:
        url = reverse("results:dashboard", args=[diagnostic.slug])
        return redirect(f"{url}?round={round_.number}#vc-{value_code.pk}")
    context = _agreed_target_context(diagnostic, round_, value_code, form)
    return _agreed_target_answer(request, context)


@login_required
@require_POST
def trade_off_links(request, slug, number, value_code_id):
    """Facilitators name (or remove) Value Codes that may suffer for an agreed target."""
    diagnostic = selectors.diagnostic_to_run(request.user, slug)
    round_ = get_object_or_404(Round, diagnostic=diagnostic, number=number)
    value_code = get_object_or_404(DiagnosticValueCode, diagnostic=diagnostic, pk=value_code_id)
    agreed = get_object_or_404(
        AgreedTarget.objects.select_related("round", "value_code"),
        round=round_,
        value_code=value_code,
    )
    link_form = None
    if "remove" in request.POST:
        link_id = parsing.id_or_none(request.POST.get("remove"))
        targets.unlink_trade_off(agreed_target=agreed, link_id=link_id)
    else:
        link_form = _link_form(diagnostic, agreed, request.POST)
        if link_form.is_valid():
            chosen = link_form.cleaned_data
            try:
                targets.link_trade_off(
                    agreed_target=agreed,
                    value_code=link_form.chosen_value_code(),
                    direction=chosen["direction"],
                    review_round=chosen["review_round"],
                )
            except ValidationError as error:
                link_form.add_error(None, error)
            else:
                link_form = None
    if link_form is None and not request.htmx:
        return redirect(reverse("results:agreed_target", args=[slug, number, value_code_id]))
    form = _current_values_form(diagnostic, round_, value_code)
    context = _agreed_target_context(diagnostic, round_, value_code, form, link_form)
    return _agreed_target_answer(request, context)


@login_required
def board(request, slug):
    """The negotiation board, for facilitators: trade candidates, the largest gaps and how much
    each side cares, with the agreed-target form beside each; `?round=N` for an earlier round."""
    diagnostic = selectors.diagnostic_to_run(request.user, slug)
    round_number = parsing.optional_round_number(request.GET.get("round"))
    context = {"diagnostic": diagnostic, "tab": "dashboard", "can_edit": True}
    if round_number is None and rounds.round_to_show(diagnostic) is None:
        return render(request, "results/board.html", context)
    result = analysis.analyse(diagnostic, round_number)  # a round that does not exist: 404
    value_code_ids = dict(diagnostic.value_codes.values_list("identifier", "pk"))
    context |= {
        "round": diagnostic.rounds.get(number=result["round"]),
        "result": result,
        "can_record_targets": True,
        "value_code_ids": value_code_ids,
        **board_content.build(result, value_code_ids),
    }
    return render(request, "results/board.html", context)
