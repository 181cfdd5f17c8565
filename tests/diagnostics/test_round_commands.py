"""close_round and open_round (PRODUCT.md 6): the hub's services, from the command line."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ..factories import DiagnosticFactory, RoundFactory

pytestmark = pytest.mark.django_db


def run(name, *args):
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()[-1], err.getvalue()


def test_close_round_closes_the_open_round_and_prints_its_number():
    diagnostic = DiagnosticFactory(slug="acme")
    round_ = RoundFactory(diagnostic=diagnostic, number=1)
    last_line, _ = run("close_round", "acme")
    assert last_line == "1"
    round_.refresh_from_db()
    assert not round_.is_open


def test_open_round_opens_the_next_round_and_prints_its_number():
    diagnostic = DiagnosticFactory(slug="acme")
    RoundFactory(diagnostic=diagnostic, number=1)
    run("close_round", "acme")
    last_line, _ = run("open_round", "acme")
    assert last_line == "2"
    assert diagnostic.rounds.get(number=2).is_open


def test_close_round_without_an_open_round_is_refused():
    diagnostic = DiagnosticFactory(slug="acme")
    RoundFactory(diagnostic=diagnostic, number=1)
    run("close_round", "acme")
    with pytest.raises(CommandError, match="no open round"):
        run("close_round", "acme")


def test_open_round_while_one_is_open_is_refused():
    diagnostic = DiagnosticFactory(slug="acme")
    RoundFactory(diagnostic=diagnostic, number=1)
    with pytest.raises(CommandError, match="Close the open round"):
        run("open_round", "acme")
    assert diagnostic.rounds.count() == 1


@pytest.mark.parametrize("command", ["close_round", "open_round"])
def test_an_unknown_diagnostic_is_refused(command):
    with pytest.raises(CommandError, match="No diagnostic"):
        run(command, "nope")
