import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Rating

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    PartyFactory,
    RatingFactory,
    RoundFactory,
)
from .conftest import add_value_codes

pytestmark = pytest.mark.django_db


def home_url(participant):
    return reverse("participant:home", args=[participant.token])


def rate_url(participant):
    return reverse("participant:rate", args=[participant.token])


def save_url(participant, value_code):
    return reverse("participant:save", args=[participant.token, value_code.pk])


def htmx_post(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_landing_explains_purpose_parties_anonymity_and_time(client, participant, diagnostic):
    diagnostic.purpose = "Decide whether to renew the support contract."
    diagnostic.anonymity_threshold = 4
    diagnostic.save()
    page = client.get(home_url(participant)).content.decode()
    assert "Decide whether to renew the support contract." in page
    assert "IT" in page and "Marketing" in page
    assert "at least <strong>4</strong>" in page
    assert "comments are shown without names" in page
    assert "about <strong>5 minutes</strong>" in page
    assert rate_url(participant) in page and ">Start<" in page


def test_the_page_says_who_sees_what_and_no_more(client, participant):
    page = " ".join(client.get(home_url(participant)).content.decode().split())
    assert "Facilitators see your name, your party and whether you have started or finished" in page
    assert "never with a name" in page and "R-7F3K" in page
    assert "Facilitators never see the link to this page" in page
    assert "e-mailed to your address" not in page  # Ada has no address on file
    assert "operator of the ttm server" in page
    participant.email = "ada@example.org"
    participant.save()
    page = " ".join(client.get(home_url(participant)).content.decode().split())
    assert "your name, your e-mail address, your party" in page
    assert "or e-mailed to your address" in page


def test_a_guessed_token_is_not_found(client, diagnostic):
    assert client.get(reverse("participant:home", args=["not-a-real-token"])).status_code == 404
    assert client.get(reverse("participant:rate", args=["not-a-real-token"])).status_code == 404


def test_rating_page_shows_value_codes_by_section_with_statements_and_dont_know(
    client, participant, value_codes
):
    page = client.get(rate_url(participant)).content.decode()
    assert page.index('<h2 class="section-name">Trust</h2>') < page.index("Reliability")
    vc = value_codes[0]
    assert vc.description in page and vc.statement_1 in page and vc.statement_5 in page
    assert page.count(f"name=c{vc.pk} ") == 6 and page.count(f"name=t{vc.pk} ") == 6
    assert "<legend>Where we are now</legend>" in page
    assert "<legend>Where we should be</legend>" in page
    assert "<b>1 Barely acceptable</b>" in page and "Don't know" in page
    assert "What is not working?" in page
    assert "<strong>0 of 5</strong> answered" in page


def test_each_answer_saves_and_reports_progress(client, participant, value_codes):
    vc = value_codes[0]
    response = htmx_post(client, save_url(participant, vc), {f"c{vc.pk}": "2"})
    assert response.status_code == 200
    assert b"Saved" in response.content and b"<strong>0 of 5</strong>" in response.content
    response = htmx_post(client, save_url(participant, vc), {f"c{vc.pk}": "2", f"t{vc.pk}": "dk"})
    assert b"<strong>1 of 5</strong>" in response.content
    rating = Rating.objects.get()
    assert (rating.current_level, rating.target_level, rating.target_answered) == (2, None, True)


def test_double_submission_keeps_one_rating(client, participant, value_codes):
    vc = value_codes[0]
    data = {f"c{vc.pk}": "3", f"t{vc.pk}": "5", f"m{vc.pk}": "Late reports"}
    assert htmx_post(client, save_url(participant, vc), data).status_code == 200
    assert htmx_post(client, save_url(participant, vc), data).status_code == 200
    assert Rating.objects.filter(participant=participant).count() == 1
    assert Rating.objects.get().comment == "Late reports"


def test_answers_come_back_when_the_participant_returns(client, participant, value_codes):
    vc = value_codes[1]
    htmx_post(client, save_url(participant, vc), {f"c{vc.pk}": "4", f"t{vc.pk}": "5"})
    page = client.get(rate_url(participant)).content.decode()
    assert f"name=c{vc.pk} value=4 checked" in page
    assert f"name=t{vc.pk} value=5 checked" in page
    assert "Continue" in client.get(home_url(participant)).content.decode()


@pytest.mark.parametrize("level", ["0", "6", "9", "x", "-1"])
def test_out_of_range_levels_are_refused_with_400(client, participant, value_codes, level):
    vc = value_codes[0]
    response = htmx_post(client, save_url(participant, vc), {f"c{vc.pk}": level})
    assert response.status_code == 400
    assert b"1 to 5" in response.content
    assert not Rating.objects.exists()


def test_a_value_code_of_another_diagnostic_is_not_found(client, participant):
    foreign = DiagnosticValueCodeFactory()
    response = htmx_post(client, save_url(participant, foreign), {f"c{foreign.pk}": "3"})
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_a_link_of_another_diagnostic_never_shows_this_one(client, participant, diagnostic):
    other = ParticipantFactory(party=PartyFactory(diagnostic=DiagnosticFactory(name="Other one")))
    RoundFactory(diagnostic=other.diagnostic)
    page = client.get(rate_url(other)).content.decode()
    assert "Other one" in page and diagnostic.name not in page
    vc = diagnostic.value_codes.first()
    response = htmx_post(client, save_url(other, vc), {f"c{vc.pk}": "3"})
    assert response.status_code == 404


def test_a_revoked_link_says_so_and_cannot_save(client, participant, value_codes):
    participant.revoked_at = timezone.now()
    participant.save()
    response = client.get(home_url(participant))
    assert response.status_code == 410 and b"This link was revoked" in response.content
    assert client.get(rate_url(participant)).status_code == 410
    vc = value_codes[0]
    response = htmx_post(client, save_url(participant, vc), {f"c{vc.pk}": "3"})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_a_closed_round_shows_answers_read_only(client, participant, value_codes, diagnostic):
    vc = value_codes[0]
    htmx_post(client, save_url(participant, vc), {f"c{vc.pk}": "2", f"m{vc.pk}": "Nobody calls"})
    diagnostic.rounds.update(closed_at=timezone.now())
    assert b"See my answers" in client.get(home_url(participant)).content
    page = client.get(rate_url(participant)).content.decode()
    assert "is closed" in page and "Nobody calls" in page
    assert f"2</b> Emerging: {vc.statement_2}" in page
    assert 'type="radio"' not in page and "<textarea" not in page
    response = htmx_post(client, save_url(participant, vc), {f"c{vc.pk}": "5"})
    assert response.status_code == 403 and b"no round is open" in response.content
    assert Rating.objects.get().current_level == 2


def test_without_javascript_the_whole_form_saves(client, participant, value_codes):
    first, second = value_codes[:2]
    data = {
        f"c{first.pk}": "1",
        f"t{first.pk}": "4",
        f"m{first.pk}": "Too slow",
        f"c{second.pk}": "dk",
        f"m{second.pk}": "",
    }
    response = client.post(rate_url(participant), data, follow=True)
    assert b"Your answers are saved" in response.content
    ratings = {r.value_code_id: r for r in Rating.objects.all()}
    assert (ratings[first.pk].current_level, ratings[first.pk].target_level) == (1, 4)
    assert ratings[second.pk].current_answered and not ratings[second.pk].target_answered
    # Sending it again changes nothing and duplicates nothing.
    client.post(rate_url(participant), data)
    assert Rating.objects.count() == 2


def test_the_whole_form_refuses_value_codes_of_another_diagnostic(client, participant):
    foreign = DiagnosticValueCodeFactory()
    response = client.post(rate_url(participant), {f"c{foreign.pk}": "3"})
    assert response.status_code == 400
    assert not Rating.objects.exists()


def _sheet(count, sample_data):
    diagnostic = DiagnosticFactory()
    party = PartyFactory(diagnostic=diagnostic)
    round = RoundFactory(diagnostic=diagnostic)
    vcs = add_value_codes(diagnostic, sample_data, count)
    person = ParticipantFactory(party=party)
    for vc in vcs[: count // 2]:
        RatingFactory(participant=person, round=round, value_code=vc, comment="Slow replies")
    return person, vcs


def _queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 302)
    return len(queries)


def test_pages_and_saves_cost_the_same_queries_for_3_and_60_value_codes(client, sample_data):
    counts = []
    for size in (3, 60):
        person, vcs = _sheet(size, sample_data)
        vc = vcs[-1]
        counts.append(
            (
                _queries(client, "get", home_url(person)),
                _queries(client, "get", rate_url(person)),
                _queries(client, "post", save_url(person, vc), {f"c{vc.pk}": "3"}),
            )
        )
    assert counts[0] == counts[1]
    assert max(counts[1]) <= 12  # token, Value Code, round, upsert in savepoints, progress


def test_the_whole_form_costs_the_same_queries_for_3_and_60_value_codes(client, sample_data):
    counts = []
    for size in (3, 60):
        person, vcs = _sheet(size, sample_data)
        data = {f"c{vc.pk}": "2" for vc in vcs} | {f"t{vc.pk}": "dk" for vc in vcs}
        with CaptureQueriesContext(connection) as queries:
            client.post(rate_url(person), data)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_rating_page_for_60_value_codes_is_under_100_kb(client, sample_data):
    person, _vcs = _sheet(60, sample_data)
    response = client.get(rate_url(person))
    assert response.content.count(b'<section class="vc') == 60
    assert len(response.content) < 100 * 1024, len(response.content)
