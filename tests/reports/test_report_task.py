from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from reports import rendering, services, tasks
from reports.models import Report

from ..conftest import wait_for
from .helpers import pdf_text, report_file, sample_with_members


@pytest.fixture
def sample(db, sample_data):
    return sample_with_members(sample_data)


def _failing(times, exc):
    real = rendering.RENDERERS[Report.BUSINESS_CASE]
    calls = []

    def renderer(report):
        calls.append(report.pk)
        if len(calls) <= times:
            raise exc
        return real(report)

    return renderer, calls


def test_a_failed_report_shows_why_and_try_again_renders_it(
    client, sample, monkeypatch, django_capture_on_commit_callbacks
):
    diagnostic, round_, facilitator, _ = sample
    renderer, calls = _failing(1, ValueError("the chart had no data"))
    monkeypatch.setitem(rendering.RENDERERS, Report.BUSINESS_CASE, renderer)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_business_case(diagnostic=diagnostic, round_=round_)
    report.refresh_from_db()
    assert report.status == Report.FAILED
    assert "the chart had no data" in report.error

    client.force_login(facilitator)
    html = client.get(reverse("reports:list", args=[diagnostic.slug])).content.decode()
    assert "Failed" in html and "the chart had no data" in html and "Try again" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[diagnostic.slug, report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.error, report.attempts) == (Report.READY, "", 2)
    assert calls == [report.pk, report.pk]
    assert diagnostic.name in pdf_text(report_file(report))


def test_only_failed_reports_can_be_tried_again(sample):
    diagnostic, round_, _, _ = sample
    report = Report.objects.create(diagnostic=diagnostic, round=round_, status=Report.READY)
    with pytest.raises(services.CannotRetry):
        services.retry(report=report)


def test_transient_errors_are_retried_by_the_worker_until_it_works(
    sample, monkeypatch, django_capture_on_commit_callbacks
):
    diagnostic, round_, _, _ = sample
    renderer, calls = _failing(2, OperationalError("server closed the connection"))
    monkeypatch.setitem(rendering.RENDERERS, Report.BUSINESS_CASE, renderer)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_business_case(diagnostic=diagnostic, round_=round_)
    report.refresh_from_db()
    assert report.status == Report.READY
    assert report.attempts == 3 and len(calls) == 3


def test_transient_errors_fail_the_report_once_retries_run_out(
    sample, monkeypatch, django_capture_on_commit_callbacks
):
    diagnostic, round_, _, _ = sample
    renderer, calls = _failing(99, OSError(28, "No space left on device"))
    monkeypatch.setitem(rendering.RENDERERS, Report.BUSINESS_CASE, renderer)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_business_case(diagnostic=diagnostic, round_=round_)
    report.refresh_from_db()
    assert report.status == Report.FAILED
    assert report.error == "The report file could not be written (No space left on device)."
    assert len(calls) == 4  # the first try and three retries


def test_rendering_again_replaces_the_file(sample):
    diagnostic, round_, _, _ = sample
    report = Report.objects.create(diagnostic=diagnostic, round=round_)
    rendering.render(report)
    first = report_file(report)
    rendering.render(report)
    assert report_file(report) == first and first.stat().st_size == report.size
    assert not list(first.parent.glob(".tmp-*"))


def test_the_sweep_fails_stuck_renders_and_queues_lost_requests_once_more(
    sample, django_capture_on_commit_callbacks
):
    diagnostic, round_, _, _ = sample
    # One report on its way per round: three rounds, each with its own.
    earlier = [
        diagnostic.rounds.create(number=number, closed_at=timezone.now()) for number in (8, 9)
    ]
    long_ago = timezone.now() - timedelta(minutes=30)
    stuck = Report.objects.create(
        diagnostic=diagnostic, round=earlier[0], status=Report.RENDERING, started_at=long_ago
    )
    lost = Report.objects.create(diagnostic=diagnostic, round=earlier[1], queued_at=long_ago)
    fresh = Report.objects.create(diagnostic=diagnostic, round=round_)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.sweep_stale() == (1, 1)
    stuck.refresh_from_db()
    lost.refresh_from_db()
    assert stuck.status == Report.FAILED and "worker stopped" in stuck.error
    assert lost.status == Report.QUEUED and lost.step == tasks.REQUEUED_BY_SWEEP
    assert len(callbacks) == 1
    fresh.refresh_from_db()
    assert fresh.status == Report.QUEUED

    later = timezone.now() + timedelta(minutes=20)
    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.sweep_stale(now=later) == (1, 1)  # lost gives up; fresh gets its go
    lost.refresh_from_db()
    assert lost.status == Report.FAILED and "No worker picked" in lost.error


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_business_case_goes_through_a_real_worker(
    celery_worker, worker_media_root, settings, sample_data
):
    settings.MEDIA_ROOT = worker_media_root
    diagnostic, round_, _, _ = sample_with_members(sample_data, slug="worker-case")
    report = services.request_business_case(diagnostic=diagnostic, round_=round_)
    ready = wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=Report.READY).first(), timeout=120
    )
    assert ready.started_at is not None and ready.progress == 100
    text = pdf_text(worker_media_root / ready.file_path)
    assert diagnostic.name in text and "Marketing" in text
