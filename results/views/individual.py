"""The individual response report, reached with a participant's secret link (no login)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from participation import services as participation
from participation.views import revoked_page
from results import individual_report


@never_cache
def my_results(request, token):
    try:
        participant = participation.active_participant_for_token(token)
    except participation.ParticipantRevoked:
        return revoked_page(request)
    context = {"participant": participant, "diagnostic": participant.diagnostic}
    context |= individual_report.build(participant)
    response = render(request, "results/individual_report.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the URL carries the secret token
    response["X-Robots-Tag"] = "noindex"
    return response
