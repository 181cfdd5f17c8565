"""Secret links out of logs and caches, tried as someone who reads the server's logs or a
shared browser's cache: no token of a participant's link is found there."""

import logging
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Participant
from ttm.log_filters import mask_secret_links

from ..conftest import PROJECT_DIR
from ..factories import (
    DiagnosticValueCodeFactory,
    MemberFactory,
    ParticipantFactory,
    PartyFactory,
    RatingFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = "zq8-SecretToken_Nobody-Should-See-0123456789abc"


def test_a_guessed_token_is_masked_in_djangos_request_warning(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(f"/p/{TOKEN}/").status_code == 404
        assert client.get(f"/join/{TOKEN}/").status_code == 404
        assert client.get(f"/p/{TOKEN}/my-results/").status_code == 404
    assert "Not Found: /p/[secret]/" in caplog.text
    assert "/join/[secret]/" in caplog.text and "/p/[secret]/my-results/" in caplog.text
    assert TOKEN not in caplog.text


def test_a_revoked_link_is_masked_in_the_410_warning(client, caplog):
    person = ParticipantFactory(revoked_at=timezone.now())
    party = PartyFactory(open_link_enabled=False)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("participant:home", args=[person.token])).status_code == 410
        assert client.get(f"/p/{person.invitation_token}/").status_code == 410
        assert client.get(f"/join/{party.open_link_token}/").status_code == 410
    assert "Gone: /p/[secret]/" in caplog.text
    for secret in (person.token, person.invitation_token, party.open_link_token):
        assert secret not in caplog.text


def test_a_refused_csrf_token_is_masked_in_the_security_warning(caplog):
    strict = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        assert strict.post(f"/p/{TOKEN}/email-link/").status_code == 403
    assert "Forbidden (CSRF cookie not set.): /p/[secret]/email-link/" in caplog.text
    assert TOKEN not in caplog.text


def test_any_other_logger_is_masked_by_the_console_handler():
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "At /join/%s/", (TOKEN,), None)
    assert handler.filter(record) and record.getMessage() == "At /join/[secret]/"


def test_runservers_request_lines_are_masked(caplog):
    logger = logging.getLogger("django.server")  # it does not propagate: listen on it
    logger.addHandler(caplog.handler)
    try:
        logger.warning('"%s" %s %s', f"GET /p/{TOKEN}/rate/ HTTP/1.1", "404", "179")
    finally:
        logger.removeHandler(caplog.handler)
    assert '"GET /p/[secret]/rate/ HTTP/1.1" 404 179' in caplog.text
    assert TOKEN not in caplog.text


def test_workshop_join_codes_are_masked_but_ordinary_paths_are_kept():
    assert mask_secret_links("/workshop/ABC234/ and /workshop/?code=ABC234") == (
        "/workshop/[secret]/ and /workshop/?code=[secret]"
    )
    kept = "/workshop/s/12/live/ /diagnostics/x/workshop/12/control/ /diagnostics/x/dashboard/"
    assert mask_secret_links(kept) == kept


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_command(source):
    """The gunicorn arguments of the Dockerfile's CMD or docker-compose's web command."""
    text = " ".join(re.sub(r'[\[\],"\\]', " ", (PROJECT_DIR / source).read_text()).split())
    return shlex.split(text.split("gunicorn ttm.wsgi", 1)[1])


@pytest.mark.parametrize("source", ["Dockerfile", "docker-compose.yml"])
def test_the_deployed_gunicorn_command_uses_the_masking_logger(source):
    words = _gunicorn_command(source)
    assert "--logger-class" in words
    assert words[words.index("--logger-class") + 1] == "ttm.gunicorn_logging.SecretMaskingLogger"


def test_gunicorns_access_log_masks_tokens(tmp_path):
    """A real gunicorn, with the logger class and default access log format of the Dockerfile."""
    port, log = _free_port(), tmp_path / "access.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "tests.anonymity.stub_wsgi:app",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
            "--logger-class",
            "ttm.gunicorn_logging.SecretMaskingLogger",
        ],
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/p/{TOKEN}/rate/?code=ABC234"
        request = urllib.request.Request(url, headers={"Referer": f"http://x/join/{TOKEN}/"})
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(request, timeout=2)
            except urllib.error.HTTPError as answered:
                assert answered.code == 404
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        while not log.exists() or "GET" not in log.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=20)
    line = log.read_text()
    assert "GET /p/[secret]/rate/?code=[secret] HTTP/1.1" in line and "/join/[secret]/" in line
    assert TOKEN not in line and "ABC234" not in line


@pytest.fixture
def person():
    """Someone who answered the one Value Code of a diagnostic with individual reports on."""
    person = ParticipantFactory()
    RatingFactory(
        participant=person,
        round=RoundFactory(diagnostic=person.diagnostic),
        value_code=DiagnosticValueCodeFactory(diagnostic=person.diagnostic),
    )
    return person


def test_participant_pages_are_never_cached(client, person):
    person.diagnostic.share_individual_reports = True
    person.diagnostic.save()
    value_code = person.ratings.get().value_code
    responses = [
        client.get(reverse("participant:home", args=[person.token])),
        client.get(reverse("participant:rate", args=[person.token])),
        client.post(
            reverse("participant:save", args=[person.token, value_code.pk]),
            {f"c{value_code.pk}": "2"},
            HTTP_HX_REQUEST="true",
        ),
        client.get(reverse("individual:report", args=[person.token])),
        client.get(reverse("participant:home", args=[person.invitation_token])),
    ]
    Participant.objects.filter(pk=person.pk).update(invitation_used_at=timezone.now())
    responses.append(client.get(reverse("participant:home", args=[person.invitation_token])))
    party = person.party
    party.open_link_enabled = True
    party.save()
    responses.append(client.get(reverse("participant:join", args=[party.open_link_token])))
    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


def test_result_exports_are_never_cached(client, person):
    diagnostic = person.diagnostic
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    for name in ("exports:ratings_csv", "results:json", "results:csv"):
        response = client.get(reverse(name, args=[diagnostic.slug]))
        # The raw ratings of an open round are refused (steps of K), and not cached either.
        assert response.status_code == (409 if name == "exports:ratings_csv" else 200)
        assert "no-store" in response["Cache-Control"], name
