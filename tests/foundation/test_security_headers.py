import re

import pytest
from django.urls import reverse

from .. import conftest
from .test_settings import run_python

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [
    path
    for path in conftest.PROJECT_DIR.glob("**/templates")
    if ".venv" not in path.parts and "tests" not in path.parts
]
# What a Content-Security-Policy without 'unsafe-inline' and 'unsafe-eval' for scripts refuses,
# or what htmx would evaluate: inline <script>, on* handler attributes, hx-on, hx-vars, js: and
# javascript: values, and hx-trigger filters in [brackets].
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on": re.compile(r"\b(data-)?hx-on", re.I),
    "hx-vars": re.compile(r"\b(data-)?hx-vars", re.I),
    "evaluated value": re.compile(r"[\"'](js|javascript):", re.I),
    "evaluated trigger filter": re.compile(r"hx-trigger=\"[^\"]*\[", re.I),
    "style element": re.compile(r"<style\b", re.I),
}
# Report templates are rendered to PDF by WeasyPrint, never served to a browser.
PDF_ONLY = "reports/templates/reports/"


def test_templates_hold_no_code_the_policy_would_refuse():
    found = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            if PDF_ONLY in template.as_posix():
                continue
            text = template.read_text()
            found += [
                f"{template.relative_to(conftest.PROJECT_DIR)}: {what}"
                for what, pattern in FORBIDDEN.items()
                if pattern.search(text)
            ]
    assert TEMPLATE_DIRS and found == []


def test_pages_carry_a_policy_without_inline_or_evaluated_script(client):
    response = client.get(reverse("login"))
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src-elem"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert b'"allowEval": false' in response.content


def test_the_https_header_of_a_proxy_is_trusted_only_when_proxies_are_configured():
    code = (
        "from django.conf import settings as s; "
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SECURE_SSL_REDIRECT)"
    )
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k7#Qz!v9-Lr2@wX8$pN4^tB6&yH1*mC3(eJ5)uG0_sD7+aF2=oK9",
    }
    direct = run_python(code, **production)
    assert direct.returncode == 0, direct.stderr
    assert direct.stdout.split() == ["None", "True"]
    proxied = run_python(code, **production, TTM_TRUSTED_PROXIES="1")
    assert proxied.returncode == 0, proxied.stderr
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') True"
