import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diagnostics.models import Diagnostic, Participant

from ..factories import MemberFactory, UserFactory
from .builders import make_colleagues, make_diagnostic, make_library

pytestmark = pytest.mark.django_db

TABS = ["detail", "edit", "rounds", "parties", "participants", "things", "value_codes", "members"]


@pytest.fixture
def diagnostic(facilitator):
    return make_diagnostic(facilitator=facilitator)


def url(name, diagnostic, *args):
    return reverse(f"diagnostics:{name}", args=[diagnostic.slug, *args])


def test_the_list_offers_new_diagnostic_to_facilitators_only(facilitator_client, client):
    assert b"New diagnostic" in facilitator_client.get(reverse("diagnostics:list")).content
    client.force_login(UserFactory())
    assert b"New diagnostic" not in client.get(reverse("diagnostics:list")).content
    assert client.get(reverse("diagnostics:create")).status_code == 403


def test_a_facilitator_creates_a_diagnostic_from_the_form(facilitator_client):
    library = make_library()
    response = facilitator_client.post(
        reverse("diagnostics:create"),
        {
            "name": "Council and contractor",
            "purpose": "Renewal",
            "anonymity_threshold": "3",
            "party_name_0": "Council",
            "party_colour_0": "#1d3557",
            "party_name_1": "Contractor",
            "party_colour_1": "#e76f51",
            "libraries": [library.pk],
        },
        follow=True,
    )
    diagnostic = Diagnostic.objects.get()
    assert response.redirect_chain[-1][0] == diagnostic.get_absolute_url()
    assert diagnostic.value_codes.count() == 4
    assert b"open for round 1" in response.content


def test_an_invalid_create_form_keeps_what_was_typed(facilitator_client):
    response = facilitator_client.post(
        reverse("diagnostics:create"),
        {"name": "Kept name", "anonymity_threshold": "0", "party_name_0": "Only one"},
    )
    assert response.status_code == 200
    assert b"Name at least two parties" in response.content
    assert b'value="Kept name"' in response.content
    assert b'value="Only one"' in response.content
    assert not Diagnostic.objects.exists()


def test_an_unknown_sponsor_is_reported_on_its_field(facilitator_client):
    response = facilitator_client.post(
        reverse("diagnostics:create"),
        {
            "name": "X",
            "anonymity_threshold": "3",
            "party_name_0": "A",
            "party_name_1": "B",
            "sponsors": "ghost",
        },
    )
    assert b"Nobody who shares a diagnostic with you has this username" in response.content


@pytest.mark.parametrize("tab", TABS)
def test_every_hub_page_opens_for_its_facilitator(facilitator_client, diagnostic, tab):
    assert facilitator_client.get(url(tab, diagnostic)).status_code == 200


@pytest.mark.parametrize("tab", TABS)
def test_non_members_and_guessed_slugs_get_404(client, diagnostic, tab):
    client.force_login(MemberFactory().user)  # a facilitator of another diagnostic
    assert client.get(url(tab, diagnostic)).status_code == 404
    assert client.get(reverse(f"diagnostics:{tab}", args=["no-such-slug"])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, diagnostic):
    response = client.get(url("participants", diagnostic))
    assert response.status_code == 302 and "/login/" in response.url


def test_sponsors_read_the_overview_but_nothing_else(client, diagnostic):
    sponsor = MemberFactory(diagnostic=diagnostic, role="sponsor").user
    Participant.objects.create(diagnostic=diagnostic, party=diagnostic.parties.first(), label="Zed")
    client.force_login(sponsor)
    overview = client.get(url("detail", diagnostic))
    assert overview.status_code == 200
    assert b"Zed" not in overview.content
    assert b"Send reminder" not in overview.content
    for tab in TABS[1:]:
        assert client.get(url(tab, diagnostic)).status_code == 403
    assert client.post(url("round_close", diagnostic, 1)).status_code == 403
    assert diagnostic.rounds.get().is_open


def test_objects_of_another_diagnostic_answer_404(facilitator_client, facilitator, diagnostic):
    other = make_diagnostic(name="Other")
    person = Participant.objects.create(diagnostic=other, party=other.parties.first(), label="X")
    code = other.value_codes.first()
    party = other.parties.first()
    assert (
        facilitator_client.post(url("participant_revoke", diagnostic, person.pk)).status_code == 404
    )
    assert facilitator_client.get(url("value_code_edit", diagnostic, code.pk)).status_code == 404
    assert facilitator_client.get(url("party_edit", diagnostic, party.pk)).status_code == 404
    person.refresh_from_db()
    assert not person.is_revoked


def test_pasting_people_invites_them_by_email(
    facilitator_client, diagnostic, django_capture_on_commit_callbacks
):
    council = diagnostic.parties.get(name="Council")
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator_client.post(
            url("participants", diagnostic),
            {
                "party": council.pk,
                "people": "Ann <ann@example.org>\nBob",
                "send_invitations": "on",
            },
            follow=True,
        )
    assert b"Added 2 people; 1 invited by e-mail" in response.content
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    ann = diagnostic.participants.get(label="Ann")
    assert f"/p/{ann.invitation_token}/".encode() in response.content
    assert ann.token.encode() not in response.content


def test_a_bad_list_rerenders_with_line_numbers_and_keeps_the_text(facilitator_client, diagnostic):
    response = facilitator_client.post(
        url("participants", diagnostic),
        {"party": diagnostic.parties.first().pk, "people": "Ann, nope"},
    )
    assert b"Line 1: nope is not an e-mail address." in response.content
    assert b"Ann, nope" in response.content


def test_a_csv_upload_adds_people(facilitator_client, diagnostic):
    upload = SimpleUploadedFile("people.csv", b"name,email\nCara,cara@example.org\n")
    facilitator_client.post(
        url("participants", diagnostic),
        {"party": diagnostic.parties.last().pk, "csv_file": upload},
    )
    assert diagnostic.participants.get().label == "Cara"


def test_rounds_close_and_open_from_the_rounds_page(facilitator_client, diagnostic):
    facilitator_client.post(url("round_close", diagnostic, 1))
    facilitator_client.post(url("round_open", diagnostic))
    assert list(diagnostic.rounds.values_list("number", flat=True)) == [1, 2]
    assert [r.is_open for r in diagnostic.rounds.all()] == [False, True]


def test_a_thing_that_matters_is_recorded_from_the_page(facilitator_client, diagnostic):
    code = diagnostic.value_codes.first()
    facilitator_client.post(
        url("things", diagnostic),
        {
            "title": "Resolve the dispute",
            "kind": "issue",
            "direction": "away",
            "value_codes": [code.pk],
        },
    )
    thing = diagnostic.things_that_matter.get()
    assert list(thing.value_codes.all()) == [code]


def test_value_code_edit_and_move_from_the_page(facilitator_client, diagnostic):
    first, second = diagnostic.value_codes.all()[:2]
    facilitator_client.post(url("value_code_move", diagnostic, second.pk), {"direction": "up"})
    assert diagnostic.value_codes.first() == second
    data = {f: getattr(first, f) for f in ["section", "identifier", "description", "help_text"]}
    data.update({f"statement_{n}": f"Level {n} words" for n in range(1, 6)}, weight="2")
    facilitator_client.post(url("value_code_edit", diagnostic, first.pk), data)
    first.refresh_from_db()
    assert (first.statement_2, first.weight) == ("Level 2 words", 2.0)


def test_the_open_link_is_shown_once_switched_on(facilitator_client, diagnostic):
    party = diagnostic.parties.first()
    facilitator_client.post(
        url("party_open_link", diagnostic, party.pk), {"action": "enable", "capacity": "8"}
    )
    party.refresh_from_db()
    page = facilitator_client.get(url("parties", diagnostic))
    assert f"http://testserver/join/{party.open_link_token}/".encode() in page.content


def test_members_are_added_by_username(facilitator_client, facilitator, diagnostic):
    make_colleagues(facilitator, UserFactory(username="sue"))
    facilitator_client.post(url("members", diagnostic), {"identifier": "sue", "role": "sponsor"})
    assert diagnostic.memberships.filter(user__username="sue", role="sponsor").exists()


def test_the_members_form_answers_the_same_whether_or_not_an_account_exists(
    facilitator_client, diagnostic
):
    UserFactory(username="stranger", email="stranger@example.org")
    pages = []
    for identifier in ["stranger", "ghost", "stranger@example.org", "ghost@example.org"]:
        response = facilitator_client.post(
            url("members", diagnostic), {"identifier": identifier, "role": "sponsor"}
        )
        page = response.content.decode().replace(identifier, "IDENTIFIER")
        pages.append((response.status_code, re.sub(r"[A-Za-z0-9]{64}", "CSRF", page)))
    assert pages[0] == pages[1] == pages[2] == pages[3]
    assert pages[0][0] == 200 and "Nobody who shares a diagnostic with you" in pages[0][1]
    assert not diagnostic.memberships.filter(user__username="stranger").exists()


def test_a_facilitator_removes_an_empty_party_but_not_one_with_people(
    facilitator_client, diagnostic
):
    council, contractor = diagnostic.parties.all()
    Participant.objects.create(diagnostic=diagnostic, party=council, label="Ann")
    page = facilitator_client.get(url("parties", diagnostic)).content.decode()
    assert url("party_remove", diagnostic, contractor.pk) in page  # nobody in it yet
    assert url("party_remove", diagnostic, council.pk) not in page
    assert "1 participant" in page

    assert facilitator_client.get(url("party_remove", diagnostic, contractor.pk)).status_code == 405
    response = facilitator_client.post(url("party_remove", diagnostic, council.pk), follow=True)
    assert b"Council has participants, so it stays" in response.content
    response = facilitator_client.post(url("party_remove", diagnostic, contractor.pk), follow=True)
    assert b"Contractor removed from this diagnostic." in response.content
    assert list(diagnostic.parties.values_list("name", flat=True)) == ["Council"]

    facilitator_client.force_login(MemberFactory(diagnostic=diagnostic, role="sponsor").user)
    assert facilitator_client.post(url("party_remove", diagnostic, council.pk)).status_code == 403
