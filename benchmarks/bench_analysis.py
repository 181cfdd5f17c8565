"""The analysis at scale (PRODUCT.md 8): 300 Value Codes x 500 participants in 3 parties.

Builds a throwaway PostgreSQL database (COPY for the 150,000 ratings), then times in one run:
the first read of the open round (it publishes every rating, diagnostics.publication), then
analyse(), the bare GROUP BY any correct implementation must run, their ratio, the `analyse`
command end to end, and the dashboard page (time and query count). Drops the database after.
"""

import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from .support import on_postgres, throwaway_database

VALUE_CODES, PARTICIPANTS, PARTIES = 300, 500, ("Buyer", "Supplier", "Regulator")
BENCH_DB = "ttm_bench_analysis"
SLUG = "bench-analysis"
PROJECT_DIR = Path(__file__).resolve().parent.parent

BARE_SQL = """
SELECT r.value_code_id, p.party_id,
       count(r.current_level), avg(r.current_level), stddev_pop(r.current_level),
       count(r.target_level), avg(r.target_level),
       {levels}
FROM diagnostics_rating r JOIN diagnostics_participant p ON p.id = r.participant_id
WHERE r.round_id = %s
GROUP BY r.value_code_id, p.party_id
""".format(
    levels=", ".join(
        f"count(*) FILTER (WHERE r.{field}_level = {level})"
        for field in ("current", "target")
        for level in range(1, 6)
    )
)


def build():
    """The diagnostic, its member, and 150,000 ratings; returns (diagnostic, round, user)."""
    from django.contrib.auth import get_user_model

    from diagnostics.models import (
        Diagnostic,
        DiagnosticMember,
        DiagnosticValueCode,
        Participant,
        Party,
        Round,
    )

    rng = random.Random(1)
    diagnostic = Diagnostic.objects.create(name="Benchmark", slug=SLUG)
    user = get_user_model().objects.create_user("bench-facilitator", password="x-bench-pass-1")
    DiagnosticMember.objects.create(diagnostic=diagnostic, user=user, role="facilitator")
    parties = [
        Party.objects.create(diagnostic=diagnostic, name=name, position=i)
        for i, name in enumerate(PARTIES)
    ]
    codes = DiagnosticValueCode.objects.bulk_create(
        DiagnosticValueCode(
            diagnostic=diagnostic,
            section=f"Section {i // 20 + 1}",
            identifier=f"VC-{i:03d}",
            description=f"The extent to which thing {i} works",
            **{f"statement_{n}": f"Statement {n}" for n in range(1, 6)},
            position=i,
        )
        for i in range(VALUE_CODES)
    )
    people = Participant.objects.bulk_create(
        Participant(diagnostic=diagnostic, party=parties[i % len(parties)], label=f"p{i}")
        for i in range(PARTICIPANTS)
    )
    round_ = Round.objects.create(diagnostic=diagnostic, number=1)
    # Answers given during the round and read later: reads compare only recent ones with what
    # was published (diagnostics.publication.SETTLING), as they do once a round has settled.
    given_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    columns = (
        "round_id, participant_id, value_code_id, current_level, target_level, "
        "current_answered, target_answered, comment, updated_at"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY diagnostics_rating ({columns}) FROM STDIN") as copy:
            for person in people:
                for code in codes:
                    current = None if rng.random() < 0.05 else rng.randint(1, 5)
                    target = None if rng.random() < 0.05 else rng.randint(2, 5)
                    copy.write_row(
                        (round_.pk, person.pk, code.pk, current, target, True, True, "", given_at)
                    )
        cursor.execute("ANALYZE")
    return diagnostic, round_, user


def best_of(runs, function):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings), max(timings)


def time_command():
    params = connection.settings_dict
    url = f"postgres://{params['USER']}"
    url += f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    url += f"@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{BENCH_DB}"
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "manage.py", "analyse", SLUG]

    def run_once():
        subprocess.run(command, cwd=PROJECT_DIR, env=env, check=True, stdout=subprocess.DEVNULL)

    return best_of(3, run_once)


def time_dashboard(diagnostic, user):
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    url = reverse("results:dashboard", args=[diagnostic.slug])
    client.get(url)  # warm up templates
    connection.queries_log.clear()  # a full log (maxlen 9000) would make the count 0
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return best_of(3, lambda: client.get(url)), len(queries), len(response.content)


def run():
    if not on_postgres():
        return ["skipped: needs DATABASE_URL pointing at PostgreSQL"]
    from django.core.management import call_command

    from results.analysis import analyse

    lines = []
    with throwaway_database(BENCH_DB):
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        diagnostic, round_, user = build()
        lines.append(
            f"setup: {VALUE_CODES} Value Codes x {PARTICIPANTS} participants in "
            f"{len(PARTIES)} parties = {VALUE_CODES * PARTICIPANTS} ratings "
            f"({time.perf_counter() - started:.1f} s)"
        )
        started = time.perf_counter()
        analyse(diagnostic)  # warms up, and publishes every rating
        lines.append(f"first read, publishing all ratings: {time.perf_counter() - started:.2f} s")
        analysis_best, analysis_worst = best_of(5, lambda: analyse(diagnostic))

        def bare():
            with connection.cursor() as cursor:
                cursor.execute(BARE_SQL, [round_.pk])
                cursor.fetchall()

        bare()
        bare_best, bare_worst = best_of(5, bare)
        ratio = analysis_best / bare_best
        lines.append(
            f"analyse(): best {analysis_best * 1000:.0f} ms, worst {analysis_worst * 1000:.0f} ms"
        )
        lines.append(
            f"bare GROUP BY: best {bare_best * 1000:.0f} ms, worst {bare_worst * 1000:.0f} ms"
        )
        lines.append(f"ratio analyse/bare: {ratio:.2f}x (target <= 3x) {_verdict(ratio <= 3)}")
        command_best, command_worst = time_command()
        lines.append(
            f"`manage.py analyse` end to end: best {command_best:.2f} s, worst "
            f"{command_worst:.2f} s (target < 2 s) {_verdict(command_best < 2)}"
        )
        (page_best, page_worst), queries, size = time_dashboard(diagnostic, user)
        lines.append(
            f"dashboard page: best {page_best * 1000:.0f} ms, worst {page_worst * 1000:.0f} ms, "
            f"{queries} queries, {size // 1024} KiB (target < 1 s) {_verdict(page_best < 1)}"
        )
    return lines


def _verdict(ok):
    return "OK" if ok else "MISSED"
