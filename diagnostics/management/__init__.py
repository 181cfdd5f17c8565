"""What the management commands share."""

from django.core.management.base import CommandError

from diagnostics.models import Diagnostic


def diagnostic_by_slug(slug):
    """The diagnostic a command names, or a CommandError saying there is none."""
    diagnostic = Diagnostic.objects.filter(slug=slug).first()
    if diagnostic is None:
        raise CommandError(f"No diagnostic with slug {slug!r}")
    return diagnostic
