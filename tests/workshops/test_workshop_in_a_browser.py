"""One presenter page and two phones in headless Chromium: join, rate, and see a reveal."""

import pytest

from diagnostics.models import Rating
from workshops.models import WorkshopSession

from ..browser_helpers import join_on_a_phone, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_phones_rate_and_everyone_sees_the_reveal(
    live_server, browser, facilitator, diagnostic, settings
):
    from playwright.sync_api import expect

    diagnostic.anonymity_threshold = 1
    diagnostic.save(update_fields=["anonymity_threshold"])
    presenter = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    log_in(presenter, live_server.url, facilitator)
    presenter.goto(f"{live_server.url}/diagnostics/{diagnostic.slug}/workshop/")
    presenter.get_by_role("button", name="Start rating Value Codes").click()
    code = WorkshopSession.objects.get().join_code
    expect(presenter.locator(".presenter-side .join-code")).to_have_text(code)

    alex = join_on_a_phone(browser, live_server.url, code, "Council", "Alex")
    kim = join_on_a_phone(browser, live_server.url, code, "Contractor", "Kim")
    expect(presenter.locator("#answer-counts")).to_contain_text("Council 0/1")

    for phone, now, target in ((alex, 2, 4), (kim, 4, 5)):
        expect(phone.locator("h1")).to_have_text("Reliability")
        phone.get_by_role("group", name="Where are we now?").locator("label").nth(now - 1).tap()
        expect(phone.locator(".saved")).to_contain_text("Saved")
        phone.get_by_role("group", name="Where should we be?").locator("label").nth(
            target - 1
        ).tap()
        expect(phone.locator(".saved")).to_contain_text("Saved ✓")
    # The presenter picks the votes up by polling, without a reload.
    expect(presenter.locator("#answer-counts")).to_contain_text("Council 1/1")
    expect(presenter.locator("#answer-counts")).to_contain_text("Contractor 1/1")

    presenter.get_by_role("button", name="Reveal").click()
    expect(presenter.locator(".reveal-table")).to_contain_text("2.0")
    expect(presenter.locator(".perception-gap")).to_contain_text("2.0")
    for phone in (alex, kim):
        expect(phone.locator("#phone-reveal")).to_contain_text("Council: now 2.0, target 4.0")
        expect(phone.locator("#phone-reveal")).to_contain_text("Contractor: now 4.0, target 5.0")

    assert Rating.objects.filter(round__diagnostic=diagnostic).count() == 2

    presenter.get_by_role("button", name="Next ▶").click()
    expect(alex.locator("h1")).to_have_text("Communication")


def test_with_estimates_the_room_sees_what_each_party_expected_then_what_it_said(
    live_server, browser, facilitator, diagnostic
):
    from playwright.sync_api import expect

    from diagnostics.models import Estimate

    diagnostic.anonymity_threshold = 1
    diagnostic.asks_estimates = True
    diagnostic.save(update_fields=["anonymity_threshold", "asks_estimates"])
    presenter = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    log_in(presenter, live_server.url, facilitator)
    presenter.goto(f"{live_server.url}/diagnostics/{diagnostic.slug}/workshop/")
    presenter.get_by_role("button", name="Start rating Value Codes").click()
    session = WorkshopSession.objects.get()
    expect(presenter.locator(".presenter-side .join-code")).to_have_text(session.join_code)

    alex = join_on_a_phone(browser, live_server.url, session.join_code, "Council", "Alex")
    kim = join_on_a_phone(browser, live_server.url, session.join_code, "Contractor", "Kim")
    for phone, now in ((alex, 2), (kim, 4)):
        expect(phone.locator("h1")).to_have_text("Reliability")
        phone.get_by_role("group", name="Where are we now?").locator("label").nth(now - 1).tap()
        expect(phone.locator(".saved")).to_contain_text("Saved")
    # Estimates come from the rating page or a ratings file; the phones do not ask them.
    for label, about, level in (("Alex", "Contractor", 3), ("Kim", "Council", 4)):
        Estimate.objects.create(
            round=session.round,
            participant=diagnostic.participants.get(label__startswith=label),
            value_code=session.current_value_code,
            about_party=diagnostic.parties.get(name=about),
            level=level,
        )

    presenter.get_by_role("button", name="Reveal").click()
    expectations = presenter.locator(".expectations-table")
    expect(expectations).to_contain_text("Council")
    expect(expectations).to_contain_text("3.0")
    expect(expectations).to_contain_text("4.0")
    for phone in (alex, kim):
        expect(phone.locator("#phone-expectations")).to_contain_text("what each party expected")
        expect(phone.locator("#phone-reveal")).to_have_count(0)

    presenter.get_by_role("button", name="Show what each party said").click()
    misreadings = presenter.locator(".misreadings")
    expect(misreadings).to_contain_text(
        "Council expected Contractor to say 3.0; Contractor said 4.0."
    )
    expect(misreadings).to_contain_text("Contractor expected Council to say 4.0; Council said 2.0.")
    for phone in (alex, kim):
        expect(phone.locator("#phone-reveal")).to_contain_text("Council: now 2.0")
        expect(phone.locator(".phone-misreading").first).to_contain_text("Council expected")
