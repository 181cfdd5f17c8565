import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from . import factories

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config):
    database = settings.DATABASES["default"]
    # Live-server threads must not keep connections open, or the test database cannot be dropped.
    database["CONN_MAX_AGE"] = 0
    if database["ENGINE"].endswith("sqlite3"):
        # A file, not memory: Django hands an in-memory database's single connection to the test
        # thread and every live-server thread at once, and one sqlite3 connection used by several
        # threads at a time can deadlock the whole process (a browser test hung CI so). With a
        # file, each thread has its own connection and SQLite's locks keep them apart.
        folder = tempfile.mkdtemp(prefix="ttm-tests-")
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        database["TEST"] = {**database.get("TEST", {}), "NAME": str(Path(folder) / "db.sqlite3")}


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skips = {
        "postgres": (not on_postgres, "needs DATABASE_URL pointing at PostgreSQL"),
        "worker": (not settings.REDIS_URL, "needs REDIS_URL for a real Celery worker"),
        "browser": (not Path("/usr/bin/chromium").exists(), "needs Debian's chromium"),
    }
    for item in items:
        for marker, (skip, reason) in skips.items():
            if skip and marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path, request):
    if "worker" not in request.keywords:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _eager_tasks_unless_worker(request):
    """Tasks run in-process, except in tests that go through the real worker."""
    from ttm.celery import app

    eager = "worker" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, stopped before the test database is dropped."""
    return live_server


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class PolicyWatchingBrowser:
    """A Playwright browser whose pages record what the Content-Security-Policy refused."""

    def __init__(self, browser):
        self._browser = browser
        self.refusals = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def _watch(self, message):
        if "Content Security Policy" in message.text:
            self.refusals.append(f"{message.location.get('url')}: {message.text}")

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.on("console", self._watch)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()


@pytest.fixture
def browser(monkeypatch):
    """Debian's headless Chromium through Playwright (never a downloaded browser).

    A test fails when a page it opened broke the Content-Security-Policy (an inline script, an
    eval, a <style> element): the header is enforced, so that code did not run for real users.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are
    # plain synchronous calls, so Django's async guard does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        watching = PolicyWatchingBrowser(chromium)
        yield watching
        chromium.close()
        # ORM calls made while Playwright's loop runs get their own connection: close it, or
        # the PostgreSQL test database cannot be dropped at the end.
        connections.close_all()
    assert watching.refusals == [], "\n".join(watching.refusals)


@pytest.fixture
def sample_data():
    """The sample files of PRODUCT.md (Value Codes, ratings, expected analysis)."""
    return SAMPLE_DATA


@pytest.fixture
def facilitator(db):
    return factories.FacilitatorFactory(username="fran")


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


@pytest.fixture(scope="session")
def worker_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, worker_media_root):
    """A real `celery worker` process on REDIS_URL, using the test database."""
    from ttm.celery import app

    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "TTM_MEDIA_ROOT": str(worker_media_root),
        "TTM_CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
    }
    celery = shutil.which("celery", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [celery, "-A", "ttm", "worker", "--pool=solo", "--loglevel=warning", "-n", "test@%h"],
        cwd=PROJECT_DIR,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("The Celery worker did not start")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(predicate, timeout=60, interval=0.1):
    """Poll until predicate() is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} s")
