"""The rating page of a person asked only part: what they see, save and are counted on."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import assignment, services
from diagnostics.models import Rating

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)
from .test_lean_save import _statements

pytestmark = pytest.mark.django_db


def rate_url(participant):
    return reverse("participant:rate", args=[participant.token])


def save_url(participant, value_code):
    return reverse("participant:save", args=[participant.token, value_code.pk])


def htmx_post(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


@pytest.fixture
def trust_only(diagnostic, it_party):
    """IT is asked the Trust section (three of the five sample Value Codes)."""
    assignment.set_asked(diagnostic=diagnostic, party=it_party, sections=["Trust"], value_codes=[])
    return [vc for vc in diagnostic.value_codes.all() if vc.section == "Trust"]


def test_the_rating_page_shows_only_what_the_person_is_asked(
    client, participant, value_codes, trust_only
):
    page = client.get(rate_url(participant)).content.decode()
    for vc in value_codes:
        assert (f'id="vc{vc.pk}"' in page) == (vc in trust_only)
    assert "<strong>0 of 3</strong> answered" in page
    assert '<h2 class="section-name">Relationship</h2>' not in page


def test_a_save_of_a_value_code_not_asked_is_refused_and_nothing_is_stored(
    client, participant, value_codes, trust_only
):
    not_asked = next(vc for vc in value_codes if vc not in trust_only)
    response = htmx_post(client, save_url(participant, not_asked), {f"c{not_asked.pk}": "3"})
    assert response.status_code == 403
    assert "not asked to rate this Value Code" in response.content.decode()
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "field", "switch"),
    [
        ("participant:save_understanding", "i{pk}", "asks_importance"),
        ("participant:save_stance", "g{pk}", "asks_stance"),
    ],
)
def test_importance_and_stance_of_a_value_code_not_asked_are_refused_too(
    client, participant, value_codes, trust_only, diagnostic, url_name, field, switch
):
    # Each would create a rating that counts towards K and the comment rule.
    setattr(diagnostic, switch, True)
    diagnostic.save()
    not_asked = next(vc for vc in value_codes if vc not in trust_only)
    url = reverse(url_name, args=[participant.token, not_asked.pk])
    value = "give" if switch == "asks_stance" else "4"
    response = htmx_post(client, url, {field.format(pk=not_asked.pk): value})
    assert response.status_code == 403
    assert "not asked to rate this Value Code" in response.content.decode()
    assert not Rating.objects.exists()
    asked = trust_only[0]
    url = reverse(url_name, args=[participant.token, asked.pk])
    assert htmx_post(client, url, {field.format(pk=asked.pk): value}).status_code == 200
    assert Rating.objects.filter(value_code=asked).exists()


def test_a_save_of_an_asked_value_code_counts_progress_over_what_is_asked(
    client, participant, trust_only
):
    vc = trust_only[0]
    response = htmx_post(client, save_url(participant, vc), {f"c{vc.pk}": "2", f"t{vc.pk}": "4"})
    assert response.status_code == 200
    assert b"<strong>1 of 3</strong>" in response.content


def test_a_value_code_asked_in_person_is_saved_beside_the_partys(
    client, diagnostic, participant, value_codes, trust_only
):
    extra = next(vc for vc in value_codes if vc not in trust_only)
    assignment.set_asked(
        diagnostic=diagnostic, participant=participant, sections=[], value_codes=[extra]
    )
    response = htmx_post(client, save_url(participant, extra), {f"c{extra.pk}": "5"})
    assert response.status_code == 200 and b"of 4</strong>" in response.content


def test_a_save_stays_at_three_statements_with_assignment(participant, trust_only, diagnostic):
    assignment.set_asked(
        diagnostic=diagnostic, participant=participant, sections=["Relationship"], value_codes=[]
    )
    vc = trust_only[0]
    browser = Client(enforce_csrf_checks=True)
    browser.get(rate_url(participant))
    csrf = browser.cookies["csrftoken"].value
    with CaptureQueriesContext(connection) as queries:
        response = browser.post(
            save_url(participant, vc),
            {f"c{vc.pk}": "3", f"t{vc.pk}": "3"},
            HTTP_HX_REQUEST="true",
            HTTP_X_CSRFTOKEN=csrf,
        )
    assert response.status_code == 200
    assert b"<strong>1 of 5</strong>" in response.content
    assert len(_statements(queries)) <= 3


def test_the_whole_sheet_saves_what_is_asked_and_says_what_was_left_out(
    client, participant, value_codes, trust_only
):
    not_asked = next(vc for vc in value_codes if vc not in trust_only)
    asked = trust_only[0]
    response = client.post(
        rate_url(participant),
        {f"c{asked.pk}": "2", f"t{asked.pk}": "3", f"c{not_asked.pk}": "4"},
        follow=True,
    )
    assert [r.value_code_id for r in Rating.objects.all()] == [asked.pk]
    assert "1 answer not saved: you are no longer asked" in response.content.decode()


def test_answers_to_what_is_no_longer_asked_stay_and_show_once_the_round_is_closed(
    client, diagnostic, participant, value_codes, it_party
):
    dropped = next(vc for vc in value_codes if vc.section == "Relationship")
    htmx_post(
        client, save_url(participant, dropped), {f"c{dropped.pk}": "4", f"t{dropped.pk}": "5"}
    )
    assignment.set_asked(diagnostic=diagnostic, party=it_party, sections=["Trust"], value_codes=[])
    assert f'id="vc{dropped.pk}"' not in client.get(rate_url(participant)).content.decode()
    services.close_round(round=diagnostic.rounds.get())
    page = client.get(rate_url(participant)).content.decode()
    assert dropped.identifier in page and "Round 1 is closed" in page
    assert Rating.objects.get().current_level == 4


def test_the_home_page_counts_and_times_only_what_is_asked(client, participant, trust_only):
    page = client.get(reverse("participant:home", args=[participant.token])).content.decode()
    assert "For each of 3 Value Codes" in page


def test_the_individual_report_opens_once_what_is_asked_is_answered(
    client, diagnostic, participant, trust_only
):
    diagnostic.share_individual_reports = True
    diagnostic.save()
    url = reverse("individual:report", args=[participant.token])
    assert "You have finished 0 of 3" in client.get(url).content.decode()
    for vc in trust_only:
        htmx_post(client, save_url(participant, vc), {f"c{vc.pk}": "2", f"t{vc.pk}": "4"})
    page = client.get(url).content.decode()
    assert "Your answers" in page
    assert all(vc.identifier in page for vc in trust_only)
    assert "Self-orientation" not in page  # not asked, not answered: no row


def _sheet(count, sections):
    """A person of a diagnostic of `count` Value Codes in `sections` sections, asked all but
    the last section, with the first Value Code answered."""
    diagnostic = DiagnosticFactory()
    party = PartyFactory(diagnostic=diagnostic)
    round = RoundFactory(diagnostic=diagnostic)
    template = {
        "description": "The extent to which it works",
        **{f"statement_{n}": f"Statement {n} of what good looks like" for n in range(1, 6)},
    }
    codes = [
        DiagnosticValueCodeFactory(
            diagnostic=diagnostic,
            section=f"Section {index * sections // count}",
            identifier=f"VC {index}",
            position=index,
            **template,
        )
        for index in range(count)
    ]
    assignment.set_asked(
        diagnostic=diagnostic,
        party=party,
        sections=[f"Section {n}" for n in range(sections - 1)],
        value_codes=[],
    )
    person = ParticipantFactory(party=party)
    Rating.objects.create(
        participant=person,
        round=round,
        value_code=codes[0],
        current_level=3,
        current_answered=True,
        target_level=4,
        target_answered=True,
    )
    return person


def test_a_long_rating_page_folds_its_sections_and_counts_each(client):
    person = _sheet(300, sections=10)
    page = client.get(rate_url(person)).content.decode()
    assert page.count('<details class="sheet-section') == 9
    assert page.count(" open>") == 1  # the first section not yet done
    assert '<span class="section-answered">1</span> of 30</span>' in page
    assert "<strong>1 of 270</strong> answered" in page


def test_a_rating_page_of_300_asked_value_codes_costs_the_queries_of_one_of_3(client):
    counts = []
    for count, sections in ((3, 2), (300, 10)):
        person = _sheet(count, sections)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(rate_url(person), HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # Sent compressed: 270 Value Codes with their five statements fit a phone's budget.
    assert response["Content-Encoding"] == "gzip" and len(response.content) < 60 * 1024


def test_a_sheet_of_300_value_codes_saves_without_javascript(client):
    """Without JavaScript the whole sheet is one form: with every question switched on, three
    parties and 300 Value Codes a browser posts about 2,100 fields (Django's default allows
    1,000, and refused the save with a 400)."""
    diagnostic = DiagnosticFactory(asks_importance=True, asks_estimates=True, asks_stance=True)
    party, *others = (PartyFactory(diagnostic=diagnostic, position=n) for n in range(3))
    RoundFactory(diagnostic=diagnostic)
    codes = [DiagnosticValueCodeFactory(diagnostic=diagnostic, position=n) for n in range(300)]
    person = ParticipantFactory(party=party)
    data = {}
    for code in codes:
        data |= {f"c{code.pk}": "3", f"t{code.pk}": "4", f"m{code.pk}": "", f"g{code.pk}": ""}
        data |= {f"i{code.pk}": "4"}
        data |= {f"e{code.pk}_{other.pk}": "3" for other in others}
    assert len(data) == 2100
    response = client.post(rate_url(person), data)
    assert response.status_code in (200, 302)
    assert Rating.objects.filter(participant=person, current_level=3).count() == 300
