"""A fixed-window counter per client IP in the shared cache (Redis in production)."""

import time

from django.conf import settings
from django.core.cache import cache

from ttm.cache import UNAVAILABLE


def client_ip(request):
    """The address the outermost of our TTM_TRUSTED_PROXIES saw the request come from.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For,
    so that one is the last-but-(n-1) entry; anything left of it was written by the client and
    proves nothing. Without trusted proxies (or when the header is shorter than the chain,
    i.e. the request did not come through it), REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "unknown")
    proxies = settings.TTM_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [address for address in chain if address]
    return chain[-proxies] if len(chain) >= proxies else remote


def allow(request, bucket, limit, period=60):
    """Count one attempt; False once `limit` attempts were made in the current window."""
    return within_limit(f"{bucket}:{client_ip(request)}", limit, period)


def within_limit(name, limit, period=60):
    """Count one attempt at `name` (any key); False once `limit` were made in this window.

    Also False while the cache (Redis) is unreachable: a limit that cannot count refuses.
    """
    window = int(time.time() // period)
    key = f"ratelimit:{name}:{window}"
    try:
        cache.add(key, 0, period + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, period + 5)
            count = 1
    except UNAVAILABLE:
        return False
    return count <= limit
