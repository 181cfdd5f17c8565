from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from diagnostics.models import Diagnostic

from .builders import make_library

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("create_diagnostic", *args, stdout=out)
    return out.getvalue()


def test_creates_the_diagnostic_and_prints_its_slug_last():
    make_library("Starter library")
    output = _run(
        "Buyer and supplier",
        "--library",
        "Starter library",
        "--party",
        "Buyer",
        "--party",
        "Supplier",
        "--anonymity-threshold",
        "2",
    )
    slug = output.strip().splitlines()[-1]
    diagnostic = Diagnostic.objects.get(slug=slug)
    assert slug == "buyer-and-supplier"
    assert diagnostic.anonymity_threshold == 2
    assert list(diagnostic.parties.values_list("name", flat=True)) == ["Buyer", "Supplier"]
    assert list(diagnostic.value_codes.values_list("identifier", flat=True)) == [
        "Sta-Trust-0",
        "Sta-Trust-1",
        "Sta-Delivery-0",
        "Sta-Delivery-1",
    ]
    assert diagnostic.rounds.get().is_open


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--library", "Nope", "--party", "A", "--party", "B"], "No library named 'Nope'"),
        (["--library", "L", "--party", "A"], "at least two parties"),
        (["--library", "L", "--party", "A", "--party", "A"], "must differ"),
        (
            ["--library", "L", "--party", "A", "--party", "B", "--anonymity-threshold", "0"],
            "at least 1",
        ),
    ],
)
def test_errors_are_refused_with_a_clear_message(args, message):
    make_library("L")
    with pytest.raises(CommandError, match=message):
        _run("X", *args)
    assert not Diagnostic.objects.exists()


def test_the_command_line_exits_non_zero_with_the_message_on_stderr(capsys):
    argv = ["manage.py", "create_diagnostic", "X", "--library", "Missing", "--party", "A"]
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line([*argv, "--party", "B"])
    assert exit_info.value.code != 0
    captured = capsys.readouterr()
    assert "No library named 'Missing'" in captured.err
    assert captured.out == ""
