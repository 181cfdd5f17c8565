"""Uploads are bounded: hostile XLSX and CSV files are refused quickly, in little memory, with
a message that says which limit they passed."""

import io
import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from diagnostics import participant_lists
from participation.ratings_file import RatingsFileError, read_rows
from valuecodes.tables import COLUMNS, TableError, read_table

from .handmade_xlsx import (
    declare_smaller,
    shared_strings_xml,
    sheet_xml,
    text_row,
    workbook,
)

GENEROUS_SECONDS = 10  # the refusals take well under a second; this only catches a hang
VALID_ROWS = text_row(1, COLUMNS[:8]) + text_row(
    2, ["Trust", "Reliability", "The extent to which", "a", "b", "c", "d", "e"]
)


def refusal(content, filename="hostile.xlsx"):
    """(the refusal message, seconds taken)."""
    started = time.monotonic()
    with pytest.raises(TableError) as refused:
        read_table(content, filename)
    (message,) = refused.value.messages
    return message, time.monotonic() - started


def refusal_of_many(content, filename="hostile.xlsx"):
    """(the first of the refusal's messages, seconds taken)."""
    started = time.monotonic()
    with pytest.raises(TableError) as refused:
        read_table(content, filename)
    return refused.value.messages[0], time.monotonic() - started


def peak_megabytes(content, filename="hostile.xlsx"):
    """What refusing the file allocates at most (Python's allocations, traced)."""
    tracemalloc.start()
    try:
        with pytest.raises(TableError):
            read_table(content, filename)
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def test_a_handmade_workbook_is_read_so_the_hostile_ones_below_are_fair():
    (row,) = read_table(workbook(sheet_xml(VALID_ROWS)), "fine.xlsx")
    assert row.identifier == "Reliability"


def test_one_row_of_two_million_cells_is_refused_at_once():
    content = workbook(sheet_xml(b"<row>" + b"<c><v>1</v></c>" * 2_000_000 + b"</row>"))
    assert len(content) < 200 * 1024
    message, seconds = refusal(content)
    assert message == "The sheet has more than 100 columns."
    assert seconds < GENEROUS_SECONDS
    assert peak_megabytes(content) < 50


def test_two_million_cells_in_short_rows_are_refused_at_the_cell_limit():
    row = b"<row>" + b"<c><v>1</v></c>" * 100 + b"</row>"
    content = workbook(sheet_xml(row * 20_000))
    message, seconds = refusal(content)
    assert message == "The sheet has more than 100,000 cells."
    assert seconds < GENEROUS_SECONDS


def test_a_row_numbered_past_the_limit_is_refused():
    content = workbook(sheet_xml(VALID_ROWS + b'<row r="1048576"><c><v>1</v></c></row>'))
    message, _ = refusal(content)
    assert message == "The sheet has more than 20,000 rows."


def test_a_cell_far_to_the_right_is_refused():
    content = workbook(sheet_xml(VALID_ROWS + b'<row r="3"><c r="XFD3"><v>1</v></c></row>'))
    message, _ = refusal(content)
    assert message == "The sheet has more than 100 columns."


def test_shared_strings_that_unpack_hugely_are_refused_before_reading():
    huge = shared_strings_xml(b"<si><t>" + b"x" * (40 * 1024 * 1024) + b"</t></si>")
    content = workbook(sheet_xml(VALID_ROWS), huge)
    del huge
    assert len(content) < 1024 * 1024
    message, seconds = refusal(content)
    assert message == "The workbook unpacks to 40.0 MB; the limit is 30 MB."
    assert seconds < GENEROUS_SECONDS
    assert peak_megabytes(content) < 50


def test_a_zip_that_understates_a_size_is_not_inflated_past_it():
    strings = shared_strings_xml(b"<si><t>" + b"x" * (60 * 1024 * 1024) + b"</t></si>")
    content = declare_smaller(
        workbook(sheet_xml(VALID_ROWS), strings), "xl/sharedStrings.xml", 1000
    )
    del strings
    message, seconds = refusal(content)
    assert "not a readable .xlsx workbook" in message
    assert seconds < GENEROUS_SECONDS
    assert peak_megabytes(content) < 50


def test_a_long_text_shared_by_every_cell_is_refused_at_the_text_limit():
    strings = shared_strings_xml(b"<si><t>" + b"x" * 32_000 + b"</t></si>")
    row = b"<row>" + b'<c t="s"><v>0</v></c>' * 9 + b"</row>"
    content = workbook(
        sheet_xml(VALID_ROWS[: VALID_ROWS.index(b"</row>") + 6] + row * 3_000), strings
    )
    message, seconds = refusal(content)
    assert message == "The sheet holds more than 10,485,760 characters of text."
    assert seconds < GENEROUS_SECONDS
    assert peak_megabytes(content) < 50


def test_too_many_shared_strings_are_refused():
    strings = shared_strings_xml(b"<si><t>a</t></si>" * 300_000)
    message, seconds = refusal(workbook(sheet_xml(VALID_ROWS), strings))
    assert message == "The workbook holds more than 100,000 texts."
    assert seconds < GENEROUS_SECONDS


def test_a_value_code_csv_past_its_row_limit_is_refused_while_reading():
    content = ("a,b\n" * 30_000).encode()
    message, seconds = refusal(content, "many.csv")
    assert message == "The file has more than 20,000 rows."
    assert seconds < GENEROUS_SECONDS


def test_a_ratings_csv_past_its_size_limit_is_refused_before_parsing():
    with pytest.raises(RatingsFileError) as refused:
        read_rows(b"x" * (6 * 1024 * 1024))
    assert refused.value.messages == ["The file is 6.0 MB; the limit is 5 MB."]


def test_a_ratings_csv_past_its_row_limit_is_refused():
    with pytest.raises(RatingsFileError) as refused:
        read_rows(b"a,b\n" * 100_001)
    assert refused.value.messages == ["The file has more than 100,000 rows."]


def test_a_ratings_csv_with_a_cell_past_the_csv_limit_names_the_row():
    with pytest.raises(RatingsFileError) as refused:
        read_rows(b'participant,party\nAda,IT\n"' + b"x" * 200_000 + b'",x\n')
    assert refused.value.messages == ["Row 3: a cell is longer than 131,072 characters."]


def test_a_participants_csv_past_its_size_limit_is_refused():
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        participant_lists.parse_csv(
            SimpleUploadedFile("people.csv", b"Ann,ann@example.org\n" * 300_000)
        )
    assert refused.value.message_dict == {"csv_file": ["The file is 5.7 MB; the limit is 1 MB."]}
    assert time.monotonic() - started < GENEROUS_SECONDS


def test_a_participants_csv_past_its_row_limit_is_refused():
    with pytest.raises(ValidationError) as refused:
        participant_lists.parse_csv(io.BytesIO(b"Ann\n" * 2_002))
    assert refused.value.message_dict == {"csv_file": ["The file has more than 2,001 rows."]}


def test_a_long_pasted_list_is_refused_and_problems_are_capped():
    people = [(n, "", "") for n in range(1, 2_002)]
    with pytest.raises(ValidationError) as refused:
        participant_lists.check_people(people)
    assert refused.value.messages == ["Add at most 2,000 people at a time; split the list."]
    with pytest.raises(ValidationError) as refused:
        participant_lists.check_people(people[:200])
    assert len(refused.value.messages) == 51
    assert refused.value.messages[-1] == "… and 150 more problems."


def test_a_big_sheet_that_is_no_value_code_table_is_refused_at_its_first_row():
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 19 + b"</row>"
    message, seconds = refusal_of_many(workbook(sheet_xml(row * 5_000)))
    assert message.startswith("Row 1 must be the header")
    assert seconds < GENEROUS_SECONDS
