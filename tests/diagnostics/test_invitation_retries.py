"""Invitations through a real SMTP server (aiosmtpd on 127.0.0.1) that fails part-way: a retry
sends only to those not yet reached, and nobody gets two invitations."""

import logging
import smtplib
import socket
import uuid
from collections import Counter
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from participation import emails, invitations

from .builders import make_diagnostic

pytestmark = pytest.mark.django_db

PEOPLE = [(name, f"{name.lower()}@example.org") for name in ("Ann", "Bob", "Cat", "Dan")]


class FlakyRelay:
    """An SMTP handler that accepts everything, except `refuse` once (a 451: try again later)."""

    def __init__(self, refuse):
        self.refuse = refuse
        self.received = []  # (recipient, subject) per accepted message

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            self.refuse = None
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        subject = message_from_bytes(envelope.content)["Subject"]
        self.received += [(recipient, subject) for recipient in envelope.rcpt_tos]
        return "250 Message accepted for delivery"

    def recipients(self):
        return Counter(recipient for recipient, _ in self.received)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def relay(settings):
    """A real SMTP server on 127.0.0.1 that refuses the third of four recipients once."""
    handler = FlakyRelay(refuse="cat@example.org")
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_TIMEOUT = 10
    yield handler
    controller.stop()


@pytest.fixture
def people():
    diagnostic = make_diagnostic()
    return invitations.add_participants(
        diagnostic=diagnostic,
        party=diagnostic.parties.get(name="Council"),
        people=PEOPLE,
        send_invitations=False,
    )


def test_a_failure_part_way_sends_to_the_first_and_a_retry_only_to_the_rest(relay, people, caplog):
    ids, batch = [p.pk for p in people], str(uuid.uuid4())
    with caplog.at_level(logging.WARNING), pytest.raises(smtplib.SMTPRecipientsRefused):
        emails.email_batch(participant_ids=ids, batch=batch)
    assert relay.recipients() == {"ann@example.org": 1, "bob@example.org": 1}
    assert "Sent 2 of 4 invitation e-mails" in caplog.text
    invited = {p.label for p in people[0].diagnostic.participants.filter(invited_at__isnull=False)}
    assert invited == {"Ann", "Bob"}

    assert emails.email_batch(participant_ids=ids, batch=batch) == 2
    assert relay.recipients() == {f"{name.lower()}@example.org": 1 for name, _ in PEOPLE}
    assert emails.email_batch(participant_ids=ids, batch=batch) == 0  # a third run: nobody


@pytest.fixture
def eager_retries():
    """Eager tasks are retried at once, with the same arguments, when errors do not propagate."""
    from ttm.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def test_the_task_retried_by_celery_gives_everyone_exactly_one_invitation(
    relay, people, django_capture_on_commit_callbacks, eager_retries
):
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.send_invitation_emails(participants=people) == 4
    assert relay.recipients() == {f"{name.lower()}@example.org": 1 for name, _ in PEOPLE}
    assert all("Council and contractor" in subject for _, subject in relay.received)
    assert people[0].diagnostic.participants.filter(invited_at__isnull=True).count() == 0


def test_a_new_batch_reaches_people_an_earlier_batch_reached(relay, people):
    ids = [p.pk for p in people[:2]]
    assert emails.email_batch(participant_ids=ids, batch=str(uuid.uuid4())) == 2
    assert (
        emails.email_batch(participant_ids=ids, batch=str(uuid.uuid4()), kind=emails.REMINDER) == 2
    )
    assert relay.recipients() == {"ann@example.org": 2, "bob@example.org": 2}
