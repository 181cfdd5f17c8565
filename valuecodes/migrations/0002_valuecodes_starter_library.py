"""Loads the starter library (valuecodes/starter.py). Idempotent: an existing library of the
same name is left as it is, so a facilitator's edits are never overwritten."""

from django.db import migrations


def load_starter_library(apps, schema_editor):
    from valuecodes.starter import (
        STARTER_LIBRARY_DESCRIPTION,
        STARTER_LIBRARY_NAME,
        STARTER_VALUE_CODES,
    )

    Library = apps.get_model("valuecodes", "Library")
    Section = apps.get_model("valuecodes", "Section")
    ValueCode = apps.get_model("valuecodes", "ValueCode")
    library, created = Library.objects.get_or_create(
        name=STARTER_LIBRARY_NAME, defaults={"description": STARTER_LIBRARY_DESCRIPTION}
    )
    if not created:
        return
    sections = {}
    for position, (section_name, identifier, description, statements, help_text) in enumerate(
        STARTER_VALUE_CODES
    ):
        if section_name not in sections:
            sections[section_name] = Section.objects.create(
                library=library, name=section_name, position=len(sections)
            )
        ValueCode.objects.create(
            library=library,
            section=sections[section_name],
            identifier=identifier,
            description=description,
            help_text=help_text,
            position=position,
            **{f"statement_{level}": text for level, text in enumerate(statements, start=1)},
        )


class Migration(migrations.Migration):
    dependencies = [("valuecodes", "0001_initial")]

    operations = [migrations.RunPython(load_starter_library, migrations.RunPython.noop)]
