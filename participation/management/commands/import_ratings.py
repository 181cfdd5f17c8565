"""import_ratings SLUG PATH [--round N] (PRODUCT.md 6)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diagnostics.models import Diagnostic
from participation.ratings_file import MAX_FILE_BYTES, RatingsFileError, import_ratings
from ttm import parsing
from ttm.spreadsheets import megabytes


class Command(BaseCommand):
    help = (
        "Import a ratings CSV (participant,party,value_code,current,target,comment) into a "
        "diagnostic, all or nothing. Default: the open round. --round N may name a closed "
        "round too, so paper workshop results can be entered after the round closed."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--round",
            type=parsing.argument_type(parsing.round_number),
            dest="round_number",
            metavar="N",
        )

    def handle(self, *args, slug, path, round_number, **options):
        diagnostic = Diagnostic.objects.filter(slug=slug).first()
        if diagnostic is None:
            raise CommandError(f'No diagnostic "{slug}".')
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(
                    f"{path} is larger than {megabytes(MAX_FILE_BYTES)}; split it into parts."
                )
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            summary = import_ratings(diagnostic=diagnostic, raw=raw, round_number=round_number)
        except RatingsFileError as error:
            raise CommandError(f"{path} was not imported:\n" + "\n".join(error.messages)) from error
        self.stdout.write(
            f"Imported {summary.ratings} ratings into round {summary.round.number} of "
            f"{diagnostic.slug} ({summary.new_participants} new participants)."
        )
