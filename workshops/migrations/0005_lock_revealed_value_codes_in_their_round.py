from django.db import migrations


def lock_what_was_revealed(apps, schema_editor):
    """Every Value Code revealed before answers locked per round stays closed in its round to
    the people of the session that revealed it (those in its room now), from its first reveal."""
    WorkshopReveal = apps.get_model("workshops", "WorkshopReveal")
    WorkshopAttendee = apps.get_model("workshops", "WorkshopAttendee")
    LockedValueCode = apps.get_model("diagnostics", "LockedValueCode")
    people = {}
    for session_id, participant_id in WorkshopAttendee.objects.values_list(
        "session_id", "participant_id"
    ):
        people.setdefault(session_id, set()).add(participant_id)
    first = {}
    for session_id, round_id, value_code_id, revealed_at in WorkshopReveal.objects.values_list(
        "session_id", "session__round_id", "value_code_id", "revealed_at"
    ).order_by("revealed_at", "id"):
        for participant_id in people.get(session_id, ()):
            first.setdefault((round_id, value_code_id, participant_id), revealed_at)
    LockedValueCode.objects.bulk_create(
        [
            LockedValueCode(
                round_id=round_id,
                value_code_id=value_code_id,
                participant_id=participant_id,
                locked_at=at,
            )
            for (round_id, value_code_id, participant_id), at in first.items()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_workshop_expectations_step"),
        ("diagnostics", "0014_locked_value_code"),
    ]

    operations = [migrations.RunPython(lock_what_was_revealed, migrations.RunPython.noop)]
