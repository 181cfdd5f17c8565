"""Migration workshops 0005: Value Codes revealed before the lock belonged to the round stay
closed in their round to the people of the sessions that revealed them, from the first reveal."""

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
def test_every_earlier_reveal_locks_its_value_code_for_the_people_of_its_room_once():
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
    party = model("diagnostics", "Party").objects.create(
        diagnostic=diagnostic, name="Council", colour="#1d3557", position=0
    )
    Person = model("diagnostics", "Participant")
    ann, ben, absent = (
        Person.objects.create(diagnostic=diagnostic, party=party, label=label, token=label)
        for label in ("Ann", "Ben", "Cy")
    )
    Attendee = model("workshops", "WorkshopAttendee")
    Session, Reveal = model("workshops", "WorkshopSession"), model("workshops", "WorkshopReveal")
    first_at = timezone.now() - datetime.timedelta(days=2)
    for days, code in ((2, "AAAAAA"), (1, "BBBBBB")):  # revealed in two sessions of the round
        ended = timezone.now() - datetime.timedelta(days=days)
        session = Session.objects.create(
            diagnostic=diagnostic, round=round_, join_code=code, state="ended", ended_at=ended
        )
        Attendee.objects.create(session=session, participant=ann)  # in both rooms
        if code == "BBBBBB":
            Attendee.objects.create(session=session, participant=ben)
        reveal = Reveal.objects.create(session=session, value_code=value_code, figures={})
        Reveal.objects.filter(pk=reveal.pk).update(
            revealed_at=timezone.now() - datetime.timedelta(days=days)
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Locked = executor.loader.project_state(AFTER).apps.get_model("diagnostics", "LockedValueCode")
    found = {lock.participant_id: lock for lock in Locked.objects.all()}
    assert set(found) == {ann.pk, ben.pk}  # Cy was in neither room
    for lock in found.values():
        assert (lock.round_id, lock.value_code_id) == (round_.pk, value_code.pk)
    assert abs(found[ann.pk].locked_at - first_at) < datetime.timedelta(minutes=1)
    assert found[ben.pk].locked_at > found[ann.pk].locked_at

    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
