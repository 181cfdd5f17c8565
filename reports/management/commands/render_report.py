import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from diagnostics.management import diagnostic_by_slug
from diagnostics.models import Round
from reports import rendering
from reports.models import Report
from ttm import parsing


class Command(BaseCommand):
    help = "Render a diagnostic's business-case PDF synchronously, through the worker's code."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", required=True, help="where to write the PDF")
        parser.add_argument(
            "--round",
            type=parsing.argument_type(parsing.round_number),
            dest="round_number",
            help="default: the latest",
        )

    def handle(self, slug, output, round_number, **options):
        diagnostic = diagnostic_by_slug(slug)
        rounds = Round.objects.filter(diagnostic=diagnostic)
        round_ = (
            rounds.filter(number=round_number).first()
            if round_number
            else rounds.order_by("-number").first()
        )
        if round_ is None:
            raise CommandError(f"{slug} has no round {round_number or ''}".strip())
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"Cannot write {output}: {target.parent} is not a directory")
        report = Report.objects.create(
            kind=Report.BUSINESS_CASE, diagnostic=diagnostic, round=round_, step="Command line"
        )
        try:
            rendering.render(report)
        except Exception as exc:
            rendering.mark_failed(report.pk, f"{type(exc).__name__}: {exc}")
            raise CommandError(f"Rendering failed: {exc}") from exc
        try:
            shutil.copyfile(Path(settings.MEDIA_ROOT) / report.file_path, target)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from exc
        self.stdout.write(f"Wrote {target} ({report.size} bytes, round {round_.number})")
