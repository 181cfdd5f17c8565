"""Invitation and open links used in headless Chromium, as partners use them: every button on
the partner's pages posts a form, and a real browser sends an Origin header that Django's CSRF
check reads (a page with `referrer: no-referrer` makes it "null", and every post was refused)."""

import pytest

from diagnostics import services
from diagnostics.models import Participant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    return context.new_page()


def test_an_invitation_link_leads_to_a_personal_page(live_server, phone, participant):
    from playwright.sync_api import expect

    phone.goto(f"{live_server.url}/p/{participant.invitation_token}/")
    phone.get_by_role("button", name="Continue to my personal page").tap()
    expect(phone.get_by_role("link", name="Start")).to_be_visible()
    participant.refresh_from_db()
    assert participant.invitation_used
    assert phone.url.endswith(f"/p/{participant.token}/")


def test_a_used_invitation_offers_to_email_the_personal_link(live_server, phone, participant):
    from playwright.sync_api import expect

    participant.email = "ada@example.org"
    participant.save()
    url = f"{live_server.url}/p/{participant.invitation_token}/"
    phone.goto(url)
    phone.get_by_role("button", name="Continue to my personal page").tap()
    expect(phone.get_by_role("link", name="Start")).to_be_visible()
    phone.goto(url)
    phone.get_by_role("button", name="E-mail me my personal link").tap()
    expect(phone.locator("main")).not_to_contain_text("Forbidden")
    expect(phone.locator("main")).not_to_contain_text("CSRF")


def test_an_open_link_signs_someone_up(live_server, phone, it_party):
    from playwright.sync_api import expect

    party = services.set_open_link(party=it_party, enabled=True, capacity=5)
    phone.goto(f"{live_server.url}/join/{party.open_link_token}/")
    phone.get_by_label("Your name").fill("Walk-in")
    phone.get_by_role("button", name="Get my link").tap()
    expect(phone.get_by_role("link", name="Start")).to_be_visible()
    assert Participant.objects.filter(party=it_party, label__startswith="Walk-in").exists()
