from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from diagnostics import rounds, services
from diagnostics.management import diagnostic_by_slug


class Command(BaseCommand):
    help = "Close a diagnostic's open round (its ratings become read-only); print its number."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, slug, **options):
        diagnostic = diagnostic_by_slug(slug)
        round_ = rounds.open_round_of(diagnostic)
        if round_ is None:
            raise CommandError(f"{slug} has no open round to close.")
        try:
            services.close_round(round=round_)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"{round_} of {diagnostic.name} is closed.")
        self.stdout.write(str(round_.number))
