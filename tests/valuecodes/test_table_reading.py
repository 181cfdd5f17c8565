import io

import pytest
from openpyxl import Workbook

from valuecodes.tables import COLUMNS, MAX_TABLE_BYTES, TableError, read_table

from .tables import csv_table, table_row, xlsx_table


def messages_for(content, filename="table.csv"):
    with pytest.raises(TableError) as caught:
        read_table(content, filename)
    return caught.value.messages


def test_sample_table_reads_five_value_codes_in_file_order(sample_data):
    content = (sample_data / "sample-valuecodes.csv").read_bytes()
    rows = read_table(content, "sample-valuecodes.csv")
    assert [r.identifier for r in rows][:2] == ["Reliability", "Credibility"]
    assert len(rows) == 5
    assert rows[1].help_text == "Think about estimates of cost, time and resources."
    assert rows[0].row_number == 2


def test_bom_quoted_commas_newlines_and_non_ascii_survive():
    row = table_row("Zuverlässigkeit", section="Vertrauen, Zuversicht")
    row[3] = 'Line one, with a comma\nline two "quoted"'
    content = b"\xef\xbb\xbf" + csv_table([row])
    (read,) = read_table(content, "t.csv")
    assert read.section == "Vertrauen, Zuversicht"
    assert read.identifier == "Zuverlässigkeit"
    assert read.statements[0] == 'Line one, with a comma\nline two "quoted"'


def test_headings_match_case_insensitively_ignoring_spaces_and_help_text_is_optional():
    header = [f"  {h.upper()} " for h in COLUMNS[:8]]
    rows = [table_row("Reliability")[:8]]
    (read,) = read_table(csv_table(rows, header=header), "t.csv")
    assert read.help_text == ""


def test_an_empty_cell_is_named_by_row_and_column():
    row = table_row("Reliability")
    row[5] = "  "
    messages = messages_for(csv_table([table_row("Credibility"), row]))
    assert messages == ["row 3, column Evaluation Statement 3: is empty."]


def test_duplicated_identifiers_in_one_file_are_refused():
    rows = [table_row("Reliability"), table_row("Credibility"), table_row("Reliability")]
    messages = messages_for(csv_table(rows))
    assert messages == [
        "row 4, column Value Code Identifier: “Reliability” is already used in row 2; "
        "identifiers must be unique."
    ]


def test_a_wrong_heading_is_refused():
    header = list(COLUMNS)
    header[2] = "Desc"
    messages = messages_for(csv_table([table_row("Reliability")], header=header))
    assert "row 1, column 3: expected the heading “Description”, found “Desc”." in messages


def test_a_missing_header_row_is_refused():
    content = csv_table([table_row("Credibility")], header=table_row("Reliability"))
    messages = messages_for(content)
    assert messages[0].startswith("Row 1 must be the header")
    assert any("column 1: expected the heading “Section Name”" in m for m in messages)


def test_a_missing_column_is_refused():
    messages = messages_for(csv_table([table_row("Reliability")[:7]], header=COLUMNS[:7]))
    assert "row 1, column 8: heading “Evaluation Statement 5” is missing." in messages


def test_a_tenth_column_that_is_no_perspective_wording_is_refused():
    header = [*COLUMNS, "Owner"]
    messages = messages_for(csv_table([[*table_row("Reliability"), "Ann"]], header=header))
    assert any(
        m.startswith("row 1, column 10: “Owner” is not a column of the table") for m in messages
    )


def test_a_tenth_cell_in_a_data_row_is_refused():
    messages = messages_for(csv_table([[*table_row("Reliability"), "stray"]]))
    assert messages == ["row 2, column 10: there is a value beyond the last column (Help Text)."]


def test_a_csv_that_is_not_utf8_is_refused():
    content = csv_table([table_row("Fiabilité")], encoding="latin-1")
    (message,) = messages_for(content)
    assert "not UTF-8" in message


def test_an_xlsx_with_no_rows_is_refused():
    workbook = Workbook()
    stream = io.BytesIO()
    workbook.save(stream)
    (message,) = messages_for(stream.getvalue(), "empty.xlsx")
    assert "empty" in message


def test_a_header_without_value_codes_is_refused():
    (message,) = messages_for(xlsx_table([]), "header-only.xlsx")
    assert message == "The file has a header row but no Value Codes."


def test_a_file_over_the_limit_is_refused_before_parsing():
    content = b"x" * (20 * 1024 * 1024)
    (message,) = messages_for(content, "big.csv")
    assert message == "The file is 20.0 MB; the limit is 10 MB."
    assert len(content) > MAX_TABLE_BYTES


def test_formulas_in_xlsx_cells_are_refused_not_evaluated():
    row = table_row("Reliability")
    row[4] = '=CONCAT("a","b")'
    messages = messages_for(xlsx_table([row]), "formula.xlsx")
    assert messages == [
        "row 2, column Evaluation Statement 2: contains a formula; ttm reads values only. "
        "Paste the cells as values and upload again."
    ]


def test_xlsx_numbers_become_text_and_blank_rows_are_skipped():
    row = table_row("Reliability")
    row[1] = 42
    rows = read_table(xlsx_table([row, [None] * 9, table_row("Credibility")]), "t.xlsx")
    assert [r.identifier for r in rows] == ["42", "Credibility"]


def test_a_file_that_is_not_a_workbook_is_refused():
    (message,) = messages_for(b"not a zip", "t.xlsx")
    assert "not a readable .xlsx workbook" in message


def test_other_suffixes_are_refused():
    (message,) = messages_for(b"a,b", "table.txt")
    assert message == "“table.txt” is not a .csv or .xlsx file."


def test_every_bad_row_is_reported_at_once():
    bad = table_row("A")
    bad[2] = ""
    worse = table_row("B")
    worse[0] = ""
    messages = messages_for(csv_table([bad, worse]))
    assert messages == [
        "row 2, column Description: is empty.",
        "row 3, column Section Name: is empty.",
    ]
