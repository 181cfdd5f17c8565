"""The negotiation board: trade candidates, the largest gaps and the importance of each side,
with the agreed-target form; the same figures as the JSON, in a flat number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import AgreedTarget, DiagnosticMember, Pulse
from results import board
from results.analysis import analyse

from ..factories import DiagnosticValueCodeFactory, MemberFactory
from .conftest import close, people, rate, value_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator_client(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    return client


def board_url(diagnostic):
    return reverse("results:board", args=[diagnostic.slug])


def trading(diagnostic):
    """Council needs movement on Cost where Contractor could give."""
    council = people(diagnostic, "Council", 3)
    contractor = people(diagnostic, "Contractor", 3)
    rate(diagnostic, council, "Cost", ["take"] * 3, current_level=1, target_level=5)
    rate(diagnostic, contractor, "Cost", ["give", "give", ""], current_level=3, target_level=3)
    rate(diagnostic, council, "Agility", ["", "", ""], current_level=2, target_level=4)
    rate(diagnostic, contractor, "Agility", ["", "", ""], current_level=2, target_level=3)
    close(diagnostic)


def test_the_board_lists_trade_candidates_then_the_largest_gaps_once_each(diagnostic):
    trading(diagnostic)
    result = analyse(diagnostic)
    ids = dict(diagnostic.value_codes.values_list("identifier", "pk"))
    content = board.build(result, ids)
    assert content["candidates"] == result["trade_candidates"]
    assert [row.identifier for row in content["rows"]] == ["Cost", "Agility"]
    cost = content["rows"][0]
    assert cost.candidates == result["trade_candidates"]
    needs = cost.side("Council")
    assert needs.figures["gap"] == 4.0 and needs.stance["lean"] == 1.0
    assert cost.side("Contractor").stance["lean"] == -0.6667
    assert not cost.by_importance  # importance not asked: the weight stands in


def test_the_board_page_shows_the_jsons_figures(facilitator_client, diagnostic):
    trading(diagnostic)
    json = facilitator_client.get(reverse("results:json", args=[diagnostic.slug])).json()
    page = facilitator_client.get(board_url(diagnostic)).content.decode()
    (candidate,) = json["trade_candidates"]
    assert (candidate["needs"], candidate["gives"]) == ("Council", "Contractor")
    assert "Council needs movement here; Contractor could give." in page
    assert "lean 1.0" in page and "lean -0.7" in page  # one decimal of 1.0 and -0.6667
    assert "overall gap 2.0" in page  # Cost: (4.0 + 0.0) / 2


def test_the_board_shows_the_pulse_as_published(facilitator_client, diagnostic):
    round_ = diagnostic.rounds.get()
    contractor = diagnostic.parties.get(name="Contractor")
    for person, score in zip(people(diagnostic, "Council", 3), [10, 9, 2], strict=True):
        Pulse.objects.create(round=round_, participant=person, about_party=contractor, score=score)
    close(diagnostic)
    page = facilitator_client.get(board_url(diagnostic)).content.decode()
    assert "<strong>33.3</strong>" in page and "(3 answered)" in page
    pulse_table = page.split("Relationship pulse")[1].split("</table>")[0]
    assert "about Residents" in pulse_table and "hidden (0 answered)" in pulse_table


def test_an_agreed_target_recorded_from_the_board_shows_on_it(facilitator_client, diagnostic):
    trading(diagnostic)
    cost = value_code(diagnostic, "Cost")
    url = reverse("results:agreed_target", args=[diagnostic.slug, 1, cost.pk])
    page = facilitator_client.get(board_url(diagnostic)).content.decode()
    assert f'href="{url}"' in page  # the dashboard's form, one per Value Code
    response = facilitator_client.post(
        url,
        {"level": "3", "trade_off": "Contractor eases on cost", "owner": "Ann"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert AgreedTarget.objects.get().level == 3
    page = facilitator_client.get(board_url(diagnostic)).content.decode()
    assert "Contractor eases on cost" in page


def test_a_sponsor_may_not_open_the_board(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic, role=DiagnosticMember.SPONSOR).user)
    assert client.get(board_url(diagnostic)).status_code == 403


def test_the_board_without_a_round_or_give_and_take_says_so(facilitator_client, diagnostic):
    diagnostic.rounds.all().delete()
    page = facilitator_client.get(board_url(diagnostic)).content.decode()
    assert "No round has started yet" in page
    assert facilitator_client.get(board_url(diagnostic), {"round": "7"}).status_code == 404


def test_the_board_asks_a_flat_number_of_queries(
    facilitator_client, diagnostic, django_assert_max_num_queries
):
    trading(diagnostic)
    facilitator_client.get(board_url(diagnostic))
    with CaptureQueriesContext(connection) as small:
        facilitator_client.get(board_url(diagnostic))
    few = len(small)
    assert few > 0
    for index in range(12):
        DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier=f"More {index}")
    more = people(diagnostic, "Residents", 8)
    round_ = diagnostic.rounds.get()
    round_.closed_at = None
    round_.save()
    for index in range(12):
        rate(diagnostic, more, f"More {index}", ["take"] * 4 + ["give"] * 4)
    close(diagnostic)
    facilitator_client.get(board_url(diagnostic))
    with django_assert_max_num_queries(few):
        response = facilitator_client.get(board_url(diagnostic))
    assert response.status_code == 200


def test_the_board_shows_each_sides_importance_when_it_is_asked(facilitator_client, diagnostic):
    diagnostic.asks_importance = True
    diagnostic.save()
    council = people(diagnostic, "Council", 3)
    contractor = people(diagnostic, "Contractor", 3)
    asked = {"importance_answered": True}
    rate(diagnostic, council, "Cost", ["take"] * 3, importance_level=5, **asked)
    rate(diagnostic, contractor, "Cost", ["give"] * 3, importance_level=2, **asked)
    close(diagnostic)
    result = analyse(diagnostic)
    content = board.build(result, dict(diagnostic.value_codes.values_list("identifier", "pk")))
    (cost,) = [row for row in content["rows"] if row.identifier == "Cost"]
    assert cost.by_importance
    assert (cost.side("Council").importance, cost.side("Contractor").importance) == (5.0, 2.0)
    assert cost.side("Residents").importance is None  # suppressed: nobody answered
    page = facilitator_client.get(board_url(diagnostic)).content.decode()
    assert "importance = how much it matters to the party" in page
