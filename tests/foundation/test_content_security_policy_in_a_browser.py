"""The Content-Security-Policy in headless Chromium: enforced, and nothing of ours breaks it.

The `browser` fixture fails any test whose pages had something refused by the policy.
"""

import pytest
from django.urls import reverse

from ..browser_helpers import log_in
from ..factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_refused_and_htmx_does_not_evaluate(live_server, browser):
    page = browser.new_page()
    page.goto(live_server.url + reverse("login"))
    with pytest.raises(Exception, match="Content Security Policy|CSP"):
        page.add_script_tag(content="window.injected = true")
    assert page.evaluate("window.injected") is None
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert browser.refusals  # the refusal was reported on the console...
    browser.refusals.clear()  # ...and was the point of this test


def test_the_admin_works_under_the_policy(live_server, browser):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    page = browser.new_page()
    log_in(page, live_server.url, admin)
    for path in (
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[admin.pk]),
        reverse("admin:auth_group_add"),
    ):
        response = page.goto(live_server.url + path)
        assert response.ok, path
    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert "Please enter the correct username and password" in page.content()
