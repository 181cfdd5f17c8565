"""Rating saves under load (PRODUCT.md 8): 200 participants each saving 40 Value Codes
against gunicorn and PostgreSQL on this machine. Reports the latency distribution per save,
and checks that no rating was lost or duplicated. Loopback only; bounded in count and time.
"""

import http.client
import random
import shutil
import statistics
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

from django.core.management import call_command

from .support import free_port, load_value_codes, on_postgres, start_gunicorn, throwaway_database

PARTICIPANTS, VALUE_CODES = 200, 40
THINK_SECONDS = (2.0, 4.0)  # reading the next Value Code, compressed from ~15 s
BENCH_DB = "ttm_bench_saves"


def build():
    from diagnostics.models import Diagnostic, Participant, Party, Round

    diagnostic = Diagnostic.objects.create(name="Load", slug="load")
    parties = [
        Party.objects.create(diagnostic=diagnostic, name=name, position=i)
        for i, name in enumerate(["Buyer", "Supplier"])
    ]
    load_value_codes(diagnostic, VALUE_CODES)
    Participant.objects.bulk_create(
        Participant(diagnostic=diagnostic, party=parties[i % 2], label=f"p{i}")
        for i in range(PARTICIPANTS)
    )
    Round.objects.create(diagnostic=diagnostic, number=1)
    tokens = list(Participant.objects.values_list("token", flat=True))
    ids = list(diagnostic.value_codes.values_list("pk", flat=True))
    return tokens, ids


def participant(port, token, value_code_ids, latencies, errors, expected):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/p/{token}/rate/")
    response = conn.getresponse()
    response.read()
    cookie = SimpleCookie(response.headers.get("Set-Cookie", ""))
    csrf = cookie["csrftoken"].value
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "HX-Request": "true",
    }
    rng = random.Random(token)
    for pk in value_code_ids:
        time.sleep(rng.uniform(*THINK_SECONDS))
        current, target = rng.randint(1, 5), rng.randint(1, 5)
        body = f"c{pk}={current}&t{pk}={target}"
        started = time.perf_counter()
        conn.request("POST", f"/p/{token}/rate/{pk}/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            errors.append(response.status)
        expected[(token, pk)] = (current, target)
    conn.close()


def check(expected):
    from diagnostics.models import Rating

    stored = {
        (token, pk): (current, target)
        for token, pk, current, target in Rating.objects.values_list(
            "participant__token", "value_code_id", "current_level", "target_level"
        )
    }
    lost = sum(1 for key in expected if key not in stored)
    wrong = sum(1 for key, value in expected.items() if stored.get(key) not in (None, value))
    return len(stored), lost, wrong


def percentile(values, p):
    return statistics.quantiles(values, n=100)[p - 1]


def run():
    if not on_postgres():
        return ["skipped: set DATABASE_URL to a PostgreSQL server (this benchmark needs one)"]
    with throwaway_database(BENCH_DB):
        call_command("migrate", verbosity=0)
        tokens, ids = build()
        port = free_port()
        static_root = Path(tempfile.mkdtemp(prefix="ttm-bench-static-"))
        server = start_gunicorn(port, BENCH_DB, static_root, workers=4)
        latencies, errors, expected = [], [], {}
        try:
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=participant, args=(port, t, ids, latencies, errors, expected)
                )
                for t in tokens
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=20)
            shutil.rmtree(static_root, ignore_errors=True)
        stored, lost, wrong = check(expected)
    ms = sorted(value * 1000 for value in latencies)
    p99 = percentile(ms, 99)
    return [
        f"{len(ms)} saves by {PARTICIPANTS} participants in {elapsed:.1f} s "
        f"({len(ms) / elapsed:.0f} saves/s), gunicorn 4 workers, DEBUG off, PostgreSQL; "
        "the load generator shares the same 2 cores",
        f"latency per save: p50 {percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, "
        f"p99 {p99:.0f} ms, max {ms[-1]:.0f} ms (target p99 < 100 ms: "
        f"{'met' if p99 < 100 else 'MISSED'})",
        f"ratings stored {stored} of {PARTICIPANTS * VALUE_CODES}; lost {lost}; wrong {wrong}; "
        f"HTTP errors {len(errors)} (target: none lost or duplicated)",
    ]
