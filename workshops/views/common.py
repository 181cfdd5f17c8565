"""What the presenter and the phone views share: conditional polling responses."""

from django.http import HttpResponse, HttpResponseNotModified

from .. import live
from ..models import WorkshopSession

# htmx stops polling when a response has this status (the session has ended).
STOP_POLLING = 286


def cached_stamps(session_pk):
    return live.stamps(session_pk, load_session=lambda: _load(session_pk))


def _load(session_pk):
    session = WorkshopSession.objects.filter(pk=session_pk).only("revealed").first()
    return session or WorkshopSession(revealed=False)


def not_modified(etag):
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = "no-store"
    return response


def with_etag(response: HttpResponse, etag):
    # no-store: the browser must not answer polls from its own cache; the page's script sends
    # If-None-Match itself and keeps the old fragment on 304.
    response["ETag"] = etag
    response["Cache-Control"] = "no-store"
    return response
