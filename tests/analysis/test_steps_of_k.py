"""Results move in steps of K (PRODUCT.md 3), tried as someone who compares results before and
after one person answers: on the JSON, the CSV, the dashboard and "my results" (the workshop
reveal: tests/workshops/test_live_polling.py and test_presenter.py)."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics import publication, services
from diagnostics.models import (
    Diagnostic,
    DiagnosticMember,
    Participant,
    Publication,
    PublishedRating,
    Rating,
)
from participation.services import save_rating
from results.analysis import analyse, anonymous_comments

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    MemberFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)
from .helpers import dashboard_with_details

pytestmark = pytest.mark.django_db
K = 3


@pytest.fixture
def diagnostic():
    diagnostic = DiagnosticFactory(slug="steps", anonymity_threshold=K)
    PartyFactory(diagnostic=diagnostic, name="Buyer", position=0)
    PartyFactory(diagnostic=diagnostic, name="Supplier", position=1)
    for identifier in ("Reliability", "Clarity"):
        DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier=identifier)
    RoundFactory(diagnostic=diagnostic)
    return diagnostic


@pytest.fixture
def sponsor_client(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic, role=DiagnosticMember.SPONSOR).user)
    return client


def people(diagnostic, party_name, count):
    party = diagnostic.parties.get(name=party_name)
    return [ParticipantFactory(party=party) for _ in range(count)]


def answer(person, identifier="Reliability", current=3, target=4, comment=None):
    """A rating saved as a participant's page saves it."""
    value_code = person.diagnostic.value_codes.get(identifier=identifier)
    answers = {"current_level": current, "target_level": target}
    if comment is not None:
        answers["comment"] = comment
    return save_rating(participant=person, value_code=value_code, answers=answers)


def json_of(client, diagnostic):
    response = client.get(reverse("results:json", args=[diagnostic.slug]))
    assert response.status_code == 200
    return response.json()


def buyer(result, identifier="Reliability"):
    entry = next(vc for vc in result["value_codes"] if vc["identifier"] == identifier)
    return entry["parties"]["Buyer"]


def test_one_more_answer_changes_no_figure_of_the_json_while_k_more_do(sponsor_client, diagnostic):
    first = people(diagnostic, "Buyer", K)
    for person, level in zip(first, (2, 3, 4), strict=True):
        answer(person, current=level)
    before = json_of(sponsor_client, diagnostic)
    assert buyer(before)["mean_current"] == 3.0

    newcomer, *others = people(diagnostic, "Buyer", K)
    answer(newcomer, current=5)
    assert json_of(sponsor_client, diagnostic) == before  # nothing moved, not even a count

    for person in others:
        answer(person, current=1)
    after = buyer(json_of(sponsor_client, diagnostic))
    assert after["n_current"] == 2 * K
    assert after["current_distribution"] == [2, 1, 1, 1, 1]


def test_changed_answers_count_towards_k_like_new_ones(sponsor_client, diagnostic):
    first = people(diagnostic, "Buyer", K)
    for person in first:
        answer(person, current=2)
    before = json_of(sponsor_client, diagnostic)
    answer(first[0], current=5)
    answer(first[1], current=5)
    assert json_of(sponsor_client, diagnostic) == before
    answer(first[2], current=5)
    assert buyer(json_of(sponsor_client, diagnostic))["mean_current"] == 5.0


def test_saving_the_same_answer_again_is_no_change(sponsor_client, diagnostic):
    first = people(diagnostic, "Buyer", K)
    for person in first:
        answer(person, current=2)
    before = json_of(sponsor_client, diagnostic)
    [newcomer] = people(diagnostic, "Buyer", 1)
    answer(newcomer, current=5)
    answer(first[0], current=2)  # the same answers again, to push the newcomer through
    answer(first[1], current=2, comment="Still two")
    assert json_of(sponsor_client, diagnostic) == before


def test_one_quick_respondent_is_not_shown_on_value_codes_only_they_answered(
    sponsor_client, diagnostic
):
    # A party-wide count would publish Ann's Clarity answer as the only new one.
    for person in people(diagnostic, "Buyer", K):
        answer(person, "Reliability", current=2)
        answer(person, "Clarity", current=2)
    before = buyer(json_of(sponsor_client, diagnostic), "Clarity")
    ann, ben, cy = people(diagnostic, "Buyer", K)
    answer(ann, "Reliability", current=4)
    answer(ann, "Clarity", current=5)
    answer(ben, "Reliability", current=4)
    answer(cy, "Reliability", current=4)
    result = json_of(sponsor_client, diagnostic)
    assert buyer(result, "Reliability")["n_current"] == 2 * K  # K people answered it
    assert buyer(result, "Clarity") == before  # Ann alone answered it


def test_a_party_below_k_raters_is_pending_with_null_counts(sponsor_client, diagnostic):
    for person in people(diagnostic, "Buyer", K):
        answer(person)
    for person in people(diagnostic, "Supplier", K - 1):
        answer(person, current=1)
    result = json_of(sponsor_client, diagnostic)
    supplier = result["value_codes"][0]["parties"]["Supplier"]
    assert supplier == {
        "n_current": None,
        "n_target": None,
        "mean_current": None,
        "mean_target": None,
        "sd_current": None,
        "gap": None,
        "current_distribution": None,
        "target_distribution": None,
        "suppressed_current": True,
        "suppressed_target": True,
        "pending": True,
    }
    assert buyer(result)["pending"] is False
    assert result["response_counts"] == {"Buyer": K, "Supplier": None}
    assert result["published_at"]["Supplier"] is None
    published = datetime.datetime.fromisoformat(result["published_at"]["Buyer"])
    assert abs(timezone.now() - published) < datetime.timedelta(minutes=1)
    # Pending parties take no part in overall figures, as suppressed ones.
    assert result["value_codes"][0]["overall"]["mean_current"] == 3.0
    assert result["value_codes"][0]["perception_gap_current"] is None


def test_the_dashboard_says_results_pending_and_when_figures_were_published(
    sponsor_client, diagnostic
):
    url = reverse("results:dashboard", args=[diagnostic.slug])
    for person in people(diagnostic, "Supplier", K - 1):
        answer(person)
    html = sponsor_client.get(url).content.decode()
    assert "Results pending in round 1" in html
    assert "No ratings yet" not in html

    for person in people(diagnostic, "Buyer", K):
        answer(person)
    html = sponsor_client.get(url).content.decode()
    assert "Supplier: <strong>Results pending</strong>" in html
    assert "Buyer: figures last published" in html
    assert "figures move in steps of 3 people" in html
    assert "so nobody's answer can be worked out" in html
    assert '<td class="cell level-none" colspan="2">results pending</td>' in html


def comparable(html):
    """The page without what differs on every request (the CSRF token)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)


def test_one_more_answer_changes_nothing_on_the_dashboard_while_k_more_do(
    sponsor_client, diagnostic
):
    def dashboard():  # the page and each Value Code's details, as a browser loads them
        return comparable(dashboard_with_details(sponsor_client, diagnostic))

    for person in people(diagnostic, "Buyer", K):
        answer(person, current=2, comment="Slow answers")
    before = dashboard()
    assert "Slow answers" in before
    newcomer, *others = people(diagnostic, "Buyer", K)
    answer(newcomer, current=5, comment="A comment only one person wrote")
    assert dashboard() == before
    for person in others:
        answer(person, current=5)
    after = dashboard()
    assert after != before
    assert "A comment only one person wrote" in after


def test_comments_move_in_steps_of_k_too(diagnostic):
    round_ = diagnostic.rounds.get()
    first = people(diagnostic, "Buyer", K)
    for person in first:
        answer(person, comment="")
    analyse(diagnostic)
    answer(first[0], comment="Edited on its own")  # a comment alone is no answer changed
    answer(ParticipantFactory(party=first[0].party), comment="New, with an answer")
    analyse(diagnostic)
    assert anonymous_comments(diagnostic, round_) == {}
    for person in people(diagnostic, "Buyer", K - 1):
        answer(person)
    analyse(diagnostic)
    [comments] = anonymous_comments(diagnostic, round_).values()
    assert comments == {"Buyer": ["Edited on its own", "New, with an answer"]}


def test_my_results_do_not_move_with_one_more_answer(client, diagnostic):
    diagnostic.share_individual_reports = True
    diagnostic.save()
    me, *others = people(diagnostic, "Buyer", K)
    for person, level in zip([me, *others], (1, 2, 3), strict=True):
        answer(person, "Reliability", current=level)
        answer(person, "Clarity", current=level)
    url = reverse("individual:report", args=[me.token])
    before = comparable(client.get(url).content.decode())
    assert "Buyer</strong> (your party)" in before and "2.0" in before
    answer(ParticipantFactory(party=me.party), "Reliability", current=5)
    assert comparable(client.get(url).content.decode()) == before
    for person in people(diagnostic, "Buyer", K - 1):
        answer(person, "Reliability", current=5)
    assert comparable(client.get(url).content.decode()) != before


def test_closing_the_round_publishes_the_final_figures(sponsor_client, diagnostic):
    for person in people(diagnostic, "Buyer", K):
        answer(person, current=2)
    for person in people(diagnostic, "Supplier", K - 1):
        answer(person, current=4)
    json_of(sponsor_client, diagnostic)
    [late] = people(diagnostic, "Buyer", 1)
    answer(late, current=5)
    round_ = diagnostic.rounds.get()
    services.close_round(round=round_)
    result = json_of(sponsor_client, diagnostic)
    assert buyer(result)["n_current"] == K + 1  # the late answer is in the final figures
    supplier = result["value_codes"][0]["parties"]["Supplier"]
    assert (supplier["pending"], supplier["n_current"]) == (False, K - 1)
    assert result["published_at"] == {"Buyer": round_.closed_at.isoformat()} | {
        "Supplier": round_.closed_at.isoformat()
    }
    assert not PublishedRating.objects.exists() and not Publication.objects.exists()


def test_the_close_round_command_publishes_the_final_figures(diagnostic):
    for person in people(diagnostic, "Supplier", K - 1):
        answer(person, current=4)
    assert analyse(diagnostic)["value_codes"][0]["parties"]["Supplier"]["pending"]
    call_command("close_round", "steps", stdout=io.StringIO(), stderr=io.StringIO())
    supplier = analyse(diagnostic)["value_codes"][0]["parties"]["Supplier"]
    assert (supplier["pending"], supplier["n_current"]) == (False, K - 1)


def test_a_removed_participant_leaves_the_figures_at_the_next_publication(diagnostic):
    first = people(diagnostic, "Buyer", K + 1)
    for person in first:
        answer(person, current=2)
    analyse(diagnostic)
    first[0].delete()
    assert buyer(analyse(diagnostic))["n_current"] == K + 1  # removing someone shows nothing
    for person in people(diagnostic, "Buyer", K):
        answer(person, current=2)
    assert buyer(analyse(diagnostic))["n_current"] == 2 * K


def test_the_csv_shows_the_published_figures_and_pending_parties(sponsor_client, diagnostic):
    for person in people(diagnostic, "Buyer", K):
        answer(person, current=2)
    for person in people(diagnostic, "Supplier", K - 1):
        answer(person, current=4)
    response = sponsor_client.get(reverse("results:csv", args=[diagnostic.slug]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    first = {row["party"]: row for row in rows if row["identifier"] == "Reliability"}
    assert (first["Buyer"]["mean_current"], first["Buyer"]["pending"]) == ("2.0", "False")
    assert first["Supplier"]["n_current"] == "" and first["Supplier"]["pending"] == "True"
    [late] = people(diagnostic, "Buyer", 1)
    answer(late, current=5)
    again = sponsor_client.get(reverse("results:csv", args=[diagnostic.slug]))
    assert again.content == response.content


def test_publishing_is_idempotent_and_copies_exactly_the_ratings_due(diagnostic):
    round_ = diagnostic.rounds.get()
    for person in people(diagnostic, "Buyer", K):
        answer(person, "Reliability")
    for person in people(diagnostic, "Supplier", K - 1):
        answer(person, "Reliability")
    published = publication.publish_due(round_, threshold=K)
    buyer_id = diagnostic.parties.get(name="Buyer").pk
    reliability = diagnostic.value_codes.get(identifier="Reliability").pk
    assert published == {publication.Figure(buyer_id, reliability, publication.LEVELS)}
    assert publication.publish_due(round_, threshold=K) == set()
    copied = PublishedRating.objects.values_list("participant_id", "current_level", "party_id")
    live = Rating.objects.filter(participant__party_id=buyer_id).values_list(
        "participant_id", "current_level", "participant__party_id"
    )
    assert sorted(copied) == sorted(live)


def clock_moves_on(monkeypatch, hours):
    real_now = datetime.datetime.now(datetime.UTC)
    moved = real_now + datetime.timedelta(hours=hours)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_a_change_waiting_for_k_is_still_counted_when_time_has_moved_on(diagnostic, monkeypatch):
    for person in people(diagnostic, "Buyer", K):
        answer(person, current=2)
    analyse(diagnostic)
    [early] = people(diagnostic, "Buyer", 1)
    answer(early, current=5)
    clock_moves_on(monkeypatch, hours=1)
    analyse(diagnostic)  # the early change waits for K: the watermark must stay behind it
    clock_moves_on(monkeypatch, hours=2)
    for person in people(diagnostic, "Buyer", K - 1):
        answer(person, current=2)
    assert buyer(analyse(diagnostic))["current_distribution"] == [0, 2 * K - 1, 0, 0, 1]


def test_a_rating_committed_late_is_still_published(diagnostic):
    # Its updated_at was stamped before the last look, but it committed after it.
    for person in people(diagnostic, "Buyer", K):
        answer(person, current=2)
    analyse(diagnostic)
    late = people(diagnostic, "Buyer", K)
    for person in late:
        answer(person, current=4)
    a_moment_ago = timezone.now() - publication.SETTLING / 2
    Rating.objects.filter(participant__in=late).update(updated_at=a_moment_ago)
    assert buyer(analyse(diagnostic))["n_current"] == 2 * K


def test_a_cold_cache_costs_a_full_look_never_a_wrong_answer(diagnostic):
    for person in people(diagnostic, "Buyer", K):
        answer(person, current=2)
    before = analyse(diagnostic)
    caches["live"].clear()
    assert analyse(diagnostic) == before
    for person in people(diagnostic, "Buyer", K):
        answer(person, current=4)
    caches["live"].clear()
    assert buyer(analyse(diagnostic))["n_current"] == 2 * K


def sized(value_codes, per_party):
    diagnostic = DiagnosticFactory(anonymity_threshold=K)
    parties = [PartyFactory(diagnostic=diagnostic, name=n) for n in ("Buyer", "Supplier")]
    codes = [DiagnosticValueCodeFactory(diagnostic=diagnostic) for _ in range(value_codes)]
    RoundFactory(diagnostic=diagnostic)
    everyone = [ParticipantFactory(party=party) for party in parties for _ in range(per_party)]
    return diagnostic, codes, everyone


def test_query_counts_do_not_grow_with_value_codes_or_participants(client):
    counts = []
    for value_codes, per_party in ((2, K), (12, 4 * K)):
        diagnostic, codes, everyone = sized(value_codes, per_party)
        for person in everyone:
            for code in codes:
                answer(person, code.identifier)
        client.force_login(MemberFactory(diagnostic=diagnostic).user)
        url = reverse("results:dashboard", args=[diagnostic.slug])
        visits = []
        for visit in ("publishes", "reads", "publishes again", "reads again"):
            if visit == "publishes again":
                for person in everyone[:K]:  # K changed answers
                    answer(person, codes[0].identifier, current=1)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            visits.append(len(queries))
        counts.append(visits)
    small, large = counts
    assert small == large
    publishes, reads, publishes_again, reads_again = small
    assert (publishes, reads) == (publishes_again, reads_again)
    assert reads < publishes


def test_a_transfer_of_an_open_round_keeps_the_analysis_and_the_waiting_changes(
    diagnostic, tmp_path
):
    for person in people(diagnostic, "Buyer", K):
        answer(person, current=2, comment="Published")
    for person in people(diagnostic, "Supplier", K - 1):
        answer(person, current=3)
    analyse(diagnostic)
    [waiting] = people(diagnostic, "Buyer", 1)
    answer(waiting, current=5, comment="Waiting")
    gone = Participant.objects.filter(party__name="Buyer").order_by("id").first()
    gone.delete()  # published, then removed: stays in the figures until the next publication
    before = analyse(diagnostic)
    path = tmp_path / "steps.json"
    call_command("export_diagnostic", "steps", "--output", str(path), stdout=io.StringIO())
    assert any(r["participant"] is None for r in json.loads(path.read_text())["published_ratings"])
    Diagnostic.objects.filter(slug="steps").delete()
    caches["live"].clear()
    call_command("import_diagnostic", str(path), stdout=io.StringIO())
    moved = Diagnostic.objects.get(slug="steps")
    assert analyse(moved) == before
    for person in people(moved, "Buyer", K - 1):
        answer(person, current=5)
    assert buyer(analyse(moved))["current_distribution"] == [0, K - 1, 0, 0, K]


def test_the_business_case_shows_the_published_figures_and_pending_parties(diagnostic):
    from reports import business_case

    round_ = diagnostic.rounds.get()
    for person in people(diagnostic, "Buyer", K):
        answer(person, current=2, comment="Meetings start late")
    [early] = people(diagnostic, "Supplier", 1)
    answer(early, current=5, comment="Only one supplier said this")
    before = business_case.to_html(business_case.gather(diagnostic, round_))
    assert "Meetings start late" in before
    assert "Only one supplier said this" not in before
    assert '<span class="hidden-fig">pending</span>' in before
    assert 'Supplier</td><td class="num">results pending' in before
    assert "still open, so this report shows the figures as last published" in before
    [another] = people(diagnostic, "Buyer", 1)
    answer(another, current=5, comment="One more")
    assert business_case.to_html(business_case.gather(diagnostic, round_)) == before
