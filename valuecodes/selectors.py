"""Reads of libraries and Value Codes, shaped for the pages, with a fixed number of queries."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from .models import LEVELS, Library, Section, ValueCode
from .services import row_content

SEARCH_FIELDS = (
    "identifier",
    "description",
    "help_text",
    "section__name",
    *(f"statement_{level}" for level in LEVELS),
)
SEARCH_LIMIT = 100
COMPARED_FIELDS = (
    ("section", "Section Name"),
    ("description", "Description"),
    *((f"statement_{level}", f"Evaluation Statement {level}") for level in LEVELS),
    ("help_text", "Help Text"),
)


def library_list():
    return Library.objects.annotate(
        section_count=Count("sections", distinct=True),
        value_code_count=Count("value_codes", distinct=True),
    ).order_by("name")


def get_library(pk):
    return get_object_or_404(Library, pk=pk)


def library_sections(library):
    """The library's sections in order, each with its Value Codes prefetched in order."""
    return list(
        library.sections.order_by("position", "id").prefetch_related(
            Prefetch("value_codes", queryset=ValueCode.objects.order_by("position", "id"))
        )
    )


def library_value_codes(library):
    """Every Value Code of the library in table order (section order, then position)."""
    return libraries_value_codes([library])


def libraries_value_codes(libraries):
    """Every Value Code of the libraries, library by library (by name) in table order."""
    return (
        ValueCode.objects.filter(library__in=libraries)
        .select_related("section", "library")
        .prefetch_related("wordings")
        .order_by("library__name", "section__position", "section_id", "position", "id")
    )


def get_section(library, pk):
    return get_object_or_404(Section, library=library, pk=pk)


def get_value_code(library, pk):
    return get_object_or_404(ValueCode.objects.select_related("section"), library=library, pk=pk)


def search_value_codes(text, limit=SEARCH_LIMIT):
    """Value Codes of every library whose words contain `text` (case-insensitive)."""
    words = text.split()
    if not words:
        return ValueCode.objects.none()
    matches = [
        reduce(or_, (Q(**{f"{f}__icontains": word}) for f in SEARCH_FIELDS)) for word in words
    ]
    return (
        ValueCode.objects.filter(*matches)
        .select_related("library", "section")
        .order_by("library__name", "section__position", "section_id", "position", "id")[:limit]
    )


# Import preview --------------------------------------------------------------------------


@dataclass
class Difference:
    label: str
    before: str
    after: str


@dataclass
class PlannedChange:
    row: object
    differences: list = field(default_factory=list)


@dataclass
class ImportPreview:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)

    @property
    def change_count(self):
        return len(self.created) + len(self.updated)


def preview_import(*, library, rows):
    """What importing `rows` into `library` (None: a new library) would create and change."""
    existing = {}
    if library is not None:
        existing = {vc.identifier: vc for vc in library.value_codes.select_related("section")}
    preview = ImportPreview()
    for row in rows:
        value_code = existing.get(row.identifier)
        if value_code is None:
            preview.created.append(PlannedChange(row=row))
            continue
        after = {"section": row.section, **row_content(row)}
        before = {"section": value_code.section.name}
        before.update({name: getattr(value_code, name) for name in after if name != "section"})
        differences = [
            Difference(label=label, before=before[name], after=after[name])
            for name, label in COMPARED_FIELDS
            if before[name] != after[name]
        ]
        target = preview.updated if differences else preview.unchanged
        target.append(PlannedChange(row=row, differences=differences))
    return preview
