from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostics", "0002_party_open_link_capacity"),
    ]

    # People already in a diagnostic count as invited: nothing recorded how they came in.
    operations = [
        migrations.AddField(
            model_name="participant",
            name="joined_through",
            field=models.CharField(
                choices=[
                    ("invited", "Invited"),
                    ("open_link", "Open link"),
                    ("workshop", "Workshop code"),
                ],
                default="invited",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(("joined_through__in", ["invited", "open_link", "workshop"])),
                name="participant_joined_through_valid",
            ),
        ),
    ]
