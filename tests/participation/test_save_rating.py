import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diagnostics.models import Rating
from participation.services import (
    RatingRefused,
    participant_progress,
    save_rating,
)

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db


def test_saving_twice_updates_the_same_rating(participant, value_codes):
    vc = value_codes[0]
    save_rating(participant=participant, value_code=vc, answers={"current_level": 2})
    rating = save_rating(participant=participant, value_code=vc, answers={"current_level": 4})
    assert Rating.objects.filter(participant=participant, value_code=vc).count() == 1
    rating.refresh_from_db()
    assert rating.current_level == 4 and rating.current_answered
    assert not rating.target_answered


def test_keys_left_out_keep_their_earlier_answer(participant, value_codes):
    vc = value_codes[0]
    save_rating(
        participant=participant,
        value_code=vc,
        answers={"current_level": 2, "target_level": 5, "comment": "Slow"},
    )
    rating = save_rating(participant=participant, value_code=vc, answers={"target_level": 4})
    rating.refresh_from_db()
    assert (rating.current_level, rating.target_level, rating.comment) == (2, 4, "Slow")


def test_dont_know_is_an_answer_with_no_level(participant, value_codes):
    rating = save_rating(
        participant=participant,
        value_code=value_codes[0],
        answers={"current_level": None, "target_level": None},
    )
    rating.refresh_from_db()
    assert rating.current_level is None and rating.current_answered
    assert rating.target_level is None and rating.target_answered
    assert participant_progress(participant, rating.round) == (1, 5)


@pytest.mark.parametrize("level", [0, 6, -1, "3", 2.5, True])
def test_levels_outside_1_to_5_are_refused(participant, value_codes, level):
    with pytest.raises(ValidationError):
        save_rating(
            participant=participant, value_code=value_codes[0], answers={"target_level": level}
        )
    assert not Rating.objects.exists()


def test_a_value_code_of_another_diagnostic_is_refused(participant):
    foreign = DiagnosticValueCodeFactory()
    with pytest.raises(ValidationError):
        save_rating(participant=participant, value_code=foreign, answers={"current_level": 3})


def test_a_revoked_link_may_not_rate(participant, value_codes):
    participant.revoked_at = timezone.now()
    participant.save()
    with pytest.raises(RatingRefused, match="revoked"):
        save_rating(
            participant=participant, value_code=value_codes[0], answers={"current_level": 3}
        )


def test_without_an_open_round_rating_is_refused(participant, value_codes, diagnostic):
    diagnostic.rounds.update(closed_at=timezone.now())
    with pytest.raises(RatingRefused, match="no round is open"):
        save_rating(
            participant=participant, value_code=value_codes[0], answers={"current_level": 3}
        )


def test_ratings_go_to_the_open_round_only(participant, value_codes, diagnostic):
    diagnostic.rounds.update(closed_at=timezone.now())
    second = RoundFactory(diagnostic=diagnostic, number=2)
    rating = save_rating(
        participant=participant, value_code=value_codes[0], answers={"current_level": 1}
    )
    assert rating.round == second


def test_progress_counts_value_codes_with_both_answers(participant, value_codes, diagnostic):
    save_rating(participant=participant, value_code=value_codes[0], answers={"current_level": 3})
    save_rating(
        participant=participant,
        value_code=value_codes[1],
        answers={"current_level": 3, "target_level": 4},
    )
    assert participant_progress(participant, diagnostic.rounds.get()) == (1, 5)


def _queries_per_save(count):
    diagnostic = DiagnosticFactory()
    RoundFactory(diagnostic=diagnostic)
    vcs = [DiagnosticValueCodeFactory(diagnostic=diagnostic) for _ in range(count)]
    person = ParticipantFactory(party__diagnostic=diagnostic)
    with CaptureQueriesContext(connection) as created:
        save_rating(participant=person, value_code=vcs[-1], answers={"current_level": 1})
    with CaptureQueriesContext(connection) as updated:
        save_rating(participant=person, value_code=vcs[-1], answers={"target_level": 2})
    return len(created), len(updated)


def test_a_save_costs_the_same_queries_whatever_the_number_of_value_codes():
    few, many = _queries_per_save(3), _queries_per_save(60)
    assert few == many
    assert max(many) <= 7  # round, select for update, write, and savepoints


def test_a_nul_in_a_comment_is_dropped_not_a_database_error(participant, value_codes):
    """PostgreSQL refuses text holding NUL; a pasted one must not fail the save."""
    vc = value_codes[0]
    save_rating(participant=participant, value_code=vc, answers={"comment": " a\x00b "})
    assert Rating.objects.get(participant=participant, value_code=vc).comment == "ab"
