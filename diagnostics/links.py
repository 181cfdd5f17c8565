"""Links handed to participants. Plain paths so this module needs no participant URLconf;
the participant views mount `/p/<token>/` (personal) and `/join/<token>/` (per-party open link)."""

from django.conf import settings


def participant_url(participant):
    return f"/p/{participant.token}/"


def open_link_url(party):
    return f"/join/{party.open_link_token}/"


def absolute(path, request=None):
    """An absolute URL for `path`: from the request when there is one, else TTM_BASE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.TTM_BASE_URL.rstrip("/") + path
