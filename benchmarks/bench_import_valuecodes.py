"""Importing a generated 1,000-row Value Code table (target: under 5 s), in a throwaway
test database so `make bench` never touches the real one."""

import csv
import io
import time

from django.test.utils import setup_databases, teardown_databases

ROWS = 1000
TARGET_SECONDS = 5.0


def generated_table(rows=ROWS, sections=20):
    from valuecodes.tables import COLUMNS

    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for n in range(rows):
        identifier = f"Value Code {n:04d}"
        writer.writerow(
            [
                f"Section {n % sections:02d}",
                identifier,
                f"The extent to which {identifier} is looked after, with commas, and “quotes”",
                *(
                    f"{identifier}: level {level} statement,\nover two lines"
                    for level in range(1, 6)
                ),
                "Some help text" if n % 3 else "",
            ]
        )
    return stream.getvalue().encode("utf-8")


def run():
    from valuecodes import services
    from valuecodes.tables import read_table

    content = generated_table()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        lines = []
        for label in ("into a new library", "again (all unchanged)"):
            started = time.perf_counter()
            rows = read_table(content, "bench.csv")
            parsed = time.perf_counter()
            result = services.import_into_named_library(name="Benchmark", rows=rows)
            finished = time.perf_counter()
            total = finished - started
            lines.append(
                f"{ROWS} rows {label}: {total:.2f} s (read {parsed - started:.2f} s, "
                f"import {finished - parsed:.2f} s; {result.created} created, "
                f"{result.unchanged} unchanged) "
                + ("OK" if total < TARGET_SECONDS else f"SLOWER than {TARGET_SECONDS:.0f} s")
            )
        return lines
    finally:
        teardown_databases(old_config, verbosity=0)
