"""Every main screen passes axe-core's WCAG 2 A/AA rules with no serious or critical violation.

axe.min.js (axe-core 4, MPL-2.0, see LICENSE next to it) is vendored here for the tests only;
the app never serves it.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from diagnostics.models import AgreedTarget, DiagnosticMember
from diagnostics.targets import link_trade_off
from participation import invitations
from workshops import services as workshop_services

from ..analysis.helpers import realistic_diagnostic
from ..diagnostics.builders import make_library
from ..factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).with_name("axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def blocking_violations(page):
    """axe's serious and critical WCAG 2 A/AA violations on the page, as readable lines."""
    # Evaluated through DevTools, which the Content-Security-Policy does not govern (a <script>
    # added to the page would be refused, as it should be).
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}) "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.fixture
def screens(facilitator):
    """Demo-like data: a diagnostic with ratings, a library, a live workshop."""
    diagnostic = realistic_diagnostic(value_codes=8, people=(3, 3), rounds=1, understanding=True)
    MemberFactory(diagnostic=diagnostic, user=facilitator, role=DiagnosticMember.FACILITATOR)
    library = make_library()
    library.owner = facilitator  # only the owner opens its edit pages
    library.save(update_fields=["owner"])
    session = workshop_services.start_session(diagnostic=diagnostic, user=facilitator)
    # Someone who joined with the code: listed, with Remove, on the participants and room pages.
    workshop_services.join_with_name(
        session=session, party=diagnostic.parties.first(), name="Walk-in"
    )
    participant, invited = diagnostic.participants.order_by("pk")[:2]
    invitations.use_invitation(participant=participant)
    participant.refresh_from_db()
    slug = diagnostic.slug
    target = AgreedTarget.objects.select_related("round").get(round__diagnostic=diagnostic)
    link_trade_off(
        agreed_target=target,
        value_code=diagnostic.value_codes.exclude(pk=target.value_code_id).first(),
        direction="down",
        review_round=2,
    )
    target_page = [slug, target.round.number, target.value_code_id]
    facilitator_pages = [
        reverse("diagnostics:list"),
        reverse("diagnostics:create"),
        reverse("diagnostics:detail", args=[slug]),
        reverse("diagnostics:participants", args=[slug]),
        reverse("diagnostics:participant_edit", args=[slug, participant.pk]),
        reverse("diagnostics:edit", args=[slug]),
        reverse("diagnostics:parties", args=[slug]),
        reverse("diagnostics:rounds", args=[slug]),
        reverse("diagnostics:things", args=[slug]),
        reverse("diagnostics:value_codes", args=[slug]),
        reverse("diagnostics:members", args=[slug]),
        reverse("results:dashboard", args=[slug]),
        reverse("results:action_plan", args=[slug]),
        reverse("results:agreed_target", args=target_page),
        reverse("results:understanding", args=[slug]),
        reverse("results:board", args=[slug]),
        reverse("diagnostics:assignments", args=[slug]),
        reverse("reports:list", args=[slug]),
        reverse("workshop_presenter:presenter", args=[slug]),
        reverse("workshop_presenter:room", args=[slug, session.pk]),
        reverse("valuecodes:list"),
        reverse("valuecodes:detail", args=[library.pk]),
        reverse("valuecodes:value_code_edit", args=[library.pk, library.value_codes.first().pk]),
    ]
    public_pages = [
        reverse("participant:home", args=[participant.token]),
        reverse("participant:rate", args=[participant.token]),
        reverse("participant:home", args=[participant.invitation_token]),  # used already
        reverse("participant:home", args=[invited.invitation_token]),
        reverse("workshop:join"),
        reverse("workshop:join_session", args=[session.join_code]),
    ]
    return facilitator_pages, public_pages


def test_main_screens_have_no_serious_accessibility_violations(
    live_server, browser, facilitator, screens
):
    facilitator_pages, public_pages = screens
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    found = []

    def check(path):
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, f"{path} answered {response.status}"
        found.extend(blocking_violations(page))

    check("/")
    check(reverse("login"))
    page.get_by_label("Username").fill(facilitator.username)
    page.get_by_label("Password").fill("secret-pass-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    for path in facilitator_pages:
        check(path)
    page.context.clear_cookies()
    for path in public_pages:
        check(path)
    page.context.close()
    assert found == [], "\n".join(found)
