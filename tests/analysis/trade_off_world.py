"""A small two-party diagnostic whose figures are easy to compute by hand, for trade-off links.

K = 2. Two people per party. Round 1 closed; round 2 (and 3 when asked) closed as well.
Value Codes in order: Speed (the target), Quality (may go down), Cost (should hold).
"""

from dataclasses import dataclass

from django.utils import timezone

from diagnostics.models import Rating
from diagnostics.targets import link_trade_off, record_agreed_target

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)


@dataclass
class World:
    diagnostic: object
    rounds: dict
    codes: dict
    people: dict  # party name -> [participant, participant]


def build(slug="give-and-take", threshold=2):
    diagnostic = DiagnosticFactory(slug=slug, anonymity_threshold=threshold)
    people = {}
    for position, name in enumerate(["Buyer", "Supplier"]):
        party = PartyFactory(diagnostic=diagnostic, name=name, position=position)
        people[name] = ParticipantFactory.create_batch(2, party=party)
    codes = {
        identifier: DiagnosticValueCodeFactory(
            diagnostic=diagnostic, identifier=identifier, section="Delivery", position=position
        )
        for position, identifier in enumerate(["Speed", "Quality", "Cost"])
    }
    round_1 = RoundFactory(diagnostic=diagnostic, number=1, closed_at=timezone.now())
    return World(diagnostic, {1: round_1}, codes, people)


def add_round(world, number, *, closed=True):
    world.rounds[number] = RoundFactory(
        diagnostic=world.diagnostic, number=number, closed_at=timezone.now() if closed else None
    )
    return world.rounds[number]


def rate(world, number, identifier, buyer, supplier):
    """Current levels of the two Buyer and the two Supplier people (None: not rated)."""
    for party, levels in (("Buyer", buyer), ("Supplier", supplier)):
        for person, level in zip(world.people[party], levels, strict=True):
            if level is not None:
                Rating.objects.create(
                    round=world.rounds[number],
                    participant=person,
                    value_code=world.codes[identifier],
                    current_level=level,
                    target_level=5,
                    current_answered=True,
                    target_answered=True,
                )


def agree(world, *, level=3, links=(("Quality", "down", 2), ("Cost", "hold", 2)), **fields):
    """An agreed target for Speed in round 1 with its trade-off links."""
    target = record_agreed_target(
        round=world.rounds[1], value_code=world.codes["Speed"], level=level, **fields
    )
    for identifier, direction, review_round in links:
        link_trade_off(
            agreed_target=target,
            value_code=world.codes[identifier],
            direction=direction,
            review_round=review_round,
        )
    return target


def two_rounds():
    """Round 1 -> round 2, by hand (overall = mean of the two party means):
    - Speed: round 2 Buyer (3+3)/2 = 3, Supplier (3+4)/2 = 3.5 -> 3.25, shown 3.3.
    - Quality: 3.5 (3 and 4) -> 2.75 (2 and 3.5): change -0.75, shown ▼ −0.8.
    - Cost: 3.0 -> 2.75 (3 and 2.5): change -0.25, shown ▼ −0.3.
    """
    world = build()
    add_round(world, 2)
    rate(world, 1, "Speed", [2, 2], [2, 3])
    rate(world, 1, "Quality", [3, 3], [4, 4])
    rate(world, 1, "Cost", [3, 3], [3, 3])
    rate(world, 2, "Speed", [3, 3], [3, 4])
    rate(world, 2, "Quality", [2, 2], [4, 3])
    rate(world, 2, "Cost", [3, 3], [3, 2])
    return world
