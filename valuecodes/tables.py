"""The Value Code table of PRODUCT.md 5: read, validate and write it as CSV or XLSX.

Reading returns plain `TableRow`s or raises `TableError` with every problem found, each naming
the row (the header is row 1) and the column, so a bad file is refused whole.
"""

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ttm.spreadsheets import (
    CsvLimits,
    FileRefused,
    XlsxLimits,
    csv_writer,
    read_csv,
    read_xlsx,
    restore_cell,
)
from ttm.spreadsheets import xlsx_bytes as workbook_bytes

from .models import CONTENT_FIELDS, STATEMENT_FIELDS, Section, ValueCode

COLUMNS = (
    "Section Name",
    "Value Code Identifier",
    "Description",
    "Evaluation Statement 1",
    "Evaluation Statement 2",
    "Evaluation Statement 3",
    "Evaluation Statement 4",
    "Evaluation Statement 5",
    "Help Text",
)
# The model field behind each column.
TABLE_FIELDS = ("section", *CONTENT_FIELDS)
REQUIRED_COLUMNS = COLUMNS[:8]
HELP_TEXT = COLUMNS[8]
# Optional wording per perspective, after the others in any order (PRODUCT.md 5).
PERSPECTIVE_HEADING = re.compile(
    r"(?P<field>description|evaluation statement (?P<level>[1-5]))\s*\((?P<perspective>.*)\)",
    re.IGNORECASE,
)
MAX_PERSPECTIVE_LENGTH = 80
SUFFIXES = (".csv", ".xlsx")
MAX_TABLE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
MAX_MESSAGES = 50
# What reading may cost. Blank rows are skipped after reading, so rows get room for them;
# validate_cells holds the table itself to MAX_ROWS Value Codes.
READ_ROWS = 2 * MAX_ROWS
CSV_LIMITS = CsvLimits(bytes=MAX_TABLE_BYTES, rows=READ_ROWS, columns=100)
XLSX_LIMITS = XlsxLimits(
    rows=READ_ROWS,
    columns=100,
    # 10,000 Value Codes of 9 columns; openpyxl takes tens of microseconds a cell.
    cells=100_000,
    # As much text as the largest CSV could hold.
    characters=MAX_TABLE_BYTES,
)
MAX_LENGTHS = {
    "Section Name": Section._meta.get_field("name").max_length,
    "Value Code Identifier": ValueCode._meta.get_field("identifier").max_length,
}
# Characters XLSX cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE); refusing them on the way in
# keeps every library exportable.
CONTROL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")


class TableError(Exception):
    """The table cannot be imported; `messages` says why, row by row."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class TableRow:
    row_number: int
    section: str
    identifier: str
    description: str
    statements: tuple
    help_text: str = ""
    # {perspective: {"description" or "statement_N": text}} for every perspective the table
    # has columns for; a blank text is no wording of its own (the common one applies).
    wordings: dict = field(default_factory=dict, hash=False)

    def as_dict(self):
        return {
            "row_number": self.row_number,
            "section": self.section,
            "identifier": self.identifier,
            "description": self.description,
            "statements": list(self.statements),
            "help_text": self.help_text,
            "wordings": self.wordings,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(**{**data, "statements": tuple(data["statements"])})


@dataclass(frozen=True)
class Layout:
    """Where the columns of one table are: the eight required, then Help Text and the
    perspective columns, each (index, perspective, field), if present."""

    width: int
    last_heading: str
    help_text: int | None = None
    perspectives: tuple = ()


def clean_text(value):
    """Cells and form fields alike: surrounding spaces dropped, line endings made \\n."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def table_format(filename):
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise TableError([f"“{Path(filename).name}” is not a .csv or .xlsx file."])
    return suffix


def read_table(content, filename):
    """Parse and validate a whole table from bytes; the format follows the file name's suffix."""
    suffix = table_format(filename)
    if len(content) > MAX_TABLE_BYTES:
        raise TableError(
            [
                f"The file is {len(content) / 1024 / 1024:.1f} MB; "
                f"the limit is {MAX_TABLE_BYTES // 1024 // 1024} MB."
            ]
        )
    if suffix == ".csv":
        return validate_cells(_csv_cells(content))
    formulas = []
    try:
        rows = validate_cells(_xlsx_cells(content, formulas))
    except TableError:
        if formulas:  # the likelier cause of the other problems
            raise _formula_error(formulas) from None
        raise
    if formulas:
        raise _formula_error(formulas)
    return rows


def read_table_file(path):
    path = Path(path)
    table_format(path.name)
    if not path.is_file():
        raise TableError([f"There is no file at {path}."])
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise TableError(
            [
                f"The file is {path.stat().st_size / 1024 / 1024:.1f} MB; "
                f"the limit is {MAX_TABLE_BYTES // 1024 // 1024} MB."
            ]
        )
    return read_table(path.read_bytes(), path.name)


def _csv_cells(content):
    """Cells of a CSV table, each with the quote that the export put before a formula taken
    off again (an XLSX cell is typed as text instead, so it has no such quote)."""
    try:
        rows = read_csv(content, CSV_LIMITS)
    except FileRefused as refused:
        raise TableError([str(refused)]) from None
    return [[restore_cell(clean_text(cell)) for cell in row] for row in rows]


def _xlsx_cells(content, formulas):
    """Cell values of the first sheet, row by row; where formulas are, is added to `formulas`
    (they are refused, never evaluated)."""
    try:
        for row_number, row in enumerate(read_xlsx(content, XLSX_LIMITS), start=1):
            formulas.extend(
                (row_number, column_number)
                for column_number, cell in enumerate(row, start=1)
                if cell.is_formula
            )
            yield [_xlsx_value(cell.value) for cell in row]
    except FileRefused as refused:
        raise TableError([str(refused)]) from None


def _formula_error(formulas):
    return TableError(
        f"row {r}, column {_column_name(c)}: contains a formula; ttm reads values only. "
        "Paste the cells as values and upload again."
        for r, c in formulas[:MAX_MESSAGES]
    )


def _xlsx_value(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _column_name(number):
    return COLUMNS[number - 1] if number <= len(COLUMNS) else f"{number}"


def validate_cells(cells):
    """Rows of strings (header first) -> TableRows, or TableError listing every problem.

    `cells` is consumed lazily: a wrong header is refused before the rest is read."""
    rows = ((n, row) for n, row in enumerate(cells, start=1) if any(clean_text(c) for c in row))
    first = next(rows, None)
    if first is None:
        raise TableError(["The file is empty: it needs a header row and at least one Value Code."])
    header_number, header = first
    layout = _check_header(header_number, header)
    messages, table_rows, first_seen, count = [], [], {}, 0
    for row_number, row in rows:
        count += 1
        if count > MAX_ROWS:
            raise TableError([f"The table has more than {MAX_ROWS:,} rows."])
        row_messages, table_row = _check_row(row_number, row, layout, first_seen)
        messages.extend(row_messages)
        if table_row:
            table_rows.append(table_row)
    if not count:
        raise TableError(["The file has a header row but no Value Codes."])
    if messages:
        raise TableError(_capped(messages))
    return table_rows


def _check_header(row_number, header):
    """The table's Layout, or TableError naming each wrong heading."""
    headings = [clean_text(c) for c in header]
    while headings and not headings[-1]:
        headings.pop()
    messages = []
    for index, expected in enumerate(REQUIRED_COLUMNS):
        if index >= len(headings):
            messages.append(
                f"row {row_number}, column {index + 1}: heading “{expected}” is missing."
            )
        elif headings[index].casefold() != expected.casefold():
            messages.append(
                f"row {row_number}, column {index + 1}: expected the heading “{expected}”, "
                f"found “{headings[index]}”."
            )
    help_text, perspectives, seen = None, [], {}
    for index in range(len(REQUIRED_COLUMNS), len(headings)):
        heading = headings[index]
        if heading.casefold() == HELP_TEXT.casefold() and index == len(REQUIRED_COLUMNS):
            help_text = index
            continue
        found = _perspective_column(heading)
        if found is None:
            messages.append(
                f"row {row_number}, column {index + 1}: “{heading}” is not a column of the "
                "table; after the eight required columns come Help Text and wording per "
                "perspective such as “Description (Supplier)” or “Evaluation Statement 1 "
                "(Supplier)”."
            )
            continue
        perspective, field_name = found
        if not perspective or len(perspective) > MAX_PERSPECTIVE_LENGTH:
            messages.append(
                f"row {row_number}, column {index + 1}: “{heading}” needs a perspective name of "
                f"1 to {MAX_PERSPECTIVE_LENGTH} characters in its brackets."
            )
            continue
        key = (perspective.casefold(), field_name)
        if key in seen:
            messages.append(
                f"row {row_number}, column {index + 1}: “{heading}” repeats column {seen[key]}."
            )
            continue
        seen[key] = index + 1
        perspectives.append((index, perspective, field_name))
    if messages:
        expected = ", ".join(COLUMNS[:8]) + " and optionally Help Text"
        raise TableError([f"Row 1 must be the header: {expected}.", *messages])
    return Layout(
        width=len(headings),
        last_heading=headings[-1],
        help_text=help_text,
        perspectives=tuple(perspectives),
    )


def _perspective_column(heading):
    """(perspective, model field) for a heading such as “Evaluation Statement 2 (Supplier)”."""
    match = PERSPECTIVE_HEADING.fullmatch(heading)
    if match is None:
        return None
    perspective = " ".join(match["perspective"].split())
    field_name = f"statement_{match['level']}" if match["level"] else "description"
    return perspective, field_name


def _check_row(row_number, row, layout, first_seen):
    values = [clean_text(c) for c in row]
    messages = []
    extra = [i for i in range(layout.width, len(values)) if values[i]]
    if extra:
        messages.append(
            f"row {row_number}, column {extra[0] + 1}: there is a value beyond the last column "
            f"({layout.last_heading})."
        )
    values = values + [""] * max(0, layout.width - len(values))
    help_text = values[layout.help_text] if layout.help_text is not None else ""
    named = [*zip(COLUMNS[:8], values[:8], strict=True), (HELP_TEXT, help_text)]
    for name, value in named:
        if name in REQUIRED_COLUMNS and not value:
            messages.append(f"row {row_number}, column {name}: is empty.")
        if name in MAX_LENGTHS and len(value) > MAX_LENGTHS[name]:
            messages.append(
                f"row {row_number}, column {name}: is longer than {MAX_LENGTHS[name]} characters."
            )
        if CONTROL_CHARACTERS.search(value):
            messages.append(f"row {row_number}, column {name}: contains a control character.")
    wordings, spelling = {}, {}
    for index, perspective, field_name in layout.perspectives:
        if CONTROL_CHARACTERS.search(values[index]):
            messages.append(f"row {row_number}, column {index + 1}: contains a control character.")
        name = spelling.setdefault(perspective.casefold(), perspective)
        wordings.setdefault(name, {})[field_name] = values[index]
    identifier = values[1]
    if identifier:
        key = identifier
        if key in first_seen:
            messages.append(
                f"row {row_number}, column Value Code Identifier: “{identifier}” is already used "
                f"in row {first_seen[key]}; identifiers must be unique."
            )
        else:
            first_seen[key] = row_number
    if messages:
        return messages, None
    return [], TableRow(
        row_number=row_number,
        section=values[0],
        identifier=identifier,
        description=values[2],
        statements=tuple(values[3:8]),
        help_text=help_text,
        wordings=wordings,
    )


def _capped(messages):
    if len(messages) <= MAX_MESSAGES:
        return messages
    return [*messages[:MAX_MESSAGES], f"… and {len(messages) - MAX_MESSAGES} more problems."]


def value_code_cells(value_codes):
    """Header plus one row per Value Code (section and position order), as strings.

    Each perspective that words any Value Code gets its six columns, in name order; the Value
    Codes should come with their `wordings` prefetched."""
    value_codes = list(value_codes)
    perspectives = {}
    for value_code in value_codes:
        for wording in value_code.wordings.all():
            perspectives.setdefault(wording.perspective.casefold(), wording.perspective)
    order = sorted(perspectives)
    fields = ("description", *STATEMENT_FIELDS)
    yield [*COLUMNS, *(_perspective_heading(field_name, perspectives[key])
                       for key in order for field_name in fields)]  # fmt: skip
    for value_code in value_codes:
        own = {w.perspective.casefold(): w for w in value_code.wordings.all()}
        yield [
            value_code.section.name,
            *(getattr(value_code, field) for field in CONTENT_FIELDS),
            *(getattr(own[key], field_name) if key in own else ""
              for key in order for field_name in fields),
        ]  # fmt: skip


def _perspective_heading(field_name, perspective):
    if field_name == "description":
        return f"Description ({perspective})"
    return f"Evaluation Statement {field_name[-1]} ({perspective})"


def write_csv(value_codes, stream):
    """Write the table as UTF-8 CSV text to a text stream (opened with newline="")."""
    writer = csv_writer(stream)
    writer.writerows(value_code_cells(value_codes))


def csv_bytes(value_codes):
    stream = io.StringIO(newline="")
    write_csv(value_codes, stream)
    return stream.getvalue().encode("utf-8")


def xlsx_bytes(value_codes, sheet_title="Value Codes"):
    return workbook_bytes(value_code_cells(value_codes), sheet_title=sheet_title)


def table_bytes(value_codes, filename):
    """The table in the format named by the file name's suffix."""
    if table_format(filename) == ".csv":
        return csv_bytes(value_codes)
    return xlsx_bytes(value_codes)
