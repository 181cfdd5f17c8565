import pytest

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)


@pytest.fixture
def world(db):
    """An open round, K 2: Council c1, c2 and Contractor k1, k2 on Transparency."""
    diagnostic = DiagnosticFactory(anonymity_threshold=2, asks_estimates=True, asks_importance=True)
    council = PartyFactory(diagnostic=diagnostic, name="Council", position=0)
    contractor = PartyFactory(diagnostic=diagnostic, name="Contractor", position=1)
    code = DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier="Transparency")
    RoundFactory(diagnostic=diagnostic)
    people = {
        label: ParticipantFactory(party=party, label=label)
        for label, party in [
            ("c1", council),
            ("c2", council),
            ("k1", contractor),
            ("k2", contractor),
        ]
    }
    return diagnostic, code, people, contractor
