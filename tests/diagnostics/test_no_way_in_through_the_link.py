"""Invitation links and personal links, tried as a facilitator who wants to read or change the
answers of someone who has started (PRODUCT.md 3): nothing the hub shows gets them in."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import Participant, Rating
from participation import invitations
from participation.ratings_file import RatingsFileError, import_ratings

from ..factories import UserFactory
from .builders import make_diagnostic

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/p/([\w-]+)/")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits count in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def diagnostic(facilitator):
    return make_diagnostic(facilitator=facilitator)


@pytest.fixture
def people(diagnostic):
    """Ann (e-mail) and Bob (none) in Council, both invited, neither started."""
    council = diagnostic.parties.get(name="Council")
    ann, bob = invitations.add_participants(
        diagnostic=diagnostic,
        party=council,
        people=[("Ann", "ann@example.org"), ("Bob", "")],
        send_invitations=False,
    )
    return ann, bob


def hub_pages(client, diagnostic):
    """Every page of the hub that lists people, as one string."""
    names = ["participants", "detail", "progress"]
    return "".join(
        client.get(reverse(f"diagnostics:{name}", args=[diagnostic.slug])).content.decode()
        for name in names
    )


def start(client, participant):
    """The participant opens their invitation and answers one question; returns them fresh."""
    response = client.post(reverse("participant:home", args=[participant.invitation_token]))
    assert response.status_code == 302
    participant.refresh_from_db()
    assert response["Location"] == reverse("participant:home", args=[participant.token])
    value_code = participant.diagnostic.value_codes.first()
    save = reverse("participant:save", args=[participant.token, value_code.pk])
    client.post(save, {f"c{value_code.pk}": "2", f"m{value_code.pk}": "Ann's secret comment"})
    assert Rating.objects.filter(participant=participant).exists()
    return participant


def test_an_invitation_opens_a_welcome_page_and_a_post_moves_to_a_personal_link(client, people):
    ann, _ = people
    url = reverse("participant:home", args=[ann.invitation_token])
    page = client.get(url)
    assert page.status_code == 200 and b"Continue to my personal page" in page.content
    ann.refresh_from_db()
    assert not ann.invitation_used  # a mail scanner's GET does not use it up
    response = client.post(url, follow=True)
    ann.refresh_from_db()
    assert ann.invitation_used
    assert response.redirect_chain[-1][0] == reverse("participant:home", args=[ann.token])
    assert b"bookmark it" in response.content and b"not even the facilitator" in response.content


def test_the_hub_holds_no_usable_link_to_a_started_participant(
    client, facilitator_client, diagnostic, people
):
    ann, bob = people
    before = hub_pages(facilitator_client, diagnostic)
    assert ann.invitation_token in before and bob.invitation_token in before
    assert ann.token not in before and bob.token not in before
    ann = start(client, ann)

    after = hub_pages(facilitator_client, diagnostic)
    assert ann.token not in after and ann.invitation_token not in after
    # The attacker tries every participant link the hub shows, and Ann's old invitation.
    tried = set(LINK.findall(before + after))
    assert tried == {ann.invitation_token, bob.invitation_token}
    for token in tried:
        for method in ("get", "post"):
            page = getattr(facilitator_client, method)(
                reverse("participant:home", args=[token]), follow=True
            ).content.decode()
            assert "Ann's secret comment" not in page and ann.token not in page
            assert "You have answered" not in page or token == bob.invitation_token
    assert Participant.objects.get(pk=ann.pk).token == ann.token  # Ann's link still works


def test_a_used_invitation_cannot_rate_or_see_answers(client, people):
    ann, _ = people
    ann = start(client, ann)
    value_code = ann.diagnostic.value_codes.first()
    token = ann.invitation_token
    assert client.get(reverse("participant:rate", args=[token])).status_code == 404
    assert client.get(reverse("individual:report", args=[token])).status_code == 404
    save = reverse("participant:save", args=[token, value_code.pk])
    assert client.post(save, {f"c{value_code.pk}": "5"}).status_code == 404
    assert Rating.objects.get(participant=ann).current_level == 2


def test_using_someone_elses_invitation_first_gets_no_later_answers(
    client, people, django_capture_on_commit_callbacks
):
    """The facilitator opens Ann's invitation before Ann does. Ann then asks for her link by
    e-mail: the facilitator's copy dies, and Ann answers under a link only she has."""
    ann, _ = people
    attacker = client
    attacker.post(reverse("participant:home", args=[ann.invitation_token]))
    ann.refresh_from_db()
    stolen = ann.token
    used_page = attacker.get(reverse("participant:home", args=[ann.invitation_token]))
    assert b"was used already" in used_page.content
    assert b"E-mail me my personal link" in used_page.content
    with django_capture_on_commit_callbacks(execute=True):
        attacker.post(reverse("participant:email_link", args=[ann.invitation_token]))
    ann.refresh_from_db()
    assert ann.token != stolen
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    assert ann.token in mail.outbox[0].body
    assert attacker.get(reverse("participant:home", args=[stolen])).status_code == 404


def test_a_used_invitation_without_email_says_to_ask_the_facilitator(client, people):
    _, bob = people
    start(client, bob)
    page = client.get(reverse("participant:home", args=[bob.invitation_token])).content
    assert b"Ask your facilitator" in page and b"E-mail me" not in page
    response = client.post(reverse("participant:email_link", args=[bob.invitation_token]))
    assert response.status_code == 302 and mail.outbox == []


def test_emailing_a_personal_link_is_rate_limited_per_participant(
    client, people, django_capture_on_commit_callbacks
):
    ann, _ = people
    start(client, ann)
    url = reverse("participant:email_link", args=[ann.invitation_token])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert client.post(url).status_code == 200
        response = client.post(url)
    assert response.status_code == 429 and b"try again in an hour" in response.content
    assert len(mail.outbox) == 3


def test_resending_to_a_started_participant_emails_a_new_link_and_shows_none(
    client, facilitator_client, diagnostic, people, django_capture_on_commit_callbacks
):
    ann, _ = people
    old = start(client, ann).token
    send = reverse("diagnostics:participant_send", args=[diagnostic.slug, ann.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = facilitator_client.post(send, follow=True).content.decode()
    ann.refresh_from_db()
    assert "A new personal link is e-mailed to Ann" in page
    assert ann.token != old and ann.token not in page
    assert mail.outbox[-1].to == ["ann@example.org"] and ann.token in mail.outbox[-1].body
    assert client.get(reverse("participant:home", args=[old])).status_code == 404


def test_reissuing_before_first_use_gives_a_new_invitation(facilitator_client, diagnostic, people):
    _, bob = people
    reissue = reverse("diagnostics:participant_reissue", args=[diagnostic.slug, bob.pk])
    facilitator_client.post(reissue)
    old = bob.invitation_token
    bob.refresh_from_db()
    assert bob.invitation_token != old and not bob.invitation_used
    assert facilitator_client.get(reverse("participant:home", args=[old])).status_code == 404


def test_reissuing_for_a_started_participant_without_email_starts_an_empty_one(
    client, facilitator_client, diagnostic, people
):
    _, bob = people
    bob = start(client, bob)
    reissue = reverse("diagnostics:participant_reissue", args=[diagnostic.slug, bob.pk])
    page = facilitator_client.post(reissue, follow=True).content.decode()
    assert "starts afresh" in page
    old = Participant.objects.get(pk=bob.pk)
    fresh = Participant.objects.get(label="Bob")
    assert old.is_revoked and old.label == "Bob (replaced)"
    assert fresh.pk != old.pk and not fresh.invitation_used
    assert not Rating.objects.filter(participant=fresh).exists()
    assert fresh.respondent_code != old.respondent_code
    assert client.get(reverse("participant:home", args=[old.token])).status_code == 410
    # The new invitation leads to an empty page, not to Bob's answers.
    response = client.post(reverse("participant:home", args=[fresh.invitation_token]), follow=True)
    assert b"You have answered" not in response.content


def test_the_email_of_a_started_participant_cannot_change(client, people):
    ann, bob = people
    invitations.update_participant(participant=bob, label="Bob", email="bob@example.org")
    ann = start(client, ann)
    with pytest.raises(ValidationError, match="can no\\s+longer change"):
        invitations.update_participant(participant=ann, label="Ann", email="me@attacker.example")
    renamed = invitations.update_participant(participant=ann, label="Ann B", email=ann.email)
    assert (renamed.label, renamed.email) == ("Ann B", "ann@example.org")


def test_the_hub_edit_form_refuses_a_new_email_for_a_started_participant(
    client, facilitator_client, diagnostic, people
):
    ann, _ = people
    ann = start(client, ann)
    url = reverse("diagnostics:participant_edit", args=[diagnostic.slug, ann.pk])
    assert b"disabled" in facilitator_client.get(url).content
    response = facilitator_client.post(url, {"label": "Ann", "email": "me@attacker.example"})
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.email == "ann@example.org"


def test_the_hub_edit_form_corrects_an_email_before_first_use(
    facilitator_client, diagnostic, people
):
    _, bob = people
    url = reverse("diagnostics:participant_edit", args=[diagnostic.slug, bob.pk])
    response = facilitator_client.post(url, {"label": "Bob Jones", "email": "bob@example.org"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.label, bob.email) == ("Bob Jones", "bob@example.org")
    response = facilitator_client.post(url, {"label": "Ann", "email": ""})
    assert b"Somebody else in this diagnostic has this name" in response.content


def test_the_admin_refuses_a_new_email_for_a_started_participant(client, people):
    ann, _ = people
    ann = start(client, ann)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:diagnostics_participant_change", args=[ann.pk])
    page = client.get(url).content.decode()
    assert 'name="email"' not in page  # read-only once the invitation is used
    data = {
        "diagnostic": ann.diagnostic_id,
        "party": ann.party_id,
        "label": "Ann",
        "email": "me@attacker.example",
    }
    client.post(url, data)
    ann.refresh_from_db()
    assert ann.email == "ann@example.org"


def test_a_ratings_file_cannot_change_a_started_participants_answers(client, people):
    ann, _ = people
    ann = start(client, ann)
    identifier = ann.diagnostic.value_codes.first().identifier
    file = f"participant,party,value_code,current,target,comment\nAnn,Council,{identifier},5,5,\n"
    with pytest.raises(RatingsFileError, match="only they can change their answers"):
        import_ratings(diagnostic=ann.diagnostic, raw=file)
    assert Rating.objects.get(participant=ann).current_level == 2


def test_the_participants_tab_costs_the_same_queries_for_2_or_12_people(
    facilitator_client, diagnostic
):
    council = diagnostic.parties.get(name="Council")
    url = reverse("diagnostics:participants", args=[diagnostic.slug])
    counts = []
    for names in (["A", "B"], [f"P{n}" for n in range(10)]):
        invitations.add_participants(
            diagnostic=diagnostic,
            party=council,
            people=[(name, "") for name in names],
            send_invitations=False,
        )
        with CaptureQueriesContext(connection) as queries:
            assert facilitator_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
