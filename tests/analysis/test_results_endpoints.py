import pytest
from django.urls import reverse

from diagnostics.models import DiagnosticMember

from ..factories import MemberFactory, UserFactory
from .helpers import sample_diagnostic

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnostic(sample_data):
    return sample_diagnostic(sample_data)


def test_sponsor_of_the_diagnostic_gets_the_analysis_json(client, diagnostic):
    sponsor = MemberFactory(diagnostic=diagnostic, role=DiagnosticMember.SPONSOR).user
    client.force_login(sponsor)
    response = client.get(reverse("results:json", args=[diagnostic.slug]))
    assert response.status_code == 200
    assert response.json()["blind_spots"][0] == "Credibility"


def test_csv_download_is_an_attachment(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    response = client.get(reverse("results:csv", args=[diagnostic.slug]))
    assert response["Content-Disposition"] == 'attachment; filename="sample-round-1-analysis.csv"'
    assert response.content.decode().startswith("diagnostic,round,identifier")


def test_people_outside_the_diagnostic_get_404(client, diagnostic):
    client.force_login(UserFactory())
    assert client.get(reverse("results:json", args=[diagnostic.slug])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, diagnostic):
    response = client.get(reverse("results:json", args=[diagnostic.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_unknown_round_is_404(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    response = client.get(reverse("results:json", args=[diagnostic.slug]) + "?round=9")
    assert response.status_code == 404
