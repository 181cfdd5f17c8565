import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import DiagnosticMember, Participant
from results.analysis import analyse
from results.dashboard import blind_spot_sentence

from ..factories import DiagnosticFactory, MemberFactory, UserFactory
from .helpers import realistic_diagnostic

pytestmark = pytest.mark.django_db


def dashboard_url(diagnostic, query=""):
    return reverse("results:dashboard", args=[diagnostic.slug]) + query


@pytest.fixture
def diagnostic():
    return realistic_diagnostic()


def login_member(client, diagnostic, role=DiagnosticMember.FACILITATOR):
    user = MemberFactory(diagnostic=diagnostic, role=role).user
    client.force_login(user)
    return user


def test_facilitator_sees_counts_heatmap_priorities_blind_spots_and_progress(client, diagnostic):
    login_member(client, diagnostic)
    html = client.get(dashboard_url(diagnostic)).content.decode()
    assert "Anonymity threshold in force: 3" in html
    assert "What matters most: priorities" in html
    assert "Where you disagree: blind spots" in html
    assert "Progress since round 1" in html
    assert "Things That Matter" in html
    assert "Win residents&#x27; trust" in html
    assert '<td class="cell level-none">fewer than 3' in html  # a suppressed cell, in words
    assert 'role="img"' in html  # the charts


def test_blind_spots_read_as_plain_sentences(client, diagnostic):
    login_member(client, diagnostic)
    result = analyse(diagnostic)
    top = next(vc for vc in result["value_codes"] if vc["identifier"] == result["blind_spots"][0])
    sentence = blind_spot_sentence(top, list(diagnostic.parties.all()), 3)
    assert sentence.startswith(f"Council places {top['identifier']} at ")
    assert sentence in client.get(dashboard_url(diagnostic)).content.decode()


def test_sponsor_of_the_diagnostic_reads_it_without_the_target_form(client, diagnostic):
    login_member(client, diagnostic, role=DiagnosticMember.SPONSOR)
    response = client.get(dashboard_url(diagnostic))
    assert response.status_code == 200
    assert "agreed-targets" not in response.content.decode()


def test_sponsor_of_another_diagnostic_gets_404(client, diagnostic):
    login_member(client, DiagnosticFactory(), role=DiagnosticMember.SPONSOR)
    assert client.get(dashboard_url(diagnostic)).status_code == 404


def test_people_without_a_login_never_see_the_dashboard(client, diagnostic):
    participant = Participant.objects.filter(diagnostic=diagnostic).first()
    response = client.get(dashboard_url(diagnostic, f"?token={participant.token}"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    client.force_login(UserFactory())
    assert client.get(dashboard_url(diagnostic)).status_code == 404


def test_dashboard_queries_do_not_grow_with_value_codes_and_people(client):
    small = realistic_diagnostic(value_codes=3, people=(3, 3), slug="small")
    large = realistic_diagnostic(value_codes=20, people=(6, 5, 4), slug="large", seed=3)
    counts = []
    for diagnostic in (small, large):
        login_member(client, diagnostic)
        for _visit in ("publishes the open round", "reads what was published"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(dashboard_url(diagnostic)).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
    assert 10 < counts[1] <= 32


def test_section_and_party_filters_narrow_the_page(client, diagnostic):
    login_member(client, diagnostic)
    html = client.get(dashboard_url(diagnostic, "?section=Commercial&party=Council")).content
    html = html.decode()
    assert "Value for money" in html.split("Heatmap")[1]
    assert ">Transparency</a>" not in html.split("Heatmap")[1]
    assert "Contractor now" not in html


def test_sorting_by_perception_gap_puts_the_largest_first(client, diagnostic):
    login_member(client, diagnostic)
    html = client.get(dashboard_url(diagnostic, "?sort=perception_gap")).content.decode()
    first = analyse(diagnostic)["blind_spots"][0]
    heatmap = html.split('<table class="table table-sm heatmap')[1]
    assert heatmap.index(f">{first}</a>") < min(
        heatmap.index(f">{vc}</a>") for vc in ("Transparency", "Cost") if vc != first
    )


def test_htmx_filter_requests_get_only_the_results_fragment(client, diagnostic):
    login_member(client, diagnostic)
    response = client.get(
        dashboard_url(diagnostic, "?sort=gap"),
        headers={"HX-Request": "true", "HX-Target": "dashboard-results"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-results">')
    assert "<nav" not in html


def test_invalid_filters_fall_back_to_defaults(client, diagnostic):
    login_member(client, diagnostic)
    response = client.get(dashboard_url(diagnostic, "?sort=evil&section=nope&round=x"))
    assert response.status_code == 200
    assert "Results: round 2" in response.content.decode()


def test_an_earlier_round_can_be_chosen_and_has_no_progress(client, diagnostic):
    login_member(client, diagnostic)
    html = client.get(dashboard_url(diagnostic, "?round=1")).content.decode()
    assert "Results: round 1" in html
    assert "Progress since" not in html


def test_change_is_later_minus_earlier_per_party(diagnostic):
    later, earlier = analyse(diagnostic, 2), analyse(diagnostic, 1)
    vc_later, vc_earlier = later["value_codes"][0], earlier["value_codes"][0]
    council = vc_later["change"]["parties"]["Council"]
    expected = (
        vc_later["parties"]["Council"]["mean_current"]
        - (vc_earlier["parties"]["Council"]["mean_current"])
    )
    assert council["current"] == pytest.approx(expected, abs=1e-3)


def test_a_diagnostic_without_rounds_says_so(client):
    diagnostic = DiagnosticFactory()
    login_member(client, diagnostic)
    assert "No round yet" in client.get(dashboard_url(diagnostic)).content.decode()
