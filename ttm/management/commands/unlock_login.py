"""Lift a login lockout on a username before it expires (see ttm/login_throttle.py)."""

from django.core.management.base import BaseCommand

from ttm.login_throttle import forget_failures


class Command(BaseCommand):
    help = "Clear the failed logins and any lockout of a username."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        forget_failures(username)
        self.stdout.write(f"Logins for {username!r} are no longer locked.")
