"""Live workshop load (PRODUCT.md 8): 200 phones polling and voting, one presenter polling.

Starts gunicorn on loopback against a throwaway database (PostgreSQL when DATABASE_URL is
PostgreSQL, else a temporary SQLite file) and reports:
- vote-to-presenter latency: from a phone sending its vote to the end of the first presenter
  poll that started after the vote was saved (so it must show it); target p95 < 1 s;
- server CPU while nothing changes: utime + stime of the gunicorn processes over a 10 s idle
  window with every phone and the presenter still polling; target < 50% of one core.
Bounded: 200 client threads, about 40 s in all, every process stopped at the end.
"""

import http.client
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from .support import database_url, on_postgres, throwaway_database

PHONES = 200
PHONE_POLL_SECONDS = 1.5  # as the phone page polls
PRESENTER_POLL_SECONDS = 0.5  # as the presenter view polls
VOTING_SECONDS = 12
IDLE_SECONDS = 10
BENCH_DB = "ttm_bench_workshop"
PROJECT_DIR = Path(__file__).resolve().parent.parent
COUNTS = re.compile(r'data-party="[^"]*">.*?</span>[^<]*?(\d+)/(\d+)</span>', re.S)


@contextmanager
def sqlite_database():
    """Point the default connection at a fresh SQLite file; yield its URL."""
    folder = tempfile.mkdtemp(prefix="ttm-bench-workshop-")
    path = Path(folder) / "bench.sqlite3"
    previous = dict(connection.settings_dict)
    connections.close_all()
    connection.settings_dict["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connections.close_all()
        connection.settings_dict.clear()
        connection.settings_dict.update(previous)
        for leftover in Path(folder).iterdir():
            leftover.unlink()
        Path(folder).rmdir()


@contextmanager
def bench_database():
    if on_postgres():
        with throwaway_database(BENCH_DB):
            yield database_url(BENCH_DB), "PostgreSQL"
    else:
        with sqlite_database() as url:
            yield url, "SQLite"


def build():
    """A two-party diagnostic in a live workshop with 200 phones joined; returns cookies."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from diagnostics.models import Diagnostic, DiagnosticValueCode, Party, Round
    from tests.factories import FacilitatorFactory
    from workshops import services
    from workshops.models import WorkshopAttendee
    from workshops.views.participant import ATTENDANCE_KEY

    facilitator = FacilitatorFactory(username="bench-facilitator")
    diagnostic = Diagnostic.objects.create(name="Workshop load", slug="workshop-load")
    diagnostic.memberships.create(user=facilitator, role="facilitator")
    parties = [
        Party.objects.create(diagnostic=diagnostic, name=name, position=i)
        for i, name in enumerate(["Council", "Contractor"])
    ]
    for i in range(5):
        DiagnosticValueCode.objects.create(
            diagnostic=diagnostic,
            section="Load",
            identifier=f"VC{i}",
            description="The extent to which the room holds",
            **{f"statement_{n}": f"Statement {n}" for n in range(1, 6)},
            position=i,
        )
    Round.objects.create(diagnostic=diagnostic, number=1)
    session = services.start_session(diagnostic=diagnostic, user=facilitator)
    from diagnostics.models import Participant

    people = Participant.objects.bulk_create(
        Participant(diagnostic=diagnostic, party=parties[i % 2], label=f"phone {i}")
        for i in range(PHONES)
    )
    WorkshopAttendee.objects.bulk_create(
        WorkshopAttendee(session=session, participant=person) for person in people
    )
    phone_cookies = []
    for person in people:
        store = SessionStore()
        store[ATTENDANCE_KEY] = {str(session.pk): person.pk}
        store.create()
        phone_cookies.append(store.session_key)
    client = Client()
    client.force_login(facilitator)
    presenter_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return session, phone_cookies, presenter_cookie


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port, url):
    # Change stamps must be shared by all workers: with Redis, two processes; without it the
    # cache is per process, so one process with threads.
    workers = "2" if settings.REDIS_URL else "1"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", "TTM_LOG_LEVEL": "WARNING"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "ttm.wsgi", "-b", f"127.0.0.1:{port}", "-w", workers, "-k", "gthread",
         "--threads", "8", "--keep-alive", "5", "--log-level", "warning"],
        cwd=PROJECT_DIR,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, int(workers)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def server_pids(master):
    pids = [master.pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.pid:
            pids.append(int(stat.parent.name))
    return pids


def cpu_seconds(pids):
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


class Room:
    """Shared state of the simulated room."""

    def __init__(self, port, session):
        self.port, self.session = port, session
        self.stop = threading.Event()
        self.voting = threading.Event()
        self.lock = threading.Lock()
        self.votes = []  # (sent, saved) perf_counter times
        self.presenter_polls = []  # (started, ended, answered)
        self.statuses = {}
        self.errors = []

    def count(self, kind, status):
        with self.lock:
            self.statuses[(kind, status)] = self.statuses.get((kind, status), 0) + 1


def get(conn, path, headers):
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response, response.read()


def phone(room, number, cookie):
    rng = random.Random(number)
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts it as the CSRF secret
    headers = {"Cookie": f"sessionid={cookie}; csrftoken={csrf}", "HX-Request": "true"}
    poll_path = f"/workshop/s/{room.session.pk}/live/"
    vote_at = None
    etag = None
    conn = http.client.HTTPConnection("127.0.0.1", room.port, timeout=10)
    time.sleep(rng.uniform(0, PHONE_POLL_SECONDS))
    while not room.stop.is_set():
        try:
            response, _ = get(
                conn, poll_path, {**headers, **({"If-None-Match": etag} if etag else {})}
            )
            room.count("phone poll", response.status)
            etag = response.headers.get("ETag") or etag
            if room.voting.is_set() and vote_at is None:
                vote_at = time.perf_counter() + rng.uniform(0, VOTING_SECONDS - 2)
            if vote_at and time.perf_counter() >= vote_at:
                vote_at = float("inf")
                level = rng.randint(1, 5)
                body = f"value_code={room.session.current_value_code_id}&current_level={level}"
                sent = time.perf_counter()
                conn.request("POST", f"/workshop/s/{room.session.pk}/rate/", body=body, headers={
                    **headers, "X-CSRFToken": csrf,
                    "Content-Type": "application/x-www-form-urlencoded",
                })  # fmt: skip
                response = conn.getresponse()
                response.read()
                room.count("vote", response.status)
                if response.status == 200:
                    with room.lock:
                        room.votes.append((sent, time.perf_counter()))
        except (OSError, http.client.HTTPException) as error:
            room.errors.append(repr(error))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", room.port, timeout=10)
        room.stop.wait(rng.uniform(0.8, 1.2) * PHONE_POLL_SECONDS)
    conn.close()


def presenter(room, cookie):
    path = f"/diagnostics/{room.session.diagnostic.slug}/workshop/{room.session.pk}/live/"
    headers = {"Cookie": f"sessionid={cookie}", "HX-Request": "true"}
    conn = http.client.HTTPConnection("127.0.0.1", room.port, timeout=10)
    etag, answered = None, 0
    while not room.stop.is_set():
        started = time.perf_counter()
        response, body = get(conn, path, {**headers, **({"If-None-Match": etag} if etag else {})})
        room.count("presenter poll", response.status)
        if response.status == 200:
            etag = response.headers.get("ETag")
            answered = sum(int(done) for done, _ in COUNTS.findall(body.decode()))
        room.presenter_polls.append((started, time.perf_counter(), answered))
        room.stop.wait(max(0, PRESENTER_POLL_SECONDS - (time.perf_counter() - started)))
    conn.close()


def latencies(room):
    """Per vote: first presenter poll started after the vote was saved, to its end."""
    polls = sorted(room.presenter_polls)
    result = []
    for sent, saved in room.votes:
        seen = next((ended for started, ended, _ in polls if started >= saved), None)
        if seen is not None:
            result.append(seen - sent)
    return result


def percentile(values, p):
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def simulate(port, session, phone_cookies, presenter_cookie, master):
    room = Room(port, session)
    threads = [threading.Thread(target=presenter, args=(room, presenter_cookie))]
    threads += [
        threading.Thread(target=phone, args=(room, n, cookie))
        for n, cookie in enumerate(phone_cookies)
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2 * PHONE_POLL_SECONDS)  # every phone has its first full page
        room.voting.set()
        time.sleep(VOTING_SECONDS + 1)
        pids = server_pids(master)
        polls_before = sum(room.statuses.values())
        cpu_before, wall_before = cpu_seconds(pids), time.perf_counter()
        time.sleep(IDLE_SECONDS)
        idle_cpu = (cpu_seconds(pids) - cpu_before) / (time.perf_counter() - wall_before)
        idle_requests = (sum(room.statuses.values()) - polls_before) / IDLE_SECONDS
    finally:
        room.stop.set()
        for thread in threads:
            thread.join(timeout=15)
    return room, idle_cpu, idle_requests


def run():
    with bench_database() as (url, engine):
        call_command("migrate", verbosity=0)
        session, phone_cookies, presenter_cookie = build()
        port = free_port()
        master, workers = start_gunicorn(port, url)
        try:
            room, idle_cpu, idle_requests = simulate(
                port, session, phone_cookies, presenter_cookie, master
            )
        finally:
            master.terminate()
            master.wait(timeout=20)
        from diagnostics.models import Rating

        stored = Rating.objects.filter(round_id=session.round_id).count()
    ms = sorted(value * 1000 for value in latencies(room))
    cache = "Redis" if settings.REDIS_URL else "local memory"
    lines = [
        f"{PHONES} phones polling every {PHONE_POLL_SECONDS} s, presenter every "
        f"{PRESENTER_POLL_SECONDS} s; gunicorn {workers} worker(s) x 8 threads, {engine}, "
        f"cache in {cache}",
        "responses: "
        + ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(room.statuses.items())),
    ]
    if ms:
        p95 = percentile(ms, 95)
        lines.append(
            f"vote to presenter ({len(ms)} votes): p50 {percentile(ms, 50):.0f} ms, "
            f"p95 {p95:.0f} ms, p99 {percentile(ms, 99):.0f} ms, max {ms[-1]:.0f} ms "
            f"(target p95 < 1000 ms: {'met' if p95 < 1000 else 'MISSED'})"
        )
    else:
        lines.append("vote to presenter: no vote completed (MISSED)")
    lines.append(
        f"idle: {idle_requests:.0f} polls/s cost {idle_cpu * 100:.1f}% of one core "
        f"(target < 50%: {'met' if idle_cpu < 0.5 else 'MISSED'})"
    )
    final = room.presenter_polls[-1][2] if room.presenter_polls else 0
    lines.append(
        f"votes sent {len(room.votes)}, ratings stored {stored}, presenter finally showed "
        f"{final}; client errors {len(room.errors)}"
    )
    return lines
