"""At most one business case queued or rendering per diagnostic and round."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from reports import services
from reports.models import Report

from ..factories import DiagnosticFactory, MemberFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return RoundFactory(diagnostic=DiagnosticFactory(slug="quota"))


@pytest.fixture
def sponsor_client(client, round_):
    client.force_login(MemberFactory(diagnostic=round_.diagnostic, role="sponsor").user)
    return client


def request_page(client, round_):
    """POST a request (its render never runs: on_commit waits for a commit that never comes)."""
    url = reverse("reports:request", args=[round_.diagnostic.slug])
    return client.post(url, {"round": round_.number}, follow=True).content.decode()


def test_a_second_request_while_one_is_queued_returns_the_first_with_a_message(
    sponsor_client, round_
):
    assert "is on its way" in request_page(sponsor_client, round_)
    page = request_page(sponsor_client, round_)
    assert "already on its way" in page
    assert Report.objects.filter(round=round_).count() == 1


@pytest.mark.parametrize("status", [Report.QUEUED, Report.RENDERING])
def test_the_service_hands_back_the_report_on_its_way(round_, status):
    first = services.request_business_case(diagnostic=round_.diagnostic, round_=round_)
    Report.objects.filter(pk=first.pk).update(status=status)
    with pytest.raises(services.AlreadyOnItsWay) as refused:
        services.request_business_case(diagnostic=round_.diagnostic, round_=round_)
    assert refused.value.report == first


@pytest.mark.parametrize("status", [Report.READY, Report.FAILED])
def test_once_the_report_is_ready_or_failed_a_new_one_may_be_queued(round_, status):
    first = services.request_business_case(diagnostic=round_.diagnostic, round_=round_)
    Report.objects.filter(pk=first.pk).update(status=status)
    second = services.request_business_case(diagnostic=round_.diagnostic, round_=round_)
    assert second.pk != first.pk and second.status == Report.QUEUED


def test_other_rounds_and_diagnostics_have_their_own_quota(round_):
    services.request_business_case(diagnostic=round_.diagnostic, round_=round_)
    other = RoundFactory(diagnostic=DiagnosticFactory())
    services.request_business_case(diagnostic=other.diagnostic, round_=other)
    assert Report.objects.filter(status=Report.QUEUED).count() == 2


def test_the_database_refuses_a_second_report_on_its_way(round_):
    Report.objects.create(diagnostic=round_.diagnostic, round=round_)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(diagnostic=round_.diagnostic, round=round_, status=Report.RENDERING)


def test_a_request_that_loses_the_race_gets_the_winner(round_, monkeypatch):
    winner = services.request_business_case(diagnostic=round_.diagnostic, round_=round_)
    real = services.on_its_way
    calls = []

    def first_check_misses_it(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services, "on_its_way", first_check_misses_it)
    with pytest.raises(services.AlreadyOnItsWay) as refused:
        services.request_business_case(diagnostic=round_.diagnostic, round_=round_)
    assert refused.value.report == winner
    assert Report.objects.filter(round=round_).count() == 1


def test_a_failed_report_is_not_retried_while_another_is_on_its_way(sponsor_client, round_):
    failed = services.request_business_case(diagnostic=round_.diagnostic, round_=round_)
    Report.objects.filter(pk=failed.pk).update(status=Report.FAILED)
    services.request_business_case(diagnostic=round_.diagnostic, round_=round_)
    url = reverse("reports:retry", args=[round_.diagnostic.slug, failed.pk])
    page = sponsor_client.post(url, follow=True).content.decode()
    assert "already on its way" in page
    failed.refresh_from_db()
    assert failed.status == Report.FAILED
