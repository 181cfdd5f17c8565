"""The three drills. Each step says what it does; each check says what must hold."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

from django.db import connections
from django.db.models import F

from .infra import PROJECT_DIR, InfraError, wait_until
from .worker import HELD_STEP


class DrillFailed(Exception):
    """Something that must hold did not."""


def check(condition, message):
    if not condition:
        raise DrillFailed(message)


def _report(pk):
    from reports.models import Report

    connections.close_all()  # a fresh connection: the cluster may have restarted meanwhile
    return Report.objects.get(pk=pk)


def _wait_for_report(pk, statuses, timeout, seen=None):
    """The report once its status is one of `statuses`; every status met meanwhile in `seen`."""

    def reached():
        report = _report(pk)
        if seen is not None:
            seen.add(report.status)
        return report if report.status in statuses else None

    try:
        return wait_until(reached, timeout, f"report {pk} {'/'.join(statuses)}", interval=0.2)
    except InfraError as exc:
        report = _report(pk)
        raise DrillFailed(f"{exc}; it is {report.status!r} at {report.step!r}") from None


def _request_report(stage, expect):
    from reports.models import Report

    latest = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page = stage.facilitator.post(f"/diagnostics/{stage.slug}/reports/request/", {"round": 1})
    check(page.status == 200, f"the report request answered {page}")
    check(expect in page.text, f"the page after the request does not say {expect!r}")
    report = Report.objects.filter(pk__gt=latest).order_by("-pk").first()
    check(report is not None, "no Report row was created")
    return report, page


def _sweep(stage, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", "sweep_reports", *args],
        cwd=PROJECT_DIR,
        env=stage.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    check(result.returncode == 0, f"sweep_reports failed:\n{result.stderr[-2000:]}")
    return result.stdout.strip()


def _held_pid(report):
    """The pool process holding the report mid-render (see drills.worker)."""
    step = wait_until(
        lambda: (step := _report(report.pk).step).startswith(HELD_STEP) and step,
        60,
        "the render held mid-way",
        interval=0.2,
    )
    return int(step.rsplit(" ", 1)[1])


def worker_killed_mid_render(stage, run):
    """a) SIGKILL mid-render: redelivered and completed, or failed with a reason by the sweep."""
    stage.hold_file.touch()
    try:
        with run.step("a1 request a business case; the worker starts it and is held mid-render"):
            report, _ = _request_report(stage, "is on its way")
            pid = _held_pid(report)
        with run.step(f"a1 SIGKILL the pool process {pid} rendering it (OOM-killer style)"):
            os.kill(pid, signal.SIGKILL)
            killed_at = time.monotonic()
            check(stage.worker.process.alive(), "the worker's main process died too")
        with run.step("a1 the report completes on redelivery, never failed nor left rendering"):
            seen = set()
            ready = _wait_for_report(report.pk, {"ready", "failed"}, 90, seen)
            check(ready.status == "ready", f"it ended {ready.status}: {ready.error}")
            check("failed" not in seen, "it was marked failed on the way")
            check(ready.attempts == 2, f"{ready.attempts} attempts, expected 2 (redelivery)")
            seconds = time.monotonic() - killed_at
            run.note("a", f"a1: redelivered and ready {seconds:.1f} s after the kill, attempt 2")
        with run.step("a1 the PDF downloads"):
            page = stage.facilitator.get(f"/diagnostics/{stage.slug}/reports/{report.pk}/download/")
            check(page.status == 200, f"download answered {page}")
            check(page.text.startswith("%PDF"), "the download is not a PDF")

        with run.step("a2 request another; the worker starts it and is held mid-render"):
            report, _ = _request_report(stage, "is on its way")
            pid = _held_pid(report)
        with run.step("a2 SIGKILL the whole worker, main process and pool (a lost machine)"):
            stage.worker.process.kill_group(signal.SIGKILL)
            stage.worker.process.popen.wait(10)
            time.sleep(1)
            check(_report(report.pk).status == "rendering", "expected 'rendering' until swept")
        with run.step("a2 16 minutes later (its start moved back), the sweep marks it failed"):
            from reports.models import Report

            Report.objects.filter(pk=report.pk).update(
                started_at=F("started_at") - timedelta(minutes=16)
            )
            output = _sweep(stage)  # as cron runs it: the 15-minute default
            failed = _report(report.pk)
            check(failed.status == "failed", f"after the sweep it is {failed.status} ({output})")
            check("worker stopped" in failed.error, f"reason: {failed.error!r}")
            page = stage.facilitator.get(f"/diagnostics/{stage.slug}/reports/")
            check("worker stopped" in page.text and "Try again" in page.text,
                  "the reports page does not show the reason and 'Try again'")  # fmt: skip
            run.note("a", f"a2: sweep {output!r}; the page shows {failed.error!r}")
    finally:
        stage.hold_file.unlink(missing_ok=True)
    with run.step("a2 a new worker starts; 'Try again' renders the report"):
        stage.start_worker()
        tried = time.monotonic()
        page = stage.facilitator.post(f"/diagnostics/{stage.slug}/reports/{report.pk}/retry/", {})
        check(page.status == 200 and "Trying the round 1 report again" in page.text, f"{page}")
        ready = _wait_for_report(report.pk, {"ready", "failed"}, 90)
        check(ready.status == "ready", f"it ended {ready.status}: {ready.error}")
        run.note(
            "a", f"a2: after 'Try again' on a new worker, ready in {time.monotonic() - tried:.1f} s"
        )


REDIS_DOWN_FOR = 10  # seconds of steady use while Redis is down
POSTGRES_DOWN_FOR = 5


def _save_rating(stage, level):
    vc = stage.participant["value_code_id"]
    return stage.participant_browser.post(
        f"/p/{stage.participant['token']}/rate/{vc}/",
        {f"c{vc}": str(level)},
        **{"HX-Request": "true"},
    )


def redis_stopped(stage, run):
    """b) Redis stopped: ratings and dashboards work, reports say they are delayed, then run."""
    from diagnostics.models import Rating

    dashboard = f"/diagnostics/{stage.slug}/dashboard/"
    mine = Rating.objects.filter(
        participant_id=stage.participant["id"],
        value_code_id=stage.participant["value_code_id"],
        round__closed_at__isnull=True,  # the demo's open round; its closed one has ratings too
    )
    check(stage.participant_browser.get(f"/p/{stage.participant['token']}/rate/").status == 200,
          "the participant's rating page failed")  # fmt: skip
    with run.step("b  stop Redis (the broker and the cache)"):
        stage.redis.stop()
        stopped_at = time.monotonic()
    try:
        with run.step(
            f"b  for {REDIS_DOWN_FOR} s a participant saves ratings and the dashboard shows"
        ):
            slowest, saves = 0.0, 0
            while time.monotonic() < stopped_at + REDIS_DOWN_FOR:
                level = saves % 5 + 1
                page = _save_rating(stage, level)
                check(page.status == 200, f"a rating save answered {page}")
                check(mine.get().current_level == level, "the rating was not saved")
                shown = stage.facilitator.get(dashboard)
                check(shown.status == 200, f"the dashboard answered {shown}")
                slowest, saves = max(slowest, page.seconds, shown.seconds), saves + 1
            run.note("b", f"{saves} rating saves and {saves} dashboards, all 200, slowest "
                          f"{slowest:.2f} s")  # fmt: skip
        with run.step("b  /healthz says degraded: broker down, database up"):
            page = stage.facilitator.get("/healthz")
            body = page.json()
            check(page.status == 503 and body.get("broker") == "down", f"{page}: {body}")
            check(body.get("database") == "up", f"{body}")
        with run.step("b  a report request says plainly that reports are delayed"):
            report, page = _request_report(stage, "Reports are delayed")
            check(page.seconds < 5, f"the request took {page.seconds:.1f} s")
            check(report.status == "queued" and report.step.startswith("Delayed"), report.step)
            listing = stage.facilitator.get(f"/diagnostics/{stage.slug}/reports/")
            check("Delayed: the report queue is not answering" in listing.text,
                  "the reports page does not show the delay")  # fmt: skip
            run.note("b", f"report request answered 200 in {page.seconds:.2f} s: 'Reports are "
                          "delayed', saved as queued")  # fmt: skip
    finally:
        with run.step("b  start Redis again (empty: no persistence)"):
            if not stage.redis.ping():
                stage.redis.start()
            back_at = time.monotonic()
            run.note("b", f"Redis was down {back_at - stopped_at:.1f} s")
    with run.step("b  the same worker reconnects by itself"):
        check(stage.worker.process.alive(), "the worker died while Redis was down")
        wait_until(lambda: stage.ping(stage.worker.name), 90, "the worker answering", 0.5)
        run.note("b", f"worker answered {time.monotonic() - back_at:.1f} s after Redis was back")
    with run.step("b  the sweep sends the delayed report again; the worker renders it"):
        output = _sweep(stage)
        check("1 queued again" in output, f"sweep said {output!r}")
        ready = _wait_for_report(report.pk, {"ready", "failed"}, 90)
        check(ready.status == "ready", f"it ended {ready.status}: {ready.error}")
        run.note("b", f"sweep: {output!r}; the delayed report was ready "
                      f"{time.monotonic() - back_at:.1f} s after Redis was back")  # fmt: skip


def postgres_restarted(stage, run):
    """c) PostgreSQL restarted: clean 503s meanwhile, then recovery without restarting anyone."""
    dashboard = f"/diagnostics/{stage.slug}/dashboard/"
    web_pid, worker_pid = stage.web.process.pid, stage.worker.process.pid
    with run.step("c  every gunicorn process holds a connection; a render is in flight"):
        for _ in range(6):
            page = stage.facilitator.get(dashboard)
            check(page.status == 200, f"baseline dashboard answered {page}")
        check(stage.participant_browser.get(f"/p/{stage.participant['token']}/rate/").status == 200,
              "the rating page failed")  # fmt: skip
        stage.hold_file.touch()
        report, _ = _request_report(stage, "is on its way")
        _held_pid(report)
    try:
        with run.step("c  stop PostgreSQL (pg_ctl stop -m fast)"):
            connections.close_all()
            stage.postgres.stop("fast")
            stopped_at = time.monotonic()
        try:
            with run.step(f"c  for {POSTGRES_DOWN_FOR} s pages answer 503 'back in a moment', "
                          "never a 500 or a traceback"):  # fmt: skip
                answers, slowest = [], 0.0
                while time.monotonic() < stopped_at + POSTGRES_DOWN_FOR:
                    for page in (stage.facilitator.get(dashboard), _save_rating(stage, 3)):
                        check(page.status == 503, f"{page.url} answered {page}")
                        check("The database is not answering" in page.text, "not the 503 page")
                        check("Traceback" not in page.text, "a traceback is shown")
                        answers.append(page.status)
                        slowest = max(slowest, page.seconds)
                run.note("c", f"{len(answers)} dashboards and rating saves while it was down: "
                              f"all 503, slowest {slowest:.2f} s")  # fmt: skip
            with run.step("c  /healthz says degraded: database down"):
                page = stage.facilitator.get("/healthz")
                body = page.json()
                check(page.status == 503 and body.get("database") == "down", f"{page}: {body}")
        finally:
            with run.step("c  start PostgreSQL again"):
                if not stage.postgres.running():
                    stage.postgres.start()
                back_at = time.monotonic()
                run.note("c", f"PostgreSQL was down {back_at - stopped_at:.1f} s")
        with run.step("c  the same web processes answer 200 at once"):
            statuses = [stage.facilitator.get(dashboard).status for _ in range(6)]
            check(statuses == [200] * 6, f"dashboard after the restart: {statuses}")
            check(_save_rating(stage, 4).status == 200, "a rating save failed after the restart")
            health = stage.facilitator.get("/healthz")
            check(health.status == 200, f"/healthz answered {health}: {health.text}")
            check(stage.web.process.alive() and stage.web.process.pid == web_pid, "web restarted")
            run.note("c", f"first 6 dashboards after the restart: {statuses}")
    finally:
        stage.hold_file.unlink(missing_ok=True)
    with run.step(
        "c  the render in flight finishes in the same worker (retried on a new connection)"
    ):
        ready = _wait_for_report(report.pk, {"ready", "failed"}, 90)
        check(ready.status == "ready", f"it ended {ready.status}: {ready.error}")
        check(stage.worker.process.alive() and stage.worker.process.pid == worker_pid,
              "the worker was restarted")  # fmt: skip
        run.note("c", f"the report in flight was ready {time.monotonic() - back_at:.1f} s after "
                      f"the restart, attempt {ready.attempts}")  # fmt: skip


DRILLS = {"a": worker_killed_mid_render, "b": redis_stopped, "c": postgres_restarted}
TITLES = {
    "a": "A Celery worker SIGKILLed mid-render",
    "b": "Redis stopped",
    "c": "PostgreSQL restarted",
}
