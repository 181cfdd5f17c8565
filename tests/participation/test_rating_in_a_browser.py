"""A phone-sized headless Chromium rates three Value Codes by tapping; the database has them."""

import pytest
from django.db import connections

from diagnostics.models import Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def phone(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are
    # still plain synchronous calls, so Django's async guard does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        yield context.new_page()
        browser.close()
        # ORM calls made while Playwright's loop runs get their own connection: close it here.
        connections.close_all()


def test_tapping_answers_saves_them(live_server, phone, participant, value_codes):
    from playwright.sync_api import expect

    phone.goto(f"{live_server.url}/p/{participant.token}/")
    phone.get_by_role("link", name="Start").tap()
    taps = [(value_codes[0], 2, 4), (value_codes[1], 3, 5), (value_codes[2], None, 4)]
    for value_code, current, target in taps:
        section = phone.locator(f"#vc{value_code.pk}")
        now = section.get_by_role("group", name="Where we are now")
        should = section.get_by_role("group", name="Where we should be")
        if current is None:
            now.get_by_text("Don't know").tap()
        else:
            now.locator("label").nth(current - 1).tap()
        expect(section.get_by_role("status")).to_have_text("Saved")
        should.locator("label").nth(target - 1).tap()
        expect(phone.locator("#progress")).to_contain_text(
            f"{taps.index((value_code, current, target)) + 1} of 5"
        )
    comment = phone.locator(f"#m{value_codes[0].pk}")
    comment.fill("Deadlines slip without warning")
    comment.blur()
    expect(phone.locator(f"#s{value_codes[0].pk}")).to_have_text("Saved")

    saved = {
        r.value_code_id: (r.current_level, r.current_answered, r.target_level, r.comment)
        for r in Rating.objects.filter(participant=participant)
    }
    assert saved == {
        value_codes[0].pk: (2, True, 4, "Deadlines slip without warning"),
        value_codes[1].pk: (3, True, 5, ""),
        value_codes[2].pk: (None, True, 4, ""),
    }
    # Back through the same link, the answers are there.
    phone.reload()
    expect(phone.locator(f"input[name=c{value_codes[1].pk}][value='3']")).to_be_checked()


def test_a_failed_save_says_so_and_retries_until_saved(
    live_server, phone, participant, value_codes
):
    from playwright.sync_api import expect

    value_code = value_codes[0]
    failures = []

    def fail_twice(route):
        if len(failures) < 2:
            failures.append(route.request.url)
            route.fulfill(status=503, body="busy")
        else:
            route.continue_()

    phone.route(f"**/rate/{value_code.pk}/", fail_twice)
    phone.goto(f"{live_server.url}/p/{participant.token}/rate/")
    section = phone.locator(f"#vc{value_code.pk}")
    section.get_by_role("group", name="Where we are now").locator("label").nth(3).tap()
    status = section.get_by_role("status")
    expect(status).to_contain_text("Not saved")
    expect(status).to_have_text("Saved", timeout=15000)
    assert len(failures) == 2
    assert Rating.objects.get(participant=participant).current_level == 4


def test_an_invalid_answer_is_reported_not_retried(live_server, phone, participant, value_codes):
    from playwright.sync_api import expect

    value_code = value_codes[0]
    phone.goto(f"{live_server.url}/p/{participant.token}/rate/")
    # A tampered page: a level the server refuses.
    phone.locator(f"input[name=c{value_code.pk}][value='5']").evaluate("e => e.value = '9'")
    phone.locator(f"#vc{value_code.pk} fieldset.c label").nth(4).tap()
    expect(phone.locator(f"#s{value_code.pk}")).to_contain_text("Not saved: A level is 1 to 5")
    assert not Rating.objects.exists()
