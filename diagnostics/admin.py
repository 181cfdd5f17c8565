"""The Django admin. Superusers are bound by the anonymity promise too (PRODUCT.md 3): no admin
page shows an answer beside a name, a respondent code beside a name, or a link token. Ratings
are not in the admin at all; facilitators' raw ratings export lists them under respondent codes.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from valuecodes.admin import PerspectiveWordingFormSet
from valuecodes.models import LABEL_FIELDS

from . import services
from .models import (
    AgreedTarget,
    Diagnostic,
    DiagnosticMember,
    DiagnosticPerspectiveWording,
    DiagnosticValueCode,
    Participant,
    Party,
    Round,
    ThingThatMatters,
    TradeOffLink,
)


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    exclude = ["open_link_token"]


class MemberInline(admin.TabularInline):
    model = DiagnosticMember
    extra = 0
    raw_id_fields = ["user"]


class CountedDeletion:
    """Delete confirmations say how many objects of each kind go, not which: Django's nested
    list would show which Value Codes a named participant rated."""

    def get_deleted_objects(self, objs, request):
        _listed, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        summary = [f"{name}: {count}" for name, count in model_count.items()]
        return summary, model_count, perms_needed, protected


class DiagnosticAdminForm(forms.ModelForm):
    class Meta:
        model = Diagnostic
        fields = [
            "name",
            "slug",
            "purpose",
            "anonymity_threshold",
            "share_individual_reports",
            "asks_estimates",
            "asks_importance",
            "priority_basis",
            *LABEL_FIELDS,
            "created_by",
        ]

    def clean_anonymity_threshold(self):
        try:
            return services.check_threshold_change(
                diagnostic=self.instance,
                anonymity_threshold=self.cleaned_data["anonymity_threshold"],
            )
        except ValidationError as refused:
            raise ValidationError(refused.messages) from refused


@admin.register(Diagnostic)
class DiagnosticAdmin(CountedDeletion, admin.ModelAdmin):
    form = DiagnosticAdminForm
    list_display = ["name", "slug", "anonymity_threshold", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [PartyInline, MemberInline]


class PerspectiveWordingInline(admin.StackedInline):
    """Each party's own wording of the Value Code: read by the party named like the
    perspective (ignoring case)."""

    model = DiagnosticPerspectiveWording
    formset = PerspectiveWordingFormSet
    extra = 0


@admin.register(DiagnosticValueCode)
class DiagnosticValueCodeAdmin(CountedDeletion, admin.ModelAdmin):
    inlines = [PerspectiveWordingInline]
    list_display = ["identifier", "diagnostic", "section", "weight", "position"]
    list_filter = ["diagnostic"]
    list_select_related = ["diagnostic"]


class ParticipantAdminForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["diagnostic", "party", "label", "email", "revoked_at", "invited_at"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        stored = self.instance  # as saved: the form changes it only after cleaning
        if stored.pk and stored.invitation_used and email.casefold() != stored.email.casefold():
            raise ValidationError(
                "This person has used their invitation, so their e-mail address can no longer "
                "change: their personal link goes only to it."
            )
        return email


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    """Names and e-mails, never tokens, respondent codes or ratings (no inline)."""

    form = ParticipantAdminForm
    list_display = [
        "label",
        "diagnostic",
        "party",
        "joined_through",
        "invitation_used_at",
        "revoked_at",
    ]
    list_filter = ["diagnostic"]
    readonly_fields = ["invitation_used_at"]
    list_select_related = ["diagnostic", "party"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Moving someone to another party would reveal their answers as the difference of
            # the two parties' figures before and after.
            fields += ["diagnostic", "party"]
        if obj is not None and obj.invitation_used:
            fields.append("email")
        return fields

    def has_delete_permission(self, request, obj=None):
        # The confirmation page would list a named person's ratings. Revoke them on the
        # Participants tab instead; joiners are removed there with their answers.
        return False


@admin.register(Round)
class RoundAdmin(CountedDeletion, admin.ModelAdmin):
    """Rounds open and close only through the hub (diagnostics.services): reopening a closed
    round here would let its final figures change again, by exactly what changed meanwhile
    (a removed joiner's answers, one late answer)."""

    list_display = ["diagnostic", "number", "opened_at", "closed_at"]
    readonly_fields = ["diagnostic", "number", "opened_at", "closed_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ThingThatMatters)
class ThingThatMattersAdmin(CountedDeletion, admin.ModelAdmin):
    list_display = ["title", "diagnostic", "kind", "direction"]


class TradeOffLinkInline(admin.TabularInline):
    model = TradeOffLink
    extra = 0
    raw_id_fields = ["value_code"]


@admin.register(AgreedTarget)
class AgreedTargetAdmin(CountedDeletion, admin.ModelAdmin):
    list_display = ["value_code", "round", "level", "owner", "due_date"]
    inlines = [TradeOffLinkInline]
