from io import StringIO

import pytest

from diagnostics.models import Diagnostic, Rating
from hub.demo import DEMO_SLUG, load_demo
from participation.progress import diagnostic_progress
from results.analysis import analyse
from valuecodes.models import Library

from ..factories import FacilitatorFactory
from .builders import make_library

pytestmark = pytest.mark.django_db


def test_without_the_starter_library_the_demo_is_skipped_with_a_note(tmp_path):
    Library.objects.filter(name="Starter library").delete()
    out = StringIO()
    assert load_demo(stdout=out, login_file=tmp_path / "login") is None
    assert "no library named 'Starter library'" in out.getvalue()
    assert not Diagnostic.objects.exists()


def test_the_demo_loads_once_with_ratings_people_and_a_sponsor(tmp_path):
    make_library("Starter library", sections=(("Trust", 3), ("Delivery", 3)))
    FacilitatorFactory(username="facilitator")
    out = StringIO()
    diagnostic = load_demo(stdout=out, login_file=tmp_path / "login")
    password = (tmp_path / "login").read_text().strip()
    assert f"password: {password}" in out.getvalue()
    assert diagnostic.slug == DEMO_SLUG
    roles = dict(diagnostic.memberships.values_list("user__username", "role"))
    assert roles == {"facilitator": "facilitator", "sponsor": "sponsor"}
    assert diagnostic.participants.count() == 12
    assert diagnostic.things_that_matter.count() == 2
    ratings = Rating.objects.filter(round__diagnostic=diagnostic)
    assert ratings.filter(current_level__isnull=True).exists()  # some don't-knows
    assert ratings.exclude(comment="").exists()
    progress = diagnostic_progress(diagnostic=diagnostic)
    assert [(p.invited, p.completed) for p in progress.parties] == [(6, 5), (6, 5)]

    count = ratings.count()
    again = load_demo(stdout=StringIO(), login_file=tmp_path / "login")
    assert again == diagnostic
    assert Diagnostic.objects.count() == 1 and ratings.count() == count
    assert (tmp_path / "login").read_text().strip() == password


def test_the_demo_asks_mutual_understanding_and_shows_who_misreads_whom(tmp_path):
    make_library("Starter library", sections=(("Trust", 3), ("Delivery", 3)))
    FacilitatorFactory(username="facilitator")
    diagnostic = load_demo(stdout=StringIO(), login_file=tmp_path / "login")
    assert diagnostic.asks_estimates and diagnostic.asks_importance
    result = analyse(diagnostic)
    council_of_contractor = result["understanding"]["Council"]["Contractor"]
    assert council_of_contractor is not None and council_of_contractor["score"] < 100
    assert any(vc["importance_gap"] for vc in result["value_codes"])


def test_the_demo_runs_two_rounds_from_give_and_take_to_reviewed_trade_offs(tmp_path):
    from results.relationship import relationship_trend
    from results.trade_offs import links_reviewed_in, review

    make_library("Starter library", sections=(("Trust", 3), ("Delivery", 3)))
    FacilitatorFactory(username="facilitator")
    diagnostic = load_demo(stdout=StringIO(), login_file=tmp_path / "login")
    first, second = diagnostic.rounds.order_by("number")
    assert first.closed_at is not None and second.closed_at is None
    assert diagnostic.asks_stance and diagnostic.asks_pulse
    result = analyse(diagnostic, round_number=1)
    assert result["pulse"]["Council"]["Contractor"]["score"] is not None
    assert any(vc["stance"]["Council"]["n_take"] for vc in result["value_codes"])
    targets = first.agreed_targets.all()
    assert len(targets) == 2 and all(t.owner and t.due_date for t in targets)
    reviews = review(diagnostic, links_reviewed_in(second))
    assert len(reviews) == 2 and all(r.held for r in reviews)
    trend = relationship_trend(diagnostic, second)
    assert trend.has_trend and "between round 1 and round 2" in trend.sentence
