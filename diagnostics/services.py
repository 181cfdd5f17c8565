"""Writes for diagnostics, as facilitators make them: keyword-only, validated, one transaction.

Every function raises django.core.exceptions.ValidationError (with field names where they help)
instead of letting a database constraint fail, and returns the object it wrote.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from ttm import parsing
from ttm.ordering import move_within, next_position
from valuecodes.models import CONTENT_FIELDS, PerspectiveWording, label_fields

from . import selectors
from .models import (
    PRIORITY_BASES,
    PRIORITY_BY_IMPORTANCE,
    PRIORITY_BY_WEIGHT,
    Diagnostic,
    DiagnosticMember,
    DiagnosticPerspectiveWording,
    DiagnosticValueCode,
    Estimate,
    Party,
    Pulse,
    Rating,
    Round,
    ThingThatMatters,
    new_token,
)
from .publication import publish_final
from .rounds import open_round_of

PARTY_COLOURS = ["#1d3557", "#e76f51", "#2a9d8f", "#8e44ad", "#b5651d", "#6c757d"]
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
RESERVED_SLUGS = {"new"}
# A K above any party's size only hides every figure; the bound keeps it inside its column.
MAX_ANONYMITY_THRESHOLD = 1000


@dataclass(frozen=True)
class PartySpec:
    name: str
    colour: str = ""


# --- diagnostics -------------------------------------------------------------------------------


def unique_slug(name):
    base = (slugify(name) or "diagnostic")[:70].strip("-") or "diagnostic"
    taken = set(
        Diagnostic.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-")).values_list(
            "slug", flat=True
        )
    )
    taken |= RESERVED_SLUGS
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _clean_parties(parties):
    specs = [p if isinstance(p, PartySpec) else PartySpec(str(p)) for p in parties]
    specs = [PartySpec(s.name.strip(), (s.colour or "").strip()) for s in specs]
    if len(specs) < 2:
        raise ValidationError({"parties": "A diagnostic needs at least two parties."})
    names = [s.name for s in specs]
    if any(not name for name in names):
        raise ValidationError({"parties": "Every party needs a name."})
    duplicates = sorted({n for n in names if [m.casefold() for m in names].count(n.casefold()) > 1})
    if duplicates:
        raise ValidationError({"parties": f"Party names must differ: {', '.join(duplicates)}."})
    cleaned = []
    for index, spec in enumerate(specs):
        colour = spec.colour or PARTY_COLOURS[index % len(PARTY_COLOURS)]
        if not HEX_COLOUR.match(colour):
            raise ValidationError({"parties": f"{spec.name}: colour must look like #1d3557."})
        cleaned.append(PartySpec(spec.name[:80], colour))
    return cleaned


def _check_threshold(anonymity_threshold):
    try:
        return parsing.whole_number(
            anonymity_threshold,
            minimum=1,
            maximum=MAX_ANONYMITY_THRESHOLD,
            what="The anonymity threshold",
        )
    except parsing.InvalidInput as invalid:
        raise ValidationError({"anonymity_threshold": invalid.messages}) from None


def _has_answers(diagnostic):
    """Any answer at all: a rating (levels, importance, stance), an estimate of another party,
    or a relationship pulse, which is saved without a rating."""
    return any(
        model.objects.filter(round__diagnostic=diagnostic).exists()
        for model in (Rating, Estimate, Pulse)
    )


def check_threshold_change(*, diagnostic, anonymity_threshold):
    """K may be raised at any time, lowered only while the diagnostic has no answer: with
    answers in, a lower K would show figures of fewer people than participants were promised.
    Returns the checked K."""
    threshold = _check_threshold(anonymity_threshold)
    if diagnostic.pk is None:
        return threshold
    stored = Diagnostic.objects.filter(pk=diagnostic.pk).values_list(
        "anonymity_threshold", flat=True
    )[0]
    if threshold < stored and _has_answers(diagnostic):
        raise ValidationError(
            {
                "anonymity_threshold": f"People have answered already, and they were promised "
                f"that figures need at least {stored} people: the threshold can be raised, "
                f"not lowered below {stored}."
            }
        )
    return threshold


@transaction.atomic
def create_diagnostic(
    *,
    name,
    parties,
    value_codes=(),
    purpose="",
    anonymity_threshold=3,
    created_by=None,
    facilitators=(),
    sponsors=(),
    asks_estimates=False,
    asks_importance=False,
    priority_basis=PRIORITY_BY_WEIGHT,
):
    """A new diagnostic with its parties and copies of `value_codes` (library Value Codes, in
    order); the creator becomes a facilitator and round 1 opens. Priority by importance asks
    for importance."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the diagnostic a name."})
    party_specs = _clean_parties(parties)
    threshold = _check_threshold(anonymity_threshold)
    facilitator_users = [
        find_colleague(identifier=i, of=created_by, field="facilitators") for i in facilitators
    ]
    sponsor_users = [
        find_colleague(identifier=i, of=created_by, field="sponsors") for i in sponsors
    ]
    value_codes = list(value_codes)
    labels = {}
    if value_codes:
        library = value_codes[0].library
        labels = label_fields(library.level_labels)
    priority_basis = _check_priority_basis(priority_basis)
    diagnostic = Diagnostic.objects.create(
        name=name[:160],
        slug=unique_slug(name),
        purpose=(purpose or "").strip(),
        anonymity_threshold=threshold,
        created_by=created_by,
        asks_estimates=bool(asks_estimates),
        asks_importance=bool(asks_importance) or priority_basis == PRIORITY_BY_IMPORTANCE,
        priority_basis=priority_basis,
        **labels,
    )
    Party.objects.bulk_create(
        Party(diagnostic=diagnostic, name=spec.name, colour=spec.colour, position=index)
        for index, spec in enumerate(party_specs)
    )
    add_value_codes(diagnostic=diagnostic, value_codes=value_codes)
    members = {}
    if created_by is not None:
        members[created_by.pk] = (created_by, DiagnosticMember.FACILITATOR)
    for user in facilitator_users:
        members.setdefault(user.pk, (user, DiagnosticMember.FACILITATOR))
    for user in sponsor_users:
        members.setdefault(user.pk, (user, DiagnosticMember.SPONSOR))
    DiagnosticMember.objects.bulk_create(
        DiagnosticMember(diagnostic=diagnostic, user=user, role=role)
        for user, role in members.values()
    )
    Round.objects.create(diagnostic=diagnostic, number=1)
    return diagnostic


def _check_priority_basis(priority_basis):
    if priority_basis not in dict(PRIORITY_BASES):
        raise ValidationError(
            {"priority_basis": f"The priority basis is {' or '.join(dict(PRIORITY_BASES))}."}
        )
    return priority_basis


@transaction.atomic
def set_mutual_understanding(*, diagnostic, asks_estimates, asks_importance, priority_basis):
    """Switch the questions of PRODUCT.md 10 on or off and choose what priority is made of.

    Switching off hides a question and its figures; answers already given are kept, and show
    again if it is switched back on. Priority by importance needs importance asked."""
    priority_basis = _check_priority_basis(priority_basis)
    if priority_basis == PRIORITY_BY_IMPORTANCE and not asks_importance:
        raise ValidationError(
            {"priority_basis": "Priority by importance needs the importance question switched on."}
        )
    diagnostic.asks_estimates = bool(asks_estimates)
    diagnostic.asks_importance = bool(asks_importance)
    diagnostic.priority_basis = priority_basis
    diagnostic.save(update_fields=["asks_estimates", "asks_importance", "priority_basis"])
    return diagnostic


@transaction.atomic
def update_diagnostic(
    *,
    diagnostic,
    name,
    purpose="",
    anonymity_threshold=3,
    share_individual_reports=None,
    asks_estimates=None,
    asks_importance=None,
    priority_basis=None,
    asks_stance=None,
    asks_pulse=None,
):
    """Settings of a diagnostic; a switch or basis given as None is left as it is."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the diagnostic a name."})
    # Locked, so that K is checked against the value that is stored, not one read earlier.
    Diagnostic.objects.select_for_update().filter(pk=diagnostic.pk).first()
    threshold = check_threshold_change(
        diagnostic=diagnostic, anonymity_threshold=anonymity_threshold
    )
    diagnostic.name = name[:160]
    diagnostic.purpose = (purpose or "").strip()
    diagnostic.anonymity_threshold = threshold
    fields = ["name", "purpose", "anonymity_threshold"]
    switches = {
        "share_individual_reports": share_individual_reports,
        "asks_stance": asks_stance,
        "asks_pulse": asks_pulse,
    }
    for field, value in switches.items():
        if value is not None:
            setattr(diagnostic, field, bool(value))
            fields.append(field)
    understanding = {
        "asks_estimates": asks_estimates,
        "asks_importance": asks_importance,
        "priority_basis": priority_basis,
    }
    if any(value is not None for value in understanding.values()):
        set_mutual_understanding(
            diagnostic=diagnostic,
            **{
                key: getattr(diagnostic, key) if value is None else value
                for key, value in understanding.items()
            },
        )
    diagnostic.save(update_fields=fields)
    return diagnostic


# --- Value Codes: the diagnostic's own copies ---------------------------------------------------


CONTROL_CHARACTERS_REFUSED = (
    "This holds an invisible control character (often pasted from a word processor): "
    "please type it again."
)
MAX_WEIGHT = 1000  # priority = gap × weight: beyond this it says nothing more, and 1e308 is inf


def checked_weight(weight):
    """A Value Code's weight: a number greater than 0 and at most MAX_WEIGHT."""
    weight = float(weight)
    if not 0 < weight <= MAX_WEIGHT:  # False for nan too
        raise ValidationError(
            {"weight": f"A weight is a number greater than 0 and at most {MAX_WEIGHT}."}
        )
    return weight


@transaction.atomic
def add_value_codes(*, diagnostic, value_codes, weights=None):
    """Copy library Value Codes into the diagnostic, after its own, keeping their order.

    Codes already copied from the same source are skipped; an identifier the diagnostic already
    uses (from another library) is refused, because ratings files name Value Codes by identifier.
    """
    weights = weights or {}
    existing = dict(diagnostic.value_codes.values_list("identifier", "source_id"))
    copies, clashes = [], []
    first_position = next_position(diagnostic.value_codes)
    for library_code in value_codes:
        if library_code.identifier in existing:
            if existing[library_code.identifier] != library_code.pk:
                clashes.append(library_code.identifier)
            continue
        existing[library_code.identifier] = library_code.pk
        weight = checked_weight(weights.get(library_code.pk, 1.0))
        copies.append(
            DiagnosticValueCode(
                diagnostic=diagnostic,
                section=library_code.section.name,
                weight=weight,
                source=library_code,
                position=first_position + len(copies),
                **{field: getattr(library_code, field) for field in CONTENT_FIELDS},
            )
        )
    if clashes:
        raise ValidationError(
            {"value_codes": f"The diagnostic already has Value Codes named {', '.join(clashes)}."}
        )
    created = DiagnosticValueCode.objects.bulk_create(copies)
    _copy_wordings(diagnostic, [copy.source_id for copy in copies])
    return created


def _copy_wordings(diagnostic, source_ids):
    """Every perspective's wording comes along, not only those of today's parties: a party
    whose name matches one (ignoring case) reads it, also one added or renamed later."""
    if not source_ids:
        return
    copies = dict(
        diagnostic.value_codes.filter(source_id__in=source_ids).values_list("source_id", "pk")
    )
    DiagnosticPerspectiveWording.objects.bulk_create(
        (
            DiagnosticPerspectiveWording(
                value_code_id=copies[wording.value_code_id],
                perspective=wording.perspective,
                **wording.wording,
            )
            for wording in PerspectiveWording.objects.filter(value_code_id__in=list(copies))
        ),
        batch_size=500,
    )


@transaction.atomic
def update_value_code(*, value_code, weight=None, section=None, **content):
    """Edit the diagnostic's copy (wording, section, weight); the library is never touched."""
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown Value Code fields: {', '.join(sorted(unknown))}")
    for field, value in content.items():
        value = (value or "").strip()
        if field != "help_text" and not value:
            raise ValidationError({field: "This cannot be empty."})
        if parsing.has_control_characters(value):
            raise ValidationError({field: CONTROL_CHARACTERS_REFUSED})
        setattr(value_code, field, value)
    if "identifier" in content:
        clash = (
            DiagnosticValueCode.objects.filter(
                diagnostic_id=value_code.diagnostic_id, identifier=value_code.identifier
            )
            .exclude(pk=value_code.pk)
            .exists()
        )
        if clash:
            raise ValidationError({"identifier": "Another Value Code already has this identifier."})
    if section is not None:
        if not section.strip():
            raise ValidationError({"section": "This cannot be empty."})
        if parsing.has_control_characters(section):
            raise ValidationError({"section": CONTROL_CHARACTERS_REFUSED})
        value_code.section = section.strip()[:120]
    if weight is not None:
        value_code.weight = checked_weight(weight)
    value_code.save()
    return value_code


@transaction.atomic
def move_value_code(*, value_code, offset):
    """Move a Value Code up (offset -1) or down (+1) in the diagnostic's order."""
    siblings = DiagnosticValueCode.objects.filter(diagnostic_id=value_code.diagnostic_id)
    return move_within(siblings, value_code, offset)


@transaction.atomic
def remove_value_code(*, value_code):
    """Remove a Value Code that nobody has rated yet (ratings are evidence; they stay)."""
    if value_code.ratings.exists():
        raise ValidationError(
            f"{value_code.identifier} already has ratings, so it stays in the diagnostic."
        )
    value_code.delete()
    return value_code


# --- members -----------------------------------------------------------------------------------


NOT_A_COLLEAGUE = (
    "Nobody who shares a diagnostic with you has this username or e-mail. An administrator "
    "shares a first diagnostic with a new account; after that you can add them here."
)


def find_colleague(*, identifier, of, field="user"):
    """The colleague of `of` (selectors.colleagues_of) with this username or e-mail.

    An account that exists but is no colleague gets the same answer as one that does not
    exist, so that this never tells anyone which accounts exist.
    """
    identifier = (identifier or "").strip()
    users = selectors.colleagues_of(of).filter(
        Q(username__iexact=identifier) | Q(email__iexact=identifier)
    )
    found = list(users[:2]) if identifier else []
    if len(found) > 1:
        raise ValidationError({field: f"Several colleagues have {identifier}; use a username."})
    if not found:
        raise ValidationError({field: NOT_A_COLLEAGUE})
    return found[0]


@transaction.atomic
def add_member(*, diagnostic, identifier, role, added_by):
    """Share the diagnostic with a colleague of `added_by` (anyone, when None: the operator),
    as facilitator or sponsor."""
    if role not in dict(DiagnosticMember.ROLES):
        raise ValidationError({"role": "Choose facilitator or sponsor."})
    user = find_colleague(identifier=identifier, of=added_by, field="identifier")
    if diagnostic.memberships.filter(user=user).exists():
        raise ValidationError({"identifier": f"{user.username} already shares this diagnostic."})
    return DiagnosticMember.objects.create(diagnostic=diagnostic, user=user, role=role)


@transaction.atomic
def remove_member(*, membership):
    others = DiagnosticMember.objects.filter(
        diagnostic_id=membership.diagnostic_id, role=DiagnosticMember.FACILITATOR
    ).exclude(pk=membership.pk)
    if membership.role == DiagnosticMember.FACILITATOR and not others.exists():
        raise ValidationError("A diagnostic keeps at least one facilitator.")
    membership.delete()
    return membership


# --- parties -----------------------------------------------------------------------------------


def _check_party(*, diagnostic, name, colour, exclude=None):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Every party needs a name."})
    if parsing.has_control_characters(name):
        raise ValidationError({"name": CONTROL_CHARACTERS_REFUSED})
    if not HEX_COLOUR.match(colour or ""):
        raise ValidationError({"colour": "A colour looks like #1d3557."})
    clash = diagnostic.parties.filter(name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"name": "Another party already has this name."})
    return name[:80]


@transaction.atomic
def add_party(*, diagnostic, name, colour=""):
    count = diagnostic.parties.count()
    colour = colour or PARTY_COLOURS[count % len(PARTY_COLOURS)]
    name = _check_party(diagnostic=diagnostic, name=name, colour=colour)
    position = next_position(diagnostic.parties)
    return Party.objects.create(diagnostic=diagnostic, name=name, colour=colour, position=position)


@transaction.atomic
def update_party(*, party, name, colour):
    party.name = _check_party(diagnostic=party.diagnostic, name=name, colour=colour, exclude=party)
    party.colour = colour
    party.save(update_fields=["name", "colour"])
    return party


def remove_party(*, party):
    """Remove a party nobody belongs to yet, such as one added by mistake.

    Once people belong to it, their ratings are evidence filed under it, so it stays (its
    open link can be switched off instead).
    """
    if party.participants.exists():
        raise ValidationError(
            f"{party.name} has participants, so it stays in the diagnostic. "
            "Switch its open link off to stop anyone else joining it."
        )
    party.delete()
    return party


MAX_PLACES = 10_000


def _check_places(capacity):
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= MAX_PLACES:
        raise ValidationError(
            {"capacity": f"Say how many people may join through the link: 1 to {MAX_PLACES}."}
        )
    return capacity


@transaction.atomic
def set_open_link(*, party, enabled, renew=False, capacity=None):
    """Enable or disable the party's open self-registration link; `renew` makes a new one.

    Switching it on needs `capacity`, the number of people who may join through it in all
    (those who joined already count); it may also be changed while the link is on.
    """
    if enabled and capacity is None and not party.open_link_enabled:
        raise ValidationError({"capacity": "Say how many people may join through the link."})
    if capacity is not None:
        party.open_link_capacity = _check_places(capacity)
    party.open_link_enabled = bool(enabled)
    if renew:
        party.open_link_token = new_token()
    party.save(update_fields=["open_link_enabled", "open_link_token", "open_link_capacity"])
    return party


# --- Things That Matter ------------------------------------------------------------------------


def _check_thing(*, diagnostic, title, kind, direction, parties, value_codes):
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the Thing That Matters a title."})
    if kind not in dict(ThingThatMatters.KINDS):
        raise ValidationError({"kind": "Choose goal, value, risk, issue or concern."})
    if direction not in dict(ThingThatMatters.DIRECTIONS):
        raise ValidationError(
            {"direction": "Choose towards the positive or away from the negative."}
        )
    if any(party.diagnostic_id != diagnostic.pk for party in parties):
        raise ValidationError({"parties": "Choose parties of this diagnostic."})
    if not value_codes:
        raise ValidationError({"value_codes": "Map it to at least one Value Code."})
    if any(code.diagnostic_id != diagnostic.pk for code in value_codes):
        raise ValidationError({"value_codes": "Choose Value Codes of this diagnostic."})
    return title[:200]


@transaction.atomic
def create_thing_that_matters(
    *, diagnostic, title, value_codes, description="", kind="goal", direction="towards", parties=()
):
    """Record a Thing That Matters and map it to one or more of the diagnostic's Value Codes."""
    parties, value_codes = list(parties), list(value_codes)
    title = _check_thing(
        diagnostic=diagnostic,
        title=title,
        kind=kind,
        direction=direction,
        parties=parties,
        value_codes=value_codes,
    )
    position = next_position(diagnostic.things_that_matter)
    thing = ThingThatMatters.objects.create(
        diagnostic=diagnostic,
        title=title,
        description=(description or "").strip(),
        kind=kind,
        direction=direction,
        position=position,
    )
    thing.parties.set(parties)
    thing.value_codes.set(value_codes)
    return thing


@transaction.atomic
def update_thing_that_matters(
    *, thing, title, value_codes, description="", kind="goal", direction="towards", parties=()
):
    parties, value_codes = list(parties), list(value_codes)
    thing.title = _check_thing(
        diagnostic=thing.diagnostic,
        title=title,
        kind=kind,
        direction=direction,
        parties=parties,
        value_codes=value_codes,
    )
    thing.description = (description or "").strip()
    thing.kind, thing.direction = kind, direction
    thing.save()
    thing.parties.set(parties)
    thing.value_codes.set(value_codes)
    return thing


@transaction.atomic
def delete_thing_that_matters(*, thing):
    thing.delete()
    return thing


# --- rounds ------------------------------------------------------------------------------------


@transaction.atomic
def close_round(*, round):
    """Close the round, which publishes its final figures (PRODUCT.md 3)."""
    if round.closed_at is not None:
        raise ValidationError(f"{round} is already closed.")
    round.closed_at = timezone.now()
    round.save(update_fields=["closed_at"])
    publish_final(round)
    return round


@transaction.atomic
def open_round(*, diagnostic):
    """Open the next round. Nothing is copied: Value Codes and participants belong to the
    diagnostic; ratings belong to their round, so the new round starts empty."""
    Diagnostic.objects.select_for_update().filter(pk=diagnostic.pk).first()
    if open_round_of(diagnostic) is not None:
        raise ValidationError("Close the open round before opening a new one.")
    number = (diagnostic.rounds.aggregate(m=Max("number"))["m"] or 0) + 1
    return Round.objects.create(diagnostic=diagnostic, number=number)
