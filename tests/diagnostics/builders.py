"""Ready-made domain objects for the facilitator tests (plain functions, no fixtures, so they
combine freely with the shared conftest)."""

from diagnostics import services
from valuecodes.models import Library
from valuecodes.selectors import libraries_value_codes

from ..factories import (
    DiagnosticFactory,
    LibraryFactory,
    MemberFactory,
    SectionFactory,
    ValueCodeFactory,
)


def make_library(name=None, sections=(("Trust", 2), ("Delivery", 2))):
    """A library whose Value Codes are created out of order, to prove copying sorts them."""
    if name is None:
        count = Library.objects.filter(name__startswith="Partnering").count()
        name = f"Partnering {count + 1}" if count else "Partnering"
    Library.objects.filter(name=name).delete()  # the shipped starter library, in its tests
    library = LibraryFactory(name=name)
    made = []
    for position, (section_name, count) in reversed(list(enumerate(sections))):
        section = SectionFactory(library=library, name=section_name, position=position)
        for index in reversed(range(count)):
            made.append(
                ValueCodeFactory(
                    library=library,
                    section=section,
                    identifier=f"{name[:3]}-{section_name}-{index}",
                    position=index,
                )
            )
    return library


def make_diagnostic(*, facilitator=None, library=None, parties=("Council", "Contractor"), **kw):
    library = library or make_library()
    return services.create_diagnostic(
        name=kw.pop("name", "Council and contractor"),
        parties=list(parties),
        value_codes=libraries_value_codes([library]),
        created_by=facilitator,
        **kw,
    )


def make_colleagues(*users):
    """Users who share a diagnostic, and so may add one another as members (ttm.access)."""
    shared = DiagnosticFactory(name="Shared before")
    for user in users:
        MemberFactory(diagnostic=shared, user=user, role="sponsor")
    return shared
