"""The round a page, command or file is about is chosen in one place (diagnostics.rounds)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from diagnostics import rounds
from participation.progress import diagnostic_progress
from results.analysis import analyse

from ..factories import DiagnosticFactory, MemberFactory, RoundFactory

pytestmark = pytest.mark.django_db


def closed(diagnostic, number):
    return RoundFactory(diagnostic=diagnostic, number=number, closed_at=timezone.now())


def test_without_rounds_nothing_is_shown_and_nothing_can_be_chosen():
    diagnostic = DiagnosticFactory()
    assert rounds.open_round_of(diagnostic) is None
    assert rounds.round_to_show(diagnostic) is None
    with pytest.raises(rounds.NoRound, match="has no round yet"):
        rounds.chosen_round(diagnostic)


def test_an_open_round_after_closed_ones_is_the_one_shown_and_rated():
    diagnostic = DiagnosticFactory()
    closed(diagnostic, 1)
    closed(diagnostic, 2)
    third = RoundFactory(diagnostic=diagnostic, number=3)
    assert rounds.open_round_of(diagnostic) == third
    assert rounds.round_to_show(diagnostic) == third
    assert rounds.chosen_round(diagnostic) == third
    assert rounds.previous_round(third).number == 2


def test_when_every_round_is_closed_the_latest_is_shown_and_none_is_rated():
    diagnostic = DiagnosticFactory()
    closed(diagnostic, 1)
    second = closed(diagnostic, 2)
    assert rounds.open_round_of(diagnostic) is None
    assert rounds.round_to_show(diagnostic) == second
    assert rounds.chosen_round(diagnostic) == second


def test_the_open_round_is_shown_even_beside_a_higher_closed_one():
    """Rounds open in order, so this cannot happen through the app; if data ever says so,
    the round people can still rate wins over the latest number."""
    diagnostic = DiagnosticFactory()
    first = RoundFactory(diagnostic=diagnostic, number=1)
    closed(diagnostic, 2)
    assert rounds.round_to_show(diagnostic) == first


def test_a_chosen_number_is_that_round_open_or_closed():
    diagnostic = DiagnosticFactory()
    first = closed(diagnostic, 1)
    RoundFactory(diagnostic=diagnostic, number=2)
    assert rounds.chosen_round(diagnostic, 1) == first
    assert rounds.round_numbered(diagnostic, 1) == first


def test_a_number_that_names_no_round_is_refused_as_a_404():
    diagnostic = DiagnosticFactory(slug="harbour")
    RoundFactory(diagnostic=diagnostic, number=1)
    with pytest.raises(Http404, match="harbour has no round 7"):
        rounds.chosen_round(diagnostic, 7)


def test_every_surface_defaults_to_the_same_round():
    diagnostic = DiagnosticFactory()
    closed(diagnostic, 1)
    RoundFactory(diagnostic=diagnostic, number=2)
    assert analyse(diagnostic)["round"] == 2
    assert diagnostic_progress(diagnostic=diagnostic).round.number == 2
    out = io.StringIO()
    call_command("analyse", diagnostic.slug, stdout=out)
    assert '"round": 2' in out.getvalue()


def test_the_dashboard_answers_404_for_a_round_that_does_not_exist(client):
    diagnostic = DiagnosticFactory()
    RoundFactory(diagnostic=diagnostic, number=1)
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    url = reverse("results:dashboard", args=[diagnostic.slug])
    assert client.get(url + "?round=7").status_code == 404
    assert client.get(url + "?round=x").status_code == 200  # nonsense: the default round
    assert "Results: round 1" in client.get(url).content.decode()


def test_the_dashboard_of_a_diagnostic_without_rounds_still_opens(client):
    diagnostic = DiagnosticFactory()
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    response = client.get(reverse("results:dashboard", args=[diagnostic.slug]))
    assert response.status_code == 200


def test_the_raw_ratings_export_of_a_round_that_does_not_exist_is_404(client):
    diagnostic = DiagnosticFactory()
    closed(diagnostic, 1)
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    response = client.get(reverse("exports:ratings_csv", args=[diagnostic.slug]) + "?round=7")
    assert response.status_code == 404


@pytest.mark.parametrize("command", ["analyse", "render_report"])
def test_commands_name_the_missing_round(command, tmp_path):
    diagnostic = DiagnosticFactory(slug="harbour")
    RoundFactory(diagnostic=diagnostic, number=1)
    extra = ["--output", str(tmp_path / "out.pdf")] if command == "render_report" else []
    with pytest.raises(CommandError, match="harbour has no round 7"):
        call_command(command, "harbour", "--round", "7", *extra, stdout=io.StringIO())


def test_closing_by_command_needs_an_open_round():
    diagnostic = DiagnosticFactory(slug="harbour")
    closed(diagnostic, 1)
    with pytest.raises(CommandError, match="no open round"):
        call_command("close_round", "harbour", stdout=io.StringIO(), stderr=io.StringIO())
