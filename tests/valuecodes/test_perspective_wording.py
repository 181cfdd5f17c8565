"""The Value Code table's optional wording per perspective (PRODUCT.md 5)."""

import pytest

from valuecodes import services
from valuecodes.models import PerspectiveWording
from valuecodes.selectors import library_value_codes
from valuecodes.tables import COLUMNS, TableError, read_table, table_bytes

from ..factories import LibraryFactory
from .tables import csv_table, table_row, xlsx_table

pytestmark = pytest.mark.django_db

SUPPLIER = [
    "Description (Supplier)",
    *(f"Evaluation Statement {n} (Supplier)" for n in range(1, 6)),
]


def supplier_cells(identifier):
    return [
        f"The extent to which we report {identifier} as it arises",
        *(f"We, level {n}" for n in range(1, 6)),
    ]


def test_perspective_columns_follow_in_any_order_with_or_without_help_text():
    header = [*COLUMNS[:8], "evaluation statement 2 (buyer)", " Description (Buyer) "]
    row = [*table_row("Reporting")[:8], "They, level 2", "The extent to which they report"]
    (read,) = read_table(csv_table([row], header=header), "t.csv")
    assert read.help_text == ""
    assert read.wordings == {
        "buyer": {"statement_2": "They, level 2", "description": "The extent to which they report"}
    }


def test_a_table_of_eight_or_nine_columns_reads_without_wordings():
    (eight,) = read_table(csv_table([table_row("A")[:8]], header=COLUMNS[:8]), "t.csv")
    (nine,) = read_table(csv_table([table_row("A", help_text="Hint")]), "t.csv")
    assert eight.wordings == {} and nine.wordings == {}
    assert nine.help_text == "Hint"


@pytest.mark.parametrize(
    ("heading", "why"),
    [
        ("Owner", "is not a column of the table"),
        ("Evaluation Statement 6 (Buyer)", "is not a column of the table"),
        ("Description ()", "needs a perspective name"),
        ("Help Text", "is not a column of the table"),  # only as the ninth column
    ],
)
def test_any_other_heading_is_an_error(heading, why):
    header = [*COLUMNS, "Description (Buyer)", heading]
    row = [*table_row("A"), "x", "y"]
    with pytest.raises(TableError) as refused:
        read_table(csv_table([row], header=header), "t.csv")
    assert any(f"column 11: “{heading}” {why}" in m for m in refused.value.messages)


def test_a_repeated_perspective_heading_is_an_error():
    header = [*COLUMNS, "Description (Buyer)", "DESCRIPTION (buyer)"]
    with pytest.raises(TableError) as refused:
        read_table(csv_table([[*table_row("A"), "x", "y"]], header=header), "t.csv")
    assert any("repeats column 10" in m for m in refused.value.messages)


def test_import_stores_wordings_and_export_then_import_is_lossless():
    library = LibraryFactory(name="Supply")
    header = [*COLUMNS, *SUPPLIER]
    rows = [
        [*table_row("Reporting"), *supplier_cells("Reporting")],
        [*table_row("Cost"), *[""] * 6],
    ]
    services.import_value_code_table(
        library=library, rows=read_table(csv_table(rows, header), "t.csv")
    )
    (wording,) = PerspectiveWording.objects.all()
    assert (wording.value_code.identifier, wording.perspective) == ("Reporting", "Supplier")
    assert wording.statement_3 == "We, level 3"
    for name in ("out.csv", "out.xlsx"):
        exported = table_bytes(library_value_codes(library), name)
        again = LibraryFactory(name=f"Again {name}")
        services.import_value_code_table(library=again, rows=read_table(exported, name))
        assert table_bytes(library_value_codes(again), name.replace("out", "x")) is not None
        assert _table(again) == _table(library)


def test_an_xlsx_table_with_perspective_columns_imports_like_a_csv():
    header = [*COLUMNS, *SUPPLIER]
    rows = [[*table_row("Reporting"), *supplier_cells("Reporting")]]
    assert read_table(xlsx_table(rows, header), "t.xlsx") == read_table(
        csv_table(rows, header), "t.csv"
    )


def test_reimport_replaces_only_the_perspectives_the_table_has_columns_for():
    library = LibraryFactory(name="Supply")
    both = [*COLUMNS, *SUPPLIER, "Description (Buyer)"]
    row = [*table_row("Reporting"), *supplier_cells("Reporting"), "They report"]
    services.import_value_code_table(
        library=library, rows=read_table(csv_table([row], both), "t.csv")
    )
    only_buyer = [*COLUMNS, "Description (Buyer)"]
    row = [*table_row("Reporting"), ""]
    services.import_value_code_table(
        library=library, rows=read_table(csv_table([row], only_buyer), "t.csv")
    )
    assert [w.perspective for w in PerspectiveWording.objects.all()] == ["Supplier"]


def test_duplicating_a_library_copies_its_wordings():
    library = LibraryFactory(name="Supply")
    header = [*COLUMNS, *SUPPLIER]
    rows = [[*table_row("Reporting"), *supplier_cells("Reporting")]]
    services.import_value_code_table(
        library=library, rows=read_table(csv_table(rows, header), "t.csv")
    )
    copy = services.duplicate_library(library=library, name="Supply copy")
    assert _table(copy) == _table(library)


def _table(library):
    return [
        (vc.identifier, sorted((w.perspective, *w.wording.values()) for w in vc.wordings.all()))
        for vc in library_value_codes(library)
    ]
