import csv

import pytest

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    MemberFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)


def sample_value_codes(sample_data):
    with open(sample_data / "sample-valuecodes.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [
        {
            "section": row[0],
            "identifier": row[1],
            "description": row[2],
            **{f"statement_{level}": row[2 + level] for level in range(1, 6)},
            "help_text": row[8] if len(row) > 8 else "",
        }
        for row in rows
    ]


def add_value_codes(diagnostic, sample_data, count=None):
    """The sample Value Codes (realistic text), repeated with new identifiers up to `count`."""
    samples = sample_value_codes(sample_data)
    count = count or len(samples)
    return [
        DiagnosticValueCodeFactory(
            diagnostic=diagnostic,
            position=index,
            **{
                **samples[index % len(samples)],
                "identifier": samples[index % len(samples)]["identifier"]
                + ("" if index < len(samples) else f" {index}"),
            },
        )
        for index in range(count)
    ]


@pytest.fixture
def diagnostic(db, sample_data):
    """Two parties, IT and Marketing; the five sample Value Codes; round 1 open."""
    diagnostic = DiagnosticFactory(name="IT and Marketing", slug="it-marketing")
    PartyFactory(diagnostic=diagnostic, name="IT", position=0)
    PartyFactory(diagnostic=diagnostic, name="Marketing", position=1)
    add_value_codes(diagnostic, sample_data)
    RoundFactory(diagnostic=diagnostic, number=1)
    return diagnostic


@pytest.fixture
def it_party(diagnostic):
    return diagnostic.parties.get(name="IT")


@pytest.fixture
def participant(it_party):
    return ParticipantFactory(party=it_party, label="Ada")


@pytest.fixture
def value_codes(diagnostic):
    return list(diagnostic.value_codes.all())


@pytest.fixture
def owner_client(client, diagnostic):
    """A facilitator of `diagnostic`, logged in."""
    member = MemberFactory(diagnostic=diagnostic)
    client.force_login(member.user)
    return client
