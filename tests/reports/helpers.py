from io import BytesIO
from pathlib import Path

from django.conf import settings
from pypdf import PdfReader

from diagnostics.models import DiagnosticMember, Round

from ..analysis.helpers import sample_diagnostic
from ..factories import MemberFactory, UserFactory


def pdf_text(pdf):
    """The PDF's text with whitespace collapsed, so wrapped lines still match."""
    if isinstance(pdf, (str, Path)):
        pdf = Path(pdf).read_bytes()
    reader = PdfReader(BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def report_file(report):
    return Path(settings.MEDIA_ROOT) / report.file_path


def sample_with_members(sample_data, slug="sample"):
    diagnostic = sample_diagnostic(sample_data, slug=slug)
    facilitator = MemberFactory(diagnostic=diagnostic).user
    sponsor = MemberFactory(
        diagnostic=diagnostic, user=UserFactory(), role=DiagnosticMember.SPONSOR
    ).user
    return diagnostic, Round.objects.get(diagnostic=diagnostic, number=1), facilitator, sponsor
