"""Reads of diagnostics, always scoped to what the user may see (ttm.access decides)."""

from django.contrib.auth import get_user_model
from django.db.models import Count

from ttm import access

from .models import Diagnostic, DiagnosticMember, Participant


def diagnostics_of(user):
    """The diagnostics the user belongs to, as facilitator or sponsor (superusers: all)."""
    if not user.is_authenticated:
        return Diagnostic.objects.none()
    if user.is_superuser:
        return Diagnostic.objects.all()
    return Diagnostic.objects.filter(memberships__user=user)


def diagnostic_for(user, slug, *, allowed):
    """The diagnostic with this slug when the user's role in it is in `allowed` (access.RUN or
    access.READ); ttm.access.check_role refuses everyone else (404 for non-members and unknown
    slugs alike, 403 for a member whose role is not enough)."""
    diagnostic, role = _diagnostic_and_role(user, slug)
    access.check_role(role if diagnostic is not None else None, allowed)
    return diagnostic


def diagnostic_to_run(user, slug):
    return diagnostic_for(user, slug, allowed=access.RUN)


def diagnostic_to_read(user, slug):
    return diagnostic_for(user, slug, allowed=access.READ)


def _diagnostic_and_role(user, slug):
    """(diagnostic, role) in one query; (None, None) when there is no such diagnostic."""
    if not user.is_authenticated:
        return None, None
    if user.is_superuser:
        diagnostic, role = Diagnostic.objects.filter(slug=slug).first(), access.FACILITATOR
    else:
        member = (
            DiagnosticMember.objects.select_related("diagnostic")
            .filter(user=user, diagnostic__slug=slug)
            .first()
        )
        diagnostic, role = (member.diagnostic, member.role) if member else (None, None)
    if diagnostic is not None:
        diagnostic._access_roles = {user.pk: role}
    return diagnostic, role


def colleagues_of(user):
    """The accounts a user may add as members: those already sharing a diagnostic with them;
    every account for a superuser, or for None (the operator, from code or the command line).
    Nobody else's existence is ever confirmed."""
    users = get_user_model().objects.filter(is_active=True)
    if user is None or user.is_superuser:
        return users
    shared = DiagnosticMember.objects.filter(diagnostic__memberships__user=user).values("user_id")
    return users.filter(pk__in=shared)


def visible_diagnostics(user):
    """Diagnostics the user facilitates or sponsors (superusers see all), newest first."""
    return (
        diagnostics_of(user)
        .annotate(
            party_count=Count("parties", distinct=True),
            participant_count=Count("participants", distinct=True),
            value_code_count=Count("value_codes", distinct=True),
        )
        .order_by("-created_at")
    )


def joiners(diagnostic):
    """People who joined without an invitation (open link or workshop code), revoked ones too,
    grouped by how they joined, then by party; one query whatever their number."""
    return list(
        diagnostic.participants.exclude(joined_through=Participant.INVITED)
        .select_related("party")
        .order_by("joined_through", "party__position", "party_id", "created_at", "id")
    )
