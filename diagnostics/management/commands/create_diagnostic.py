"""`create_diagnostic NAME --library NAME --party P1 --party P2 [--anonymity-threshold K]
[--priority-basis weight|importance]` (PRODUCT.md 6): copies all of the library's Value Codes,
opens round 1, prints the slug last. Priority by importance asks partners for importance."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from diagnostics import services
from diagnostics.models import PRIORITY_BASES, PRIORITY_BY_WEIGHT
from valuecodes.models import Library
from valuecodes.selectors import libraries_value_codes


class Command(BaseCommand):
    help = "Create a diagnostic from a library; prints its slug as the last line."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--library", required=True, help="name of the library to copy")
        parser.add_argument(
            "--party", action="append", default=[], dest="parties", help="repeat for each party"
        )
        parser.add_argument("--anonymity-threshold", default="3", dest="threshold")
        parser.add_argument(
            "--priority-basis",
            default=PRIORITY_BY_WEIGHT,
            choices=[basis for basis, _ in PRIORITY_BASES],
            help="what a Value Code's priority is made of (default: weight)",
        )

    def handle(self, *args, name, library, parties, threshold, priority_basis, **options):
        found = Library.objects.filter(name=library).first()
        if found is None:
            raise CommandError(f"No library named {library!r}.")
        try:
            diagnostic = services.create_diagnostic(
                name=name,
                parties=parties,
                value_codes=libraries_value_codes([found]),
                anonymity_threshold=threshold,
                priority_basis=priority_basis,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        count = diagnostic.value_codes.count()
        self.stdout.write(f"Created {diagnostic.name} with {count} Value Codes; round 1 is open.")
        self.stdout.write(diagnostic.slug)
