import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostics", "0001_initial"),
        ("workshops", "0002_workshop_seats"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkshopReveal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("figures", models.JSONField()),
                ("revealed_at", models.DateTimeField(auto_now_add=True)),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reveals",
                        to="workshops.workshopsession",
                    ),
                ),
                (
                    "value_code",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="diagnostics.diagnosticvaluecode",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "value_code"), name="workshop_reveal_once"
                    )
                ],
            },
        ),
    ]
