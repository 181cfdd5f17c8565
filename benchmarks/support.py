"""What several benchmarks share: a throwaway PostgreSQL database, gunicorn serving it."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

PROJECT_DIR = Path(__file__).resolve().parent.parent


def on_postgres():
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def server_connection(database="postgres"):
    """psycopg connection to the PostgreSQL server (maintenance database), autocommit."""
    import psycopg

    params = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=database,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        autocommit=True,
    )


def database_url(name):
    params = settings.DATABASES["default"]
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT']}/{name}"


@contextmanager
def throwaway_database(name):
    """Point the default connection at a fresh database for the duration; drop it after."""
    with server_connection() as server:
        server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {name}")
    previous = connection.settings_dict["NAME"]
    connections.close_all()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = previous
        with server_connection() as server:
            server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port, name, static_root, *, workers):
    """gunicorn as in production (DEBUG off, collected static files), plain HTTP on loopback."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(name),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "TTM_STATIC_ROOT": str(static_root),
        "TTM_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [
            gunicorn,
            "ttm.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def load_value_codes(diagnostic, count):
    """`count` plain Value Codes ("VC00", ...) in one section, for the load benchmarks."""
    from diagnostics.models import DiagnosticValueCode

    DiagnosticValueCode.objects.bulk_create(
        DiagnosticValueCode(
            diagnostic=diagnostic,
            section="Load",
            identifier=f"VC{i:02d}",
            description="The extent to which the load holds",
            **{f"statement_{n}": f"Statement {n}" for n in range(1, 6)},
            position=i,
        )
        for i in range(count)
    )
