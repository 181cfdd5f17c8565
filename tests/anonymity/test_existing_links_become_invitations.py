"""Migration 0003: links that facilitators could see before invitations existed become
invitation links, used already for everyone who has answered."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("diagnostics", "0005_participant_invitation_and_respondent_code")]
AFTER = [("diagnostics", "0007_participant_invitation_and_respondent_code_required")]


@pytest.mark.django_db(transaction=True)
def test_old_links_become_invitations_and_everyone_gets_a_respondent_code():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Diagnostic, Party, Participant, Round, Rating, ValueCode = (
        apps.get_model("diagnostics", name)
        for name in ("Diagnostic", "Party", "Participant", "Round", "Rating", "DiagnosticValueCode")
    )
    diagnostic = Diagnostic.objects.create(name="Old", slug="old")
    party = Party.objects.create(diagnostic=diagnostic, name="IT", open_link_token="open")
    round_ = Round.objects.create(diagnostic=diagnostic, number=1, opened_at=timezone.now())
    value_code = ValueCode.objects.create(
        diagnostic=diagnostic,
        identifier="Trust",
        section="S",
        description="d",
        **{f"statement_{n}": "s" for n in range(1, 6)},
    )
    answered = Participant.objects.create(
        diagnostic=diagnostic, party=party, label="Ann", token="old-link-of-ann"
    )
    Participant.objects.create(diagnostic=diagnostic, party=party, label="Bob", token="old-bob")
    Rating.objects.create(
        round=round_, participant=answered, value_code=value_code, current_answered=True
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Participant = executor.loader.project_state(AFTER).apps.get_model("diagnostics", "Participant")
    ann, bob = Participant.objects.order_by("label")
    assert (ann.invitation_token, bob.invitation_token) == ("old-link-of-ann", "old-bob")
    assert ann.token not in {"old-link-of-ann", "old-bob"} and len(ann.token) >= 40
    assert ann.invitation_used_at is not None and bob.invitation_used_at is None
    assert re.fullmatch(r"R-[A-Z2-9]{4}", ann.respondent_code)
    assert ann.respondent_code != bob.respondent_code

    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
