"""Change stamps for live updates: htmx polls answer 304 while nothing has changed.

Two stamps per session live in the "live" cache (Redis in production, shared by every web
process; it answers "not cached" while Redis is down, see ttm.cache):
- "stage": what phones show (Value Code on screen, state, reveal, captured things);
- "answers": bumped by every rating, which only the presenter view (and a revealed phone) shows.
An idle poll therefore costs one cache read and no database query. A stamp is a random token
rather than a counter, so a cache that lost its keys can never hand out an old value again.
A stage stamp ends in "r" while the reveal is shown, so phones know to follow the answers too.
"""

import secrets

from django.core.cache import caches
from django.db import transaction
from django.utils.connection import ConnectionProxy

cache = ConnectionProxy(caches, "live")

TIMEOUT = 24 * 3600


def _keys(session_id):
    return f"workshop:{session_id}:stage", f"workshop:{session_id}:answers"


def _token(revealed=False):
    return secrets.token_hex(6) + ("r" if revealed else "")


def _set(session, *, stage, answers):
    stage_key, answers_key = _keys(session.pk)
    values = {}
    if stage:
        values[stage_key] = _token(session.revealed)
    if answers:
        values[answers_key] = _token()
    cache.set_many(values, TIMEOUT)


def bump(session, *, stage=True, answers=False):
    """Mark the session changed, now and again once the transaction commits.

    The second bump matters: a poll that read the first stamp before the commit rendered the
    old rows, and must not keep getting 304 for them.
    """
    _set(session, stage=stage, answers=answers)
    transaction.on_commit(lambda: _set(session, stage=stage, answers=answers))


def stamps(session_id, *, load_session):
    """(stage, answers) of a session; `load_session()` is called only when the cache is cold."""
    stage_key, answers_key = _keys(session_id)
    found = cache.get_many([stage_key, answers_key])
    if len(found) == 2:
        return found[stage_key], found[answers_key]
    session = load_session()
    cache.add(stage_key, _token(session.revealed), TIMEOUT)
    cache.add(answers_key, _token(), TIMEOUT)
    found = cache.get_many([stage_key, answers_key])
    # A cache that cannot keep them (Redis down): fresh stamps, so no poll ever gets a 304.
    return found.get(stage_key) or _token(session.revealed), found.get(answers_key) or _token()


def presenter_etag(stage, answers):
    return f'"p-{stage}-{answers}"'


def phone_etag(stage, answers):
    # Phones show figures only while revealed; otherwise other people's votes change nothing.
    return f'"m-{stage}-{answers}"' if stage.endswith("r") else f'"m-{stage}"'


def not_modified(request, etag):
    return etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
