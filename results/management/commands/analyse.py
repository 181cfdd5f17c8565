import json

from django.core.management.base import BaseCommand, CommandError

from diagnostics.management import diagnostic_by_slug
from results import analysis
from ttm import parsing
from ttm.spreadsheets import csv_writer


class Command(BaseCommand):
    help = "Print the analysis of a diagnostic's round as JSON (PRODUCT.md 6) or CSV."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--round",
            type=parsing.argument_type(parsing.round_number),
            dest="round_number",
            help="default: the latest",
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, slug, round_number, format, **options):
        diagnostic = diagnostic_by_slug(slug)
        try:
            result = analysis.analyse(diagnostic, round_number)
        except analysis.NoRound as exc:
            raise CommandError(str(exc)) from exc
        if format == "csv":
            writer = csv_writer(self.stdout, lineterminator="\n")
            writer.writerow(analysis.CSV_COLUMNS)
            writer.writerows(analysis.csv_rows(result))
        else:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
