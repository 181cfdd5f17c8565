import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from diagnostics.models import AgreedTarget, DiagnosticMember
from diagnostics.targets import delete_agreed_target, record_agreed_target
from results.analysis import analyse

from ..factories import DiagnosticValueCodeFactory, MemberFactory, RoundFactory
from .helpers import sample_diagnostic

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnostic(sample_data):
    return sample_diagnostic(sample_data)


@pytest.fixture
def round_(diagnostic):
    return diagnostic.rounds.get(number=1)


@pytest.fixture
def value_code(diagnostic):
    return diagnostic.value_codes.get(identifier="Credibility")


def test_recording_twice_updates_the_same_agreed_target(round_, value_code):
    record_agreed_target(round=round_, value_code=value_code, level=3)
    target = record_agreed_target(
        round=round_, value_code=value_code, level=4, trade_off=" Less speed ", owner="Sam",
        due_date=datetime.date(2027, 3, 1),
    )  # fmt: skip
    assert AgreedTarget.objects.count() == 1
    assert (target.level, target.trade_off, target.owner) == (4, "Less speed", "Sam")


@pytest.mark.parametrize("level", [0, 6, "4", None, True])
def test_levels_outside_1_to_5_are_refused(round_, value_code, level):
    with pytest.raises(ValidationError):
        record_agreed_target(round=round_, value_code=value_code, level=level)
    assert not AgreedTarget.objects.exists()


def test_a_value_code_of_another_diagnostic_is_refused(round_):
    other = DiagnosticValueCodeFactory()
    with pytest.raises(ValidationError):
        record_agreed_target(round=round_, value_code=other, level=3)


def test_deleting_removes_it_and_says_whether_there_was_one(round_, value_code):
    record_agreed_target(round=round_, value_code=value_code, level=3)
    assert delete_agreed_target(round=round_, value_code=value_code) is True
    assert delete_agreed_target(round=round_, value_code=value_code) is False


def test_agreed_targets_appear_in_the_analysis_json(client, diagnostic, round_, value_code):
    record_agreed_target(
        round=round_, value_code=value_code, level=4, owner="Sam",
        due_date=datetime.date(2027, 3, 1), trade_off="Slower releases",
    )  # fmt: skip
    result = analyse(diagnostic)
    by_identifier = {vc["identifier"]: vc for vc in result["value_codes"]}
    assert by_identifier["Credibility"]["agreed_target"] == {
        "level": 4, "trade_off": "Slower releases", "owner": "Sam", "due_date": "2027-03-01",
    }  # fmt: skip
    assert by_identifier["Service level"]["agreed_target"] is None
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    json = client.get(reverse("results:json", args=[diagnostic.slug])).json()
    served = {vc["identifier"]: vc["agreed_target"] for vc in json["value_codes"]}
    assert served["Credibility"]["level"] == 4


def test_agreed_targets_of_another_round_stay_there(diagnostic, value_code, round_):
    round_.closed_at = round_.opened_at
    round_.save()
    later = RoundFactory(diagnostic=diagnostic, number=2)
    record_agreed_target(round=later, value_code=value_code, level=5)
    assert all(vc["agreed_target"] is None for vc in analyse(diagnostic, 1)["value_codes"])


def url(diagnostic, value_code, number=1):
    return reverse("results:agreed_target", args=[diagnostic.slug, number, value_code.pk])


def test_facilitator_records_an_agreed_target_inline(client, diagnostic, value_code):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    response = client.post(
        url(diagnostic, value_code),
        {"level": "4", "trade_off": "Fewer site visits", "owner": "Sam", "due_date": "2027-03-01"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="agreed-target" id="agreed-{value_code.pk}">')
    assert "Level 4 · Strong" in html and "Fewer site visits" in html
    assert AgreedTarget.objects.get().due_date == datetime.date(2027, 3, 1)


def test_without_javascript_saving_returns_to_the_dashboard(client, diagnostic, value_code):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    response = client.post(url(diagnostic, value_code), {"level": "3"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?round=1#vc-{value_code.pk}")
    page = client.get(url(diagnostic, value_code))
    assert page.status_code == 200
    assert 'name="level"' in page.content.decode()


def test_an_invalid_form_comes_back_with_errors_and_keeps_the_input(client, diagnostic, value_code):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    response = client.post(
        url(diagnostic, value_code),
        {"level": "9", "owner": "Sam", "trade_off": "Keep this"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'value="Sam"' in html and "Keep this" in html
    assert not AgreedTarget.objects.exists()


def test_facilitator_can_remove_an_agreed_target(client, diagnostic, round_, value_code):
    record_agreed_target(round=round_, value_code=value_code, level=3)
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    client.post(url(diagnostic, value_code), {"delete": "1"}, headers={"HX-Request": "true"})
    assert not AgreedTarget.objects.exists()


def test_sponsors_cannot_record_agreed_targets(client, diagnostic, value_code):
    sponsor = MemberFactory(diagnostic=diagnostic, role=DiagnosticMember.SPONSOR).user
    client.force_login(sponsor)
    assert client.post(url(diagnostic, value_code), {"level": "3"}).status_code == 403
    assert not AgreedTarget.objects.exists()


def test_an_unknown_round_or_foreign_value_code_is_404(client, diagnostic, value_code):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    assert client.post(url(diagnostic, value_code, number=7), {"level": "3"}).status_code == 404
    foreign = DiagnosticValueCodeFactory()
    assert client.post(url(diagnostic, foreign), {"level": "3"}).status_code == 404


def test_the_dashboard_shows_the_agreed_target_beside_the_parties_targets(
    client, diagnostic, round_, value_code
):
    record_agreed_target(round=round_, value_code=value_code, level=4, owner="Sam")
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    html = client.get(reverse("results:dashboard", args=[diagnostic.slug])).content.decode()
    assert "Level 4 · Strong" in html
    assert "agreed 4" in html  # on the dumbbell chart
