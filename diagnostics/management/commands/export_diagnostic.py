import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diagnostics.management import diagnostic_by_slug
from diagnostics.transfer import export_diagnostic


class Command(BaseCommand):
    help = "Write a whole diagnostic (Value Codes, parties, participants, ratings, ...) to JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", required=True, help="path of the JSON file to write")

    def handle(self, slug, output, **options):
        diagnostic = diagnostic_by_slug(slug)
        path = Path(output)
        try:
            path.write_text(json.dumps(export_diagnostic(diagnostic), ensure_ascii=False, indent=1))
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from exc
        self.stdout.write(f"Exported {slug} to {path}")
