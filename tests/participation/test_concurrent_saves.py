"""Two saves of the same answer at the same moment never duplicate a rating (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from diagnostics.models import Rating
from diagnostics.participation import save_rating

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_first_saves_make_one_rating(participant, value_codes):
    value_code = value_codes[0]
    start = threading.Barrier(4)
    errors = []

    def save(level):
        try:
            start.wait()
            save_rating(
                participant=participant, value_code=value_code, answers={"current_level": level}
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(level,)) for level in (1, 2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rating = Rating.objects.get(participant=participant, value_code=value_code)
    assert rating.current_level in (1, 2, 3, 4) and rating.current_answered
