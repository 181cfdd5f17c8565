"""A phone-sized headless Chromium rates three Value Codes by tapping; the database has them."""

import os

import pytest

from diagnostics.models import Rating

# Set TTM_SCREENSHOT=/some/file.png to look at the long sheet as a phone shows it.
SCREENSHOT = os.environ.get("TTM_SCREENSHOT")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    return context.new_page()


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


def test_a_phone_rates_a_long_assigned_sheet_section_by_section(live_server, phone):
    """120 Value Codes in six sections, the person asked five of them: sections fold, the
    first not yet done is open, and its count follows the answers as they are saved."""
    from playwright.sync_api import expect

    from diagnostics import assignment

    from ..factories import (
        DiagnosticFactory,
        DiagnosticValueCodeFactory,
        ParticipantFactory,
        PartyFactory,
        RoundFactory,
    )

    diagnostic = DiagnosticFactory()
    party = PartyFactory(diagnostic=diagnostic)
    RoundFactory(diagnostic=diagnostic)
    codes = [
        DiagnosticValueCodeFactory(
            diagnostic=diagnostic, section=f"Section {n // 20}", identifier=f"VC {n}", position=n
        )
        for n in range(120)
    ]
    assignment.set_asked(
        diagnostic=diagnostic,
        party=party,
        sections=[f"Section {n}" for n in range(5)],
        value_codes=[],
    )
    person = ParticipantFactory(party=party)
    phone.goto(f"{live_server.url}/p/{person.token}/rate/")

    sections = phone.locator("details.sheet-section")
    expect(sections).to_have_count(5)
    expect(phone.locator("details.sheet-section[open]")).to_have_count(1)
    assert phone.locator("#progress").inner_text() == "0 of 100 answered"
    # Nothing wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    first = codes[0]
    block = phone.locator(f"#vc{first.pk}")
    block.get_by_role("group", name="Where we are now").locator("label").nth(2).tap()
    block.get_by_role("group", name="Where we should be").locator("label").nth(3).tap()
    expect(phone.locator("#progress")).to_contain_text("1 of 100")
    expect(sections.nth(0).locator(".section-count")).to_have_text("1 of 20")

    second = sections.nth(1)
    expect(second.locator(f"#vc{codes[20].pk}")).not_to_be_visible()
    second.locator("summary").tap()
    expect(second.locator(f"#vc{codes[20].pk}")).to_be_visible()
    if SCREENSHOT:
        phone.screenshot(path=SCREENSHOT, full_page=False)
