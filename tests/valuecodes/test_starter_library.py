import pytest

from valuecodes.models import Library
from valuecodes.starter import STARTER_LIBRARY_NAME

pytestmark = pytest.mark.django_db


def test_the_starter_library_ships_with_the_app():
    library = Library.objects.get(name="Starter library")
    assert library.name == STARTER_LIBRARY_NAME
    value_codes = list(library.value_codes.select_related("section"))
    assert len(value_codes) >= 16
    assert library.sections.count() >= 4
    for value_code in value_codes:
        assert value_code.description.startswith("The extent to which"), value_code
        statements = value_code.statements
        assert all(s.strip() for s in statements), value_code
        assert len(set(statements)) == 5, value_code


def test_the_starter_library_covers_the_fields_models():
    identifiers = set(
        Library.objects.get(name="Starter library").value_codes.values_list("identifier", flat=True)
    )
    assert {
        "Reliability",
        "Credibility",
        "Intimacy",
        "Character",
        "Self-orientation",
    } <= identifiers
    assert {"Transparency", "Commitments", "Service relationship level"} <= identifiers


def test_loading_the_starter_library_again_keeps_edits():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("valuecodes.migrations.0002_valuecodes_starter_library")
    library = Library.objects.get(name="Starter library")
    library.value_codes.filter(identifier="Reliability").update(description="Our own words")
    migration.load_starter_library(apps, None)
    assert library.value_codes.get(identifier="Reliability").description == "Our own words"
    assert Library.objects.filter(name="Starter library").count() == 1
