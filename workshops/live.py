"""Change stamps for live updates: htmx polls answer 304 while nothing has changed.

Three stamps per session live in the cache (Redis in production, shared by every web process):
- "stage": what phones show (Value Code on screen, state, reveal, captured things);
- "answers": bumped by every rating, which only the presenter view shows (who has answered);
- "figures": the published figures of the round (PRODUCT.md 3: they move in steps of K, not
  with each answer). Publication happens when results are read, so whoever renders the reveal
  records the publication it showed (`note_figures`); a new one makes the other screens reload.
An idle poll therefore costs one cache read and no database query. A stamp is a random token
(or a publication's time) rather than a counter, so a cache that lost its keys can never hand
out an old value again. A stage stamp ends in "r" while the reveal is shown, so phones know to
follow the figures too.
"""

import secrets
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 24 * 3600


class Stamps(NamedTuple):
    stage: str
    answers: str
    figures: str


def _keys(session_id):
    return Stamps(*(f"workshop:{session_id}:{name}" for name in Stamps._fields))


def _token(revealed=False):
    return secrets.token_hex(6) + ("r" if revealed else "")


def _set(session, *, stage, answers):
    keys = _keys(session.pk)
    values = {}
    if stage:
        values[keys.stage] = _token(session.revealed)
    if answers:
        values[keys.answers] = _token()
    cache.set_many(values, TIMEOUT)


def bump(session, *, stage=True, answers=False):
    """Mark the session changed, now and again once the transaction commits.

    The second bump matters: a poll that read the first stamp before the commit rendered the
    old rows, and must not keep getting 304 for them.
    """
    _set(session, stage=stage, answers=answers)
    transaction.on_commit(lambda: _set(session, stage=stage, answers=answers))


def note_figures(session_id, published):
    """Record the publication a reveal showed (`analyse()["published_at"]`); a different one
    than last recorded changes the figures stamp."""
    key = _keys(session_id).figures
    token = "p" + "|".join(sorted(moment or "-" for moment in published.values()))
    if cache.get(key) != token:
        cache.set(key, token, TIMEOUT)


def stamps(session_id, *, load_session):
    """The session's Stamps; `load_session()` is called only when the cache is cold."""
    keys = _keys(session_id)
    found = cache.get_many(keys)
    if len(found) == len(keys):
        return Stamps(*(found[key] for key in keys))
    session = load_session()
    cache.add(keys.stage, _token(session.revealed), TIMEOUT)
    cache.add(keys.answers, _token(), TIMEOUT)
    cache.add(keys.figures, _token(), TIMEOUT)
    found = cache.get_many(keys)
    return Stamps(*(found.get(key, "") for key in keys))


def presenter_etag(stamps):
    return f'"p-{stamps.stage}-{stamps.answers}-{stamps.figures}"'


def phone_etag(stamps):
    # Phones show figures only while revealed, and then only as published: other people's
    # answers alone change nothing on a phone.
    if stamps.stage.endswith("r"):
        return f'"m-{stamps.stage}-{stamps.figures}"'
    return f'"m-{stamps.stage}"'


def not_modified(request, etag):
    return etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
