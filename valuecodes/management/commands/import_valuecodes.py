"""`python manage.py import_valuecodes PATH --library NAME` (PRODUCT.md 6)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from valuecodes.services import import_into_named_library
from valuecodes.tables import TableError, read_table_file


class Command(BaseCommand):
    help = (
        "Import a Value Code table (.csv or .xlsx) into a library, creating the library if "
        "needed. Value Codes with an identifier already in the library are updated; the others "
        "are added. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .csv or .xlsx file")
        parser.add_argument("--library", required=True, help="the library's name")

    def handle(self, *args, path, library, **options):
        if not library.strip():
            raise CommandError("--library needs a name.")
        try:
            rows = read_table_file(path)
            result = import_into_named_library(name=library, rows=rows)
        except TableError as error:
            raise CommandError(
                f"{path} was not imported:\n" + "\n".join(f"  {m}" for m in error.messages)
            ) from None
        except ValidationError as error:
            raise CommandError(f"{path} was not imported: {'; '.join(error.messages)}") from None
        self.stdout.write(
            f"Imported {path} into “{result.library.name}”: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged."
        )
