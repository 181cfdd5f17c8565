"""`python manage.py export_valuecodes --library NAME --output PATH` (PRODUCT.md 6)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from valuecodes.models import Library
from valuecodes.selectors import library_value_codes
from valuecodes.tables import TableError, table_bytes, table_format


class Command(BaseCommand):
    help = "Export a library as a Value Code table; .csv or .xlsx by the output's suffix."

    def add_arguments(self, parser):
        parser.add_argument("--library", required=True, help="the library's name")
        parser.add_argument("--output", required=True, help="the .csv or .xlsx file to write")

    def handle(self, *args, library, output, **options):
        output = Path(output)
        try:
            table_format(output.name)
        except TableError as error:
            raise CommandError(f"{error.messages[0]} Use --output NAME.csv or NAME.xlsx.") from None
        found = Library.objects.filter(name=library.strip()).first()
        if found is None:
            raise CommandError(f"There is no library called “{library}”.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        value_codes = list(library_value_codes(found))
        content = table_bytes(value_codes, output.name)
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror}.") from None
        self.stdout.write(f"Exported {len(value_codes)} Value Codes of “{found.name}” to {output}.")
