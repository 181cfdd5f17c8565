"""Building Value Code tables for tests."""

import csv
import io

from openpyxl import Workbook

from valuecodes.tables import COLUMNS


def table_row(identifier, section="Trust", help_text=""):
    return [
        section,
        identifier,
        f"The extent to which {identifier} holds",
        *(f"{identifier} level {level}" for level in range(1, 6)),
        help_text,
    ]


def csv_table(rows, header=COLUMNS, encoding="utf-8"):
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(rows)
    return stream.getvalue().encode(encoding)


def xlsx_table(rows, header=COLUMNS):
    workbook = Workbook()
    sheet = workbook.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
