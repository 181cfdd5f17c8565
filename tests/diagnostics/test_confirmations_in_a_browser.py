"""Revoking a link asks first in a real browser: cancel keeps it, OK revokes it."""

import pytest
from django.urls import reverse

from diagnostics.models import Participant

from ..browser_helpers import log_in
from .builders import make_diagnostic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_revoking_a_link_asks_first(live_server, browser, facilitator):
    diagnostic = make_diagnostic(facilitator=facilitator)
    ann = Participant.objects.create(
        diagnostic=diagnostic, party=diagnostic.parties.first(), label="Ann"
    )
    page = browser.new_page()
    log_in(page, live_server.url, facilitator)
    page.goto(live_server.url + reverse("diagnostics:participants", args=[diagnostic.slug]))
    questions, posts = [], []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Revoke Ann").click()
    page.wait_for_timeout(300)  # a form that went ahead would have sent its POST by now
    ann.refresh_from_db()
    assert not posts and not ann.is_revoked and "Revoke the links of Ann?" in questions[0]

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke Ann").click()
    ann.refresh_from_db()
    assert ann.is_revoked


def test_removing_a_joiner_asks_first(live_server, browser, facilitator):
    diagnostic = make_diagnostic(facilitator=facilitator)
    sam = Participant.objects.create(
        diagnostic=diagnostic,
        party=diagnostic.parties.first(),
        label="Sam",
        joined_through=Participant.OPEN_LINK,
    )
    page = browser.new_page()
    log_in(page, live_server.url, facilitator)
    page.goto(live_server.url + reverse("diagnostics:participants", args=[diagnostic.slug]))
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Remove Sam").click()
    page.wait_for_timeout(300)
    assert Participant.objects.filter(pk=sam.pk).exists()
    assert "everything they answered is deleted" in questions[0]

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    with page.expect_navigation():
        page.get_by_role("button", name="Remove Sam").click()
    assert not Participant.objects.filter(pk=sam.pk).exists()
    assert page.get_by_text("Sam is removed").is_visible()
