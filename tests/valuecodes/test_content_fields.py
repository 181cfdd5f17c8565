"""What a Value Code says (valuecodes.models.CONTENT_FIELDS) is listed once, and every copy of
a Value Code carries all of it: the diagnostic's copy, the table and the edit forms."""

import pytest

from diagnostics import services as diagnostic_services
from hub.forms import ValueCodeForm as DiagnosticValueCodeForm
from valuecodes import tables
from valuecodes.forms import ValueCodeForm as LibraryValueCodeForm
from valuecodes.models import CONTENT_FIELDS

from ..factories import DiagnosticFactory, ValueCodeFactory

pytestmark = pytest.mark.django_db


def distinct_content(value_code):
    for field in CONTENT_FIELDS:
        setattr(value_code, field, f"{field} of {value_code.pk}")
    value_code.save()
    return value_code


def test_a_diagnostic_copies_every_content_field_from_the_library():
    source = distinct_content(ValueCodeFactory(help_text="a hint"))
    diagnostic = DiagnosticFactory()
    [copy] = diagnostic_services.add_value_codes(diagnostic=diagnostic, value_codes=[source])
    assert {f: getattr(copy, f) for f in CONTENT_FIELDS} == {
        f: getattr(source, f) for f in CONTENT_FIELDS
    }


def test_the_table_has_a_column_for_every_content_field():
    source = distinct_content(ValueCodeFactory())
    header, row = list(tables.value_code_cells([source]))
    assert header == list(tables.COLUMNS)
    assert row == [source.section.name, *(getattr(source, f) for f in CONTENT_FIELDS)]


def test_both_edit_forms_offer_every_content_field():
    assert set(CONTENT_FIELDS) <= set(LibraryValueCodeForm.base_fields)
    assert set(CONTENT_FIELDS) <= set(DiagnosticValueCodeForm.base_fields)
