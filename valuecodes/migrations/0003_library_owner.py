"""Libraries get an owner: their creator where known; else nobody (a shared, read-only library
such as the starter library)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def owner_is_the_creator(apps, schema_editor):
    Library = apps.get_model("valuecodes", "Library")
    Library.objects.filter(created_by__isnull=False).update(owner=models.F("created_by"))


class Migration(migrations.Migration):
    dependencies = [
        ("valuecodes", "0002_valuecodes_starter_library"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="library",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                help_text="Only the owner (and superusers) may edit or delete it. Empty: shared, read-only.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="owned_libraries",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(owner_is_the_creator, migrations.RunPython.noop),
    ]
