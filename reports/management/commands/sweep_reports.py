from datetime import timedelta

from django.core.management.base import BaseCommand

from reports import tasks


class Command(BaseCommand):
    help = "Fail reports stuck in 'rendering' for 15 minutes; queue stuck 'queued' ones again."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=15, help="staleness timeout")

    def handle(self, minutes, **options):
        failed, requeued = tasks.sweep_stale(stale_after=timedelta(minutes=minutes))
        self.stdout.write(f"{failed} report(s) marked failed, {requeued} queued again")
