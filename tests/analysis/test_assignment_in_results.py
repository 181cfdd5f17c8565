"""Assignment changes who is asked, never how answers make figures: the dashboard, the JSON and
the PDF follow the answers as before, and sponsors learn nothing of who was asked what."""

import pytest
from django.urls import reverse

from diagnostics import assignment
from reports import business_case

from ..factories import MemberFactory
from .helpers import realistic_diagnostic

pytestmark = pytest.mark.django_db


def _ask_first_party_one_section(diagnostic):
    party = diagnostic.parties.order_by("position").first()
    section = diagnostic.value_codes.order_by("position").first().section
    assignment.set_asked(diagnostic=diagnostic, party=party, sections=[section], value_codes=[])
    person = diagnostic.participants.filter(party=party).first()
    others = diagnostic.value_codes.exclude(section=section)
    assignment.set_asked(
        diagnostic=diagnostic, participant=person, sections=[], value_codes=[others.first()]
    )


def test_figures_are_the_same_whoever_was_asked_what(client):
    diagnostic = realistic_diagnostic(value_codes=12, rounds=1)
    sponsor = MemberFactory(diagnostic=diagnostic, role="sponsor").user
    client.force_login(sponsor)
    url = reverse("results:json", args=[diagnostic.slug])
    before = client.get(url).json()
    _ask_first_party_one_section(diagnostic)
    assert client.get(url).json() == before


def test_sponsors_see_no_trace_of_who_was_asked_what(client):
    diagnostic = realistic_diagnostic(value_codes=12, rounds=1)
    _ask_first_party_one_section(diagnostic)
    person = diagnostic.participants.filter(assignments__isnull=False).get()
    client.force_login(MemberFactory(diagnostic=diagnostic, role="sponsor").user)
    for name in ("results:dashboard", "diagnostics:detail", "results:json", "results:csv"):
        page = client.get(reverse(name, args=[diagnostic.slug])).content.decode()
        assert "asked" not in page.lower() and person.label not in page, name
    overview = client.get(reverse("diagnostics:detail", args=[diagnostic.slug])).content.decode()
    assert reverse("diagnostics:assignments", args=[diagnostic.slug]) not in overview
    response = client.get(reverse("diagnostics:assignments", args=[diagnostic.slug]))
    assert response.status_code == 403


def test_the_business_case_says_people_rated_what_they_were_asked_never_who(settings):
    diagnostic = realistic_diagnostic(value_codes=12, rounds=1)
    round_ = diagnostic.rounds.get()
    plain = business_case.to_html(business_case.gather(diagnostic, round_))
    assert "were not asked" not in plain
    _ask_first_party_one_section(diagnostic)
    html = business_case.to_html(business_case.gather(diagnostic, round_))
    assert "each person those they were asked" in html
    assert "or were not asked that Value Code" in html
    person = diagnostic.participants.filter(assignments__isnull=False).get()
    assert person.label not in html
