"""What the facilitator pages of a diagnostic's hub share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from diagnostics import selectors


def facilitated(request, slug):
    """The diagnostic the user runs (ttm.access: 404 for non-members, 403 for sponsors)."""
    return selectors.diagnostic_to_run(request.user, slug)


def hub_page(request, template, diagnostic, tab, **context):
    return render(
        request,
        f"hub/{template}",
        {"diagnostic": diagnostic, "tab": tab, "can_edit": True, **context},
    )


def form_errors_from(form, error):
    """Put a service's ValidationError on the form fields it names (else on the form)."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def submitted(request, form, write):
    """(True, what `write(form.cleaned_data)` returned) for a valid POSTed form whose service
    write succeeded; else (False, None), with the service's ValidationError on the form so the
    page re-renders with it and loses nothing."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, write(form.cleaned_data)
    except ValidationError as error:
        form_errors_from(form, error)
        return False, None


def message_errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def back_to(slug, name):
    return redirect(f"diagnostics:{name}", slug)


def perform(request, slug, tab, write, success):
    """A hub button: run a service write, say what happened, go back to the tab.

    `success` is the message, or a function of what the write returned that makes it.
    """
    try:
        result = write()
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return back_to(slug, tab)
