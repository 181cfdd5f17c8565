"""The dashboard of hundreds of Value Codes (issue 15): a small first response with the overview
and one compact row per Value Code; each Value Code's details load on their own, from the same
analysis, under the same access rules and anonymity."""

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import DiagnosticMember
from results.analysis import analyse

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    MemberFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
    UserFactory,
)
from .helpers import details_urls, realistic_diagnostic
from .test_steps_of_k import answer

pytestmark = pytest.mark.django_db
K = 3
FIRST_RESPONSE_LIMIT = 300 * 1024
HTMX = {"HX-Request": "true"}


def details_url(diagnostic, value_code, query=""):
    return reverse("results:value_code_details", args=[diagnostic.slug, value_code.pk]) + query


def login(client, diagnostic, role=DiagnosticMember.FACILITATOR):
    client.force_login(MemberFactory(diagnostic=diagnostic, role=role).user)


@pytest.fixture
def diagnostic():
    return realistic_diagnostic(value_codes=6)


def test_the_first_response_for_300_value_codes_is_under_300_kb(client):
    """Three parties, two rounds (so the change column shows), agreed targets and comments."""
    diagnostic = realistic_diagnostic(value_codes=300, people=(3, 3, 3), slug="three-hundred")
    login(client, diagnostic)
    html = client.get(reverse("results:dashboard", args=[diagnostic.slug])).content
    assert len(html) < FIRST_RESPONSE_LIMIT, f"{len(html) // 1024} KiB"
    text = html.decode()
    assert len(details_urls(text)) == 300  # a compact row and a way to the details of each
    assert text.count('<th scope="row" class="vc-name">') == 300  # the heatmap, whole


def test_the_page_links_each_value_code_to_its_details_and_loads_them_in_view(client, diagnostic):
    login(client, diagnostic)
    html = client.get(reverse("results:dashboard", args=[diagnostic.slug])).content.decode()
    code = diagnostic.value_codes.order_by("position").first()
    url = details_url(diagnostic, code, "?round=2")
    # A link (keyboard and no JavaScript) that htmx also follows as it comes into view.
    assert (
        f'<a id="vc-page-{code.pk}" href="{url}" hx-get="{url}" '
        'hx-trigger="intersect once, click">' in html
    )
    assert "Meetings are cancelled" not in html  # comments come with the details
    assert 'aria-label="Level distribution' not in html
    assert "Answers by level" not in html


def test_details_as_a_fragment_replace_the_placeholder_and_keep_the_focus(client, diagnostic):
    login(client, diagnostic)
    code = diagnostic.value_codes.order_by("position").first()
    response = client.get(details_url(diagnostic, code, "?round=2"), headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article class="card mb-3 vc-card" id="vc-{code.pk}"')
    assert "<nav" not in html
    assert f'id="vc-page-{code.pk}"' in html  # where the focus was, if it was on the link
    assert "Answers by level" in html
    assert "HX-Request" in response["Vary"]


def test_without_javascript_the_details_are_a_page_of_their_own(client, diagnostic):
    login(client, diagnostic)
    code = diagnostic.value_codes.order_by("position").first()
    html = client.get(details_url(diagnostic, code, "?round=1")).content.decode()
    assert "<nav" in html
    assert f"Results: round 1 · {code.identifier}" in html
    assert "Back to the dashboard" in html
    assert "Answers by level" in html
    assert "Now vs round" not in html  # round 1 has no earlier round


def test_details_follow_the_party_filter(client, diagnostic):
    login(client, diagnostic)
    code = diagnostic.value_codes.order_by("position").first()
    html = client.get(details_url(diagnostic, code, "?party=Council"), headers=HTMX).content
    html = html.decode()
    assert '<th scope="row" class="text-nowrap">Council</th>' in html
    assert '<th scope="row" class="text-nowrap">Contractor</th>' not in html
    bad = client.get(details_url(diagnostic, code, "?party=Nobody"), headers=HTMX).content
    assert '<th scope="row" class="text-nowrap">Contractor</th>' in bad.decode()  # as the page


def test_the_sponsor_reads_details_without_the_target_form(client, diagnostic):
    login(client, diagnostic, DiagnosticMember.SPONSOR)
    code = diagnostic.value_codes.order_by("position")[1]  # the one with an agreed target
    response = client.get(details_url(diagnostic, code), headers=HTMX)
    assert response.status_code == 200
    assert "Level 4" in response.content.decode()
    assert "Record<" not in response.content.decode()
    assert "Change<" not in response.content.decode()


def test_who_may_not_read_the_dashboard_may_not_read_details(client, diagnostic):
    code = diagnostic.value_codes.first()
    url = details_url(diagnostic, code)
    assert client.get(url)["Location"].startswith("/login/")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    login(client, DiagnosticFactory(), DiagnosticMember.SPONSOR)
    assert client.get(url).status_code == 404


def test_a_value_code_or_round_that_is_not_there_is_404_and_a_bad_round_400(client, diagnostic):
    login(client, diagnostic)
    code = diagnostic.value_codes.first()
    foreign = DiagnosticValueCodeFactory()
    assert client.get(details_url(diagnostic, foreign)).status_code == 404
    assert client.get(details_url(diagnostic, code, "?round=9")).status_code == 404
    for bad in ("x", "²", "-1", "0", str(2**70)):
        assert client.get(details_url(diagnostic, code, f"?round={bad}")).status_code == 400
    no_rounds = DiagnosticFactory()
    login(client, no_rounds)
    code = DiagnosticValueCodeFactory(diagnostic=no_rounds)
    assert client.get(details_url(no_rounds, code)).status_code == 404


def test_details_queries_do_not_grow_with_value_codes_or_people(
    client, django_assert_max_num_queries
):
    small = realistic_diagnostic(value_codes=3, people=(3, 3), slug="small")
    large = realistic_diagnostic(value_codes=40, people=(8, 7, 6), slug="large", seed=3)
    for diagnostic in (small, large):
        login(client, diagnostic)
        code = diagnostic.value_codes.order_by("position").last()
        client.get(reverse("results:dashboard", args=[diagnostic.slug]))  # publishes
        # 21: two of them read the trade-off links of its agreed target
        with django_assert_max_num_queries(21):
            assert client.get(details_url(diagnostic, code), headers=HTMX).status_code == 200


@pytest.fixture
def open_round():
    """An open round: two parties, one Value Code, figures published in steps of K."""
    diagnostic = DiagnosticFactory(slug="steps", anonymity_threshold=K)
    for position, name in enumerate(("Buyer", "Supplier")):
        PartyFactory(diagnostic=diagnostic, name=name, position=position)
    DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier="Reliability")
    RoundFactory(diagnostic=diagnostic)
    return diagnostic


def people(diagnostic, party_name, count):
    party = diagnostic.parties.get(name=party_name)
    return [ParticipantFactory(party=party) for _ in range(count)]


def test_details_show_the_published_figures_never_the_live_ratings(client, open_round):
    login(client, open_round, DiagnosticMember.SPONSOR)
    code = open_round.value_codes.get()
    url = details_url(open_round, code)
    for person in people(open_round, "Buyer", K):
        answer(person, current=2, comment="Slow answers")
    client.get(reverse("results:dashboard", args=[open_round.slug]))  # publishes
    before = client.get(url, headers=HTMX).content.decode()
    assert "Buyer current 2.0, target 4.0" in before
    assert "Slow answers" in before
    newcomer, *others = people(open_round, "Buyer", K)
    answer(newcomer, current=5, comment="Only one person wrote this")
    assert client.get(url, headers=HTMX).content.decode() == before  # one more: nothing moves
    for person in others:
        answer(person, current=5)
    after = client.get(url, headers=HTMX).content.decode()
    buyer = analyse(open_round)["value_codes"][0]["parties"]["Buyer"]
    assert buyer["n_current"] == 2 * K
    assert f"Buyer current {buyer['mean_current']:.1f}, target 4.0" in after
    assert "Only one person wrote this" in after


def test_details_show_no_comment_of_a_party_with_fewer_than_k_raters(client, open_round):
    login(client, open_round)
    for person in people(open_round, "Buyer", K):
        answer(person, comment="Seen by the Buyer")
    for person in people(open_round, "Supplier", K - 1):
        answer(person, comment="Too few to show")
    url = details_url(open_round, open_round.value_codes.get())
    for state in ("open", "closed"):
        if state == "closed":  # read from the ratings themselves from now on
            open_round.rounds.update(closed_at=timezone.now())
        html = client.get(url, headers=HTMX).content.decode()
        assert "Seen by the Buyer" in html, state
        assert "Too few to show" not in html, state
        assert "Comments from Supplier" not in html, state
