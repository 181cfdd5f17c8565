"""Library pages for facilitators: browse, edit, reorder, duplicate, search, import and export.

Every facilitator reads and duplicates every library; only its owner changes it (ttm/access.py).
"""

import secrets
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ttm import access, ordering
from ttm.access import facilitator_required

from . import selectors, services
from .forms import (
    DuplicateLibraryForm,
    LibraryForm,
    SearchForm,
    SectionForm,
    TableUploadForm,
    ValueCodeForm,
)
from .models import ValueCode
from .tables import TableError, TableRow, read_table, table_bytes

IMPORT_SESSION_KEY = "valuecodes_import"
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _detail_url(library, anchor=""):
    url = reverse("valuecodes:detail", args=[library.pk])
    return f"{url}#{anchor}" if anchor else url


def _library_to_edit(request, pk):
    """The library, if the user may change it (its owner, a superuser); else 403."""
    library = selectors.get_library(pk)
    access.check_may_edit_library(request.user, library)
    return library


# Libraries -------------------------------------------------------------------------------


@facilitator_required
@require_GET
def library_list(request):
    libraries = list(selectors.library_list())
    for library in libraries:
        library.can_edit = access.may_edit_library(request.user, library)
    return render(
        request,
        "valuecodes/library_list.html",
        {"libraries": libraries, "search_form": SearchForm()},
    )


@facilitator_required
def library_create(request):
    form = LibraryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            library = services.create_library(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                level_labels=form.level_labels(),
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Library “{library.name}” created. Add a section to begin.")
            return redirect(library)
    return render(request, "valuecodes/library_form.html", {"form": form, "library": None})


@facilitator_required
@require_GET
def library_detail(request, pk):
    library = selectors.get_library(pk)
    sections = selectors.library_sections(library)
    return render(
        request,
        "valuecodes/library_detail.html",
        {
            "library": library,
            "can_edit": access.may_edit_library(request.user, library),
            "sections": sections,
            "value_code_count": sum(len(s.value_codes.all()) for s in sections),
        },
    )


@facilitator_required
def library_edit(request, pk):
    library = _library_to_edit(request, pk)
    form = LibraryForm(request.POST or None, instance=library)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_library(
                library=selectors.get_library(pk),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                level_labels=form.level_labels(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Library saved.")
            return redirect(_detail_url(library))
    return render(request, "valuecodes/library_form.html", {"form": form, "library": library})


@facilitator_required
def library_duplicate(request, pk):
    library = selectors.get_library(pk)
    form = DuplicateLibraryForm(
        request.POST or None, initial={"name": f"{library.name} (copy)"[:120]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.duplicate_library(
                library=library, name=form.cleaned_data["name"], created_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{copy.name}” is a copy of “{library.name}”; adapt it.")
            return redirect(copy)
    return render(request, "valuecodes/library_duplicate.html", {"form": form, "library": library})


@facilitator_required
def library_delete(request, pk):
    library = _library_to_edit(request, pk)
    if request.method == "POST":
        services.delete_library(library=library)
        messages.success(request, f"Library “{library.name}” deleted.")
        return redirect("valuecodes:list")
    return render(
        request,
        "valuecodes/confirm_delete.html",
        {
            "library": library,
            "thing": f"the library “{library.name}”",
            "consequence": f"Its {library.value_codes.count()} Value Codes go with it. "
            "Diagnostics that already use them keep their own copies.",
        },
    )


@facilitator_required
@require_GET
def library_export(request, pk, file_type):
    if file_type not in EXPORT_TYPES:
        raise Http404("Export as .csv or .xlsx.")
    library = selectors.get_library(pk)
    filename = f"{library.name}.{file_type}"
    content = table_bytes(selectors.library_value_codes(library), filename)
    response = HttpResponse(content, content_type=EXPORT_TYPES[file_type])
    response["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename):
    # Names stored before they had to be one line may hold line breaks: never in a header.
    filename = " ".join("".join(c if c.isprintable() else " " for c in filename).split())
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@facilitator_required
@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    value_codes = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        value_codes = list(selectors.search_value_codes(query))
    return render(
        request,
        "valuecodes/search.html",
        {
            "search_form": form,
            "query": query,
            "value_codes": value_codes,
            "limit": selectors.SEARCH_LIMIT,
        },
    )


# Sections --------------------------------------------------------------------------------


@facilitator_required
def section_form(request, pk, section_pk=None):
    library = _library_to_edit(request, pk)
    section = selectors.get_section(library, section_pk) if section_pk else None
    form = SectionForm(request.POST or None, instance=section, library=library)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            if section is None:
                section = services.create_section(library=library, name=name)
            else:
                section = services.rename_section(
                    section=selectors.get_section(library, section_pk), name=name
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(_detail_url(library, f"section-{section.pk}"))
    return render(
        request,
        "valuecodes/section_form.html",
        {"form": form, "library": library, "section": section},
    )


@facilitator_required
@require_POST
def section_move(request, pk, section_pk):
    library = _library_to_edit(request, pk)
    section = selectors.get_section(library, section_pk)
    services.move_section(section=section, offset=ordering.offset(request.POST))
    return redirect(_detail_url(library, f"section-{section.pk}"))


@facilitator_required
def section_delete(request, pk, section_pk):
    library = _library_to_edit(request, pk)
    section = selectors.get_section(library, section_pk)
    if request.method == "POST":
        services.delete_section(section=section)
        messages.success(request, f"Section “{section.name}” deleted.")
        return redirect(_detail_url(library))
    count = section.value_codes.count()
    return render(
        request,
        "valuecodes/confirm_delete.html",
        {
            "library": library,
            "thing": f"the section “{section.name}”",
            "consequence": f"Its {count} Value Code{'' if count == 1 else 's'} are deleted too."
            if count
            else "It is empty.",
        },
    )


# Value Codes -----------------------------------------------------------------------------


@facilitator_required
def value_code_form(request, pk, value_code_pk=None):
    library = _library_to_edit(request, pk)
    if value_code_pk:
        value_code = selectors.get_value_code(library, value_code_pk)
        initial = {}
    else:
        if not library.sections.exists():
            messages.info(request, "Add a section first: every Value Code belongs to one.")
            return redirect("valuecodes:section_create", pk=library.pk)
        value_code = ValueCode(library=library)
        initial = {"section": request.GET.get("section")}
    form = ValueCodeForm(
        request.POST or None, instance=value_code, initial=initial, library=library
    )
    if request.method == "POST" and form.is_valid():
        fields = {
            "section": form.cleaned_data["section"],
            "identifier": form.cleaned_data["identifier"],
            "description": form.cleaned_data["description"],
            "help_text": form.cleaned_data["help_text"],
            "statements": form.statements(),
        }
        try:
            if value_code_pk:
                saved = services.update_value_code(
                    value_code=selectors.get_value_code(library, value_code_pk), **fields
                )
            else:
                saved = services.create_value_code(**fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Value Code “{saved.identifier}” saved.")
            return redirect(_detail_url(library, f"vc-{saved.pk}"))
    return render(
        request,
        "valuecodes/value_code_form.html",
        {"form": form, "library": library, "value_code": value_code if value_code_pk else None},
    )


@facilitator_required
@require_POST
def value_code_move(request, pk, value_code_pk):
    library = _library_to_edit(request, pk)
    value_code = selectors.get_value_code(library, value_code_pk)
    services.move_value_code(value_code=value_code, offset=ordering.offset(request.POST))
    return redirect(_detail_url(library, f"vc-{value_code.pk}"))


@facilitator_required
def value_code_delete(request, pk, value_code_pk):
    library = _library_to_edit(request, pk)
    value_code = selectors.get_value_code(library, value_code_pk)
    if request.method == "POST":
        services.delete_value_code(value_code=value_code)
        messages.success(request, f"Value Code “{value_code.identifier}” deleted.")
        return redirect(_detail_url(library, f"section-{value_code.section_id}"))
    return render(
        request,
        "valuecodes/confirm_delete.html",
        {
            "library": library,
            "thing": f"the Value Code “{value_code.identifier}”",
            "consequence": "Diagnostics that already use it keep their own copy.",
        },
    )


# Import ----------------------------------------------------------------------------------


@facilitator_required
def import_upload(request, pk=None):
    """Upload a table; a good one is kept in the session and previewed, a bad one refused."""
    library = _library_to_edit(request, pk) if pk else None
    form = TableUploadForm(request.POST or None, request.FILES or None, new_library=library is None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["table"]
        try:
            rows = read_table(upload.read(), upload.name)
        except TableError as error:
            problems = error.messages
        else:
            token = secrets.token_urlsafe(16)
            # The session lives on the server, so the rows cannot be altered between the
            # preview and the confirmation; the token ties the confirmation to this preview.
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "library_id": library.pk if library else None,
                "library_name": library.name if library else form.cleaned_data["name"],
                "filename": upload.name,
                "rows": [row.as_dict() for row in rows],
            }
            return redirect("valuecodes:import_preview", token=token)
    return render(
        request,
        "valuecodes/import_upload.html",
        {"form": form, "library": library, "problems": problems},
    )


@facilitator_required
def import_preview(request, token):
    """GET: what the import will create, update and leave alone. POST: import it."""
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending or not secrets.compare_digest(pending["token"], token):
        messages.warning(request, "That import preview has expired. Upload the file again.")
        return redirect("valuecodes:list")
    library = _library_to_edit(request, pending["library_id"]) if pending["library_id"] else None
    rows = [TableRow.from_dict(data) for data in pending["rows"]]
    if request.method == "POST":
        try:
            if library is None:
                result = services.import_into_new_library(
                    name=pending["library_name"], rows=rows, created_by=request.user
                )
            else:
                result = services.import_value_code_table(library=library, rows=rows)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("valuecodes:list")
        del request.session[IMPORT_SESSION_KEY]
        messages.success(
            request,
            f"Imported {pending['filename']}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged.",
        )
        return redirect(result.library)
    preview = selectors.preview_import(library=library, rows=rows)
    return render(
        request,
        "valuecodes/import_preview.html",
        {"pending": pending, "library": library, "preview": preview, "token": token},
    )
