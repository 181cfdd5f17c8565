"""Links handed to participants, all under `/p/<token>/` or `/join/<token>/`.

- the invitation link, `/p/<invitation_token>/`: facilitators see it until its first use;
- the personal link, `/p/<token>/`: only the participant ever gets it;
- a party's open link, `/join/<open_link_token>/`.
"""

from django.conf import settings
from django.urls import reverse


def participant_url(participant):
    """The personal link: never put it on a page that anybody but the participant sees."""
    return reverse("participant:home", args=[participant.token])


def invitation_url(participant):
    return reverse("participant:home", args=[participant.invitation_token])


def open_link_url(party):
    return reverse("participant:join", args=[party.open_link_token])


def absolute(path, request=None):
    """An absolute URL for `path`: from the request when there is one, else TTM_BASE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.TTM_BASE_URL.rstrip("/") + path
