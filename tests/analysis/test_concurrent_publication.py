"""Readers that publish at the same moment publish once, and nothing twice (PostgreSQL)."""

import threading

import pytest
from django.core.cache import caches
from django.db import connection

from diagnostics.models import Publication, PublishedRating, Rating
from participation.services import save_rating
from results.analysis import analyse

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_readers_publish_each_rating_once():
    diagnostic = DiagnosticFactory(anonymity_threshold=3)
    party = PartyFactory(diagnostic=diagnostic, name="Buyer")
    codes = [DiagnosticValueCodeFactory(diagnostic=diagnostic) for _ in range(3)]
    RoundFactory(diagnostic=diagnostic)
    for _ in range(5):
        person = ParticipantFactory(party=party)
        for code in codes:
            save_rating(participant=person, value_code=code, answers={"current_level": 2})
    caches["live"].clear()
    start = threading.Barrier(4)
    errors, results = [], []

    def read():
        try:
            start.wait()
            results.append(analyse(diagnostic))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert PublishedRating.objects.count() == Rating.objects.count() == 15
    assert Publication.objects.count() == 1
    assert all(r["value_codes"][0]["parties"]["Buyer"]["n_current"] == 5 for r in results)
