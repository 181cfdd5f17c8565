"""Login throttling: failed logins are counted per username and per client address.

Counters live in the shared cache (Redis in production), so every web process sees them. A
counter runs from its first failure for TTM_LOGIN_LOCKOUT_MINUTES; when it reaches its limit,
that username (or address) is locked for as long, and every login for it is refused before the
password is checked, so a guesser learns nothing while locked. A correct login clears the
username's counter but not the address's: one good account must not buy more guesses.

Per username stops guessing one account from many addresses; per address stops trying many
usernames from one. The price: anyone can lock a known username for a while; an administrator
can lift it with `python manage.py unlock_login USERNAME`.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

from .cache import UNAVAILABLE
from .ratelimit import client_ip

logger = logging.getLogger(__name__)


def _period():
    return settings.TTM_LOGIN_LOCKOUT_MINUTES * 60


def _key(kind, subject, value):
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"login:{kind}:{subject}:{digest}"


def _subjects(request, username):
    """(name, value, failures allowed) of what a login attempt is counted against."""
    return [
        ("username", username.strip().casefold(), settings.TTM_LOGIN_FAILURES_PER_USERNAME),
        ("address", client_ip(request), settings.TTM_LOGIN_FAILURES_PER_ADDRESS),
    ]


def seconds_locked(request, username):
    """How long logins for this username or from this address stay refused (0: not locked)."""
    keys = [_key("lock", name, value) for name, value, _ in _subjects(request, username)]
    until = max(cache.get_many(keys).values(), default=0)
    return max(0, math.ceil(until - time.time()))


def record_failure(request, username):
    """Count one failed login against the username and the address; lock those at their limit."""
    period = _period()
    for name, value, limit in _subjects(request, username):
        key = _key("failures", name, value)
        cache.add(key, 0, period)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, period)
            failures = 1
        if failures >= limit:
            cache.set(_key("lock", name, value), time.time() + period, period)
            cache.delete(key)
            logger.warning("Logins locked for %d s: %s %r", period, name, value)


def forget_failures(username):
    """A correct login (or an administrator) clears the username's failures and lock."""
    value = username.strip().casefold()
    cache.delete_many([_key("failures", "username", value), _key("lock", "username", value)])


def lockout_message(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed attempts. Try again in {minutes} {unit}."


UNCOUNTABLE = "Signing in is paused for a moment. Please try again in a minute."


class ThrottledLoginMixin:
    """For Django's authentication forms: refuse locked logins, count the failed ones.

    While the cache is unreachable failures cannot be counted, so logins are refused (fail
    closed, like the rate limits) with a plain message instead of an error page.
    """

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        try:
            wait = seconds_locked(self.request, username)
        except UNAVAILABLE as exc:
            raise ValidationError(UNCOUNTABLE, code="throttle_unavailable") from exc
        if wait:
            raise ValidationError(lockout_message(wait), code="throttled")
        cleaned_data = super().clean()
        try:
            forget_failures(username)
        except UNAVAILABLE:
            logger.warning("Could not clear the login failures of %r: cache unavailable", username)
        return cleaned_data

    def get_invalid_login_error(self):
        username = self.cleaned_data.get("username") or ""
        try:
            record_failure(self.request, username)
            wait = seconds_locked(self.request, username)
        except UNAVAILABLE:
            return ValidationError(UNCOUNTABLE, code="throttle_unavailable")
        if wait:
            return ValidationError(lockout_message(wait), code="throttled")
        return super().get_invalid_login_error()


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
