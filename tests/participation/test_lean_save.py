"""A rating save through the personal link costs three statements whatever the size of the
diagnostic (PRODUCT.md 8): the link with what the rules need, one upsert, one progress count."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Rating

from ..factories import (
    DiagnosticFactory,
    ParticipantFactory,
    PartyFactory,
    RatingFactory,
    RoundFactory,
)
from .conftest import add_value_codes

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def _statements(queries):
    """The SQL statements run, leaving out transaction control."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]


def _person_with_ratings(sample_data, count):
    """A participant of a diagnostic of `count` Value Codes who rated half of them."""
    diagnostic = DiagnosticFactory()
    party = PartyFactory(diagnostic=diagnostic)
    round = RoundFactory(diagnostic=diagnostic)
    value_codes = add_value_codes(diagnostic, sample_data, count)
    person = ParticipantFactory(party=party)
    for value_code in value_codes[: count // 2]:
        RatingFactory(participant=person, round=round, value_code=value_code)
    return person, value_codes


def _save_with_csrf(person, value_code, data):
    """A save as the browser sends it: CSRF cookie from the rating page, token in the header."""
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("participant:rate", args=[person.token]))
    csrf = browser.cookies["csrftoken"].value
    url = reverse("participant:save", args=[person.token, value_code.pk])
    with CaptureQueriesContext(connection) as queries:
        response = browser.post(url, data, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200, response.content
    return _statements(queries)


def test_a_save_runs_at_most_three_statements_for_3_or_300_value_codes(sample_data):
    counts = []
    for size in (3, 300):
        person, value_codes = _person_with_ratings(sample_data, size)
        first, last = value_codes[0], value_codes[-1]  # rated before, and not yet
        counts.append(
            [
                len(_save_with_csrf(person, last, {f"c{last.pk}": "3", f"m{last.pk}": "Slow"})),
                len(_save_with_csrf(person, first, {f"c{first.pk}": "4", f"t{first.pk}": "dk"})),
            ]
        )
    assert counts[0] == counts[1]
    assert max(counts[1]) <= 3


def test_a_save_without_csrf_token_is_refused(participant, value_codes):
    vc = value_codes[0]
    browser = Client(enforce_csrf_checks=True)
    url = reverse("participant:save", args=[participant.token, vc.pk])
    assert browser.post(url, {f"c{vc.pk}": "3"}, HTTP_HX_REQUEST="true").status_code == 403
    assert not Rating.objects.exists()


def test_every_save_moves_updated_at_so_publication_sees_the_change(
    client, participant, value_codes
):
    vc = value_codes[0]
    url = reverse("participant:save", args=[participant.token, vc.pk])
    client.post(url, {f"c{vc.pk}": "2", f"t{vc.pk}": "4"}, HTTP_HX_REQUEST="true")
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Rating.objects.update(updated_at=long_ago)
    client.post(url, {f"c{vc.pk}": "3"}, HTTP_HX_REQUEST="true")
    rating = Rating.objects.get()
    assert (rating.current_level, rating.target_level) == (3, 4)
    assert rating.updated_at > long_ago


def test_a_comment_alone_keeps_the_levels(client, participant, value_codes):
    vc = value_codes[0]
    url = reverse("participant:save", args=[participant.token, vc.pk])
    client.post(url, {f"c{vc.pk}": "2", f"t{vc.pk}": "dk"}, HTTP_HX_REQUEST="true")
    response = client.post(url, {f"m{vc.pk}": "  Nobody calls back "}, HTTP_HX_REQUEST="true")
    assert b"<strong>1 of 5</strong>" in response.content
    rating = Rating.objects.get()
    assert (rating.current_level, rating.current_answered) == (2, True)
    assert (rating.target_level, rating.target_answered) == (None, True)
    assert rating.comment == "Nobody calls back"


def test_a_removed_participants_link_saves_nothing(client, participant, value_codes):
    vc = value_codes[0]
    url = reverse("participant:save", args=[participant.token, vc.pk])
    participant.delete()
    response = client.post(url, {f"c{vc.pk}": "3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404 and b"no longer works" in response.content
    assert not Rating.objects.exists()


def test_a_value_code_id_beyond_any_column_is_not_found(client, participant):
    url = reverse("participant:save", args=[participant.token, 10**30])
    response = client.post(url, {f"c{10**30}": "3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_without_htmx_a_save_returns_to_the_value_code(client, participant, value_codes):
    vc = value_codes[2]
    url = reverse("participant:save", args=[participant.token, vc.pk])
    response = client.post(url, {f"c{vc.pk}": "5"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/rate/#vc{vc.pk}")
    assert Rating.objects.get().current_level == 5
