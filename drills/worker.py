"""The drill's Celery worker: ttm's own app and tasks, with one test-only hook.

While the file named by TTM_DRILL_HOLD_FILE exists, the first attempt at rendering a business
case pauses (up to TTM_DRILL_HOLD_SECONDS) after it has started, with the step saying which
process holds it. The drill then kills that process mid-render, deterministically, instead of
racing a render that takes a second or two. Later attempts (a redelivery, "Try again") render
at once. Nothing of this is in ttm's code: it is patched in by this module only.
"""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from ttm.celery import app  # noqa: F401  (`celery -A drills.worker` finds the app here)

HELD_STEP = "Drill: held in process"


@worker_process_init.connect
def hold_first_renders(**kwargs):
    from reports import rendering
    from reports.models import Report

    flag = Path(os.environ.get("TTM_DRILL_HOLD_FILE", "/nonexistent"))
    seconds = float(os.environ.get("TTM_DRILL_HOLD_SECONDS", "60"))
    render = rendering.RENDERERS[Report.BUSINESS_CASE]

    def held(report):
        if report.attempts == 1 and flag.exists():
            rendering.set_progress(report, f"{HELD_STEP} {os.getpid()}", 40)
            deadline = time.monotonic() + seconds
            while flag.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        return render(report)

    rendering.RENDERERS[Report.BUSINESS_CASE] = held
