from django.db import migrations, models

import diagnostics.models


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0006_fill_invitations_and_respondent_codes")]

    operations = [
        migrations.AlterField(
            model_name="participant",
            name="invitation_token",
            field=models.CharField(
                default=diagnostics.models.new_token, max_length=64, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="participant",
            name="respondent_code",
            field=models.CharField(
                default=diagnostics.models.new_respondent_code, max_length=12
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                fields=("diagnostic", "respondent_code"),
                name="participant_unique_respondent_code",
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.CheckConstraint(
                condition=models.Q(("respondent_code__regex", "^R-[A-Z0-9]+$")),
                name="participant_respondent_code_format",
            ),
        ),
    ]
