"""At most one business case queued or rendering per round. Older duplicates already on their
way are marked failed first (the newest of each round goes on), so that the constraint holds."""

from django.db import migrations, models
from django.utils import timezone

ON_ITS_WAY = ["queued", "rendering"]


def fail_duplicates_on_their_way(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    active = Report.objects.filter(kind="business_case", status__in=ON_ITS_WAY).order_by(
        "diagnostic_id", "round_id", "-created_at", "-id"
    )
    seen, duplicates = set(), []
    for report in active.only("pk", "diagnostic_id", "round_id"):
        key = (report.diagnostic_id, report.round_id)
        if key in seen:
            duplicates.append(report.pk)
        seen.add(key)
    Report.objects.filter(pk__in=duplicates).update(
        status="failed",
        step="Failed",
        error="Another request for the same round replaced this one.",
        finished_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_reports_queued_at")]

    operations = [
        migrations.RunPython(fail_duplicates_on_their_way, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("kind", "business_case"), ("status__in", ["queued", "rendering"])
                ),
                fields=("diagnostic", "round"),
                name="report_one_on_its_way_per_round",
            ),
        ),
    ]
