"""The state machine of a live session: start, step, reveal, pause, capture, end."""

import pytest
from django.core.exceptions import ValidationError

from workshops import services
from workshops.models import JOIN_CODE_ALPHABET, WorkshopSession

from ..factories import DiagnosticValueCodeFactory

pytestmark = pytest.mark.django_db


def test_starting_shows_the_first_value_code_with_a_short_unambiguous_code(session, value_codes):
    assert session.state == WorkshopSession.RATING
    assert session.current_value_code == value_codes[0]
    assert not session.revealed
    assert len(session.join_code) >= 6
    assert set(session.join_code) <= set(JOIN_CODE_ALPHABET)
    assert not set(session.join_code) & set("0O1IL")


def test_starting_again_returns_the_live_session(session, diagnostic, facilitator):
    assert services.start_session(diagnostic=diagnostic, user=facilitator) == session
    assert WorkshopSession.objects.filter(diagnostic=diagnostic).count() == 1


def test_a_session_needs_an_open_round(diagnostic, facilitator):
    from django.utils import timezone

    diagnostic.rounds.update(closed_at=timezone.now())
    with pytest.raises(ValidationError, match="Open a round"):
        services.start_session(diagnostic=diagnostic, user=facilitator)


def test_starting_with_a_capture_round(diagnostic, facilitator):
    session = services.start_session(diagnostic=diagnostic, user=facilitator, capture_first=True)
    assert session.state == WorkshopSession.CAPTURING


def test_next_and_previous_step_through_value_codes_and_stop_at_the_ends(session, value_codes):
    services.step(session=session, offset=1)
    assert session.current_value_code_id == value_codes[1].pk
    services.step(session=session, offset=1)
    services.step(session=session, offset=1)
    assert session.current_value_code_id == value_codes[2].pk
    services.step(session=session, offset=-1)
    assert session.current_value_code_id == value_codes[1].pk
    services.step(session=session, offset=-5)
    assert session.current_value_code_id == value_codes[0].pk


def test_each_change_bumps_the_version(session, value_codes):
    version = session.version
    services.set_revealed(session=session, revealed=True)
    services.go_to(session=session, value_code=value_codes[2])
    session.refresh_from_db()
    assert session.version == version + 2


def test_moving_on_hides_the_reveal(session):
    services.set_revealed(session=session, revealed=True)
    assert WorkshopSession.objects.get(pk=session.pk).revealed
    services.step(session=session, offset=1)
    assert not WorkshopSession.objects.get(pk=session.pk).revealed


def test_jumping_to_a_value_code_of_another_diagnostic_is_refused(session):
    elsewhere = DiagnosticValueCodeFactory()
    with pytest.raises(ValidationError):
        services.go_to(session=session, value_code=elsewhere)


def test_pause_then_resume_returns_to_the_same_state(session):
    services.start_capture(session=session)
    services.pause(session=session)
    assert WorkshopSession.objects.get(pk=session.pk).state == WorkshopSession.PAUSED
    services.resume(session=session)
    assert WorkshopSession.objects.get(pk=session.pk).state == WorkshopSession.CAPTURING


def test_jumping_from_the_capture_round_starts_rating(session, value_codes):
    services.start_capture(session=session)
    services.go_to(session=session, value_code=value_codes[1])
    stored = WorkshopSession.objects.get(pk=session.pk)
    assert (stored.state, stored.current_value_code_id) == ("rating", value_codes[1].pk)


def test_ending_frees_the_code_and_refuses_further_changes(session, diagnostic, facilitator):
    services.end_session(session=session)
    stored = WorkshopSession.objects.get(pk=session.pk)
    assert stored.state == WorkshopSession.ENDED and stored.ended_at is not None
    assert services.live_session_for_code(session.join_code) is None
    with pytest.raises(services.SessionEnded):
        services.step(session=session, offset=1)
    # A new session can start afterwards, with a new code.
    again = services.start_session(diagnostic=diagnostic, user=facilitator)
    assert again.pk != session.pk


def test_agreed_target_is_recorded_for_the_value_code_on_screen(session, value_codes):
    target = services.record_target(
        session=session, level=4, trade_off="Speed may suffer", owner="Sam"
    )
    assert (target.round_id, target.value_code_id, target.level) == (
        session.round_id,
        value_codes[0].pk,
        4,
    )
    assert target.trade_off == "Speed may suffer"
