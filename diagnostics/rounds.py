"""Which round a page, a command or a file is about: the one home of that choice.

Three meanings, one function each, and every surface names the one it means:

- `open_round_of`: the round that takes answers. Saving (the hand-written SQL of
  `save_sql.read_for_save` asks the same question inside its one statement), workshops,
  reminders, closing, and a ratings import that names no round. At most one per diagnostic
  (a partial unique constraint); None when none is open.
- `round_to_show`: the round shown when nobody chose one: the open round, else the latest
  closed one (read-only), else None. Participants see what they may still rate, or what they
  rated last; the progress page follows the same round as they do; results, the individual
  report, business cases and commands default to it, so the first figures a facilitator
  sees are those of the round partners are rating now. Rounds open one after another
  (`services.open_round` refuses while one is open and numbers the new one after all others),
  so this is also the latest round by number.
- `round_numbered`: the round someone chose by number (`?round=N`, `--round N`, a form, a URL):
  that one, or NoRound, which is a 404 in a view and which commands turn into a CommandError.

`chosen_round` joins the last two for surfaces where a number is optional.
"""

from django.db.models import F
from django.http import Http404

from .models import Round


class NoRound(Http404):
    """The diagnostic has no round with that number (or no round at all)."""


def open_round_of(diagnostic):
    """The round that takes answers, or None. `diagnostic` may be a Diagnostic or its id."""
    return Round.objects.filter(diagnostic=diagnostic, closed_at__isnull=True).first()


def round_to_show(diagnostic):
    """The open round, else the latest closed one, else None."""
    return (
        Round.objects.filter(diagnostic=diagnostic)
        .order_by(F("closed_at").desc(nulls_first=True), "-number")
        .first()
    )


def round_numbered(diagnostic, number):
    """The diagnostic's round `number`, closed or open; NoRound when it has none."""
    found = Round.objects.filter(diagnostic=diagnostic, number=number).first()
    if found is None:
        raise NoRound(f"{diagnostic.slug} has no round {number}.")
    return found


def chosen_round(diagnostic, number=None):
    """Round `number` when one was given, else the round to show; NoRound when there is none."""
    if number is not None:
        return round_numbered(diagnostic, number)
    found = round_to_show(diagnostic)
    if found is None:
        raise NoRound(f"{diagnostic.slug} has no round yet.")
    return found


def previous_round(round_):
    """The highest-numbered earlier round of the same diagnostic, or None: what "change since"
    compares with."""
    return (
        Round.objects.filter(diagnostic_id=round_.diagnostic_id, number__lt=round_.number)
        .order_by("-number")
        .first()
    )
