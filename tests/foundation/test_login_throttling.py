import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # what the factories give every user
LOCKED = "Too many failed attempts. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def _empty_cache_and_fast_hashing(settings):
    """Failure counters and locks must not leak from one test to the next; hundreds of
    password checks need a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def log_in(client, username, password, address="192.0.2.10", url=None, **extra):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def logged_in(response):
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def test_thirty_wrong_passwords_then_the_right_one_is_refused_with_a_plain_message(client):
    UserFactory(username="fran")
    for _ in range(30):
        assert not logged_in(log_in(client, "fran", "guess"))
    response = log_in(client, "fran", PASSWORD)
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert LOCKED in response.content.decode()


def test_the_lockout_is_said_on_the_failure_that_reaches_the_limit(client, settings):
    settings.TTM_LOGIN_FAILURES_PER_USERNAME = 3
    UserFactory(username="fran")
    messages = [log_in(client, "fran", "guess").content.decode() for _ in range(3)]
    assert "Please enter a correct username and password" in messages[1]
    assert LOCKED in messages[2]


def test_a_locked_username_is_locked_from_every_address_and_in_any_case(client):
    UserFactory(username="fran")
    for number in range(10):
        log_in(client, "fran", "guess", address=f"198.51.100.{number}")
    assert LOCKED in log_in(client, "FRAN", PASSWORD, address="203.0.113.5").content.decode()
    assert LOCKED in log_in(client, "fran", PASSWORD, address="203.0.113.5").content.decode()


def test_another_user_is_unaffected_from_the_same_or_another_address(client, settings):
    UserFactory(username="fran")
    UserFactory(username="sam")
    for _ in range(30):
        log_in(client, "fran", "guess")
    assert logged_in(log_in(client, "sam", PASSWORD))
    client.logout()
    assert logged_in(log_in(client, "sam", PASSWORD, address="203.0.113.5"))


def test_many_usernames_from_one_address_lock_that_address_only(client):
    UserFactory(username="sam")
    for number in range(30):
        log_in(client, f"guess{number}", "guess")
    assert LOCKED in log_in(client, "sam", PASSWORD).content.decode()
    assert logged_in(log_in(client, "sam", PASSWORD, address="203.0.113.5"))


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(client, settings):
    settings.TTM_TRUSTED_PROXIES = 1
    UserFactory(username="sam")
    for number in range(30):
        log_in(client, f"guess{number}", "guess", HTTP_X_FORWARDED_FOR="203.0.113.9")
    proxy = "10.0.0.2"  # every request comes from the proxy; the attacker is 203.0.113.9
    locked = log_in(client, "sam", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert LOCKED in locked.content.decode()
    assert logged_in(log_in(client, "sam", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="192.0.2.77"))


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(client):
    UserFactory(username="sam")
    for number in range(30):
        log_in(client, f"guess{number}", "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    forged = log_in(client, "sam", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert LOCKED in forged.content.decode()


def test_a_correct_login_clears_the_usernames_failures(client):
    UserFactory(username="fran")
    for _ in range(9):
        log_in(client, "fran", "guess")
    assert logged_in(log_in(client, "fran", PASSWORD))
    client.logout()
    for _ in range(9):
        log_in(client, "fran", "guess")
    assert logged_in(log_in(client, "fran", PASSWORD))


def test_the_admin_login_is_throttled_too(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    for _ in range(10):
        log_in(client, "root", "guess", url=admin_login)
    response = log_in(client, "root", PASSWORD, url=admin_login)
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert LOCKED in response.content.decode()
    # and the two share one count: the public login is locked for that username as well
    assert LOCKED in log_in(client, "root", PASSWORD).content.decode()


def test_an_administrator_can_lift_a_username_lock(client):
    UserFactory(username="fran")
    for _ in range(10):
        log_in(client, "fran", "guess", address=f"198.51.100.{_}")
    call_command("unlock_login", "fran")
    assert logged_in(log_in(client, "fran", PASSWORD))


REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
    },
    "live": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


def test_while_the_cache_is_down_logins_are_refused_plainly_not_with_an_error(client):
    UserFactory(username="robin")
    with override_settings(CACHES=REDIS_DOWN):
        response = log_in(client, "robin", PASSWORD)
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "Signing in is paused for a moment" in response.content.decode()
