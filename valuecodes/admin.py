from django.contrib import admin

from .models import Library, Section, ValueCode


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


@admin.register(ValueCode)
class ValueCodeAdmin(admin.ModelAdmin):
    list_display = ["identifier", "library", "section", "position"]
    list_filter = ["library"]
    search_fields = ["identifier", "description"]
    list_select_related = ["library", "section"]
