from django.db import migrations, models


class Migration(migrations.Migration):
    """New columns, empty for now: 0003 fills them, 0004 makes them required and unique."""

    dependencies = [("diagnostics", "0004_participant_email_batch")]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="invitation_token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="participant",
            name="invitation_used_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="participant",
            name="respondent_code",
            field=models.CharField(max_length=12, null=True),
        ),
    ]
