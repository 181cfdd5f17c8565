import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from diagnostics import participant_lists
from participation import invitations

from .builders import make_diagnostic

pytestmark = pytest.mark.django_db


def test_pasted_lines_accept_angle_brackets_commas_and_bare_names():
    text = "Ann Smith <ann@example.org>\n\nBob Jones, bob@example.org\nCarla\n"
    assert participant_lists.parse_pasted(text) == [
        (1, "Ann Smith", "ann@example.org"),
        (3, "Bob Jones", "bob@example.org"),
        (4, "Carla", ""),
    ]


def test_a_csv_with_bom_and_header_is_read():
    upload = io.BytesIO("\ufeffname,email\nAnn,ann@example.org\nBob,\n".encode())
    assert participant_lists.parse_csv(upload) == [(2, "Ann", "ann@example.org"), (3, "Bob", "")]


def test_problems_are_named_by_line():
    people = participant_lists.parse_pasted("Ann, not-an-email\n, x@example.org\nBob\nbob")
    with pytest.raises(ValidationError) as caught:
        participant_lists.check_people(people)
    assert caught.value.messages == [
        "Line 1: not-an-email is not an e-mail address.",
        "Line 2: a name is missing.",
        "Line 4: bob is also on line 3.",
    ]


def test_each_participant_gets_a_secret_link_and_those_with_email_are_invited(
    django_capture_on_commit_callbacks, settings
):
    settings.TTM_BASE_URL = "https://ttm.example.org"
    diagnostic = make_diagnostic()
    council = diagnostic.parties.get(name="Council")
    with django_capture_on_commit_callbacks(execute=True):
        added = invitations.add_participants(
            diagnostic=diagnostic,
            party=council,
            people=[("Ann", "ann@example.org"), ("Bob", "")],
        )
    assert len({p.invitation_token for p in added} | {p.token for p in added}) == 4
    assert all(len(p.invitation_token) >= 22 for p in added)  # >= 128 bits, URL-safe
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    assert "Council and contractor" in message.subject
    assert f"https://ttm.example.org/p/{added[0].invitation_token}/" in message.body
    assert added[0].token not in message.body
    added[0].refresh_from_db()
    assert added[0].invited_at is not None


def test_a_name_already_in_the_diagnostic_rejects_the_whole_list():
    diagnostic = make_diagnostic()
    council, contractor = diagnostic.parties.all()
    invitations.add_participants(
        diagnostic=diagnostic, party=council, people=[("Ann", "")], send_invitations=False
    )
    with pytest.raises(ValidationError, match="Already in this diagnostic: Ann"):
        invitations.add_participants(
            diagnostic=diagnostic, party=contractor, people=[("Zoe", ""), ("ann", "")]
        )
    assert diagnostic.participants.count() == 1


def test_a_party_of_another_diagnostic_is_refused():
    mine, other = make_diagnostic(), make_diagnostic(name="Other")
    with pytest.raises(ValidationError, match="party of this diagnostic"):
        invitations.add_participants(
            diagnostic=mine, party=other.parties.first(), people=[("Ann", "")]
        )


def test_revoking_keeps_the_person_and_reissuing_gives_a_new_invitation_by_email(
    django_capture_on_commit_callbacks,
):
    diagnostic = make_diagnostic()
    (ann,) = invitations.add_participants(
        diagnostic=diagnostic,
        party=diagnostic.parties.first(),
        people=[("Ann", "ann@example.org")],
        send_invitations=False,
    )
    old_invitation = ann.invitation_token
    invitations.revoke_participant(participant=ann)
    assert ann.is_revoked
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send_invitation_emails(participants=[ann])
    assert mail.outbox == []  # a revoked link is never sent
    with django_capture_on_commit_callbacks(execute=True):
        invitations.reissue_link(participant=ann)
    ann.refresh_from_db()
    assert not ann.is_revoked and ann.invitation_token != old_invitation
    body = mail.outbox[0].body
    assert ann.invitation_token in body and old_invitation not in body


@pytest.mark.django_db
def test_a_mail_server_that_is_down_keeps_the_people_and_leaves_them_uninvited(
    django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    diagnostic = make_diagnostic()
    party = diagnostic.parties.first()
    with django_capture_on_commit_callbacks(execute=True):
        added = invitations.add_participants(
            diagnostic=diagnostic, party=party, people=[("Ann", "ann@example.org")]
        )
    (ann,) = added
    ann.refresh_from_db()
    assert ann.invited_at is None  # the Participants tab offers to send it again
