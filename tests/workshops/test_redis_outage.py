"""While Redis is down, workshop screens keep working (no 304s, full renders) and rate limits
refuse rather than count nothing. A real client on a port nothing listens on, no mock."""

import pytest
from django.test import override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError

from diagnostics.models import Rating
from ttm.cache import FailSoftRedisCache

from .test_live_polling import poll, presenter_live
from .test_rating_on_phones import rate

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:1/0"
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_the_live_cache_misses_and_drops_writes_while_redis_is_down():
    cache = FailSoftRedisCache(NOTHING_LISTENS, {})
    cache.set("stamp", "abc")
    assert cache.get("stamp", "missing") == "missing"
    assert cache.get_many(["stamp"]) == {}
    assert cache.add("stamp", "abc") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    with pytest.raises(ConnectionError):  # counters never pretend to have counted
        cache.incr("stamp")


# override_settings rather than the settings fixture: the caches must be back to local memory
# before the autouse fixture clears them.
REDIS_DOWN_FOR_LIVE = {
    "default": LOCMEM,
    "live": {"BACKEND": "ttm.cache.FailSoftRedisCache", "LOCATION": NOTHING_LISTENS},
}
REDIS_DOWN_FOR_LIMITS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": NOTHING_LISTENS,
    },
    "live": LOCMEM,
}


def test_workshop_screens_keep_updating_while_redis_is_down(
    facilitator_client, session, council, value_codes, phone_factory
):
    phone = phone_factory(session, council, "Alex")
    with override_settings(CACHES=REDIS_DOWN_FOR_LIVE):
        first = poll(facilitator_client, presenter_live(session))
        assert first.status_code == 200
        assert rate(phone, session, value_codes[0], current_level="2").status_code == 200
        assert Rating.objects.get().current_level == 2
        again = poll(facilitator_client, presenter_live(session), first["ETag"])
    assert again.status_code == 200  # never a stale 304 from stamps nobody could store


def test_wrong_codes_are_refused_not_a_500_while_redis_is_down(client, session):
    with override_settings(CACHES=REDIS_DOWN_FOR_LIMITS):
        response = client.post(reverse("workshop:join"), {"code": "ZZZZZZ"})
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
