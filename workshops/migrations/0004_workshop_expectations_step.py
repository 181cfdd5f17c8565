from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0003_workshop_reveal"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshopsession",
            name="showing_expectations",
            field=models.BooleanField(default=False),
        ),
        migrations.AddConstraint(
            model_name="workshopsession",
            constraint=models.CheckConstraint(
                condition=models.Q(("showing_expectations", False), ("revealed", True), _connector="OR"),
                name="workshop_expectations_only_revealed",
            ),
        ),
    ]
