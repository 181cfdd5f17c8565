"""What the management commands share."""

from django.core.management.base import CommandError

from diagnostics import rounds
from diagnostics.models import Diagnostic


def diagnostic_by_slug(slug):
    """The diagnostic a command names, or a CommandError saying there is none."""
    diagnostic = Diagnostic.objects.filter(slug=slug).first()
    if diagnostic is None:
        raise CommandError(f"No diagnostic with slug {slug!r}")
    return diagnostic


def round_for_command(diagnostic, number=None):
    """The round `--round` names (default: the round to show), or a CommandError naming the
    missing round."""
    try:
        return rounds.chosen_round(diagnostic, number)
    except rounds.NoRound as exc:
        raise CommandError(str(exc)) from None
