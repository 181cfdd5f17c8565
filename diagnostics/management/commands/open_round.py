from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from diagnostics import services
from diagnostics.management import diagnostic_by_slug


class Command(BaseCommand):
    help = "Open a diagnostic's next round (refused while one is open); print its number."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, slug, **options):
        diagnostic = diagnostic_by_slug(slug)
        try:
            round_ = services.open_round(diagnostic=diagnostic)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"{round_} of {diagnostic.name} is open.")
        self.stdout.write(str(round_.number))
