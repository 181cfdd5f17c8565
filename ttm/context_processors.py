from django.utils.functional import SimpleLazyObject

from .roles import is_facilitator


def roles(request):
    return {"user_is_facilitator": SimpleLazyObject(lambda: is_facilitator(request.user))}
