"""Files that people open in spreadsheets: CSV written safe from formulas, CSV and XLSX read
within limits.

Every CSV that ttm writes goes through csv_writer(), which neutralises each cell that a
spreadsheet would run as a formula (PRODUCT.md 5): text starting with =, +, -, @, tab or
carriage return gets a leading '. Numbers are left alone, whether given as numbers or as text
that is a plain decimal number ("-0.5", "+3", "1e-3"): a spreadsheet reads those as numbers,
never as formulas, and analysis.csv stays a table of numbers. Text that already starts with
apostrophes before such a character gets one more, so that restore_cell(), which the Value
Code table import applies, takes exactly one away again and export-then-import is lossless.

A file that passes a limit is refused whole, with a message a person can act on, before it
costs more than the limit's worth of time and memory:
- CSV: bytes, then rows and columns while reading (the csv module's own cell limit of 131,072
  characters is turned into a message naming the row).
- XLSX: parts and unpacked bytes (zipfile never inflates a part past its declared size, so
  the sizes in the zip's directory bound the work); then one streaming expat pass over every
  part, keeping nothing but counts, refuses any DTD (entities are how XML bombs expand; no
  real workbook declares any) and counts elements (all parts together: openpyxl can never
  build more, whichever part it reads and however the file disguises it), shared strings,
  and rows, columns and cells per sheet. Only then does openpyxl read, in read-only mode,
  ignoring the sheet's self-declared dimensions, row by row as the caller asks (a caller that
  finds the header wrong stops at row 1), with the characters of all cells bounded too (a
  few long shared strings referenced by many cells would otherwise expand in memory).

We check DTDs ourselves rather than add defusedxml: openpyxl would use it if installed, but
the counting pass reads every part anyway, and refusing every DOCTYPE in every part is a
stricter rule than defusedxml's (which refuses entities only).
"""

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

MB = 1024 * 1024
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CHUNK = 64 * 1024
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class FileRefused(Exception):
    """The file is refused whole; str() says why, for a person."""


def megabytes(size):
    return f"{size / MB:g} MB"


def too_big(size, limit):
    """The refusal of a file of `size` bytes over a limit of `limit`."""
    return FileRefused(f"The file is {size / MB:.1f} MB; the limit is {megabytes(limit)}.")


# --- CSV ---------------------------------------------------------------------------------


def neutralise(value):
    """The cell as ttm writes it: None empty, numbers as they are, risky text quoted."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    if _quoted_formula(text) or (
        text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text)
    ):
        return f"'{text}"
    return text


def restore_cell(text):
    """The inverse of neutralise() for text read back: one leading ' comes off a cell that
    continues with a formula character (after any further apostrophes)."""
    return text[1:] if _quoted_formula(text) else text


def _quoted_formula(text):
    return text.startswith("'") and text.lstrip("'").startswith(FORMULA_PREFIXES)


class _NeutralisingWriter:
    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **options):
    """A csv.writer (same options) that neutralises every cell: the only way ttm writes CSV."""
    return _NeutralisingWriter(stream, **options)


@dataclass(frozen=True)
class CsvLimits:
    bytes: int
    rows: int
    columns: int = 100


def read_csv(raw, limits):
    """Rows (lists of strings) of a UTF-8 CSV given as bytes or text; a BOM is accepted."""
    if len(raw) > limits.bytes:
        raise too_big(len(raw), limits.bytes)
    text = _utf8_text(raw) if isinstance(raw, bytes) else raw
    if "\x00" in text:
        raise FileRefused("The file contains NUL bytes; it does not look like a CSV file.")
    rows = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        for row in reader:
            if len(rows) == limits.rows:
                raise FileRefused(f"The file has more than {limits.rows:,} rows.")
            if len(row) > limits.columns:
                raise FileRefused(f"Row {len(rows) + 1} has more than {limits.columns} columns.")
            rows.append(row)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise FileRefused(
                f"Row {len(rows) + 1}: a cell is longer than {csv.field_size_limit():,} characters."
            ) from None
        raise FileRefused(f"The CSV cannot be read: {error}.") from None
    return rows


def _utf8_text(raw):
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). "
            "Save it as “CSV UTF-8” and upload it again."
        ) from None


# --- XLSX --------------------------------------------------------------------------------


def xlsx_bytes(rows, *, sheet_title):
    """A one-sheet workbook of `rows`, the first in bold: the only way ttm writes XLSX.

    Text is always stored as text, so "=x" is never a formula: ttm writes no formulas.
    Numbers and dates stay numbers and dates; None is an empty cell.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    for row_number, values in enumerate(rows, start=1):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if row_number == 1:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


@dataclass(frozen=True)
class XlsxLimits:
    rows: int
    columns: int
    cells: int
    characters: int
    unpacked_bytes: int = 30 * MB
    members: int = 1000
    # Every element of every XML part, counted in one streaming pass: openpyxl can never
    # build more than this, whatever part it reads and however the file disguises it.
    elements: int = 1_500_000


@dataclass(frozen=True)
class XlsxCell:
    value: object
    is_formula: bool


def read_xlsx(content, limits):
    """Check the whole workbook against `limits` now, then return an iterator over the rows
    (lists of XlsxCells) of its first sheet, read as they are asked for: a caller that finds
    the first row wrong stops there. Both raise FileRefused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise _unreadable(error) from None
    with archive:
        _check_parts(archive, limits)
    return _first_sheet_rows(content, limits)


def _unreadable(error):
    return FileRefused(f"The file is not a readable .xlsx workbook ({error}).")


def _check_parts(archive, limits):
    members = archive.infolist()
    if len(members) > limits.members:
        raise FileRefused(f"The workbook has more than {limits.members} parts.")
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.unpacked_bytes:
        raise FileRefused(
            f"The workbook unpacks to {unpacked / MB:.1f} MB; the limit is "
            f"{megabytes(limits.unpacked_bytes)}."
        )
    counter = _Counter(limits)
    for member in members:
        counter.scan(archive, member.filename)


def _first_sheet_rows(content, limits):
    try:
        # data_only=False: a formula shows as a formula (and is refused by the caller) rather
        # than as a cached result the file's author may never have seen.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a malformed workbook
        raise _unreadable(error) from None
    try:
        if not workbook.worksheets:
            raise FileRefused("The workbook has no sheets.")
        sheet = workbook.worksheets[0]
        # The stored dimensions are the file's claim; padding every row to them could cost
        # far more than the cells that are really there.
        sheet.reset_dimensions()
        yield from _sheet_rows(sheet, limits)
    except FileRefused:
        raise
    except Exception as error:
        raise _unreadable(error) from None
    finally:
        workbook.close()


def _sheet_rows(sheet, limits):
    characters = 0
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            value = getattr(cell, "value", None)
            if isinstance(value, str):
                characters += len(value)
                if characters > limits.characters:
                    raise FileRefused(
                        f"The sheet holds more than {limits.characters:,} characters of text."
                    )
            cells.append(XlsxCell(value, getattr(cell, "data_type", None) == "f"))
        yield cells


class _Counter:
    """Counts elements across the workbook, and rows, columns and cells per sheet, refusing
    at the first limit passed; refuses any DTD. Nothing is kept but the counts."""

    def __init__(self, limits):
        self.limits = limits
        self.elements = self.shared_strings = 0
        self.elements_in_part = self.rows = self.cells = self.column = 0

    def scan(self, archive, name):
        """Stream one part through expat; a sheet's counts start again with each part."""
        self.elements_in_part = self.rows = self.cells = self.column = 0
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.StartElementHandler = self.start
        try:
            with archive.open(name) as source:
                while chunk := source.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError as error:
            # Images and other binary parts fail before their first element: not XML at all.
            if self.elements_in_part:
                raise _unreadable(f"{name}: {error}") from None
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError,
                zlib.error) as error:  # fmt: skip
            raise _unreadable(error) from None

    def start(self, name, attributes):
        self.elements += 1
        self.elements_in_part += 1
        if self.elements > self.limits.elements:
            raise FileRefused(
                f"The workbook is too elaborate: more than {self.limits.elements:,} XML elements."
            )
        namespace, _, local = name.rpartition(" ")
        if namespace != SPREADSHEET_NS:
            return
        if local == "c":
            self._cell(attributes.get("r"))
        elif local == "row":
            self._row(attributes.get("r", ""))
        elif local == "si":
            self.shared_strings += 1
            if self.shared_strings > self.limits.cells:
                raise FileRefused(f"The workbook holds more than {self.limits.cells:,} texts.")

    def _row(self, number):
        self.rows, self.column = self.rows + 1, 0
        if number.isascii() and number.isdigit():
            self.rows = max(self.rows, int(number))
        if self.rows > self.limits.rows:
            raise FileRefused(f"The sheet has more than {self.limits.rows:,} rows.")

    def _cell(self, reference):
        self.cells += 1
        self.column = _column_number(reference) or self.column + 1
        if self.column > self.limits.columns:
            raise FileRefused(f"The sheet has more than {self.limits.columns} columns.")
        if self.cells > self.limits.cells:
            raise FileRefused(f"The sheet has more than {self.limits.cells:,} cells.")


def _refuse_doctype(*_args):
    raise FileRefused(
        "The file is not a readable .xlsx workbook (it declares a DTD, which spreadsheets "
        "never need)."
    )


def _column_number(reference):
    """1 for "A7", 28 for "AB3"; None when there is no usable reference."""
    match = CELL_REFERENCE.fullmatch(reference or "")
    if match is None:
        return None
    number = 0
    for letter in match[1]:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
