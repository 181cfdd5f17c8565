"""Writes to libraries, sections and Value Codes. Each function runs in one transaction.

Views, management commands and data migrations all come through here, so a rule (identifiers
unique per library, stable ordering, all five statements) is enforced in one place, with the
database constraints behind it.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ttm.levels import LEVELS
from ttm.ordering import move_within, next_position

from .models import (
    CONTENT_FIELDS,
    TEXT_FIELDS,
    Library,
    PerspectiveWording,
    Section,
    ValueCode,
    label_fields,
    statement_fields,
)
from .tables import clean_text

# Control characters, and the Unicode line and paragraph separators.
ONE_LINE_BREAKERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class ImportResult:
    library: Library
    created: int
    updated: int
    unchanged: int


# Libraries -------------------------------------------------------------------------------


def validate_name(name):
    """A name is one line: it becomes a file name, a sheet title and a heading."""
    if ONE_LINE_BREAKERS.search(name or ""):
        raise ValidationError("A name is one line of text, without tabs or control characters.")


def _check_library_name(name, *, exclude_pk=None):
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": "Give the library a name."})
    try:
        validate_name(name)
    except ValidationError as invalid:
        raise ValidationError({"name": invalid.messages}) from None
    clash = Library.objects.filter(name=name).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a library called “{name}”."})
    return name


@transaction.atomic
def create_library(*, name, description="", level_labels=None, created_by=None):
    """A new, empty library owned by whoever created it (nobody: a shared library); level
    labels default to PRODUCT.md's."""
    library = Library(
        name=_check_library_name(name),
        description=clean_text(description),
        created_by=created_by,
        owner=created_by,
    )
    if level_labels:
        _set_level_labels(library, level_labels)
    library.save()
    return library


@transaction.atomic
def update_library(*, library, name, description, level_labels):
    """Rename a library, change its description and its five level labels."""
    library.name = _check_library_name(name, exclude_pk=library.pk)
    library.description = clean_text(description)
    _set_level_labels(library, level_labels)
    library.save()
    return library


def _set_level_labels(library, level_labels):
    labels = [clean_text(label) for label in level_labels]
    if len(labels) != len(LEVELS) or not all(labels):
        raise ValidationError("Each of the five levels needs a label.")
    for field, label in label_fields(labels).items():
        setattr(library, field, label)


@transaction.atomic
def duplicate_library(*, library, name, created_by=None):
    """A full copy (labels, sections, Value Codes, order) under a new name, owned by whoever
    made it, to adapt freely."""
    copy = create_library(
        name=name,
        description=library.description,
        level_labels=library.level_labels,
        created_by=created_by,
    )
    sections = list(library.sections.all())
    Section.objects.bulk_create(
        Section(library=copy, name=s.name, position=s.position) for s in sections
    )
    new_sections = {s.name: s for s in copy.sections.all()}
    old_names = {s.pk: s.name for s in sections}
    ValueCode.objects.bulk_create(
        (
            ValueCode(
                library=copy,
                section=new_sections[old_names[vc.section_id]],
                position=vc.position,
                **{field: getattr(vc, field) for field in CONTENT_FIELDS},
            )
            for vc in library.value_codes.all()
        ),
        batch_size=500,
    )
    copies = dict(copy.value_codes.values_list("identifier", "pk"))
    PerspectiveWording.objects.bulk_create(
        (
            PerspectiveWording(
                value_code_id=copies[wording.value_code.identifier],
                perspective=wording.perspective,
                **wording.wording,
            )
            for wording in PerspectiveWording.objects.filter(
                value_code__library=library
            ).select_related("value_code")
        ),
        batch_size=500,
    )
    return copy


@transaction.atomic
def delete_library(*, library):
    """Deletes the library with its sections and Value Codes; diagnostics keep their copies."""
    library.value_codes.all().delete()
    library.sections.all().delete()
    library.delete()


def _touch(library):
    Library.objects.filter(pk=library.pk).update(updated_at=timezone.now())


# Sections --------------------------------------------------------------------------------


def _check_section_name(library, name, *, exclude_pk=None):
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": "Give the section a name."})
    if library.sections.filter(name=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": f"This library already has a section “{name}”."})
    return name


@transaction.atomic
def create_section(*, library, name):
    """A new section at the end of the library."""
    name = _check_section_name(library, name)
    section = Section.objects.create(
        library=library, name=name, position=next_position(library.sections)
    )
    _touch(library)
    return section


@transaction.atomic
def rename_section(*, section, name):
    section.name = _check_section_name(section.library, name, exclude_pk=section.pk)
    section.save(update_fields=["name"])
    _touch(section.library)
    return section


@transaction.atomic
def move_section(*, section, offset):
    """Move a section up (offset -1) or down (+1) among its library's sections."""
    move_within(section.library.sections, section, offset)
    _touch(section.library)


@transaction.atomic
def delete_section(*, section):
    """Deletes the section and the Value Codes in it."""
    section.value_codes.all().delete()
    section.delete()
    _touch(section.library)


# Value Codes -----------------------------------------------------------------------------


def _content(identifier, description, help_text, statements):
    statements = [clean_text(s) for s in statements]
    errors = {}
    identifier = clean_text(identifier)
    if not identifier:
        errors["identifier"] = "Give the Value Code an identifier."
    if not clean_text(description):
        errors["description"] = "Describe the Value Code: “The extent to which …”."
    if len(statements) != len(LEVELS):
        raise ValidationError("A Value Code has exactly five evaluation statements.")
    for level, (field, statement) in enumerate(statement_fields(statements).items(), start=1):
        if not statement:
            errors[field] = f"Write the level {level} statement."
    if errors:
        raise ValidationError(errors)
    return {
        "identifier": identifier,
        "description": clean_text(description),
        "help_text": clean_text(help_text),
        **statement_fields(statements),
    }


def _check_identifier(library, identifier, *, exclude_pk=None):
    if library.value_codes.filter(identifier=identifier).exclude(pk=exclude_pk).exists():
        raise ValidationError(
            {"identifier": f"This library already has a Value Code “{identifier}”."}
        )


def _save_unique(value_code):
    try:
        with transaction.atomic():
            value_code.save()
    except IntegrityError:
        # Another request took the identifier between our check and the insert.
        raise ValidationError(
            {"identifier": f"This library already has a Value Code “{value_code.identifier}”."}
        ) from None


@transaction.atomic
def create_value_code(*, section, identifier, description, statements, help_text=""):
    """A new Value Code at the end of `section`."""
    content = _content(identifier, description, help_text, statements)
    _check_identifier(section.library, content["identifier"])
    value_code = ValueCode(
        library=section.library,
        section=section,
        position=next_position(section.value_codes),
        **content,
    )
    _save_unique(value_code)
    _touch(section.library)
    return value_code


@transaction.atomic
def update_value_code(*, value_code, section, identifier, description, statements, help_text=""):
    """Change a Value Code; moved to another section, it goes to that section's end."""
    if section.library_id != value_code.library_id:
        raise ValidationError({"section": "Choose a section of this library."})
    content = _content(identifier, description, help_text, statements)
    _check_identifier(value_code.library, content["identifier"], exclude_pk=value_code.pk)
    if section.pk != value_code.section_id:
        value_code.position = next_position(section.value_codes)
        value_code.section = section
    for field, value in content.items():
        setattr(value_code, field, value)
    _save_unique(value_code)
    _touch(value_code.library)
    return value_code


@transaction.atomic
def move_value_code(*, value_code, offset):
    """Move a Value Code up (-1) or down (+1) within its section."""
    move_within(ValueCode.objects.filter(section_id=value_code.section_id), value_code, offset)
    _touch(value_code.library)


@transaction.atomic
def delete_value_code(*, value_code):
    value_code.delete()
    _touch(value_code.library)


# Import ----------------------------------------------------------------------------------


def row_content(row):
    """What a table row says about a Value Code, as model field values."""
    return {
        "description": row.description,
        "help_text": row.help_text,
        **statement_fields(row.statements),
    }


@transaction.atomic
def import_value_code_table(*, library, rows):
    """Apply validated table rows: same identifier -> updated, others added; all or nothing.

    Sections new to the library are added after the existing ones, in file order; new Value
    Codes (and ones moved to another section) go to the end of their section, in file order.
    """
    library = Library.objects.select_for_update().get(pk=library.pk)
    sections = {s.name: s for s in library.sections.all()}
    next_section = max((s.position for s in sections.values()), default=-1) + 1
    new_sections = []
    for name in dict.fromkeys(row.section for row in rows):
        if name not in sections:
            new_sections.append(Section(library=library, name=name, position=next_section))
            next_section += 1
    if new_sections:
        Section.objects.bulk_create(new_sections)
        sections = {s.name: s for s in library.sections.all()}

    existing = {vc.identifier: vc for vc in library.value_codes.all()}
    next_position = {s.pk: 0 for s in sections.values()}
    for vc in existing.values():
        next_position[vc.section_id] = max(next_position[vc.section_id], vc.position + 1)

    now = timezone.now()
    to_create, to_update, unchanged = [], [], 0
    for row in rows:
        section = sections[row.section]
        content = row_content(row)
        value_code = existing.get(row.identifier)
        if value_code is None:
            value_code = ValueCode(
                library=library,
                section=section,
                identifier=row.identifier,
                position=next_position[section.pk],
                **content,
            )
            next_position[section.pk] += 1
            to_create.append(value_code)
            continue
        changed = any(getattr(value_code, f) != v for f, v in content.items())
        if value_code.section_id != section.pk:
            value_code.section = section
            value_code.position = next_position[section.pk]
            next_position[section.pk] += 1
            changed = True
        if not changed:
            unchanged += 1
            continue
        for field, value in content.items():
            setattr(value_code, field, value)
        value_code.updated_at = now
        to_update.append(value_code)

    ValueCode.objects.bulk_create(to_create, batch_size=500)
    ValueCode.objects.bulk_update(
        to_update, ["section", "position", "updated_at", *TEXT_FIELDS], batch_size=500
    )
    _import_wordings(library, rows)
    _touch(library)
    return ImportResult(
        library=library, created=len(to_create), updated=len(to_update), unchanged=unchanged
    )


def _import_wordings(library, rows):
    """The table's perspective columns replace those perspectives' wordings of its Value Codes;
    a perspective the table has no columns for keeps its wordings. A few queries in all."""
    perspectives = {p.casefold() for row in rows for p in row.wordings}
    if not perspectives:
        return
    value_codes = dict(
        library.value_codes.filter(identifier__in=[row.identifier for row in rows]).values_list(
            "identifier", "pk"
        )
    )
    stale = [
        wording.pk
        for wording in PerspectiveWording.objects.filter(value_code_id__in=value_codes.values())
        if wording.perspective.casefold() in perspectives
    ]
    PerspectiveWording.objects.filter(pk__in=stale).delete()
    PerspectiveWording.objects.bulk_create(
        (
            PerspectiveWording(
                value_code_id=value_codes[row.identifier], perspective=perspective, **wording
            )
            for row in rows
            for perspective, wording in row.wordings.items()
            if any(wording.values())
        ),
        batch_size=500,
    )


@transaction.atomic
def import_into_named_library(*, name, rows, created_by=None):
    """The command's import: into the library called `name`, created if needed."""
    name = clean_text(name)
    library = Library.objects.filter(name=name).first()
    if library is None:
        library = create_library(name=name, created_by=created_by)
    return import_value_code_table(library=library, rows=rows)


@transaction.atomic
def import_into_new_library(*, name, rows, created_by=None):
    """The upload's import when it names a new library: refused if the name is taken."""
    library = create_library(name=name, created_by=created_by)
    return import_value_code_table(library=library, rows=rows)
