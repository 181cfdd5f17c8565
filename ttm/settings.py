"""Settings for ttm: one module, every knob an environment variable with a safe default.

See README (Configuration) and PRODUCT.md section 9.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"


def env_bool(name, default):
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", "1")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=0 needs a real DJANGO_SECRET_KEY (50+ random characters). Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "valuecodes",
    "diagnostics",
    "participation",
    "results",
    "hub",
    "reports",
    "workshops",
    "ttm",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "ttm.middleware.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ttm.middleware.no_store_by_default",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ttm.parsing.InvalidInputMiddleware",
]

ROOT_URLCONF = "ttm.urls"
WSGI_APPLICATION = "ttm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ttm.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers take the lock when their transaction starts and wait for it, instead of failing
    # with "database is locked" when two phones vote at once on the embedded default.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TTM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes here for production; in DEBUG the finders serve static/ directly.
STATIC_ROOT = os.environ.get("TTM_STATIC_ROOT") or (None if DEBUG else BASE_DIR / "staticfiles")
# Reports and uploads live here; they are never served from a public URL (see reports.views).
MEDIA_ROOT = Path(os.environ.get("TTM_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# "X-Accel-Redirect" behind nginx; empty: Django streams the file itself.
# Reverse proxies in front of the app that append the client address to X-Forwarded-For.
# 0 (default): trust REMOTE_ADDR only, since clients can write X-Forwarded-For themselves.
TTM_TRUSTED_PROXIES = int(os.environ.get("TTM_TRUSTED_PROXIES", "0"))
# Login throttling (ttm/login_throttle.py): after this many failed logins for one username, or
# from one client address, within TTM_LOGIN_LOCKOUT_MINUTES, logins for it are refused that long.
TTM_LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("TTM_LOGIN_FAILURES_PER_USERNAME", "10"))
TTM_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("TTM_LOGIN_FAILURES_PER_ADDRESS", "30"))
TTM_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("TTM_LOGIN_LOCKOUT_MINUTES", "15"))
TTM_PROTECTED_MEDIA_HEADER = os.environ.get("TTM_PROTECTED_MEDIA_HEADER", "")
TTM_PROTECTED_MEDIA_PREFIX = os.environ.get("TTM_PROTECTED_MEDIA_PREFIX", "/protected/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Without JavaScript a whole rating sheet is one form: up to seven fields a Value Code (levels,
# comment, give and take, importance, estimates) for hundreds of Value Codes. Still bounded.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Locally e-mails are printed to the terminal; in production they hold personal links, which
# must never reach a log, so the default there is SMTP.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "ttm <ttm@localhost>")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
# Where participants reach ttm: absolute links in invitation e-mails are built from it.
TTM_BASE_URL = os.environ.get("TTM_BASE_URL", "http://127.0.0.1:8000")

# Rate limits and live-update state must be shared by all web processes: Redis when available.
# "default" raises while Redis is down, so rate limits fail closed; "live" (workshop change
# stamps) answers "not cached" instead, so screens keep working with full renders.
CACHES = (
    {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "live": {"BACKEND": "ttm.cache.FailSoftRedisCache", "LOCATION": REDIS_URL},
    }
    if (REDIS_URL := os.environ.get("REDIS_URL", ""))
    else {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "live": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "live"},
    }
)

# Celery: without REDIS_URL tasks run eagerly in-process; with it, on real workers.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_RESULT_EXPIRES = 24 * 3600
# Task state lives in the database (Report, Participant) and nobody reads a result. Subscribing
# to results made .delay() hang ~20 s and then break Celery in the web process while Redis was
# down; without it, .delay() fails within a second and the caller can say so.
CELERY_TASK_IGNORE_RESULT = True
# Longer than the hard time limit, so a task still running is never delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TTM_CELERY_QUEUE", "ttm")
# `celery beat` (the beat service in docker-compose.yml) runs the safety nets.
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-reports": {"task": "reports.tasks.sweep_reports", "schedule": 300.0},
}

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline
# or evaluated (htmx is told not to evaluate either: see the htmx-config meta tag in base.html).
# Styles: no <style> elements, but style="" attributes are allowed, since templates colour party
# swatches and size bars from data; browsers without style-src-attr fall back to style-src.
# img-src allows data: for the SVG icons inside Bootstrap's CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Only a proxy we trust may tell us the request came over HTTPS; a client reaching gunicorn
# directly could otherwise claim it and get secure cookies sent over plain HTTP.
if TTM_TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", "1")
    # The container health check asks over plain HTTP from inside; /healthz holds no secret.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs mask the secret links of participants (ttm.log_filters): on our handlers, and on the
# loggers Django writes request paths to, because a filter on a logger applies only to the
# records logged there (not to its children's) and Django's own DEBUG console handler sees them
# before ours.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secret_links": {"()": "ttm.log_filters.MaskSecretLinks"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_secret_links"],
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TTM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["mask_secret_links"]},
        "django.security.csrf": {"filters": ["mask_secret_links"]},
        # runserver's request lines, as Django logs them by default, masked.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["mask_secret_links"],
        },
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
