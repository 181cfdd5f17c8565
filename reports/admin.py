from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "diagnostic", "round", "status", "progress", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["file_path", "size", "error", "attempts", "started_at", "finished_at"]
