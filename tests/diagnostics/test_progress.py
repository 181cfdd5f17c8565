import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Rating
from participation import invitations
from participation.progress import diagnostic_progress

from ..factories import MemberFactory
from .builders import make_diagnostic

pytestmark = pytest.mark.django_db


def _people(diagnostic, party_name, names):
    party = diagnostic.parties.get(name=party_name)
    return invitations.add_participants(
        diagnostic=diagnostic,
        party=party,
        people=[(name, f"{name.lower()}@example.org") for name in names],
        send_invitations=False,
    )


def _rate(participant, codes, round, *, target_answered=True):
    Rating.objects.bulk_create(
        Rating(
            participant=participant,
            value_code=code,
            round=round,
            current_level=None,  # "don't know" still counts as answered
            current_answered=True,
            target_level=4 if target_answered else None,
            target_answered=target_answered,
        )
        for code in codes
    )


def test_invited_started_and_completed_per_party():
    diagnostic = make_diagnostic()
    round = diagnostic.rounds.get()
    codes = list(diagnostic.value_codes.all())
    ann, bob, cat = _people(diagnostic, "Council", ["Ann", "Bob", "Cat"])
    (dan,) = _people(diagnostic, "Contractor", ["Dan"])
    _rate(ann, codes, round)
    _rate(bob, codes[:2], round)
    _rate(dan, codes, round, target_answered=False)
    invitations.revoke_participant(participant=cat)

    progress = diagnostic_progress(diagnostic=diagnostic)
    council, contractor = progress.parties
    assert (council.invited, council.started, council.completed) == (2, 2, 1)
    assert (contractor.invited, contractor.started, contractor.completed) == (1, 1, 0)
    assert [p.label for p in council.unfinished] == ["Bob"]
    assert [p.label for p in contractor.unfinished] == ["Dan"]


def test_ratings_of_a_closed_round_do_not_count_in_the_new_one():
    diagnostic = make_diagnostic()
    (ann,) = _people(diagnostic, "Council", ["Ann"])
    _rate(ann, diagnostic.value_codes.all(), diagnostic.rounds.get())
    services.close_round(round=diagnostic.rounds.get())
    services.open_round(diagnostic=diagnostic)
    council = diagnostic_progress(diagnostic=diagnostic).parties[0]
    assert (council.started, council.completed) == (0, 0)


def test_reminders_go_to_those_not_finished_who_have_an_email(
    django_capture_on_commit_callbacks,
):
    diagnostic = make_diagnostic()
    ann, bob = _people(diagnostic, "Council", ["Ann", "Bob"])
    invitations.add_participants(
        diagnostic=diagnostic, party=ann.party, people=[("NoMail", "")], send_invitations=False
    )
    _rate(ann, diagnostic.value_codes.all(), diagnostic.rounds.get())
    with django_capture_on_commit_callbacks(execute=True):
        count = invitations.send_reminders(diagnostic=diagnostic)
    assert count == 1
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "Reminder" in mail.outbox[0].subject and bob.invitation_token in mail.outbox[0].body
    assert bob.token not in mail.outbox[0].body


def _grow(diagnostic, names):
    people = _people(diagnostic, "Council", names)
    for person in people[::2]:
        _rate(person, diagnostic.value_codes.all(), diagnostic.rounds.get())


def test_the_progress_panel_costs_the_same_queries_for_3_or_30_participants(
    client, facilitator, django_assert_num_queries
):
    diagnostic = make_diagnostic(facilitator=facilitator)
    client.force_login(facilitator)
    url = reverse("diagnostics:progress", args=[diagnostic.slug])
    _grow(diagnostic, [f"P{n}" for n in range(3)])
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(diagnostic, [f"Q{n}" for n in range(27)])
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    unfinished = re.findall(rb"<li>([PQ]\d+)", response.content)
    assert len(unfinished) == 1 + 13
    assert b"started" not in response.content.split(b"<caption")[0]


def test_sponsors_see_neither_names_nor_live_counts(client):
    """A count that moves as each person finishes would tell a sponsor when they did; the
    dashboard's published figures move in steps of K instead."""
    diagnostic = make_diagnostic()
    sponsor = MemberFactory(diagnostic=diagnostic, role="sponsor").user
    _people(diagnostic, "Council", ["Annabel"])
    client.force_login(sponsor)
    response = client.get(reverse("diagnostics:progress", args=[diagnostic.slug]))
    assert response.status_code == 200
    assert b"Annabel" not in response.content
    assert b"Completed" not in response.content and b"every 5s" not in response.content
    assert b"in steps of 3 people" in response.content
