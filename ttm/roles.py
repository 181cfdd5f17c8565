"""Who may do what. Facilitators are users in the Facilitators group (or superusers);
sponsors are users added to a diagnostic as sponsor (diagnostics.models.DiagnosticMember)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

FACILITATORS_GROUP = "Facilitators"


def is_facilitator(user):
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_ttm_is_facilitator"):
        user._ttm_is_facilitator = (
            user.is_superuser or user.groups.filter(name=FACILITATORS_GROUP).exists()
        )
    return user._ttm_is_facilitator


def facilitator_required(view):
    """Logged-in facilitators only; anyone else logged in gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_facilitator(request.user):
            raise PermissionDenied("Only facilitators can do this.")
        return view(request, *args, **kwargs)

    return wrapper
