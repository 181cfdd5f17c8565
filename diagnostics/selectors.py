"""Reads of diagnostics, always scoped to what the user may see (ttm.access decides)."""

from django.db.models import Count

from ttm import access

from .models import Participant


def visible_diagnostics(user):
    """Diagnostics the user facilitates or sponsors (superusers see all), newest first."""
    return (
        access.diagnostics_of(user)
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
