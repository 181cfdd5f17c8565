"""One CSV writer for every CSV export: formulas neutralised (PRODUCT.md 5), numbers left as
numbers, and the Value Code table import undoing exactly what the export added."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Rating
from ttm.spreadsheets import neutralise, restore_cell
from valuecodes.selectors import library_value_codes
from valuecodes.tables import csv_bytes, read_table, xlsx_bytes

RISKY = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-x", "=1"]
NUMBERS = [-0.5, 3, 0.0, -12, "-0.5", "+3", "1e-3", "-1E5", ".5"]
AWKWARD = [*RISKY, "'=already quoted", "''+twice", "'-0.5", "'", "'plain", "plain", "", "-"]


@pytest.mark.parametrize("text", RISKY)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("number", NUMBERS)
def test_numbers_and_plain_numeric_text_are_left_alone(number):
    assert neutralise(number) == number


def test_empty_and_plain_cells_are_unchanged():
    assert neutralise(None) == ""
    assert neutralise("plain text") == "plain text"
    assert neutralise(True) is True


@pytest.mark.parametrize("text", AWKWARD)
def test_restoring_a_neutralised_cell_gives_back_the_text(text):
    assert restore_cell(neutralise(text)) == text


def test_restore_takes_off_only_a_quote_before_a_formula_character():
    assert restore_cell("'=x") == "=x"
    assert restore_cell("'plain") == "'plain"
    assert restore_cell("'") == "'"


def csv_cells(text):
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def risky_world(world):
    """The world's first Value Code named like a formula; ratings giving a negative gap."""
    diagnostic = world.diagnostic
    diagnostic.anonymity_threshold = 1
    diagnostic.save()
    value_code = world.value_code
    value_code.identifier, value_code.section = "=1+1", "@SUM(A1)"
    value_code.save()
    Rating.objects.filter(value_code=value_code).update(
        current_level=5, target_level=4, comment="-2+3"
    )
    return world


def test_analysis_csv_neutralises_text_and_keeps_negative_numbers(risky_world, as_role):
    url = reverse("results:csv", args=[risky_world.diagnostic.slug])
    header, *rows = csv_cells(as_role("sponsor").get(url).content.decode())
    row = dict(zip(header, rows[0], strict=True))
    assert row["identifier"] == "'=1+1" and row["section"] == "'@SUM(A1)"
    assert row["gap"] == "-1.0"


def test_the_analyse_command_writes_the_same_cells(risky_world):
    out = io.StringIO()
    call_command("analyse", risky_world.diagnostic.slug, "--format", "csv", stdout=out)
    header, *rows = csv_cells(out.getvalue())
    row = dict(zip(header, rows[0], strict=True))
    assert row["identifier"] == "'=1+1" and row["gap"] == "-1.0"


def test_ratings_csv_neutralises_identifiers_and_comments(risky_world, as_role):
    risky_world.diagnostic.rounds.update(closed_at=timezone.now())  # open rounds: figures only
    url = reverse("exports:ratings_csv", args=[risky_world.diagnostic.slug])
    response = as_role("facilitator").get(url)
    header, *rows = csv_cells(b"".join(response.streaming_content).decode())
    (row,) = [dict(zip(header, r, strict=False)) for r in rows if r[2] == "'=1+1"]
    assert row["comment"] == "'-2+3" and row["current"] == "5"


@pytest.fixture
def awkward_library(world):
    """The world's library with cells a spreadsheet would run, and some that look alike."""
    codes = list(library_value_codes(world.library))
    codes[0].description = "=SUM(A1:A9) is how we count"
    codes[0].statement_1 = "-5 degrees is barely acceptable"
    codes[0].statement_2 = "-0.5"
    codes[0].statement_3 = "'=already quoted"
    codes[0].help_text = "+44 20 7946 0000"
    codes[0].save()
    codes[1].description = "-x marks the spot"
    codes[1].save()
    return world.library


def table_fields(value_codes):
    return [
        (vc.section.name, vc.identifier, vc.description, *vc.statements, vc.help_text)
        for vc in value_codes
    ]


def test_the_library_csv_export_neutralises_formulas(awkward_library, as_role):
    url = reverse("valuecodes:export", args=[awkward_library.pk, "csv"])
    rows = csv_cells(as_role("facilitator").get(url).content.decode("utf-8-sig"))
    assert rows[1][2] == "'=SUM(A1:A9) is how we count"
    assert rows[1][3:6] == ["'-5 degrees is barely acceptable", "-0.5", "''=already quoted"]
    assert rows[1][8] == "'+44 20 7946 0000"
    assert rows[2][2] == "'-x marks the spot"


@pytest.mark.parametrize(("write", "name"), [(csv_bytes, "t.csv"), (xlsx_bytes, "t.xlsx")])
def test_export_then_import_is_lossless(awkward_library, write, name):
    value_codes = list(library_value_codes(awkward_library))
    rows = read_table(write(value_codes), name)
    imported = [(r.section, r.identifier, r.description, *r.statements, r.help_text) for r in rows]
    assert imported == table_fields(value_codes)
