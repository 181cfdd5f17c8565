from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import Library, PerspectiveWording, Section, ValueCode


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "updated_at"]
    list_select_related = ["owner"]
    raw_id_fields = ["created_by", "owner"]
    search_fields = ["name"]
    inlines = [SectionInline]


class PerspectiveWordingFormSet(BaseInlineFormSet):
    """One wording per perspective, names compared ignoring case. The database refuses a
    second one too, but only this says so on the page: the form leaves the Value Code out of
    its own uniqueness check."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            name = " ".join((form.cleaned_data.get("perspective") or "").split()).casefold()
            if name in seen:
                raise ValidationError(f"Two wordings for the perspective “{name}”: keep one.")
            seen.add(name)


class PerspectiveWordingInline(admin.StackedInline):
    """A perspective's own wording (the table's `Description (P)` columns)."""

    model = PerspectiveWording
    formset = PerspectiveWordingFormSet
    extra = 0


@admin.register(ValueCode)
class ValueCodeAdmin(admin.ModelAdmin):
    inlines = [PerspectiveWordingInline]
    list_display = ["identifier", "library", "section", "position"]
    list_filter = ["library"]
    search_fields = ["identifier", "description"]
    list_select_related = ["library", "section"]
