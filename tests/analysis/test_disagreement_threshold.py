"""Screens and the PDF call a Value Code a disagreement only from a perception gap of 0.5 on."""

import pytest
from django.urls import reverse

from diagnostics.models import DiagnosticMember, Rating, Round
from reports import business_case
from reports.pdf import html_to_pdf
from results.analysis import analyse, disagreements

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    MemberFactory,
    ParticipantFactory,
    PartyFactory,
)
from ..reports.helpers import pdf_text

pytestmark = pytest.mark.django_db


def two_parties(buyer_levels, supplier_levels):
    """One Value Code, "Delta probe", rated by three people of each party."""
    diagnostic = DiagnosticFactory(anonymity_threshold=3)
    value_code = DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier="Delta probe")
    round_ = Round.objects.create(diagnostic=diagnostic, number=1)
    for name, levels in (("Buyer", buyer_levels), ("Supplier", supplier_levels)):
        party = PartyFactory(diagnostic=diagnostic, name=name)
        for level in levels:
            Rating.objects.create(
                round=round_,
                participant=ParticipantFactory(party=party),
                value_code=value_code,
                current_level=level,
                target_level=4,
                current_answered=True,
                target_answered=True,
            )
    return diagnostic


def pdf_of(diagnostic):
    context = business_case.gather(diagnostic, diagnostic.rounds.get())
    return pdf_text(html_to_pdf(business_case.to_html(context)))


def dashboard_of(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic, role=DiagnosticMember.SPONSOR).user)
    return client.get(reverse("results:dashboard", args=[diagnostic.slug])).content.decode()


def test_parties_that_rate_alike_are_said_to_see_things_alike(client):
    diagnostic = two_parties([2, 3, 4], [2, 3, 4])
    result = analyse(diagnostic)
    assert result["blind_spots"] == ["Delta probe"]  # the JSON ranking keeps every gap
    assert disagreements(result) == []
    text = pdf_of(diagnostic)
    assert "disagree" not in text
    assert "The parties see things alike" in text
    html = dashboard_of(client, diagnostic)
    assert "The parties see things alike" in html
    assert "apart by" not in html


def test_a_gap_just_under_half_a_level_is_not_a_disagreement():
    diagnostic = two_parties([2, 2, 3], [2, 3, 3])  # 2.33 against 2.67: 0.33 apart
    assert disagreements(analyse(diagnostic)) == []
    assert "The parties see things alike" in pdf_of(diagnostic)


def test_a_gap_of_half_a_level_or_more_is_a_disagreement(client):
    diagnostic = two_parties([2, 2, 2], [3, 3, 2])  # 2.0 against 2.67
    assert disagreements(analyse(diagnostic)) == ["Delta probe"]
    text = pdf_of(diagnostic)
    assert "The parties disagree most about Delta probe" in text
    assert "see things alike" not in text
    assert "apart by 0.7" in dashboard_of(client, diagnostic)
