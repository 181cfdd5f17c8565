"""The individual response report, reached with a participant's secret link (no login)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .. import individual_report


@never_cache
def my_results(request, token):
    participant = individual_report.participant_for(token)
    context = {"participant": participant, "diagnostic": participant.diagnostic}
    context |= individual_report.build(participant)
    response = render(request, "individual/report.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the URL carries the secret token
    response["X-Robots-Tag"] = "noindex"
    return response
