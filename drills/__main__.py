"""`make drill`: failure drills against real PostgreSQL, Redis, gunicorn and a Celery worker.

    python -m drills            # all three: a (worker killed), b (Redis stopped), c (PostgreSQL)
    python -m drills b c        # some of them
    python -m drills --keep     # keep the temporary directory (logs, cluster) for a look

Everything runs on the drill's own throwaway services (see drills.infra), stopped at the end
whatever happens. Prints each step and a PASS/FAIL summary; exits 1 when anything failed.
"""

import argparse
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from .infra import Postgres, Redis, Web, Worker, free_port, tail
from .scenarios import DRILLS, TITLES, DrillFailed

DATABASE = "ttm_drill"


class OutOfTime(Exception):
    """The whole drill took longer than its --timeout."""


class Run:
    """Prints steps as they go and keeps what each drill observed for the summary."""

    def __init__(self):
        self.started = time.monotonic()
        self.results = []  # (name, passed, detail)
        self.notes = {}

    def elapsed(self):
        return time.monotonic() - self.started

    @contextmanager
    def step(self, text):
        began = time.monotonic()
        print(f"  [{self.elapsed():6.1f} s] {text} ...", flush=True)
        try:
            yield
        except BaseException:
            print(f"             FAILED after {time.monotonic() - began:.1f} s", flush=True)
            raise
        print(f"             ok ({time.monotonic() - began:.1f} s)", flush=True)

    def note(self, drill, text):
        self.notes.setdefault(drill, []).append(text)

    def record(self, name, passed, detail=""):
        self.results.append((name, passed, detail))


class Stage:
    """The drill's services and the people using them."""

    def __init__(self, root):
        self.root = root
        self.hold_file = root / "hold-renders"
        self.postgres = self.redis = self.web = self.worker = None
        self.workers_started = 0

    def set_up(self, run):
        with run.step("start a throwaway PostgreSQL cluster and redis-server"):
            self.postgres = Postgres(self.root, free_port()).init().start()
            self.postgres.create_database(DATABASE)
            self.redis = Redis(self.root, free_port()).start()
        self.env = self._environment()
        os.environ.update(self.env)
        with run.step("migrate, load the demo diagnostic, start gunicorn and a Celery worker"):
            self._load_data()
            self.web = Web(self.root, free_port(), self.env).start()
            self.start_worker()
        from .client import Browser

        with run.step("log in as the facilitator; open a participant's link"):
            self.facilitator = Browser(self.web.base_url)
            self.facilitator.log_in("facilitator", self.password)
            self.participant_browser = Browser(self.web.base_url)

    def _environment(self):
        media = self.root / "media"
        media.mkdir()
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "drills.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": self.postgres.url(DATABASE),
            "REDIS_URL": self.redis.url(),
            "TTM_CELERY_QUEUE": "ttm-drill",
            "TTM_MEDIA_ROOT": str(media),
            "TTM_LOG_LEVEL": "WARNING",
            "TTM_DRILL_HOLD_FILE": str(self.hold_file),
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        }

    def _load_data(self):
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from diagnostics.models import Participant
        from hub.demo import load_demo
        from ttm.access import FACILITATORS_GROUP

        self.password = secrets.token_urlsafe(12)
        user = get_user_model().objects.create_superuser("facilitator", password=self.password)
        user.groups.add(Group.objects.get_or_create(name=FACILITATORS_GROUP)[0])
        with open(os.devnull, "w") as quiet:
            diagnostic = load_demo(stdout=quiet, login_file=self.root / "sponsor")
        self.slug = diagnostic.slug
        participant = Participant.objects.filter(diagnostic=diagnostic).order_by("pk").first()
        self.participant = {
            "id": participant.pk,
            "token": participant.token,
            "value_code_id": diagnostic.value_codes.order_by("pk").first().pk,
        }

    def ping(self, name):
        from ttm.celery import app

        try:
            return bool(app.control.ping(destination=[name], timeout=1.0))
        except Exception:  # the broker is down: not answering
            return False

    def start_worker(self):
        self.workers_started += 1
        self.worker = Worker(self.root, self.env, self.workers_started).start(self.ping)

    def tear_down(self):
        from django.db import connections

        connections.close_all()
        for service in (self.worker, self.web):
            if service is not None:
                service.process.stop()
        if self.redis is not None and self.redis.process is not None:
            self.redis.process.stop()
        if self.postgres is not None and self.postgres.running():
            try:
                self.postgres.stop("immediate")
            except Exception as exc:
                print(f"could not stop the drill's PostgreSQL: {exc}", file=sys.stderr)

    def logs(self):
        names = ["web.log", *(f"worker-{n}.log" for n in range(1, self.workers_started + 1))]
        names += ["redis.log", "postgres/postgres.log"]
        for name in names:
            if (self.root / name).exists():
                print(f"--- last lines of {name}\n{tail(self.root / name)}")


def _out_of_time(signum, frame):
    raise OutOfTime("the whole drill ran out of time")


def _terminated(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m drills", description=__doc__.split("\n")[0])
    parser.add_argument("drills", nargs="*", help=f"any of {', '.join(DRILLS)} (default: all)")
    parser.add_argument("--timeout", type=int, default=240, help="seconds for everything")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    unknown = set(args.drills) - set(DRILLS)
    if unknown:
        parser.error(f"unknown drill {', '.join(sorted(unknown))}: choose from {', '.join(DRILLS)}")
    chosen = args.drills or list(DRILLS)

    root = Path(tempfile.mkdtemp(prefix="ttm-drill-"))
    root.chmod(0o755)  # the postgres user must reach its cluster inside
    run, stage = Run(), Stage(root)
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.signal(signal.SIGTERM, _terminated)
    signal.alarm(args.timeout)
    print(f"Drills {', '.join(chosen)} in {root} (at most {args.timeout} s)")
    try:
        stage.set_up(run)
        run.record("set-up", True)
        for letter in chosen:
            drill = DRILLS[letter]
            print(f"== {letter}) {TITLES[letter]}")
            try:
                drill(stage, run)
            except (DrillFailed, OutOfTime, Exception) as exc:
                run.record(letter, False, f"{type(exc).__name__}: {exc}")
                if not isinstance(exc, DrillFailed):
                    traceback.print_exc()
                if isinstance(exc, OutOfTime):
                    break
            else:
                run.record(letter, True)
    except (Exception, KeyboardInterrupt) as exc:
        run.record("set-up" if not run.results else "run", False, f"{type(exc).__name__}: {exc}")
        traceback.print_exc()
    finally:
        signal.alarm(0)
        failed = any(not passed for _, passed, _ in run.results)
        if failed:
            stage.logs()
        stage.tear_down()
    return _summary(run, chosen, root, keep=args.keep or failed)


def _summary(run, chosen, root, keep):
    print(f"\nSummary ({run.elapsed():.0f} s):")
    for name, passed, detail in run.results:
        print(f"  {'PASS' if passed else 'FAIL'}  {name}{': ' + detail if detail else ''}")
        for note in run.notes.get(name, []):
            print(f"        {note}")
    missing = [letter for letter in chosen if letter not in {name for name, *_ in run.results}]
    for letter in missing:
        print(f"  FAIL  {letter}: not run")
    ok = all(passed for _, passed, _ in run.results) and not missing
    if keep:
        print(f"Logs and data kept in {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
