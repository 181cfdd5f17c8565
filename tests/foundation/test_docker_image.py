"""Docker cannot run here; these read the files the image is built from."""

import re

from hub.demo import SPONSOR_LOGIN_FILE
from hub.management.commands.setup_demo import LOGIN_FILE

from .. import conftest


def test_the_docker_image_defaults_to_debug_off_and_leaves_secrets_out():
    dockerfile = (conftest.PROJECT_DIR / "Dockerfile").read_text()
    assert re.search(r"^ENV .*DJANGO_DEBUG=0", dockerfile, re.M)
    ignored = (conftest.PROJECT_DIR / ".dockerignore").read_text().split()
    printed_logins = [LOGIN_FILE.name, SPONSOR_LOGIN_FILE.name]
    for secret in [".env", "db.sqlite3", "media", ".git", ".venv", *printed_logins]:
        assert secret in ignored, secret
