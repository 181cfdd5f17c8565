import subprocess
import sys

from .. import conftest

ENV_BASE = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}


def run_python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=conftest.PROJECT_DIR,
        env={**ENV_BASE, "DJANGO_SETTINGS_MODULE": "ttm.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_are_sqlite_eager_tasks_and_console_mail():
    result = run_python(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.EMAIL_BACKEND, s.DEBUG)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
    ]


def test_environment_switches_to_postgres_and_real_broker():
    result = run_python(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.ALLOWED_HOSTS)",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/ttm",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DJANGO_ALLOWED_HOSTS="ttm.example.org, www.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "ttm",
        "False",
        "redis://127.0.0.1:6379/3",
        "['ttm.example.org',",
        "'www.example.org']",
    ]


def test_production_without_secret_key_refuses_to_start():
    result = run_python("import django; django.setup()", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_DEBUG=0 needs a real DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=conftest.PROJECT_DIR,
        env={
            **ENV_BASE,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k7#Qz!v9-Lr2@wX8$pN4^tB6&yH1*mC3(eJ5)uG0_sD7+aF2=oK9",
            "DJANGO_ALLOWED_HOSTS": "ttm.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_static_files_collect_with_hashed_names(tmp_path):
    """The Docker image runs this; a vendored file pointing at a missing one breaks it."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=conftest.PROJECT_DIR,
        env={
            **ENV_BASE,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k7#Qz!v9-Lr2@wX8$pN4^tB6&yH1*mC3(eJ5)uG0_sD7+aF2=oK9",
            "TTM_STATIC_ROOT": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()


def test_in_production_the_container_health_check_gets_200_over_plain_http(tmp_path):
    """docker-compose asks /healthz over HTTP as the first allowed host: no HTTPS redirect."""
    code = (
        "import django; django.setup(); from django.test import Client;"
        "r = Client().get('/healthz', HTTP_HOST='ttm.example.org');"
        "print(r.status_code)"
    )
    result = run_python(
        code,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k7#Qz!v9-Lr2@wX8$pN4^tB6&yH1*mC3(eJ5)uG0_sD7+aF2=oK9",
        DJANGO_ALLOWED_HOSTS="ttm.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.stdout.strip().splitlines()[-1] == "200", result.stdout + result.stderr
