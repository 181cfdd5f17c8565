import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_up(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_healthz_reports_a_broker_that_does_not_answer_as_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "up", "broker": "down"}


def test_healthz_reports_the_database_down(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.worker
def test_healthz_reports_the_real_broker_up(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "up"
