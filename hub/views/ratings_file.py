"""Facilitator files: the raw ratings CSV export and the ratings import upload."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from diagnostics import rounds, selectors
from participation.ratings_file import (
    MAX_FILE_BYTES,
    RatingsFileError,
    import_ratings,
    parties_left_out,
    ratings_rows,
)
from ttm import parsing
from ttm.spreadsheets import csv_writer, megabytes


class _Echo:
    def write(self, value):
        return value


NOT_WHILE_OPEN = (
    "Raw ratings are exported once a round is closed. While a round is open, results show "
    "the published figures, which change only in steps of {k} people so that nobody's answer "
    "can be worked out; a row for each person's answers would show each answer as it came in."
)


@login_required
@never_cache
@require_GET
def ratings_csv(request, slug):
    """Every rating of the closed rounds under respondent codes (never names or e-mails),
    except the parties left out (the hub pages that link here name them); ?round=N for one
    round."""
    diagnostic = selectors.diagnostic_to_run(request.user, slug)
    number = parsing.optional_round_number(request.GET.get("round"))
    round = None if number is None else rounds.round_numbered(diagnostic, number)
    closed = [round] if round else diagnostic.rounds.filter(closed_at__isnull=False)
    if not any(r.closed_at for r in closed):
        message = NOT_WHILE_OPEN.format(k=diagnostic.anonymity_threshold)
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    writer = csv_writer(_Echo())  # \r\n ends rows, so cells holding \r are quoted
    suffix = f"-round-{round.number}" if round else ""
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in ratings_rows(diagnostic, round)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{diagnostic.slug}-ratings{suffix}.csv"'
    )
    return response


class RatingsUploadForm(forms.Form):
    file = forms.FileField(
        label="Ratings file (CSV)",
        help_text="Header: participant,party,value_code,current,target,comment. "
        'Empty current or target means "don\'t know".',
    )
    round_number = forms.TypedChoiceField(
        label="Round", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round_number"].choices = [("", "The open round")] + [
            (r.number, f"Round {r.number}{'' if r.is_open else ' (closed)'}") for r in rounds
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file is larger than {megabytes(MAX_FILE_BYTES)}.")
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def ratings_import(request, slug):
    diagnostic = selectors.diagnostic_to_run(request.user, slug)
    form = RatingsUploadForm(
        request.POST or None, request.FILES or None, rounds=diagnostic.rounds.all()
    )
    problems = []
    if form.is_valid():
        try:
            summary = import_ratings(
                diagnostic=diagnostic,
                raw=form.cleaned_data["file"].read(),
                round_number=form.cleaned_data["round_number"],
            )
        except RatingsFileError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                f"Imported {summary.ratings} ratings into round {summary.round.number} "
                f"({summary.new_participants} new participants).",
            )
            return redirect(diagnostic)
    context = {
        "diagnostic": diagnostic,
        "form": form,
        "problems": problems,
        "raw_export_left_out": parties_left_out(diagnostic),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "hub/ratings_import.html", context, status=status)
