"""Every change to a model has its migration: a model edited without one would deploy a schema
that is not what the code expects."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as missing:
        pytest.fail(f"A model change has no migration (exit {missing.code}):\n{out.getvalue()}")
