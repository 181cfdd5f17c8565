import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import now

from diagnostics.models import Rating

from ..factories import DiagnosticValueCodeFactory, ParticipantFactory
from .helpers import realistic_diagnostic

pytestmark = pytest.mark.django_db


def report_url(participant):
    return reverse("individual:report", args=[participant.token])


@pytest.fixture
def diagnostic():
    diagnostic = realistic_diagnostic(value_codes=6, people=(4, 3, 2), rounds=1)
    diagnostic.share_individual_reports = True
    diagnostic.save()
    return diagnostic


def council_member(diagnostic):
    return diagnostic.participants.filter(party__name="Council").order_by("label").first()


def test_a_finished_participant_sees_their_answers_beside_the_parties(client, diagnostic):
    participant = council_member(diagnostic)
    rating = Rating.objects.filter(participant=participant).order_by("value_code__position")[0]
    rating.current_level, rating.target_level = 2, 5
    rating.save()
    html = client.get(report_url(participant)).content.decode()
    assert "Your answers" in html
    assert "2 · Emerging" in html and "5 · What good looks like" in html
    assert "Council</strong> (your party)" in html
    assert "Contractor</strong>" in html


def test_a_party_below_the_threshold_is_pending_then_shows_fewer_than_k(client, diagnostic):
    # Residents has 2 people with K = 3: their figures are never shown.
    html = client.get(report_url(council_member(diagnostic))).content.decode()
    residents = html.split("<strong>Residents</strong>")[1].split("</li>")[0]
    assert "results pending" in residents  # never published while the round is open
    diagnostic.rounds.update(closed_at=now())
    html = client.get(report_url(council_member(diagnostic))).content.decode()
    residents = html.split("<strong>Residents</strong>")[1].split("</li>")[0]
    assert "now fewer than 3" in residents and "target fewer than 3" in residents


def test_other_peoples_answers_are_never_shown(client, diagnostic):
    participant = council_member(diagnostic)
    other = diagnostic.participants.exclude(pk=participant.pk).first()
    html = client.get(report_url(participant)).content.decode()
    assert other.label not in html
    assert participant.label not in html


def test_dont_know_counts_as_finished_and_reads_as_dont_know(client, diagnostic):
    participant = council_member(diagnostic)
    Rating.objects.filter(participant=participant).update(current_level=None)
    html = client.get(report_url(participant)).content.decode()
    assert "level-none\">don't know" in html


def test_an_unfinished_participant_gets_a_friendly_explanation(client, diagnostic):
    DiagnosticValueCodeFactory(diagnostic=diagnostic, section="Trust")
    response = client.get(report_url(council_member(diagnostic)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Almost there" in html and "You have finished 6 of 7" in html


def test_a_question_not_yet_answered_is_not_finished(client, diagnostic):
    participant = council_member(diagnostic)
    Rating.objects.filter(participant=participant).update(target_level=None, target_answered=False)
    assert "Almost there" in client.get(report_url(participant)).content.decode()


def test_without_sharing_the_participant_is_told_why(client, diagnostic):
    diagnostic.share_individual_reports = False
    diagnostic.save()
    html = client.get(report_url(council_member(diagnostic))).content.decode()
    assert "has not turned on individual reports" in html
    assert "Contractor" not in html


def test_an_unknown_link_is_404_and_a_revoked_one_shows_nothing_but_that(client, diagnostic):
    assert client.get(reverse("individual:report", args=["nope"])).status_code == 404
    participant = council_member(diagnostic)
    participant.revoked_at = now()
    participant.save()
    response = client.get(report_url(participant))
    assert response.status_code == 410 and b"This link was revoked" in response.content
    assert b"Contractor" not in response.content


def test_a_participant_who_never_rated_is_unfinished(client, diagnostic):
    newcomer = ParticipantFactory(party=diagnostic.parties.get(name="Council"))
    assert "You have finished 0 of 6" in client.get(report_url(newcomer)).content.decode()


def test_the_report_query_count_does_not_grow_with_value_codes(client):
    small = realistic_diagnostic(value_codes=3, people=(3, 3), rounds=1, slug="s")
    large = realistic_diagnostic(value_codes=12, people=(5, 4), rounds=1, slug="l", seed=2)
    counts = []
    for diagnostic in (small, large):
        diagnostic.share_individual_reports = True
        diagnostic.save()
        participant = council_member(diagnostic)
        for _visit in ("publishes the open round", "reads what was published"):
            with CaptureQueriesContext(connection) as queries:
                assert "Your answers" in client.get(report_url(participant)).content.decode()
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
    assert counts[1] <= 16
