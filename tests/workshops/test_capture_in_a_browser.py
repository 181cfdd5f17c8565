"""The capture round in headless Chromium, with the Content-Security-Policy enforced: what used to
be inline htmx code (hx-on, an evaluated trigger filter) now runs from static/js/workshop.js."""

import pytest

from workshops.models import WorkshopSession

from ..browser_helpers import join_on_a_phone, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def capture(phone, title):
    from playwright.sync_api import expect

    phone.fill("#capture-title", title)
    phone.get_by_role("button", name="Add").click()
    expect(phone.locator("#phone-captures")).to_contain_text(title)


def test_the_capture_form_empties_once_saved_and_the_presenter_waits_while_choosing(
    live_server, browser, facilitator, diagnostic
):
    from playwright.sync_api import expect

    presenter = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    log_in(presenter, live_server.url, facilitator)
    presenter.goto(f"{live_server.url}/diagnostics/{diagnostic.slug}/workshop/")
    presenter.get_by_role("button", name="Start with a capture round").click()
    code = WorkshopSession.objects.get().join_code
    phone = join_on_a_phone(browser, live_server.url, code, "Council", "Alex")

    capture(phone, "Invoices paid on time")
    expect(phone.locator("#capture-title")).to_have_value("")
    capture(phone, "Fewer surprises")
    expect(presenter.locator("#captures")).to_contain_text("Fewer surprises")

    # While the facilitator has a "merge into" list open, polls skip, so it stays open.
    presenter.get_by_label("Merge “Invoices paid on time” into").focus()
    capture(phone, "Named contacts")
    presenter.wait_for_timeout(2000)  # four polls' worth
    expect(presenter.locator("#captures")).not_to_contain_text("Named contacts")
    presenter.get_by_label("Merge “Invoices paid on time” into").blur()
    expect(presenter.locator("#captures")).to_contain_text("Named contacts")
