"""What several benchmarks share: a throwaway PostgreSQL database."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, connections


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
