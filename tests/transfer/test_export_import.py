import io
import json

import pytest
from django.core.management import CommandError, call_command

from diagnostics import assignment
from diagnostics.models import (
    AgreedTarget,
    Diagnostic,
    DiagnosticMember,
    Rating,
    Round,
    ThingThatMatters,
    TradeOffLink,
)
from diagnostics.transfer import export_diagnostic

from ..analysis.helpers import sample_diagnostic
from ..factories import MemberFactory

pytestmark = pytest.mark.django_db


def analyse_json(slug, *args):
    out = io.StringIO()
    call_command("analyse", slug, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def rich_diagnostic(sample_data):
    diagnostic = sample_diagnostic(sample_data)
    MemberFactory(diagnostic=diagnostic, user__username="fran")
    MemberFactory(diagnostic=diagnostic, user__username="sue", role=DiagnosticMember.SPONSOR)
    thing = ThingThatMatters.objects.create(
        diagnostic=diagnostic, title="Résoudre le différend", kind="issue", direction="away"
    )
    thing.parties.set(diagnostic.parties.all())
    thing.value_codes.set(diagnostic.value_codes.all()[:2])
    target = AgreedTarget.objects.create(
        round=Round.objects.get(diagnostic=diagnostic),
        value_code=diagnostic.value_codes.first(),
        level=4,
        trade_off="If we focus on reliability, speed may suffer for a while",
        owner="Both leads",
        due_date="2027-03-31",
    )
    party = diagnostic.parties.first()
    assignment.set_asked(
        diagnostic=diagnostic,
        party=party,
        sections=[diagnostic.value_codes.first().section],
        value_codes=[diagnostic.value_codes.last()],
    )
    assignment.set_asked(
        diagnostic=diagnostic,
        participant=diagnostic.participants.filter(party=party).first(),
        sections=[],
        value_codes=[diagnostic.value_codes.all()[1]],
    )
    TradeOffLink.objects.create(
        agreed_target=target,
        value_code=diagnostic.value_codes.order_by("position")[1],
        direction="hold",
        review_round=2,
    )
    return diagnostic


def test_export_then_import_elsewhere_gives_the_same_analysis(rich_diagnostic, tmp_path):
    before = analyse_json("sample")
    path = tmp_path / "sample.json"
    call_command("export_diagnostic", "sample", "--output", str(path), stdout=io.StringIO())
    exported = json.loads(path.read_text())
    Diagnostic.objects.filter(slug="sample").delete()

    out = io.StringIO()
    call_command("import_diagnostic", str(path), stdout=out)

    assert out.getvalue().strip() == "sample"
    assert analyse_json("sample") == before
    imported = Diagnostic.objects.get(slug="sample")
    assert imported.memberships.count() == 2
    assert export_diagnostic(imported) == exported
    assert exported["agreed_targets"][0]["trade_off_links"] == [
        {"value_code": "Credibility", "direction": "hold", "review_round": 2}
    ]


def test_import_refuses_an_existing_slug_and_writes_nothing(rich_diagnostic, tmp_path):
    path = tmp_path / "sample.json"
    call_command("export_diagnostic", "sample", "--output", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("import_diagnostic", str(path))
    assert Diagnostic.objects.count() == 1


def test_a_broken_file_imports_nothing(rich_diagnostic, tmp_path):
    path = tmp_path / "sample.json"
    call_command("export_diagnostic", "sample", "--output", str(path), stdout=io.StringIO())
    data = json.loads(path.read_text())
    Diagnostic.objects.all().delete()
    data["ratings"][-1]["value_code"] = "No such code"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="incomplete or malformed"):
        call_command("import_diagnostic", str(path))
    assert not Diagnostic.objects.exists()


def test_import_refuses_files_that_are_not_exports(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(CommandError, match="not a ttm diagnostic export"):
        call_command("import_diagnostic", str(path))
    path.write_text("not json")
    with pytest.raises(CommandError, match="not a JSON file"):
        call_command("import_diagnostic", str(path))


def test_members_without_a_user_here_are_reported_not_fatal(rich_diagnostic, tmp_path):
    path = tmp_path / "sample.json"
    call_command("export_diagnostic", "sample", "--output", str(path), stdout=io.StringIO())
    Diagnostic.objects.all().delete()
    data = json.loads(path.read_text())
    data["members"].append({"username": "ghost", "role": "sponsor"})
    path.write_text(json.dumps(data))
    err = io.StringIO()
    call_command("import_diagnostic", str(path), stdout=io.StringIO(), stderr=err)
    assert "No user 'ghost' here" in err.getvalue()


def test_a_file_from_before_invitations_makes_its_links_invitations(rich_diagnostic, tmp_path):
    """Its one token per person was on the facilitators' screen: it must not stay a way in."""
    data = export_diagnostic(rich_diagnostic)
    for person in data["participants"]:
        for key in ("invitation_token", "invitation_used_at", "respondent_code"):
            del person[key]
    old_tokens = {p["label"]: p["token"] for p in data["participants"]}
    Diagnostic.objects.filter(slug="sample").delete()
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    call_command("import_diagnostic", str(path), stdout=io.StringIO())
    imported = Diagnostic.objects.get(slug="sample").participants.all()
    raters = set(Rating.objects.values_list("participant__label", flat=True))
    assert raters
    for person in imported:
        assert person.invitation_token == old_tokens[person.label]
        assert person.token != old_tokens[person.label]
        assert person.invitation_used == (person.label in raters)


@pytest.mark.parametrize("level", [7, "3", True])
def test_a_level_outside_1_to_5_in_a_file_is_named_and_imports_nothing(
    rich_diagnostic, tmp_path, level
):
    path = tmp_path / "sample.json"
    call_command("export_diagnostic", "sample", "--output", str(path), stdout=io.StringIO())
    data = json.loads(path.read_text())
    Diagnostic.objects.all().delete()
    data["ratings"][0]["current"] = level
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="A level is 1 to 5"):
        call_command("import_diagnostic", str(path))
    assert not Diagnostic.objects.exists()
