import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from valuecodes import services
from valuecodes.models import ValueCode
from valuecodes.tables import TableRow

from ..factories import LibraryFactory, SectionFactory, ValueCodeFactory

pytestmark = pytest.mark.django_db


def row(identifier, section, number=2):
    return TableRow(
        row_number=number,
        section=section,
        identifier=identifier,
        description=f"The extent to which {identifier}",
        statements=tuple(f"{identifier} {n}" for n in range(1, 6)),
    )


def ordered(library):
    return [
        (vc.section.name, vc.identifier)
        for vc in library.value_codes.select_related("section").order_by(
            "section__position", "section_id", "position", "id"
        )
    ]


def test_import_adds_new_sections_after_existing_ones_and_keeps_file_order():
    library = LibraryFactory()
    trust = SectionFactory(library=library, name="Trust", position=0)
    ValueCodeFactory(section=trust, identifier="Old")
    result = services.import_value_code_table(
        library=library,
        rows=[row("B", "New"), row("A", "Trust"), row("C", "New"), row("Old", "Trust")],
    )
    assert (result.created, result.updated, result.unchanged) == (3, 1, 0)
    assert ordered(library) == [("Trust", "Old"), ("Trust", "A"), ("New", "B"), ("New", "C")]


def test_a_value_code_moved_to_another_section_goes_to_its_end():
    library = LibraryFactory()
    services.import_value_code_table(library=library, rows=[row("A", "S1"), row("B", "S2")])
    services.import_value_code_table(library=library, rows=[row("A", "S2")])
    assert ordered(library) == [("S2", "B"), ("S2", "A")]


def test_importing_the_same_rows_twice_changes_nothing():
    library = LibraryFactory()
    rows = [row("A", "S1"), row("B", "S1")]
    services.import_value_code_table(library=library, rows=rows)
    result = services.import_value_code_table(library=library, rows=rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_a_new_library_name_already_taken_is_refused():
    LibraryFactory(name="Taken")
    with pytest.raises(ValidationError):
        services.import_into_new_library(name="Taken", rows=[row("A", "S")])


def test_create_value_code_refuses_a_second_identical_identifier():
    existing = ValueCodeFactory(identifier="Reliability")
    with pytest.raises(ValidationError) as caught:
        services.create_value_code(
            section=existing.section,
            identifier=" Reliability ",
            description="d",
            statements=["1", "2", "3", "4", "5"],
        )
    assert "already has a Value Code" in str(caught.value)


def test_the_database_refuses_a_blank_statement_and_a_duplicate_identifier():
    value_code = ValueCodeFactory(identifier="Reliability")
    with pytest.raises(IntegrityError), transaction.atomic():
        ValueCode.objects.filter(pk=value_code.pk).update(statement_3="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ValueCodeFactory(section=value_code.section, identifier="Reliability")


def test_updating_into_a_section_of_another_library_is_refused():
    value_code = ValueCodeFactory()
    with pytest.raises(ValidationError):
        services.update_value_code(
            value_code=value_code,
            section=SectionFactory(),
            identifier="X",
            description="d",
            statements=["1", "2", "3", "4", "5"],
        )
