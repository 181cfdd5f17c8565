from django.contrib import admin

from . import models


class PartyInline(admin.TabularInline):
    model = models.Party
    extra = 0
    exclude = ["open_link_token"]


class MemberInline(admin.TabularInline):
    model = models.DiagnosticMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(models.Diagnostic)
class DiagnosticAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "anonymity_threshold", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [PartyInline, MemberInline]


@admin.register(models.DiagnosticValueCode)
class DiagnosticValueCodeAdmin(admin.ModelAdmin):
    list_display = ["identifier", "diagnostic", "section", "weight", "position"]
    list_filter = ["diagnostic"]
    list_select_related = ["diagnostic"]


@admin.register(models.Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["label", "diagnostic", "party", "joined_through", "revoked_at"]
    list_filter = ["diagnostic"]
    exclude = ["token"]
    list_select_related = ["diagnostic", "party"]


@admin.register(models.Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["diagnostic", "number", "opened_at", "closed_at"]


@admin.register(models.ThingThatMatters)
class ThingThatMattersAdmin(admin.ModelAdmin):
    list_display = ["title", "diagnostic", "kind", "direction"]


@admin.register(models.AgreedTarget)
class AgreedTargetAdmin(admin.ModelAdmin):
    list_display = ["value_code", "round", "level", "owner", "due_date"]
