import json

from django.core.management.base import BaseCommand

from diagnostics.management import diagnostic_by_slug, round_for_command
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
            help="default: the open round, else the latest",
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, slug, round_number, format, **options):
        diagnostic = diagnostic_by_slug(slug)
        round_ = round_for_command(diagnostic, round_number)
        result = analysis.analyse(diagnostic, round_.number)
        if format == "csv":
            writer = csv_writer(self.stdout, lineterminator="\n")
            writer.writerow(analysis.CSV_COLUMNS)
            writer.writerows(analysis.csv_rows(result))
        else:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
