import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hub.views.facilitator import diagnostic_list


def home(request):
    """Anonymous visitors see what ttm does; people who are logged in, their diagnostics."""
    if request.user.is_authenticated:
        return diagnostic_list(request)
    return render(request, "landing.html")


def _database_up():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_up():
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return bool(client.ping())
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    """200 when every configured service answers, 503 otherwise; the body says which."""
    checks = {"database": "up" if _database_up() else "down"}
    if settings.REDIS_URL:
        checks["broker"] = "up" if _broker_up() else "down"
    healthy = all(state == "up" for state in checks.values())
    body = {"status": "ok" if healthy else "degraded", **checks}
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request):
    """handler500: an unreachable database is a 503 "try again shortly", anything else a 500.

    Rendered without the request, so the page needs no database (sessions, users) itself.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        html = loader.render_to_string("503.html")
        return HttpResponse(html, status=503, headers={"Retry-After": "30"})
    return defaults.server_error(request)
