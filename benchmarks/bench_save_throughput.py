"""A rating save's throughput beside the landing page's (issue 15: at least 0.30 of it), on the
same gunicorn (2 sync workers, DEBUG off) and PostgreSQL, in the same run: CLIENTS clients
drive each endpoint as fast as it answers for a bounded time, in turns (landing, save, landing,
save) so that a change in the machine's load falls on both. The landing page runs no SQL, so the
ratio is what a save costs above the middleware both go through. Loopback only.
"""

import http.client
import multiprocessing
import random
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

from django.core.management import call_command

from .support import free_port, load_value_codes, on_postgres, start_gunicorn, throwaway_database

BENCH_DB = "ttm_bench_throughput"
WORKERS = 2
CLIENTS = 16  # participants saving at once, each on a connection of its own
PROCESSES = 2  # load generators, so that one Python's GIL does not cap the landing page
VALUE_CODES = 40
WARM_UP_SECONDS = 2
SECONDS = 8  # per turn
TURNS = 2
GOAL = 0.30


def build():
    from diagnostics.models import Diagnostic, Participant, Party, Round

    diagnostic = Diagnostic.objects.create(name="Throughput", slug="throughput")
    party = Party.objects.create(diagnostic=diagnostic, name="Buyer", position=0)
    load_value_codes(diagnostic, VALUE_CODES)
    Participant.objects.bulk_create(
        Participant(diagnostic=diagnostic, party=party, label=f"p{i}") for i in range(CLIENTS)
    )
    Round.objects.create(diagnostic=diagnostic, number=1)
    tokens = list(Participant.objects.values_list("token", flat=True))
    return tokens, list(diagnostic.value_codes.values_list("pk", flat=True))


def csrf_token(port, token):
    """The CSRF cookie a participant's browser gets with the rating page."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/p/{token}/rate/")
    response = conn.getresponse()
    response.read()
    conn.close()
    return SimpleCookie(response.headers.get("Set-Cookie", ""))["csrftoken"].value


def _client(port, kind, client, value_code_ids, deadline, counts):
    """One client: requests one after the other until the deadline (keep-alive when the server
    keeps the connection; gunicorn's sync workers close it, as in production)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    rng = random.Random(client[0] if client else None)
    ok = failed = 0
    while time.monotonic() < deadline:
        if kind == "landing":
            conn.request("GET", "/")
        else:
            token, csrf = client
            pk = rng.choice(value_code_ids)
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "HX-Request": "true",
            }
            body = f"c{pk}={rng.randint(1, 5)}&t{pk}={rng.randint(1, 5)}"
            conn.request("POST", f"/p/{token}/rate/{pk}/", body=body, headers=headers)
        try:
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            continue
        if response.status == 200:
            ok += 1
        else:
            failed += 1
    conn.close()
    counts.append((ok, failed))


def drive(port, kind, clients, value_code_ids, seconds):
    """In a load-generator process: one thread per client; returns (ok, failed)."""
    deadline = time.monotonic() + seconds
    counts = []
    threads = [
        threading.Thread(
            target=_client, args=(port, kind, client, value_code_ids, deadline, counts)
        )
        for client in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    return sum(ok for ok, _ in counts), sum(failed for _, failed in counts)


def turn(pool, port, kind, clients, value_code_ids, seconds):
    """(requests/s, failed) of one endpoint driven by every client for `seconds`."""
    shares = [clients[i::PROCESSES] for i in range(PROCESSES)]
    started = time.perf_counter()
    futures = [pool.submit(drive, port, kind, share, value_code_ids, seconds) for share in shares]
    results = [future.result(timeout=seconds + 60) for future in futures]
    elapsed = time.perf_counter() - started
    return sum(ok for ok, _ in results) / elapsed, sum(failed for _, failed in results)


def check_ratings(expected_at_most):
    from django.db.models import Count

    from diagnostics.models import Rating

    stored = Rating.objects.count()
    duplicated = (
        Rating.objects.values("participant_id", "value_code_id", "round_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    return stored, duplicated, stored <= expected_at_most


def run():
    if not on_postgres():
        return ["skipped: set DATABASE_URL to a PostgreSQL server (this benchmark needs one)"]
    with throwaway_database(BENCH_DB):
        call_command("migrate", verbosity=0)
        tokens, ids = build()
        port = free_port()
        static_root = Path(tempfile.mkdtemp(prefix="ttm-bench-static-"))
        server = start_gunicorn(port, BENCH_DB, static_root, workers=WORKERS)
        rates = {"landing": [], "save": []}
        failed = {"landing": 0, "save": 0}
        try:
            savers = [(token, csrf_token(port, token)) for token in tokens]
            landers = [()] * CLIENTS
            clients = {"landing": landers, "save": savers}
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(PROCESSES, mp_context=spawn) as pool:
                for kind in rates:
                    turn(pool, port, kind, clients[kind], ids, WARM_UP_SECONDS)
                for _ in range(TURNS):
                    for kind in rates:
                        rate, errors = turn(pool, port, kind, clients[kind], ids, SECONDS)
                        rates[kind].append(rate)
                        failed[kind] += errors
        finally:
            server.terminate()
            server.wait(timeout=20)
            shutil.rmtree(static_root, ignore_errors=True)
        stored, duplicated, bounded = check_ratings(CLIENTS * VALUE_CODES)
    landing = sum(rates["landing"]) / TURNS
    save = sum(rates["save"]) / TURNS
    ratio = save / landing if landing else 0.0
    turns = ", ".join(
        f"{a:.0f}/{b:.0f}" for a, b in zip(rates["landing"], rates["save"], strict=True)
    )
    return [
        f"landing page {landing:.0f} requests/s; rating save {save:.0f} requests/s; "
        f"ratio {ratio:.2f} (goal at least {GOAL:.2f}: {'met' if ratio >= GOAL else 'MISSED'})",
        f"gunicorn {WORKERS} sync workers, DEBUG off, PostgreSQL; {CLIENTS} clients in "
        f"{PROCESSES} processes on the same cores; {TURNS} turns of {SECONDS} s each "
        f"(landing/save per turn: {turns})",
        f"HTTP errors: landing {failed['landing']}, save {failed['save']}; ratings stored "
        f"{stored} (at most {CLIENTS * VALUE_CODES}{'' if bounded else ': TOO MANY'}), "
        f"duplicated {duplicated}",
    ]
