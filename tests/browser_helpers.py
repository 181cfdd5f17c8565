"""Shared steps of the headless-Chromium tests."""

from django.urls import reverse


def log_in(page, base_url, user):
    """Log in through the real form (factories give every user the same password)."""
    page.goto(f"{base_url}{reverse('login')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-123")
    page.click("button[type=submit]")
