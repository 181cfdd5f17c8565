"""Two saves of the same answer at the same moment never duplicate a rating (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from diagnostics.models import Rating
from participation.services import (
    participant_for_save,
    save_rating,
    save_rating_through_link,
)

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


def test_simultaneous_saves_of_different_answers_through_the_link_keep_each(
    participant, value_codes
):
    """Current level, target level and comment sent at the same moment by three requests
    (three tabs, or htmx firing twice) all land: the upsert writes only what each one sent."""
    value_code = value_codes[0]
    sent = [{"current_level": 2}, {"target_level": 5}, {"comment": "Slow"}]
    start = threading.Barrier(len(sent))
    errors = []

    def save(answers):
        try:
            start.wait()
            person = participant_for_save(participant.token, value_code.pk)
            save_rating_through_link(
                participant=person, value_code_id=value_code.pk, answers=answers
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(answers,)) for answers in sent]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rating = Rating.objects.get(participant=participant, value_code=value_code)
    assert (rating.current_level, rating.target_level, rating.comment) == (2, 5, "Slow")
    assert rating.current_answered and rating.target_answered
