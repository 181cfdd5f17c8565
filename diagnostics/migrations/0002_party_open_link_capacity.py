from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostics", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="party",
            name="open_link_capacity",
            field=models.PositiveSmallIntegerField(
                default=10,
                help_text="How many people may join this party through its open link, in all.",
            ),
        ),
        migrations.AddConstraint(
            model_name="party",
            constraint=models.CheckConstraint(
                condition=models.Q(("open_link_capacity__gte", 1)),
                name="party_open_link_capacity_positive",
            ),
        ),
    ]
