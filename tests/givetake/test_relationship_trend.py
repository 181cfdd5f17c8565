"""The relationship as its own KPI (PRODUCT.md 10, relationship over rounds): alignment, the
understanding scores and the pulse round by round, computed by hand for two rounds, the same
numbers as each round's JSON, on the dashboard and in the business case."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import now

from diagnostics.models import Estimate, Pulse, Rating
from reports.business_case import gather, to_html
from reports.pdf import html_to_pdf
from results import charts
from results.relationship import relationship_trend

from ..analysis.helpers import realistic_diagnostic
from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    MemberFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)
from ..reports.helpers import pdf_text

pytestmark = pytest.mark.django_db

SENTENCE = (
    "Alignment rose from 50.0 to 75.0 between round 1 and round 2; "
    "Council understands Contractor better (75.0 → 100.0), "
    "Contractor understands Council less well (100.0 → 50.0), "
    "Council's pulse about Contractor fell from 100.0 to 0.0, "
    "nothing comparable for Contractor's pulse about Council (no figure in round 1)."
)


class TwoRounds:
    """Council and Contractor, two people each, one Value Code (Transparency), K 2, mutual
    understanding's estimates and the pulse asked."""

    def __init__(self):
        self.diagnostic = DiagnosticFactory(
            anonymity_threshold=2, asks_estimates=True, asks_pulse=True
        )
        self.council = PartyFactory(diagnostic=self.diagnostic, name="Council", position=0)
        self.contractor = PartyFactory(diagnostic=self.diagnostic, name="Contractor", position=1)
        self.code = DiagnosticValueCodeFactory(
            diagnostic=self.diagnostic, identifier="Transparency"
        )
        self.people = {
            party: [ParticipantFactory(party=party) for _ in range(2)]
            for party in (self.council, self.contractor)
        }

    def round(self, number, *, council, contractor, council_reads, contractor_reads, pulses):
        """A closed round: each party's currents, its estimates of the other, pulses by party."""
        round_ = RoundFactory(diagnostic=self.diagnostic, number=number, closed_at=now())
        for party, currents, estimates, other in (
            (self.council, council, council_reads, self.contractor),
            (self.contractor, contractor, contractor_reads, self.council),
        ):
            for person, current, estimate in zip(
                self.people[party], currents, estimates, strict=True
            ):
                Rating.objects.create(
                    round=round_,
                    participant=person,
                    value_code=self.code,
                    current_level=current,
                    target_level=5,
                    current_answered=True,
                    target_answered=True,
                )
                Estimate.objects.create(
                    round=round_,
                    participant=person,
                    value_code=self.code,
                    about_party=other,
                    level=estimate,
                )
            for person, score in zip(self.people[party], pulses[party.name], strict=False):
                Pulse.objects.create(
                    round=round_, participant=person, about_party=other, score=score
                )
        return round_


@pytest.fixture
def world():
    world = TwoRounds()
    # Round 1: Council at 2, Contractor at 4: perception gap 2, alignment 100 (1 - 2/4) = 50.
    # Council reads Contractor at 3 (misreading 1: 75), Contractor reads Council at 2 (0: 100).
    # Pulse: Council about Contractor 9, 10 (net 100); Contractor about Council one answer only.
    world.round(
        1,
        council=[2, 2],
        contractor=[4, 4],
        council_reads=[3, 3],
        contractor_reads=[2, 2],
        pulses={"Council": [9, 10], "Contractor": [5]},
    )
    # Round 2: Council at 3, Contractor at 4: gap 1, alignment 75. Council reads Contractor at 4
    # (100), Contractor reads Council at 1 (misreading 2: 50). Pulse: Council 9 and 3 (net 0),
    # Contractor 10 and 10 (net 100).
    world.second = world.round(
        2,
        council=[3, 3],
        contractor=[4, 4],
        council_reads=[4, 4],
        contractor_reads=[1, 1],
        pulses={"Council": [9, 3], "Contractor": [10, 10]},
    )
    return world


def values(trend):
    return {series.label: series.values for series in trend.series}


def test_two_rounds_computed_by_hand(world):
    trend = relationship_trend(world.diagnostic, world.second)
    assert trend.rounds == [1, 2]
    assert values(trend) == {
        "Alignment": [50.0, 75.0],
        "Council understands Contractor": [75.0, 100.0],
        "Contractor understands Council": [100.0, 50.0],
        "Council's pulse about Contractor": [100.0, 0.0],
        "Contractor's pulse about Council": [None, 100.0],
    }
    assert trend.sentence == SENTENCE


def test_the_trend_reads_the_same_numbers_as_each_rounds_json(client, world):
    client.force_login(MemberFactory(diagnostic=world.diagnostic).user)
    url = reverse("results:json", args=[world.diagnostic.slug])
    by_round = [client.get(url, {"round": n}).json() for n in (1, 2)]
    trend = relationship_trend(world.diagnostic, world.second)
    for series in trend.series:
        for result, value in zip(by_round, series.values, strict=True):
            if series.kind == "alignment":
                assert result["alignment"] == value
            else:
                entry = result[series.kind][series.party][series.other]
                assert (entry and entry["score"]) == value


def test_a_figure_hidden_in_either_round_is_not_compared(world):
    # Contractor's second person takes back their round 2 current: Contractor has one current
    # (below K 2), so round 2 has no perception gap, no alignment and nothing to misread.
    Rating.objects.filter(round=world.second, current_level=4).first().delete()
    trend = relationship_trend(world.diagnostic, world.second)
    assert values(trend)["Alignment"] == [50.0, None]
    assert values(trend)["Council understands Contractor"] == [75.0, None]
    assert trend.sentence.startswith(
        "Between round 1 and round 2: nothing comparable for alignment (no figure in round 2); "
        "nothing comparable for Council's understanding of Contractor (no figure in round 2), "
    )
    assert "rose from" not in trend.sentence.split("(no figure in round 2)")[0]


def test_equal_printed_values_read_unchanged(world):
    # Round 2's Council currents 3 and 3 become 2 and 2: the gap and alignment are round 1's.
    Rating.objects.filter(round=world.second, current_level=3).update(current_level=2)
    Estimate.objects.filter(round=world.second, level=1).update(level=2)
    sentence = relationship_trend(world.diagnostic, world.second).sentence
    assert sentence.startswith("Alignment unchanged at 50.0 between round 1 and round 2; ")
    assert "Council's understanding of Contractor" not in sentence
    assert "Contractor's understanding of Council unchanged at 100.0" in sentence


def test_one_round_shows_its_values_and_no_trend(client, world):
    first = world.diagnostic.rounds.get(number=1)
    trend = relationship_trend(world.diagnostic, first)
    assert not trend.has_trend
    assert trend.sentence == (
        "Round 1 is the first round: alignment 50.0, Council's understanding of Contractor "
        "75.0, Contractor's understanding of Council 100.0, Council's pulse about Contractor "
        "100.0, "
        "Contractor's pulse about Council –. How the relationship moves shows once a later "
        "round has figures."
    )
    client.force_login(MemberFactory(diagnostic=world.diagnostic).user)
    url = reverse("results:dashboard", args=[world.diagnostic.slug])
    html = client.get(url, {"round": 1}).content.decode()
    assert "The relationship over rounds" in html
    assert "Round 1 is the first round" in html
    assert "The relationship over rounds. " not in html  # no chart


def test_the_dashboard_shows_the_sentence_and_the_chart(client, world):
    client.force_login(MemberFactory(diagnostic=world.diagnostic).user)
    html = client.get(reverse("results:dashboard", args=[world.diagnostic.slug])).content.decode()
    assert SENTENCE.replace("'", "&#x27;") in html
    chart = charts.relationship_svg(
        relationship_trend(world.diagnostic, world.second), {"Council": "#112233"}
    )
    assert (
        'aria-label="The relationship over rounds. Alignment: round 1 50.0, round 2 75.0' in chart
    )
    assert "The relationship over rounds. Alignment: round 1 50.0, round 2 75.0" in html


def test_the_business_case_carries_the_sentence(world):
    html = to_html(gather(world.diagnostic, world.second))
    text = pdf_text(html_to_pdf(html))
    assert SENTENCE in text
    assert "The relationship over rounds" in text


def test_a_diagnostic_asking_nothing_of_it_has_no_trend(client):
    diagnostic = realistic_diagnostic(value_codes=3, people=(3, 3), slug="plain")
    trend = relationship_trend(diagnostic, diagnostic.rounds.get(number=2))
    assert trend.series == [] and trend.sentence == ""
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    html = client.get(reverse("results:dashboard", args=[diagnostic.slug])).content.decode()
    assert "The relationship over rounds" not in html


def test_dashboard_queries_with_the_trend_do_not_grow_with_value_codes_and_people(client):
    small = realistic_diagnostic(value_codes=3, people=(3, 3), slug="small", understanding=True)
    large = realistic_diagnostic(
        value_codes=20, people=(6, 5, 4), slug="large", seed=3, understanding=True
    )
    counts = []
    for diagnostic in (small, large):
        client.force_login(MemberFactory(diagnostic=diagnostic).user)
        url = reverse("results:dashboard", args=[diagnostic.slug])
        client.get(url)  # publishes the open round
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        assert "The relationship over rounds" in html
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_chart_leaves_a_gap_where_a_round_has_no_figure():
    from results.relationship import trend_of

    results = [
        {"round": n, "parties": ["Council", "Contractor"], "alignment": value}
        for n, value in ((1, 62.4), (2, None), (3, 71.0))
    ]
    trend = trend_of(results)
    svg = str(charts.relationship_svg(trend, {}))
    assert "Alignment: round 1 62.4, round 2 –, round 3 71.0" in svg
    line = svg.split('<path d="')[2].split('"')[0]  # after the rules: the alignment's line
    assert line.count("M") == 2 and "L" not in line  # two lone points, nothing joins them
    assert trend.sentence == "Alignment rose from 62.4 to 71.0 between round 1 and round 3."


@pytest.mark.parametrize("value", [73.56, 72.34, -33.33, 0, 100])
def test_a_score_reads_as_the_understanding_tab_and_the_board_print_it(value):
    # One figure, one rounding: the trend once printed 74 where the Understanding tab said 73.6.
    assert charts.score_text(value) == charts.one_decimal(value).replace("-", "−")
