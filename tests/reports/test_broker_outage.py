"""A report requested while Redis (the broker) is down is saved, says it is delayed, and the
sweep sends it once the broker is back. `make drill` does the same against a real Redis."""

import subprocess
import sys
import time

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from reports import tasks
from reports.models import Report

from .. import conftest
from ..factories import DiagnosticFactory, MemberFactory, RoundFactory


@pytest.fixture
def sample(facilitator):
    diagnostic = DiagnosticFactory()
    MemberFactory(diagnostic=diagnostic, user=facilitator)
    return diagnostic, RoundFactory(diagnostic=diagnostic, number=1), facilitator


@pytest.fixture
def broker_down(monkeypatch):
    """render_report.delay() fails as it does when Redis refuses the connection."""
    sent = []

    def refuse(*args, **kwargs):
        sent.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_report, "delay", refuse)
    return sent


# A real commit: the view learns whether the message left only once the transaction ends.
@pytest.mark.django_db(transaction=True)
def test_a_report_requested_while_the_broker_is_down_says_plainly_that_it_is_delayed(
    client, sample, broker_down
):
    diagnostic, _, facilitator = sample
    client.force_login(facilitator)
    url = reverse("reports:request", args=[diagnostic.slug])
    response = client.post(url, {"round": 1}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reports are delayed" in html and "will start by itself" in html
    report = Report.objects.get(diagnostic=diagnostic)
    assert (report.status, report.step) == (Report.QUEUED, tasks.DELAYED)
    assert len(broker_down) == 1


@pytest.mark.django_db(transaction=True)
def test_trying_again_while_the_broker_is_down_says_it_is_delayed(client, sample, broker_down):
    diagnostic, round_, facilitator = sample
    report = Report.objects.create(diagnostic=diagnostic, round=round_, status=Report.FAILED)
    client.force_login(facilitator)
    url = reverse("reports:retry", args=[diagnostic.slug, report.pk])
    response = client.post(url, follow=True)
    assert "Reports are delayed" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.step) == (Report.QUEUED, tasks.DELAYED)


def test_the_sweep_sends_a_delayed_report_again_at_once_and_it_renders(
    db, django_capture_on_commit_callbacks
):
    report = Report.objects.create(kind=Report.TEST_PAGE, step=tasks.DELAYED)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stale() == (0, 1)  # fresh, yet sent again: it never was queued
    report.refresh_from_db()
    assert report.status == Report.READY


def test_a_delayed_report_stays_delayed_while_the_broker_is_still_down(
    sample, broker_down, django_capture_on_commit_callbacks
):
    diagnostic, round_, _ = sample
    report = Report.objects.create(diagnostic=diagnostic, round=round_, step=tasks.DELAYED)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.sweep_stale()
    report.refresh_from_db()
    assert (report.status, report.step) == (Report.QUEUED, tasks.DELAYED)
    assert len(broker_down) == 3


def test_queueing_a_task_fails_within_seconds_when_redis_refuses_connections(tmp_path):
    code = (
        "import time, django; django.setup()\n"
        "from kombu.exceptions import OperationalError\n"
        "from reports.tasks import render_report\n"
        "started = time.monotonic()\n"
        "try:\n"
        "    render_report.delay(1)\n"
        "except OperationalError:\n"
        "    print(f'refused after {time.monotonic() - started:.1f} s')\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=conftest.PROJECT_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "ttm.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused after"), result.stdout + result.stderr
    seconds = float(result.stdout.split()[2])
    assert seconds < 5, f"{seconds} s (subscribing to results used to take ~20 s)"
    assert time.monotonic() - started < 30
