"""Polls answer 304 from the cache while nothing changed, and 200 with a new ETag after."""

import pytest
from django.urls import reverse

from workshops import services

from .test_rating_on_phones import rate

pytestmark = pytest.mark.django_db


def presenter_live(session):
    return reverse("workshop_presenter:live", args=[session.diagnostic.slug, session.pk])


def phone_live(session):
    return reverse("workshop:phone_live", args=[session.pk])


def poll(client, url, etag=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(url, HTTP_HX_REQUEST="true", **headers)


def test_an_idle_presenter_poll_is_304_without_a_database_query(
    facilitator_client, session, django_assert_num_queries
):
    first = poll(facilitator_client, presenter_live(session))
    assert first.status_code == 200 and first["ETag"]
    assert first["Cache-Control"] == "no-store"
    with django_assert_num_queries(0):
        again = poll(facilitator_client, presenter_live(session), first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_a_vote_changes_the_presenter_etag(
    facilitator_client, session, council, value_codes, phone_factory
):
    phone = phone_factory(session, council, "Alex")
    etag = poll(facilitator_client, presenter_live(session))["ETag"]
    rate(phone, session, value_codes[0], current_level="3")
    after = poll(facilitator_client, presenter_live(session), etag)
    assert after.status_code == 200
    assert after["ETag"] != etag
    assert "Council 1/1" in after.content.decode()


def test_phones_ignore_other_votes_and_after_the_reveal_nothing_moves(
    session, council, contractor, value_codes, phone_factory, django_assert_num_queries
):
    alex, kim = phone_factory(session, council, "Alex"), phone_factory(session, contractor, "Kim")
    etag = poll(alex, phone_live(session))["ETag"]
    rate(kim, session, value_codes[0], current_level="3")
    with django_assert_num_queries(0):
        assert poll(alex, phone_live(session), etag).status_code == 304
    services.set_revealed(session=session, revealed=True)
    revealed = poll(alex, phone_live(session), etag)
    assert revealed.status_code == 200 and b"Results" in revealed.content
    assert rate(kim, session, value_codes[0], target_level="4").status_code == 409  # locked
    assert poll(alex, phone_live(session), revealed["ETag"]).status_code == 304


def test_a_step_changes_what_phones_see(session, council, value_codes, phone_factory):
    phone = phone_factory(session, council, "Alex")
    etag = poll(phone, phone_live(session))["ETag"]
    services.step(session=session, offset=1)
    response = poll(phone, phone_live(session), etag)
    assert response.status_code == 200
    assert value_codes[1].identifier.encode() in response.content


def test_a_lost_cache_never_yields_a_stale_304(facilitator_client, session):
    from django.core.cache import caches

    etag = poll(facilitator_client, presenter_live(session))["ETag"]
    caches["live"].clear()
    assert poll(facilitator_client, presenter_live(session), etag).status_code == 200


def test_polling_stops_when_the_session_ends(session, council, phone_factory, facilitator_client):
    phone = phone_factory(session, council, "Alex")
    services.end_session(session=session)
    response = poll(phone, phone_live(session))
    assert response.status_code == 286  # htmx stops polling on 286
    assert b"The workshop has ended" in response.content
    assert poll(facilitator_client, presenter_live(session)).status_code == 286
