from django.core.management.base import BaseCommand

from ttm import levels


class Command(BaseCommand):
    help = "Write static/css/levels.css from the level colours in ttm/levels.py."

    def handle(self, **options):
        levels.STYLESHEET.write_text(levels.stylesheet(), encoding="utf-8")
        self.stdout.write(f"Wrote {levels.STYLESHEET}")
