"""A diagnostic that asks mutual understanding's questions moves to another installation with
its answers, its published copy of them and its wordings (PRODUCT.md 6)."""

import io
import json

import pytest
from django.core.management import call_command

from diagnostics.models import Diagnostic, DiagnosticPerspectiveWording
from diagnostics.transfer import TransferError, import_diagnostic

from .test_figures import two_parties
from .test_steps_of_k import answer

pytestmark = pytest.mark.django_db


def _analyse(slug):
    out = io.StringIO()
    call_command("analyse", slug, stdout=out)
    return json.loads(out.getvalue())


def _move(slug, tmp_path):
    path = tmp_path / "moved.json"
    call_command("export_diagnostic", slug, "--output", str(path), stdout=io.StringIO())
    Diagnostic.objects.filter(slug=slug).delete()
    call_command("import_diagnostic", str(path), stdout=io.StringIO())
    return json.loads(path.read_text())


def test_a_closed_round_gives_the_same_analysis_after_the_move(tmp_path):
    built = two_parties(asks_estimates=True, asks_importance=True, priority_basis="importance")
    slug = built.diagnostic.slug
    DiagnosticPerspectiveWording.objects.create(
        value_code=built.codes["Transparency"],
        perspective="Contractor",
        description="How we report",
    )
    before = _analyse(slug)
    _move(slug, tmp_path)
    assert _analyse(slug) == before
    moved = Diagnostic.objects.get(slug=slug)
    assert (moved.asks_estimates, moved.priority_basis) == (True, "importance")
    assert DiagnosticPerspectiveWording.objects.get().description == "How we report"


def test_an_open_round_keeps_its_published_estimates_after_the_move(world, tmp_path):
    diagnostic, code, people, contractor = world
    for label in ("c1", "c2"):
        answer(people[label], code, current=2, importance=4, estimate=3, about=contractor)
    for label in ("k1", "k2"):
        answer(people[label], code, current=4)
    _analyse(diagnostic.slug)
    answer(people["c1"], code, estimate=5, about=contractor)  # waiting for K
    before = _analyse(diagnostic.slug)
    data = _move(diagnostic.slug, tmp_path)
    assert len(data["published_estimates"]) == 2
    assert _analyse(diagnostic.slug)["value_codes"] == before["value_codes"]


def test_an_estimate_of_ones_own_party_in_a_file_is_refused(tmp_path):
    built = two_parties(asks_estimates=True)
    slug = built.diagnostic.slug
    path = tmp_path / "moved.json"
    call_command("export_diagnostic", slug, "--output", str(path), stdout=io.StringIO())
    data = json.loads(path.read_text())
    data["estimates"][0]["about"] = "Council"  # c1 is of the Council
    Diagnostic.objects.filter(slug=slug).delete()
    with pytest.raises(TransferError, match="estimates their own party"):
        import_diagnostic(data)
