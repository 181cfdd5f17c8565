from django.db import migrations


def lock_what_was_revealed(apps, schema_editor):
    """Every Value Code revealed before the lock belonged to the round stays locked in its
    round, from its first reveal."""
    WorkshopReveal = apps.get_model("workshops", "WorkshopReveal")
    LockedValueCode = apps.get_model("diagnostics", "LockedValueCode")
    first = {}
    for round_id, value_code_id, revealed_at in WorkshopReveal.objects.values_list(
        "session__round_id", "value_code_id", "revealed_at"
    ).order_by("revealed_at", "id"):
        first.setdefault((round_id, value_code_id), revealed_at)
    LockedValueCode.objects.bulk_create(
        [
            LockedValueCode(round_id=round_id, value_code_id=value_code_id, locked_at=at)
            for (round_id, value_code_id), at in first.items()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_workshop_expectations_step"),
        ("diagnostics", "0014_locked_value_code"),
    ]

    operations = [migrations.RunPython(lock_what_was_revealed, migrations.RunPython.noop)]
