import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from valuecodes.models import Library, ValueCode
from valuecodes.tables import COLUMNS

from ..factories import LibraryFactory, SectionFactory, ValueCodeFactory
from .tables import csv_table, table_row

pytestmark = pytest.mark.django_db


def run_in_shell(*args, tmp_path):
    """The command as a shell runs it, for its exit code and stderr. Only for failures that
    happen before any query: its database is an empty throwaway file."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def library_table(library):
    return [
        (vc.section.name, vc.identifier, vc.description, *vc.statements, vc.help_text)
        for vc in library.value_codes.select_related("section").order_by(
            "section__position", "position"
        )
    ]


def test_import_creates_the_library_and_reports_counts(sample_data):
    out = io.StringIO()
    call_command(
        "import_valuecodes",
        str(sample_data / "sample-valuecodes.csv"),
        library="Sample",
        stdout=out,
    )
    assert "5 created, 0 updated, 0 unchanged" in out.getvalue()
    library = Library.objects.get(name="Sample")
    assert [s.name for s in library.sections.order_by("position")] == ["Trust", "Relationship"]


def test_import_updates_same_identifiers_and_adds_others(tmp_path):
    library = LibraryFactory(name="Ours")
    section = SectionFactory(library=library, name="Trust")
    ValueCodeFactory(section=section, identifier="Reliability", description="Old words")
    ValueCodeFactory(section=section, identifier="Untouched")
    path = tmp_path / "t.csv"
    path.write_bytes(csv_table([table_row("Reliability"), table_row("New", section="Extra")]))
    call_command("import_valuecodes", str(path), library="Ours")
    reliability = ValueCode.objects.get(library=library, identifier="Reliability")
    assert reliability.description == "The extent to which Reliability holds"
    assert set(library.value_codes.values_list("identifier", flat=True)) == {
        "Reliability",
        "Untouched",
        "New",
    }


def test_a_bad_file_exits_non_zero_with_row_messages_on_stderr(tmp_path):
    bad = table_row("Credibility")
    bad[3] = ""
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_table([table_row("Reliability"), bad]))
    result = run_in_shell("import_valuecodes", path, "--library", "Never", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "row 3, column Evaluation Statement 1: is empty." in result.stderr


def test_a_bad_file_imports_nothing(tmp_path):
    bad = table_row("Credibility")
    bad[3] = ""
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_table([table_row("Reliability"), bad]))
    with pytest.raises(CommandError, match="row 3, column Evaluation Statement 1: is empty"):
        call_command("import_valuecodes", str(path), library="Never")
    assert not Library.objects.filter(name="Never").exists()


def test_import_of_a_missing_file_fails_clearly(tmp_path):
    result = run_in_shell(
        "import_valuecodes", tmp_path / "nope.csv", "--library", "X", tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "There is no file at" in result.stderr


def test_import_needs_a_library_name(sample_data):
    with pytest.raises(CommandError):
        call_command("import_valuecodes", str(sample_data / "sample-valuecodes.csv"))


def test_export_of_an_unknown_library_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="There is no library called “Nope”."):
        call_command("export_valuecodes", library="Nope", output=str(tmp_path / "o.csv"))


def test_export_needs_a_csv_or_xlsx_suffix(tmp_path):
    result = run_in_shell(
        "export_valuecodes", "--library", "Ours", "--output", tmp_path / "o.json", tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "is not a .csv or .xlsx file" in result.stderr


def test_sample_csv_export_is_byte_for_byte_the_sample(sample_data, tmp_path):
    sample = sample_data / "sample-valuecodes.csv"
    call_command("import_valuecodes", str(sample), library="Sample")
    call_command("export_valuecodes", library="Sample", output=str(tmp_path / "out.csv"))
    assert (tmp_path / "out.csv").read_bytes() == sample.read_bytes()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_is_lossless(sample_data, tmp_path, suffix):
    call_command("import_valuecodes", str(sample_data / "sample-valuecodes.csv"), library="A")
    original = Library.objects.get(name="A")
    # Awkward content: order not alphabetical, non-ASCII, commas, newlines, formula-like text.
    extra = SectionFactory(library=original, name="Ärger, Ängste", position=1)
    ValueCodeFactory(
        section=extra,
        identifier="Zebra",
        description="Line one,\nline two “quoted”",
        statement_3="=SUM(A1:A3)",
        help_text="",
        position=5,
    )
    ValueCodeFactory(section=extra, identifier="Aardvark", position=9)
    path = tmp_path / f"a{suffix}"
    call_command("export_valuecodes", library="A", output=str(path))
    call_command("import_valuecodes", str(path), library="B")
    copy = Library.objects.get(name="B")
    assert library_table(copy) == library_table(original)
    assert [s.name for s in copy.sections.order_by("position", "id")] == [
        s.name for s in original.sections.order_by("position", "id")
    ]
    call_command("import_valuecodes", str(path), library="A")
    assert library_table(Library.objects.get(name="A")) == library_table(original)


def test_xlsx_export_writes_text_never_formulas(tmp_path):
    ValueCodeFactory(section__library__name="F", statement_1="=1+1")
    path = tmp_path / "f.xlsx"
    call_command("export_valuecodes", library="F", output=str(path))
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet["D2"].value == "=1+1"
    assert sheet["D2"].data_type == "s"
