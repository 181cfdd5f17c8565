"""Used by `make run`: a facilitator login (printed) and the demo data, idempotently."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from hub.demo import load_demo
from ttm.access import FACILITATORS_GROUP

LOGIN_FILE = settings.BASE_DIR / ".facilitator-login"
USERNAME = "facilitator"


class Command(BaseCommand):
    help = "Create the demo facilitator (password kept in .facilitator-login) and demo data."

    def handle(self, *args, **options):
        password = self.ensure_facilitator()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("ttm facilitator login"))
        self.stdout.write(f"  username: {USERNAME}")
        self.stdout.write(f"  password: {password}")
        self.stdout.write("")
        load_demo(stdout=self.stdout)

    def ensure_facilitator(self):
        group, _ = Group.objects.get_or_create(name=FACILITATORS_GROUP)
        user_model = get_user_model()
        user = user_model.objects.filter(username=USERNAME).first()
        password = LOGIN_FILE.read_text().strip() if LOGIN_FILE.exists() else ""
        if user is None or not password or not user.check_password(password):
            password = password or secrets.token_urlsafe(12)
            if user is None:
                user = user_model(username=USERNAME, first_name="Demo", last_name="Facilitator")
            user.is_staff = True
            user.is_superuser = True
            user.set_password(password)
            user.save()
            LOGIN_FILE.write_text(password + "\n")
            LOGIN_FILE.chmod(0o600)
        user.groups.add(group)
        return password
