"""Migration workshops 0005: Value Codes revealed before the lock belonged to the round stay
closed in their round, from their first reveal."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("workshops", "0004_workshop_expectations_step"),
    ("diagnostics", "0013_answer_constraints_once"),
]
AFTER = [("workshops", "0005_lock_revealed_value_codes_in_their_round")]


@pytest.mark.django_db(transaction=True)
def test_every_earlier_reveal_locks_its_value_code_in_its_round_once():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    model = apps.get_model
    diagnostic = model("diagnostics", "Diagnostic").objects.create(name="Old", slug="old")
    round_ = model("diagnostics", "Round").objects.create(diagnostic=diagnostic, number=1)
    value_code = model("diagnostics", "DiagnosticValueCode").objects.create(
        diagnostic=diagnostic,
        identifier="Trust",
        section="S",
        description="d",
        **{f"statement_{n}": "s" for n in range(1, 6)},
    )
    Session, Reveal = model("workshops", "WorkshopSession"), model("workshops", "WorkshopReveal")
    first_at = timezone.now() - datetime.timedelta(days=2)
    for days, code in ((2, "AAAAAA"), (1, "BBBBBB")):  # revealed in two sessions of the round
        ended = timezone.now() - datetime.timedelta(days=days)
        session = Session.objects.create(
            diagnostic=diagnostic, round=round_, join_code=code, state="ended", ended_at=ended
        )
        reveal = Reveal.objects.create(session=session, value_code=value_code, figures={})
        Reveal.objects.filter(pk=reveal.pk).update(
            revealed_at=timezone.now() - datetime.timedelta(days=days)
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Locked = executor.loader.project_state(AFTER).apps.get_model("diagnostics", "LockedValueCode")
    lock = Locked.objects.get()
    assert (lock.round_id, lock.value_code_id) == (round_.pk, value_code.pk)
    assert abs(lock.locked_at - first_at) < datetime.timedelta(minutes=1)

    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
