"""Change since the previous round: computed once from unrounded means, shown the same way."""

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import DiagnosticMember, Rating
from reports import business_case
from reports.pdf import html_to_pdf
from results.analysis import CSV_COLUMNS as CSV_HEADER
from results.analysis import analyse, csv_rows
from results.charts import change_text

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


def rate(round_, value_code, people, levels):
    """One rating per person: people[i] gives levels[i] as current, 5 as target."""
    Rating.objects.bulk_create(
        Rating(
            round=round_,
            participant=person,
            value_code=value_code,
            current_level=level,
            target_level=5,
            current_answered=True,
            target_answered=True,
        )
        for person, level in zip(people, levels, strict=True)
    )


def moved(before, after):
    """A one-party diagnostic of 50 people whose current mean moves from `before` to `after`.

    Means are sums of 50 levels of 2 and 3, so each is exact to two decimals.
    """
    diagnostic = DiagnosticFactory(slug="moved", anonymity_threshold=3)
    party = PartyFactory(diagnostic=diagnostic, name="Buyer")
    value_code = DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier="Delta probe")
    people = ParticipantFactory.create_batch(50, party=party)
    for number, mean in ((1, before), (2, after)):
        threes = round(mean * 50) - 100  # 2 * 50 + threes = sum
        round_ = RoundFactory(
            diagnostic=diagnostic, number=number, closed_at=timezone.now() if number == 1 else None
        )
        rate(round_, value_code, people, [3] * threes + [2] * (50 - threes))
    return diagnostic


def test_the_change_is_computed_from_unrounded_means():
    diagnostic = moved(2.34, 2.46)
    change = analyse(diagnostic, 2)["value_codes"][0]["change"]
    assert change == {
        "since_round": 1,
        "overall_current": 0.12,
        "overall_target": 0.0,
        "parties": {"Buyer": {"current": 0.12, "target": 0.0}},
    }


def test_the_first_round_has_no_change():
    diagnostic = moved(2.34, 2.46)
    assert analyse(diagnostic, 1)["value_codes"][0]["change"] is None


def test_a_suppressed_mean_gives_no_change():
    diagnostic = moved(2.34, 2.46)
    diagnostic.anonymity_threshold = 51
    diagnostic.save()
    change = analyse(diagnostic, 2)["value_codes"][0]["change"]
    assert change["overall_current"] is None
    assert change["parties"]["Buyer"] == {"current": None, "target": None}


def test_change_text_rounds_the_analysis_value_once():
    assert change_text(0.12) == "▲ +0.1"
    assert change_text(-0.26) == "▼ −0.3"
    assert change_text(0.04) == "unchanged"
    assert change_text(-0.0) == "unchanged"
    assert change_text(None) == "–"


def dashboard_html(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic, role=DiagnosticMember.SPONSOR).user)
    return client.get(reverse("results:dashboard", args=[diagnostic.slug])).content.decode()


def business_case_text(diagnostic):
    round_ = diagnostic.rounds.get(number=2)
    return pdf_text(html_to_pdf(business_case.to_html(business_case.gather(diagnostic, round_))))


def test_json_dashboard_csv_and_pdf_agree_on_a_change_of_0_12(client):
    diagnostic = moved(2.34, 2.46)  # rounded means 2.3 and 2.5 would say +0.2
    result = analyse(diagnostic, 2)
    assert "▲ +0.1" in dashboard_html(client, diagnostic)
    text = business_case_text(diagnostic)
    assert "current 2.5 ▲ +0.1" in text
    assert "▲0.2" not in text and "+0.2" not in text
    row = dict(zip(CSV_HEADER, next(csv_rows(result)), strict=True))
    assert row["change_overall_current"] == 0.12


def test_a_change_that_rounds_to_zero_reads_unchanged_everywhere(client):
    diagnostic = moved(2.34, 2.38)  # rounded means 2.3 and 2.4 would say +0.1
    assert analyse(diagnostic, 2)["value_codes"][0]["change"]["overall_current"] == 0.04
    html = dashboard_html(client, diagnostic)
    assert "unchanged" in html and "+0.1" not in html
    text = business_case_text(diagnostic)
    assert "current 2.4 unchanged" in text
    assert "+0.1" not in text
