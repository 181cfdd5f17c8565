import pytest
from django.core.cache import cache

from .world import build_world, client_as


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and workshop stamps must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The world has three accounts; a real hasher would spend seconds on their passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def as_role(world):
    return lambda role: client_as(world, role)
