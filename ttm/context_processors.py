from django.utils.functional import SimpleLazyObject

from . import access


def roles(request):
    """What the base layout shows depends on whether the user may create libraries and
    diagnostics (the Facilitators group); pages of a diagnostic get `can_edit` from their view."""
    return {"user_is_facilitator": SimpleLazyObject(lambda: access.is_facilitator(request.user))}
