"""One parser per kind of input that people type or files hold: levels, round numbers, ids.

Each takes text and returns a value, or raises InvalidInput with a message a person can act on.
Forms and file readers show the message; a view may let it propagate, and the middleware below
answers 400 with it; commands use `argument_type` so argparse prints it.

Only ASCII digits count as digits: "²".isdigit() is True yet int("²") raises, and int() reads
"٣" (Arabic-Indic three), "1_000" and " 7 " without complaint.
"""

import argparse
import re

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest

from .levels import LEVELS

ASCII_NUMBER = re.compile(r"[0-9]{1,18}")  # 18 digits always fit a 64-bit database integer
MAX_ID = 2**63 - 1
MAX_ROUND = 10_000
SHOWN_CHARACTERS = 20
LEVEL_TEXTS = frozenset(str(level) for level in LEVELS)


class InvalidInput(ValidationError):
    """Text that is not the kind of value asked for; the message says what was expected."""


# C0 controls but tab, line feed and carriage return, and DEL: pasted from word processors
# (U+000B for a soft line break), never meant, and invalid in the XML of a chart.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text):
    return bool(CONTROL_CHARACTERS.search(text or ""))


def shown(raw):
    """The start of what was given, quoted for a message (control characters escaped)."""
    return repr(str(raw)[:SHOWN_CHARACTERS])


def whole_number(raw, *, minimum, maximum, what):
    """A whole number minimum..maximum written in ASCII digits, surrounding spaces allowed."""
    text = "" if raw is None else str(raw).strip()
    if not ASCII_NUMBER.fullmatch(text) or not minimum <= int(text) <= maximum:
        raise InvalidInput(
            f"{what} is a whole number, at least {minimum} and at most {maximum}; not {shown(raw)}."
        )
    return int(text)


def level(raw):
    """A level 1..5 (PRODUCT.md 1); "don't know" is each caller's own spelling, checked first."""
    text = "" if raw is None else str(raw).strip()
    if text in LEVEL_TEXTS:
        return int(text)
    raise InvalidInput(f"A level is 1 to 5, not {shown(raw)}.")


def checked_level(value):
    """A level that code hands on (a service's argument, a number in a JSON file): an int 1..5,
    never text or a bool, which are for `level` to read first."""
    if type(value) is not int or value not in LEVELS:
        raise InvalidInput(f"A level is 1 to 5, not {shown(value)}.")
    return value


def level_choices(labels=None):
    """(value, text) of levels 1..5 for a form: "3" or, given the five labels, "3 · Strong"."""
    if labels:
        return [(str(n), f"{n} · {label}") for n, label in zip(LEVELS, labels, strict=True)]
    return [(str(n), str(n)) for n in LEVELS]


class LevelField(forms.TypedChoiceField):
    """A level 1..5 chosen in a form, parsed by `level`; `labels` words the choices."""

    def __init__(self, *, labels=None, **kwargs):
        super().__init__(choices=level_choices(labels), coerce=level, **kwargs)


def round_number(raw):
    """A round number: 1, 2, ..."""
    return whole_number(raw, minimum=1, maximum=MAX_ROUND, what="A round number")


def optional_round_number(raw):
    """None when no round was given (absent or empty), else a round number."""
    return None if raw is None or str(raw).strip() == "" else round_number(raw)


def object_id(raw, *, what="An id"):
    """A database id (a primary key) from a form field or a query parameter."""
    return whole_number(raw, minimum=1, maximum=MAX_ID, what=what)


def id_or_none(raw):
    """An id, or None when `raw` is missing or no id at all: for lookups where "nothing chosen"
    and "nonsense chosen" deserve the same answer."""
    try:
        return object_id(raw)
    except InvalidInput:
        return None


def argument_type(parser):
    """The parser as an argparse `type`, so a command prints its message as a usage error."""

    def parse(raw):
        try:
            return parser(raw)
        except InvalidInput as invalid:
            raise argparse.ArgumentTypeError(invalid.messages[0]) from None

    parse.__name__ = parser.__name__.replace("_", " ")
    return parse


class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """Several objects chosen by id: each id is parsed before the query, because the database
    refuses an `id IN (...)` holding a number too large for its column (a 500 otherwise)."""

    def _check_values(self, value):
        for pk in value:
            try:
                object_id(pk)
            except InvalidInput:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": shown(pk)},
                ) from None
        return super()._check_values(value)


class InvalidInputMiddleware:
    """A view that lets InvalidInput escape answers 400 with its message, never 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, InvalidInput):
            return HttpResponseBadRequest(
                " ".join(exception.messages), content_type="text/plain; charset=utf-8"
            )
        return None
