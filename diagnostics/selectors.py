"""Reads of diagnostics, always scoped to what the user may see (404 for the rest)."""

from django.db.models import Count, Q
from django.http import Http404

from .models import Diagnostic, DiagnosticMember, Participant


def visible_diagnostics(user):
    """Diagnostics the user facilitates or sponsors (superusers see all)."""
    if not user.is_authenticated:
        return Diagnostic.objects.none()
    queryset = Diagnostic.objects.all()
    if not user.is_superuser:
        queryset = queryset.filter(memberships__user=user)
    return queryset.annotate(
        party_count=Count("parties", distinct=True),
        participant_count=Count("participants", distinct=True),
        value_code_count=Count("value_codes", distinct=True),
    ).order_by("-created_at")


def member_role(user, diagnostic):
    """'facilitator', 'sponsor' or None."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return DiagnosticMember.FACILITATOR
    member = diagnostic.memberships.filter(user=user).only("role").first()
    return member.role if member else None


def get_diagnostic_for(user, slug, *, roles=(DiagnosticMember.FACILITATOR,)):
    """The diagnostic with this slug if the user holds one of `roles` in it; else 404."""
    queryset = Diagnostic.objects.all()
    if not user.is_authenticated:
        raise Http404("No such diagnostic")
    if not user.is_superuser:
        queryset = queryset.filter(Q(memberships__user=user) & Q(memberships__role__in=roles))
    diagnostic = queryset.filter(slug=slug).first()
    if diagnostic is None:
        raise Http404("No such diagnostic")
    return diagnostic


def joiners(diagnostic):
    """People who joined without an invitation (open link or workshop code), revoked ones too,
    grouped by how they joined, then by party; one query whatever their number."""
    return list(
        diagnostic.participants.exclude(joined_through=Participant.INVITED)
        .select_related("party")
        .order_by("joined_through", "party__position", "party_id", "created_at", "id")
    )
