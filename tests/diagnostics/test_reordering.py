"""Moving up and down is one rule (ttm.ordering) for library sections, library Value Codes and
a diagnostic's Value Codes: one place per step, clamped at either end, order kept by position."""

import pytest

from diagnostics import services as diagnostic_services
from valuecodes import services as library_services

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    LibraryFactory,
    SectionFactory,
    ValueCodeFactory,
)

pytestmark = pytest.mark.django_db


def three_diagnostic_value_codes():
    diagnostic = DiagnosticFactory()
    codes = [DiagnosticValueCodeFactory(diagnostic=diagnostic, position=p) for p in (1, 2, 3)]
    return codes, lambda: list(diagnostic.value_codes.order_by("position", "id"))


def three_library_value_codes():
    section = SectionFactory()
    codes = [ValueCodeFactory(section=section, position=p) for p in (0, 1, 2)]
    return codes, lambda: list(section.value_codes.order_by("position", "id"))


def three_sections():
    library = LibraryFactory()
    sections = [SectionFactory(library=library, position=p) for p in (0, 1, 2)]
    return sections, lambda: list(library.sections.order_by("position", "id"))


MOVERS = {
    "diagnostic Value Codes": (three_diagnostic_value_codes, diagnostic_services.move_value_code),
    "library Value Codes": (three_library_value_codes, library_services.move_value_code),
    "library sections": (three_sections, library_services.move_section),
}


def move(kind, item, offset):
    _, mover = MOVERS[kind]
    keyword = "section" if kind == "library sections" else "value_code"
    mover(**{keyword: item, "offset": offset})


@pytest.mark.parametrize("kind", MOVERS)
def test_moving_up_and_down_swaps_neighbours_and_stops_at_the_ends(kind):
    build, _ = MOVERS[kind]
    (a, b, c), order = build()
    move(kind, c, -1)
    assert order() == [a, c, b]
    move(kind, a, -1)  # already first
    assert order() == [a, c, b]
    move(kind, a, +1)
    assert order() == [c, a, b]
    move(kind, b, +1)  # already last
    assert order() == [c, a, b]
    assert [item.position for item in order()] == [0, 1, 2]


def test_new_parties_and_value_codes_go_after_the_last():
    diagnostic = DiagnosticFactory()
    first = diagnostic_services.add_party(diagnostic=diagnostic, name="First", colour="#1d3557")
    second = diagnostic_services.add_party(diagnostic=diagnostic, name="Second", colour="#1d3557")
    assert list(diagnostic.parties.order_by("position", "id")) == [first, second]
    assert second.position == first.position + 1
