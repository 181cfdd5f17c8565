"""The "Do we understand each other?" page: who misreads whom, a matrix of understanding scores,
and what matters to whom, with the figures of the analysis (PRODUCT.md 10)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import DiagnosticMember
from results.analysis import analyse

from ..factories import MemberFactory
from .test_figures import DK, World, two_parties

pytestmark = pytest.mark.django_db


def _page(client, world, role=DiagnosticMember.FACILITATOR):
    member = MemberFactory(diagnostic=world.diagnostic, role=role)
    client.force_login(member.user)
    response = client.get(reverse("results:understanding", args=[world.diagnostic.slug]))
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", " ", response.content.decode())  # the words, as read
    return " ".join(text.split())


def test_misreadings_read_as_sentences_largest_first(client):
    world = two_parties(asks_estimates=True, asks_importance=True)
    page = _page(client, world, role=DiagnosticMember.SPONSOR)
    # Contractor of Council: Transparency (1.8333) before Reliability (-0.5).
    first = "Contractor thinks Council rates Transparency 3.5; Council rates it 1.7."
    second = "Contractor thinks Council rates Reliability 2.5; Council rates it 3.0."
    assert first in page and second in page
    assert page.index(first) < page.index(second)
    assert "Council thinks Contractor rates Transparency 3.0; Contractor rates it 3.5." in page


def test_the_matrix_shows_the_scores_of_the_analysis_rounded_once(client):
    world = two_parties(asks_estimates=True)
    scores = analyse(world.diagnostic)["understanding"]
    page = _page(client, world)
    assert f"{scores['Council']['Contractor']['score']:.1f} (1 Value Code)" in page
    assert f"{scores['Contractor']['Council']['score']:.1f} (2 Value Codes)" in page


def test_importance_side_by_side_says_what_matters_to_whom(client):
    page = _page(client, two_parties(asks_importance=True))
    assert "matters to Council, not to Contractor" in page
    assert "Council thinks" not in page  # estimates are not asked


def test_a_diagnostic_asking_neither_question_says_so(client):
    page = _page(client, two_parties())
    assert "does not ask partners where the other side would say we are" in page


def _world_of(size):
    codes = [f"Code {i}" for i in range(size)]
    world = World(["Council", "Contractor"], codes, asks_estimates=True, asks_importance=True)
    for code in codes:
        for i, current in enumerate([2, 3]):
            world.rate(f"c{i}", "Council", code, current, importance=4, Contractor=4)
            world.rate(f"k{i}", "Contractor", code, current + 1, importance=DK, Council=3)
    return world


def test_the_page_costs_the_same_queries_for_2_and_20_value_codes(client):
    counts = []
    for size in (2, 20):
        world = _world_of(size)
        member = MemberFactory(diagnostic=world.diagnostic)
        client.force_login(member.user)
        url = reverse("results:understanding", args=[world.diagnostic.slug])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
