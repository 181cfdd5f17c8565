import pytest
from django.utils import timezone

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    PartyFactory,
    RatingFactory,
    RoundFactory,
)

K = 3


@pytest.fixture
def diagnostic(db):
    """Three parties (Council, Contractor, Residents), three Value Codes, give and take and the
    pulse switched on, K = 3, round 1 open."""
    diagnostic = DiagnosticFactory(
        slug="harbour", anonymity_threshold=K, asks_stance=True, asks_pulse=True
    )
    for position, name in enumerate(["Council", "Contractor", "Residents"]):
        PartyFactory(diagnostic=diagnostic, name=name, position=position)
    for position, identifier in enumerate(["Cost", "Agility", "Bravery"]):
        DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier=identifier, position=position)
    RoundFactory(diagnostic=diagnostic, number=1)
    return diagnostic


def party(diagnostic, name):
    return diagnostic.parties.get(name=name)


def value_code(diagnostic, identifier):
    return diagnostic.value_codes.get(identifier=identifier)


def people(diagnostic, party_name, count):
    return [ParticipantFactory(party=party(diagnostic, party_name)) for _ in range(count)]


def rate(diagnostic, participants, identifier, stances, **levels):
    """One rating per participant on `identifier` with the given stances ("give", "take", "")."""
    round_ = diagnostic.rounds.get(closed_at__isnull=True)
    for person, stance in zip(participants, stances, strict=True):
        RatingFactory(
            participant=person,
            round=round_,
            value_code=value_code(diagnostic, identifier),
            stance=stance,
            **levels,
        )


def close(diagnostic):
    diagnostic.rounds.filter(closed_at__isnull=True).update(closed_at=timezone.now())
