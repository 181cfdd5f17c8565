"""Forms validate what a facilitator typed; the services in services.py do the writing."""

from django import forms
from django.core.exceptions import ValidationError

from ttm.levels import LEVELS

from .models import (
    CONTENT_FIELDS,
    LABEL_FIELDS,
    STATEMENT_FIELDS,
    TEXT_FIELDS,
    Library,
    Section,
    ValueCode,
)
from .services import validate_name
from .tables import MAX_TABLE_BYTES, SUFFIXES


class LibraryForm(forms.ModelForm):
    """Name, description and the five level labels."""

    class Meta:
        model = Library
        fields = ["name", "description", *LABEL_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"name": {"unique": "There is already a library with this name."}}

    def clean_name(self):
        name = self.cleaned_data["name"]
        validate_name(name)
        return name

    def level_labels(self):
        return [self.cleaned_data[name] for name in LABEL_FIELDS]

    def label_fields(self):
        return [self[name] for name in LABEL_FIELDS]


class DuplicateLibraryForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name of the copy")

    def clean_name(self):
        name = self.cleaned_data["name"]
        validate_name(name)
        if Library.objects.filter(name=name).exists():
            raise ValidationError("There is already a library with this name.")
        return name


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["name"]

    def __init__(self, *args, library, **kwargs):
        self.library = library
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = self.library.sections.filter(name=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"This library already has a section “{name}”.")
        return name


class ValueCodeForm(forms.ModelForm):
    """One Value Code with all five statements, labelled with the library's level labels."""

    class Meta:
        model = ValueCode
        fields = ["section", *CONTENT_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in TEXT_FIELDS}
        help_texts = {
            "identifier": "A short name, unique within this library, e.g. “Reliability”.",
            "description": "“The extent to which …”",
            "help_text": "Optional: a hint shown to people rating this Value Code.",
        }

    def __init__(self, *args, library, **kwargs):
        self.library = library
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = library.sections.order_by("position", "id")
        self.fields["section"].empty_label = None
        for level, field, label in zip(LEVELS, STATEMENT_FIELDS, library.level_labels, strict=True):
            self.fields[field].label = f"Level {level} · {label}"

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].strip()
        clash = self.library.value_codes.filter(identifier=identifier).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"This library already has a Value Code “{identifier}”.")
        return identifier

    def validate_unique(self):
        """clean_identifier checks identifiers within the library (not a form field)."""

    def statements(self):
        return [self.cleaned_data[name] for name in STATEMENT_FIELDS]

    def statement_fields(self):
        return [self[name] for name in STATEMENT_FIELDS]


class TableUploadForm(forms.Form):
    """A Value Code table to preview; `name` is asked only when it makes a new library."""

    name = forms.CharField(max_length=120, label="Name of the new library")
    table = forms.FileField(
        label="Value Code table (.csv or .xlsx)",
        help_text=(
            "Columns: Section Name, Value Code Identifier, Description, Evaluation Statement 1–5 "
            f"and optionally Help Text. Up to {MAX_TABLE_BYTES // 1024 // 1024} MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )

    def __init__(self, *args, new_library, **kwargs):
        super().__init__(*args, **kwargs)
        if not new_library:
            del self.fields["name"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        validate_name(name)
        if Library.objects.filter(name=name).exists():
            raise ValidationError(
                "There is already a library with this name: open it and import there to update it."
            )
        return name

    def clean_table(self):
        table = self.cleaned_data["table"]
        if not table.name.lower().endswith(SUFFIXES):
            raise ValidationError("Choose a .csv or .xlsx file.")
        if table.size > MAX_TABLE_BYTES:
            raise ValidationError(
                f"The file is {table.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_TABLE_BYTES // 1024 // 1024} MB."
            )
        return table


class SearchForm(forms.Form):
    q = forms.CharField(max_length=200, required=False, label="Search Value Codes")
