"""Who is asked to rate what: the one home of the rule and of its writes.

A facilitator may ask a party, and optionally a named person, to rate chosen sections or Value
Codes (models.Assignment). A person is asked the union of what their party and they themselves
are asked, or every Value Code when neither has a row: a diagnostic without assignment works
exactly as before.

The rule is one SQL condition (`asked_condition`), so that the lean save (save_sql), progress
(participation.progress) and the rating sheet ask the database the same question in the queries
they run anyway, and no query count grows with the number of people or Value Codes.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, IntegerField
from django.db.models.expressions import RawSQL

from .models import Assignment, DiagnosticValueCode, Participant, Party


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def asked_condition(*, participant, party, value_code, section):
    """SQL that is true when the person (`participant` id, of `party`) is asked the Value Code
    (`value_code` id, in `section`). Each argument is an SQL expression: a column or %s."""
    rows = (
        f"SELECT 1 FROM {_table(Assignment)} asg "
        f"WHERE (asg.party_id = {party} OR asg.participant_id = {participant})"
    )
    return (
        f"(NOT EXISTS ({rows}) OR EXISTS ({rows} AND (asg.value_code_id = {value_code} OR "
        f"(asg.value_code_id IS NULL AND asg.section = {section}))))"
    )


def asked_expression(participant):
    """A boolean annotation for DiagnosticValueCode querysets: is `participant` asked it?"""
    table = _table(DiagnosticValueCode)
    sql = asked_condition(
        participant="%s", party="%s", value_code=f"{table}.id", section=f"{table}.section"
    )
    # The condition names the person twice (no rows / matching rows): its parameters twice too.
    params = [participant.party_id, participant.pk] * 2
    return RawSQL(sql, params, output_field=BooleanField())


def asked_value_codes(participant):
    """The participant's diagnostic's Value Codes that they are asked to rate, in order."""
    return DiagnosticValueCode.objects.filter(diagnostic_id=participant.diagnostic_id).filter(
        asked_expression(participant)
    )


def in_use(diagnostic):
    """Whether anybody in the diagnostic is asked less than everything."""
    return Assignment.objects.filter(diagnostic=diagnostic).exists()


# Writes


def sections_of(diagnostic):
    """The diagnostic's section names, in the order of their first Value Code."""
    sections = {}
    for section in diagnostic.value_codes.order_by("position", "id").values_list(
        "section", flat=True
    ):
        sections.setdefault(section, None)
    return list(sections)


@transaction.atomic
def set_asked(*, diagnostic, sections, value_codes, party=None, participant=None):
    """Ask `party`, or one `participant`, to rate exactly these sections and Value Codes,
    replacing what they were asked; nothing chosen asks them everything again.

    A Value Code inside a chosen section needs no row of its own. Ratings are never touched:
    answers given to what is no longer asked stay, and count in the figures as before.
    """
    if (party is None) == (participant is None):
        raise TypeError("Ask either a party or a participant.")
    target = party or participant
    if target.diagnostic_id != diagnostic.pk:
        raise ValidationError("This party or person belongs to another diagnostic.")
    sections = list(dict.fromkeys(" ".join(s.split()) for s in sections if s and s.strip()))
    unknown = set(sections) - set(sections_of(diagnostic)) - _sections_asked(party, participant)
    if unknown:
        raise ValidationError(f"No such section: {', '.join(sorted(unknown))}.")
    value_codes = [vc for vc in value_codes if vc.section not in sections]
    if any(vc.diagnostic_id != diagnostic.pk for vc in value_codes):
        raise ValidationError("Some Value Codes belong to another diagnostic.")
    whom = {"party": party, "participant": participant}
    Assignment.objects.filter(**whom).delete()
    Assignment.objects.bulk_create(
        [Assignment(diagnostic=diagnostic, section=section, **whom) for section in sections]
        + [
            Assignment(diagnostic=diagnostic, value_code=vc, **whom)
            for vc in dict.fromkeys(value_codes)
        ]
    )
    return Assignment.objects.filter(**whom)


def _sections_asked(party, participant):
    """Section names already asked of the target: kept even when no Value Code has them now."""
    return set(
        Assignment.objects.filter(
            party=party, participant=participant, value_code=None
        ).values_list("section", flat=True)
    )


# Reads for the facilitator's page


def assignments_by_target(diagnostic):
    """({party_id: [rows]}, {participant_id: [rows]}) of the diagnostic, in one query."""
    by_party, by_participant = {}, {}
    rows = (
        Assignment.objects.filter(diagnostic=diagnostic)
        .select_related("value_code")
        .order_by("section", "value_code__position", "value_code_id")
    )
    for row in rows:
        if row.party_id:
            by_party.setdefault(row.party_id, []).append(row)
        else:
            by_participant.setdefault(row.participant_id, []).append(row)
    return by_party, by_participant


def people_with_own_assignment(diagnostic):
    """Participants asked something in person (revoked ones too: their rows stay until
    cleared), with their party."""
    return (
        Participant.objects.filter(diagnostic=diagnostic, assignments__isnull=False)
        .select_related("party")
        .distinct()
        .order_by("party__position", "party_id", "label")
    )


def rows_of(*, party=None, participant=None):
    return Assignment.objects.filter(party=party, participant=participant)


def parties_with_asked_count(diagnostic):
    """The diagnostic's parties with `asked`: how many Value Codes a member with no rows of
    their own is asked (every one, when the party has no rows)."""
    party_table, value_codes = _table(Party), _table(DiagnosticValueCode)
    condition = asked_condition(
        participant="NULL", party=f"{party_table}.id", value_code="v.id", section="v.section"
    )
    sql = (
        f"SELECT COUNT(*) FROM {value_codes} v "
        f"WHERE v.diagnostic_id = {party_table}.diagnostic_id AND {condition}"
    )
    return diagnostic.parties.annotate(asked=RawSQL(sql, [], output_field=IntegerField()))


def value_codes_by_section(diagnostic, section_names):
    """[(section, [Value Code, ...]), ...] in the order of `section_names`, for the form."""
    grouped = {name: [] for name in section_names}
    for value_code in diagnostic.value_codes.order_by("position", "id").only(
        "pk", "identifier", "section", "position"
    ):
        grouped.setdefault(value_code.section, []).append(value_code)
    return list(grouped.items())
