import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

# As workshops.services.DEFAULT_SEATS when this migration was written.
DEFAULT_SEATS = 10


def seat_live_sessions(apps, schema_editor):
    """A session live during the upgrade keeps admitting people, up to a bound."""
    WorkshopSession = apps.get_model("workshops", "WorkshopSession")
    WorkshopSeats = apps.get_model("workshops", "WorkshopSeats")
    Party = apps.get_model("diagnostics", "Party")
    WorkshopAttendee = apps.get_model("workshops", "WorkshopAttendee")
    for session in WorkshopSession.objects.filter(ended_at__isnull=True):
        present = dict(
            WorkshopAttendee.objects.filter(session=session)
            .values_list("participant__party_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        WorkshopSeats.objects.bulk_create(
            WorkshopSeats(
                session=session, party=party, seats=max(present.get(party.pk, 0), DEFAULT_SEATS)
            )
            for party in Party.objects.filter(diagnostic_id=session.diagnostic_id)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostics", "0001_initial"),
        ("workshops", "0001_workshop_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkshopSeats",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seats", models.PositiveSmallIntegerField()),
                (
                    "party",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="diagnostics.party",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="seats",
                        to="workshops.workshopsession",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "workshop seats",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("session", "party"), name="workshop_seats_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("seats__gte", 1)), name="workshop_seats_positive"
                    ),
                ],
            },
        ),
        migrations.RunPython(seat_live_sessions, migrations.RunPython.noop),
    ]
