"""Shared steps of the headless-Chromium tests."""

from django.urls import reverse


def log_in(page, base_url, user):
    """Log in through the real form (factories give every user the same password)."""
    page.goto(f"{base_url}{reverse('login')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-123")
    page.click("button[type=submit]")


def join_on_a_phone(browser, base_url, code, party, name):
    """A phone-sized page that joins the workshop with this code, party and name."""
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    phone.goto(f"{base_url}/workshop/")
    phone.fill("input[name=code]", code.lower())
    phone.click("button[type=submit]")
    phone.get_by_label(party).check()
    phone.fill("input[name=name]", name)
    phone.get_by_role("button", name="Join", exact=True).click()
    return phone
