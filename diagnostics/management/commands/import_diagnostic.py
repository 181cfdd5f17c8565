import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diagnostics.transfer import TransferError, import_diagnostic


class Command(BaseCommand):
    help = "Import a diagnostic written by export_diagnostic; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path} is not a JSON file: {exc}") from exc
        try:
            diagnostic, notes = import_diagnostic(data)
        except TransferError as exc:
            raise CommandError(str(exc)) from exc
        for note in notes:
            self.stderr.write(note)
        self.stdout.write(diagnostic.slug)
