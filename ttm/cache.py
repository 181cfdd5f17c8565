"""The "live" cache: Django's Redis cache, answering "nothing cached" while Redis is down.

Only for what may be lost without harm: workshop change stamps (a miss costs a query and a full
render instead of a 304) and the watermark of diagnostics.publication (a miss costs comparing
every rating of the round with what was published). Rate limits and anything else that guards
access use the "default" cache, which raises UNAVAILABLE, so that they fail closed (see
ttm.ratelimit).
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (ConnectionError, TimeoutError)
WARN_EVERY = 60  # seconds: one log line a minute per process, not one per poll
_last_warning = 0.0


def _warn(exc):
    global _last_warning
    if time.monotonic() - _last_warning >= WARN_EVERY:
        _last_warning = time.monotonic()
        logger.warning("Redis is unavailable; the live cache answers 'not cached': %s", exc)


def _fail_soft(answer_when_down):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                _warn(exc)
                return answer_when_down(*args, **kwargs)

        return wrapper

    return decorate


class FailSoftRedisCache(RedisCache):
    """Reads miss and writes are dropped while Redis is unreachable; counters still raise."""

    get = _fail_soft(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _fail_soft(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _fail_soft(lambda key, version=None: False)(RedisCache.has_key)
    add = _fail_soft(lambda *args, **kwargs: False)(RedisCache.add)
    set = _fail_soft(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _fail_soft(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _fail_soft(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _fail_soft(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _fail_soft(lambda *args, **kwargs: None)(RedisCache.delete_many)
