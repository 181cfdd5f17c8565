"""The action plan (page, CSV, XLSX) and the trade-off links on the dashboard's target form."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from diagnostics.models import AgreedTarget, DiagnosticMember, TradeOffLink
from diagnostics.targets import link_trade_off, record_agreed_target
from results.action_plan import COLUMNS, action_plan

from ..factories import DiagnosticValueCodeFactory, MemberFactory
from .helpers import dashboard_with_details
from .trade_off_world import agree, build, rate, two_rounds

pytestmark = pytest.mark.django_db


def login(client, world, role=DiagnosticMember.FACILITATOR):
    client.force_login(MemberFactory(diagnostic=world.diagnostic, role=role).user)


def plan_url(world, name="results:action_plan", round_number=1):
    return reverse(name, args=[world.diagnostic.slug]) + f"?round={round_number}"


def links_url(world, identifier="Speed", number=1):
    code = world.codes[identifier]
    return reverse("results:trade_off_links", args=[world.diagnostic.slug, number, code.pk])


def three_targets(world):
    """Speed due soonest; Quality and Cost share a due date, Cost has no priority; one undated."""
    agree(world, level=3, owner="Ann", due_date=datetime.date(2027, 1, 31))
    for identifier, due in (("Quality", datetime.date(2027, 6, 30)), ("Cost", None)):
        record_agreed_target(
            round=world.rounds[1], value_code=world.codes[identifier], level=4, due_date=due
        )


# --- the plan ------------------------------------------------------------------------------------


def test_the_plan_runs_by_due_date_then_priority_then_identifier():
    world = build()
    rate(world, 1, "Quality", [3, 3], [3, 3])  # a priority of 2.0; Cost has none
    extra = DiagnosticValueCodeFactory(diagnostic=world.diagnostic, identifier="Alpha")
    three_targets(world)
    AgreedTarget.objects.filter(value_code=world.codes["Cost"]).update(
        due_date=datetime.date(2027, 6, 30)
    )
    record_agreed_target(round=world.rounds[1], value_code=extra, level=2)
    order = [a.identifier for a in action_plan(world.diagnostic, world.rounds[1])]
    assert order == ["Speed", "Quality", "Cost", "Alpha"]


def test_the_page_lists_owner_due_date_trade_off_and_links(client):
    world = two_rounds()
    agree(world, level=3, owner="Ann", due_date=datetime.date(2027, 1, 31), trade_off="Fewer")
    login(client, world, DiagnosticMember.SPONSOR)
    html = client.get(plan_url(world)).content.decode()
    assert "Action plan: round 1" in html
    assert "31 Jan 2027" in html and "Ann" in html and "Fewer" in html
    assert "Quality may go down, review in round 2: went down, as expected (▼ −0.8)" in html
    assert "Cost should hold, review in round 2: went down (▼ −0.3)" in html
    assert "target level 3 reached (3.3 in round 2)" in html
    assert "Change<span" not in html  # sponsors read; facilitators change


def test_an_empty_plan_says_how_to_fill_it(client):
    world = build()
    login(client, world)
    response = client.get(plan_url(world))
    html = response.content.decode()
    assert "No agreed targets in round 1 yet" in html
    assert "choose “Record” beside “Agreed target”" in html
    assert "Download CSV" not in html


def test_a_round_that_does_not_exist_is_404_and_nonsense_is_400(client):
    world = build()
    login(client, world)
    assert client.get(plan_url(world, round_number=7)).status_code == 404
    assert client.get(plan_url(world, round_number="²")).status_code == 400


def test_the_csv_has_a_row_per_link_and_the_figures_of_the_json(client):
    world = two_rounds()
    agree(world, level=3, owner="Ann", due_date=datetime.date(2027, 1, 31))
    login(client, world)
    response = client.get(plan_url(world, "results:action_plan_csv"))
    assert response["Content-Disposition"].endswith('give-and-take-round-1-action-plan.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == COLUMNS
    assert rows[1] == [
        "1", "Speed", "Delivery", "2.25", "3", "2.75", "Ann", "2027-01-31", "",
        "Quality", "down", "2", "-0.75", "went down, as expected (▼ −0.8)", "yes",
    ]  # fmt: skip
    assert rows[2][9:] == ["Cost", "hold", "2", "-0.25", "went down (▼ −0.3)", "yes"]


def test_exports_never_carry_a_formula(client):
    world = build()
    agree(world, links=[], owner='=HYPERLINK("http://x")', trade_off="+1 more")
    login(client, world)
    rows = list(csv.reader(io.StringIO(client.get(plan_url(world, "results:action_plan_csv"))
                                       .content.decode())))  # fmt: skip
    assert rows[1][6] == '\'=HYPERLINK("http://x")' and rows[1][8] == "'+1 more"
    response = client.get(plan_url(world, "results:action_plan_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == COLUMNS
    owner, trade_off = sheet.cell(2, 7), sheet.cell(2, 9)
    assert (owner.value, owner.data_type) == ('=HYPERLINK("http://x")', "s")
    assert (trade_off.value, trade_off.data_type) == ("+1 more", "s")
    assert sheet.cell(2, 5).value == 3  # numbers stay numbers
    assert sheet.cell(2, 10).value is None  # no links: empty link columns


def test_the_plan_takes_the_same_queries_for_more_targets_and_links(
    client, django_assert_max_num_queries
):
    world = two_rounds()
    agree(world)
    login(client, world)

    def count(name):
        with django_assert_max_num_queries(1000) as queries:
            assert client.get(plan_url(world, name)).status_code == 200
        return len(queries)

    names = ["results:action_plan", "results:action_plan_csv", "results:action_plan_xlsx"]
    small = {name: count(name) for name in names}
    for i in range(6):
        extra = DiagnosticValueCodeFactory(diagnostic=world.diagnostic, identifier=f"More {i}")
        world.codes[extra.identifier] = extra
        rate(world, 2, extra.identifier, [2, 2], [3, 3])
        target = record_agreed_target(round=world.rounds[1], value_code=extra, level=4)
        for identifier in ("Quality", "Cost"):
            link_trade_off(
                agreed_target=target, value_code=world.codes[identifier], direction="hold",
                review_round=2 + i % 2,
            )  # fmt: skip
    for name in names:
        with django_assert_max_num_queries(small[name]):
            client.get(plan_url(world, name))


# --- adding and removing links from the dashboard's target form ---------------------------------


def test_a_facilitator_adds_a_link_inline_and_sees_it(client):
    world = build()
    agree(world, links=[])
    login(client, world)
    response = client.post(
        links_url(world),
        {"value_code": world.codes["Quality"].pk, "direction": "down", "review_round": "2"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quality may go down, review in round 2." in html
    assert 'name="review_round"' in html  # still editing: add another
    link = TradeOffLink.objects.get()
    assert (link.value_code.identifier, link.direction, link.review_round) == ("Quality", "down", 2)


def test_without_javascript_adding_returns_to_the_target_page(client):
    world = build()
    agree(world, links=[])
    login(client, world)
    response = client.post(
        links_url(world),
        {"value_code": world.codes["Cost"].pk, "direction": "hold", "review_round": "3"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Cost should hold, review in round 3." in page
    assert "Value Codes that may suffer for Speed" in page


@pytest.mark.parametrize(
    "data,message",
    [
        ({"review_round": "1"}, "The review round comes after round 1"),
        ({"review_round": "٣"}, "A round number is a whole number"),
        ({"direction": "up"}, "Select a valid choice"),
        ({"value_code": "own"}, "Select a valid choice"),
    ],
)
def test_a_bad_link_comes_back_with_its_error_and_is_not_saved(client, data, message):
    world = build()
    agree(world, links=[])
    own = world.codes["Speed"].pk
    login(client, world)
    posted = {"value_code": world.codes["Quality"].pk, "direction": "down", "review_round": "2"}
    posted |= {k: (own if v == "own" else v) for k, v in data.items()}
    response = client.post(links_url(world), posted, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TradeOffLink.objects.exists()


def test_a_facilitator_removes_a_link(client):
    world = build()
    agree(world)
    login(client, world)
    link = TradeOffLink.objects.get(value_code=world.codes["Cost"])
    response = client.post(links_url(world), {"remove": link.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert list(TradeOffLink.objects.values_list("value_code__identifier", flat=True)) == [
        "Quality"
    ]


def test_links_need_a_recorded_target(client):
    world = build()
    login(client, world)
    response = client.post(links_url(world, "Quality"), {"direction": "down"})
    assert response.status_code == 404
    form = client.get(
        reverse(
            "results:agreed_target",
            args=[world.diagnostic.slug, 1, world.codes["Quality"].pk],
        )
    ).content.decode()
    assert "Save the agreed target first" in form


def test_the_dashboard_shows_links_and_the_trade_offs_reviewed_in_its_round(client):
    world = two_rounds()
    agree(world)
    login(client, world, DiagnosticMember.SPONSOR)
    dashboard = reverse("results:dashboard", args=[world.diagnostic.slug])
    # The links show in the target's Value Code's details, which load as they come into view.
    first = dashboard_with_details(client, world.diagnostic, "?round=1")
    assert "May suffer for it:" in first
    assert "Quality may go down, review in round 2: went down, as expected (▼ −0.8)" in first
    second = client.get(dashboard + "?round=2").content.decode()
    assert "Trade-offs reviewed in round 2" in second
    assert "held, as hoped" not in second and "went down (▼ −0.3)" in second


def test_the_dashboard_takes_the_same_queries_for_more_links(client, django_assert_max_num_queries):
    world = two_rounds()
    agree(world)
    login(client, world)
    dashboard = reverse("results:dashboard", args=[world.diagnostic.slug]) + "?round=2"
    with django_assert_max_num_queries(1000) as queries:
        client.get(dashboard)
    small = len(queries)
    for i in range(5):
        extra = DiagnosticValueCodeFactory(diagnostic=world.diagnostic, identifier=f"More {i}")
        target = record_agreed_target(round=world.rounds[1], value_code=extra, level=4)
        link_trade_off(
            agreed_target=target, value_code=world.codes["Cost"], direction="down", review_round=2
        )
        record_agreed_target(round=world.rounds[2], value_code=extra, level=5)
    with django_assert_max_num_queries(small):
        html = client.get(dashboard).content.decode()
    assert html.count("Cost may go down") == 0 and html.count("reviewed-trade-offs") == 1
