"""A fixed-window counter per client IP in the shared cache (Redis in production)."""

import time

from django.core.cache import cache


def client_ip(request):
    # REMOTE_ADDR only: X-Forwarded-For is set by clients unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "unknown")


def allow(request, bucket, limit, period=60):
    """Count one attempt; False once `limit` attempts were made in the current window."""
    window = int(time.time() // period)
    key = f"ratelimit:{bucket}:{client_ip(request)}:{window}"
    cache.add(key, 0, period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, period + 5)
        count = 1
    return count <= limit
