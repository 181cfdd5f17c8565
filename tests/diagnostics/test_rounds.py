import pytest
from django.core.exceptions import ValidationError

from diagnostics import services
from participation import invitations

from ..factories import RatingFactory
from .builders import make_diagnostic

pytestmark = pytest.mark.django_db


def test_round_1_is_open_and_a_second_cannot_open_beside_it():
    diagnostic = make_diagnostic()
    with pytest.raises(ValidationError, match="Close the open round"):
        services.open_round(diagnostic=diagnostic)


def test_closing_then_opening_starts_round_2_with_no_ratings():
    diagnostic = make_diagnostic()
    first = diagnostic.rounds.get()
    (ann,) = invitations.add_participants(
        diagnostic=diagnostic, party=diagnostic.parties.first(), people=[("Ann", "")]
    )
    RatingFactory(round=first, participant=ann, value_code=diagnostic.value_codes.first())
    services.close_round(round=first)
    second = services.open_round(diagnostic=diagnostic)
    assert second.number == 2 and second.is_open
    assert first.closed_at is not None
    assert not second.ratings.exists() and first.ratings.count() == 1
    assert diagnostic.participants.count() == 1 and diagnostic.value_codes.count() == 4


def test_a_closed_round_cannot_be_closed_again():
    first = make_diagnostic().rounds.get()
    services.close_round(round=first)
    with pytest.raises(ValidationError, match="already closed"):
        services.close_round(round=first)
