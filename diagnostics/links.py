"""Links handed to participants: `/p/<token>/` (personal) and `/join/<token>/` (open link)."""

from django.conf import settings
from django.urls import reverse


def participant_url(participant):
    return reverse("participant:home", args=[participant.token])


def open_link_url(party):
    return reverse("participant:join", args=[party.open_link_token])


def absolute(path, request=None):
    """An absolute URL for `path`: from the request when there is one, else TTM_BASE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.TTM_BASE_URL.rstrip("/") + path
