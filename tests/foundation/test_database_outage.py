"""While the database cannot be reached, pages answer 503 "try again shortly" instead of a 500,
and the next request after it is back works. `make drill` restarts a real PostgreSQL."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

import ttm.views


@pytest.fixture
def browser_client(facilitator):
    client = Client(raise_request_exception=False)
    client.force_login(facilitator)
    return client


def _database_unreachable(monkeypatch):
    """Every query fails as the driver fails once the server is gone."""

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection, "create_cursor", refuse)


@pytest.mark.django_db
def test_pages_answer_503_while_the_database_is_unreachable_and_200_once_it_is_back(
    browser_client, monkeypatch
):
    url = reverse("diagnostics:list")
    assert browser_client.get(url).status_code == 200
    _database_unreachable(monkeypatch)

    response = browser_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "The database is not answering right now" in html
    assert "Traceback" not in html and "Server Error (500)" not in html

    monkeypatch.undo()
    assert browser_client.get(url).status_code == 200


@pytest.mark.django_db
def test_other_errors_are_still_a_plain_500(browser_client, monkeypatch):
    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ttm.views, "diagnostic_list", broken)
    response = browser_client.get(reverse("home"))
    assert response.status_code == 500
    assert "The database is not answering" not in response.content.decode()
