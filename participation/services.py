"""What participants do through their secret link: register, rate, see their progress.

Reads and writes for the partner side live together here (pretix's `presale` idea): every
function is scoped to one participant, so nobody reaches another person's ratings.
"""

from itertools import groupby

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from diagnostics import locks
from diagnostics.assignment import asked_expression
from diagnostics.models import (
    DiagnosticValueCode,
    Estimate,
    Participant,
    Party,
    Rating,
    random_code,
)
from diagnostics.rounds import open_round_of
from participation import save_sql
from ttm import parsing

ANSWER_KEYS = ("current_level", "target_level", "comment", "importance_level")
ANSWERED_FLAG = {
    "current_level": "current_answered",
    "target_level": "target_answered",
    "importance_level": "importance_answered",
}
MINUTES_PER_VALUE_CODE = 0.75
NOT_GIVEN = object()  # an answer left out of a save, unlike None ("don't know")
RATING_KEY = ["participant", "value_code", "round"]


class RatingRefused(ValidationError):
    """The link may not rate now: it was revoked, or no round is open."""


class AnswersClosed(RatingRefused):
    """The Value Code was revealed in a live workshop of the round while this person was in the
    room: their answers to it are closed (diagnostics.locks)."""


class ParticipantRevoked(RatingRefused):
    """The facilitator revoked this person: nothing is left that they may do or see."""


class RegistrationRefused(ValidationError):
    """The party's open link is switched off."""


class OpenLinkFull(RegistrationRefused):
    """Every place on the party's open link is taken."""


REVOKED = "This link was revoked. Ask your facilitator for a new one."
LINK_FULL = (
    "This sign-up link is full: every place on it is taken. Ask your facilitator to let you in."
)


# Reads


def check_active(participant):
    """The one rule behind every right a participant has (rate, capture, upvote, see their own
    results): a revoked person has none. A removed person no longer exists, so has none either.
    """
    if participant.is_revoked:
        raise ParticipantRevoked(REVOKED)
    return participant


def participant_for_token(token):
    """The participant whose secret link this is, with diagnostic and party; 404 otherwise."""
    participant = (
        Participant.objects.select_related("diagnostic", "party").filter(token=token).first()
    )
    if participant is None:
        raise Http404("No such link")
    return participant


def active_participant_for_token(token):
    """As participant_for_token, refusing a revoked link with ParticipantRevoked."""
    return check_active(participant_for_token(token))


def open_link_places_taken(party):
    """How many people joined the party through its open link (removed people no longer count)."""
    return Participant.objects.filter(party=party, joined_through=Participant.OPEN_LINK).count()


def open_link_is_full(party):
    return open_link_places_taken(party) >= party.open_link_capacity


def participant_for_invitation(token):
    """The participant whose invitation link this is (used or not), or None."""
    return (
        Participant.objects.select_related("diagnostic", "party")
        .filter(invitation_token=token)
        .first()
    )


def estimated_minutes(value_code_count):
    """Reading five statements twice takes most people under a minute per Value Code."""
    return max(5, 5 * round(value_code_count * MINUTES_PER_VALUE_CODE / 5))


def answered_count(participant_id, round_id):
    """How many Value Codes the participant is asked and answered in full in the round, in the
    lean save's one statement (the rule is participation.progress's)."""
    return save_sql.answered_count(participant_id, round_id)


def participant_for_save(token, value_code_id):
    """As active_participant_for_token, in the one query a save through the link needs, with
    `.open_round_id` (or None), `.asked_count` (how many Value Codes they are asked),
    `.rates_value_code` (whether `value_code_id` is one of the diagnostic's Value Codes),
    `.asked_value_code` (whether they are asked it) and `.value_code_locked` (whether answers
    to it closed at a workshop's reveal in the open round)."""
    found = save_sql.read_for_save(token, value_code_id)
    if found is None:
        raise Http404("No such link")
    participant, participant.open_round_id, participant.asked_count, *facts = found
    participant.rates_value_code, participant.asked_value_code, participant.value_code_locked = (
        facts
    )
    return check_active(participant)


def rating_sheet(participant, round, *, read_only=False):
    """The Value Codes the participant is asked, grouped by section, each with their rating.

    Returns [(section, [value_code, ...]), ...]; each value_code carries `.rating` (or None),
    `.locked` (answers to it closed at a workshop's reveal in the round) and reads in the
    participant's party's own wording. Read-only (a closed round), Value Codes
    they answered though no longer asked are shown too: they are still their answers. Three
    queries whatever the number of Value Codes.
    """
    value_codes = list(
        DiagnosticValueCode.objects.filter(diagnostic_id=participant.diagnostic_id)
        .annotate(
            asked=asked_expression(participant), locked=locks.locked_expression(round, participant)
        )
        .prefetch_related("wordings")
    )
    for value_code in value_codes:
        in_own_words(value_code, participant.party.name)
    ratings = {}
    if round is not None:
        ratings = {
            rating.value_code_id: rating
            for rating in Rating.objects.filter(participant=participant, round=round)
        }
    for value_code in value_codes:
        value_code.rating = ratings.get(value_code.pk)
    value_codes = [vc for vc in value_codes if vc.asked or (read_only and vc.rating)]
    # Sections keep the order of their first Value Code.
    order = {}
    for value_code in value_codes:
        order.setdefault(value_code.section, len(order))
    value_codes.sort(key=lambda vc: order[vc.section])
    return [
        (section, list(items)) for section, items in groupby(value_codes, lambda vc: vc.section)
    ]


def in_own_words(value_code, party_name):
    """Show `value_code` (with `wordings` prefetched) in the wording of the perspective named
    like the party, ignoring case, where it has one: changed in memory, for display only.
    Every figure still treats it as the one Value Code it is."""
    for wording in value_code.wordings.all():
        if wording.perspective.casefold() == party_name.casefold():
            for field, text in wording.wording.items():
                if text:
                    setattr(value_code, field, text)
            value_code.worded_for = wording.perspective
    return value_code


def value_code_of(participant, value_code_id):
    """A Value Code of the participant's own diagnostic; 404 for anyone else's."""
    value_code = DiagnosticValueCode.objects.filter(
        pk=value_code_id, diagnostic_id=participant.diagnostic_id
    ).first()
    if value_code is None:
        raise Http404("No such Value Code")
    return value_code


# Writes


def _clean_answers(answers, *, asks_importance=False):
    unknown = set(answers) - set(ANSWER_KEYS)
    if unknown:
        raise ValidationError(f"Unknown answer: {', '.join(sorted(unknown))}.")
    if "importance_level" in answers and not asks_importance:
        raise ValidationError(IMPORTANCE_NOT_ASKED)
    fields = {}
    for key in ANSWERED_FLAG:
        if key not in answers:
            continue
        level = answers[key]  # None: "don't know"
        fields[key] = None if level is None else parsing.checked_level(level)
        fields[ANSWERED_FLAG[key]] = True
    if "comment" in answers:
        # PostgreSQL refuses text holding NUL: drop it rather than fail the save.
        fields["comment"] = (answers["comment"] or "").replace("\x00", "").strip()
    return fields


ROUND_CLOSED = "Rating is closed: no round is open for this diagnostic."
NOT_ASKED = (
    "You are not asked to rate this Value Code (any more). Reload the page to see what you are "
    "asked; your facilitator can change it."
)
IMPORTANCE_NOT_ASKED = "This diagnostic does not ask how much each Value Code matters."
ESTIMATES_NOT_ASKED = "This diagnostic does not ask for estimates of the other side."
NOT_ANOTHER_PARTY = "An estimate is about another party of this diagnostic, never your own."
MAX_ESTIMATES = 50  # parties per save: a diagnostic has a handful
FOREIGN_VALUE_CODE = "This Value Code belongs to another diagnostic."


def check_may_rate(participant):
    check_active(participant)
    round = open_round_of(participant.diagnostic_id)
    if round is None:
        raise RatingRefused(ROUND_CLOSED)
    return round


def save_rating(*, participant, value_code, answers):
    """Record any of current level, target level and comment in the open round.

    `answers` holds a subset of "current_level", "target_level" (1..5, or None for "don't
    know") and "comment". Keys left out keep their earlier value. Two queries: the open round
    and one upsert.

    Assignment is not checked here: its one caller, the live workshop, asks the whole room the
    Value Code on screen; nor is the lock of a reveal, which the workshop checks while it holds
    its session row (workshops.services.rate). Links go through save_rating_through_link and
    save_answer_sheet.
    """
    asks_importance = "importance_level" in answers and participant.diagnostic.asks_importance
    fields = _clean_answers(answers, asks_importance=asks_importance)
    if value_code.diagnostic_id != participant.diagnostic_id:
        raise ValidationError(FOREIGN_VALUE_CODE)
    round = check_may_rate(participant)
    rating = upsert_one_rating(participant.pk, value_code.pk, round.pk, fields)
    rating.round = round  # already loaded: spare callers a query
    return rating


def save_rating_through_link(*, participant, value_code_id, answers):
    """save_rating for a participant read by participant_for_save: one upsert, no other query,
    as the rules were read with the participant."""
    fields = _clean_answers(answers)
    check_active(participant)
    if not participant.rates_value_code:
        raise ValidationError(FOREIGN_VALUE_CODE)
    if participant.open_round_id is None:
        raise RatingRefused(ROUND_CLOSED)
    check_answerable(participant)
    return upsert_one_rating(participant.pk, value_code_id, participant.open_round_id, fields)


def check_answerable(participant):
    """Refuse a save through the link of a Value Code the participant is not asked, or whose
    answers closed at a workshop's reveal (as read by participant_for_save and its kin)."""
    if not participant.asked_value_code:
        raise RatingRefused(NOT_ASKED)
    if participant.value_code_locked:
        raise AnswersClosed(locks.CLOSED)


def upsert_one_rating(participant_id, value_code_id, round_id, fields):
    """The rating as saved, holding only the fields given (the others are defaults, not the
    row's): one statement, see save_sql.upsert_rating."""
    keys = {"participant_id": participant_id, "value_code_id": value_code_id, "round_id": round_id}
    pk = save_sql.upsert_rating(**keys, fields=fields)
    return Rating(id=pk, **keys, **fields)


def save_answer_sheet(*, participant, answers_by_value_code_id):
    """Save many Value Codes at once (the form POST used without JavaScript).

    `answers_by_value_code_id` maps Value Code ids of the participant's diagnostic to answers
    as for save_rating. Answers to Value Codes the participant is not asked (a page older than
    a change of assignment), and to Value Codes whose answers closed at a workshop's reveal (a
    page older than the reveal), are left out. One upsert, so queries do not grow with the
    number of Value Codes. Returns (how many were saved, how many were left out as not asked,
    how many as closed).
    """
    round = check_may_rate(participant)
    diagnostic = participant.diagnostic
    cleaned = {
        pk: _clean_answers(answers, asks_importance=diagnostic.asks_importance)
        for pk, answers in answers_by_value_code_id.items()
    }
    own = {
        pk: (asked, locked)
        for pk, asked, locked in DiagnosticValueCode.objects.filter(
            diagnostic_id=participant.diagnostic_id, pk__in=list(cleaned)
        )
        .annotate(
            asked=asked_expression(participant),
            locked=locks.locked_in_open_round_expression(participant),
        )
        .values_list("pk", "asked", "locked")
    }
    if set(own) != set(cleaned):
        raise ValidationError("Some Value Codes belong to another diagnostic.")
    not_asked = {pk for pk, (asked, _locked) in own.items() if not asked}
    closed = {pk for pk, (asked, locked) in own.items() if asked and locked}
    cleaned = {pk: fields for pk, fields in cleaned.items() if pk not in not_asked | closed}
    existing = {
        rating.value_code_id: rating
        for rating in Rating.objects.filter(participant=participant, round=round)
    }
    ratings = []
    for pk, fields in cleaned.items():
        rating = existing.get(pk) or Rating(participant=participant, round=round, value_code_id=pk)
        for name, value in fields.items():
            setattr(rating, name, value)
        ratings.append(rating)
    upsert_ratings(ratings)
    return len(ratings), len(not_asked), len(closed)


def answerable_ids(participant, value_code_ids):
    """Those of the Value Code ids that the participant is asked (diagnostics.assignment) and
    whose answers to them are not closed for them in the open round (diagnostics.locks)."""
    return set(
        DiagnosticValueCode.objects.filter(pk__in=list(value_code_ids))
        .annotate(
            asked=asked_expression(participant),
            locked=locks.locked_in_open_round_expression(participant),
        )
        .filter(asked=True, locked=False)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def save_whole_sheet(*, participant, answers_by_value_code_id, estimates_by_value_code_id):
    """The sheet POST: its answers and its estimates, all or nothing. Those of Value Codes the
    participant is no longer asked, or whose answers closed at a workshop's reveal, are left
    out; returns (saved, left out as not asked, left out as closed) as save_answer_sheet."""
    saved, not_asked, closed = save_answer_sheet(
        participant=participant, answers_by_value_code_id=answers_by_value_code_id
    )
    asked = answerable_ids(participant, estimates_by_value_code_id)
    save_estimate_sheet(
        participant=participant,
        estimates_by_value_code_id={
            pk: levels for pk, levels in estimates_by_value_code_id.items() if pk in asked
        },
    )
    return saved, not_asked, closed


def save_estimate_sheet(*, participant, estimates_by_value_code_id):
    """The estimates of the sheet POST: {Value Code id: {about party id: level or None}}.

    The Value Codes were checked by save_answer_sheet; each party must be another party of the
    diagnostic. One upsert whatever their number."""
    if not estimates_by_value_code_id:
        return 0
    diagnostic = participant.diagnostic
    if not diagnostic.asks_estimates:
        raise ValidationError(ESTIMATES_NOT_ASKED)
    round = check_may_rate(participant)
    others = set(diagnostic.parties.exclude(pk=participant.party_id).values_list("pk", flat=True))
    estimates = []
    for value_code_id, levels in estimates_by_value_code_id.items():
        _check_estimates(levels, others)
        estimates.extend(
            Estimate(
                round=round,
                participant=participant,
                value_code_id=value_code_id,
                about_party_id=party_id,
                level=level,
            )
            for party_id, level in levels.items()
        )
    Estimate.objects.bulk_create(
        estimates,
        update_conflicts=True,
        unique_fields=["round", "participant", "value_code", "about_party"],
        update_fields=["level", "updated_at"],
    )
    return len(estimates)


def _check_estimates(levels, other_party_ids):
    if len(levels) > MAX_ESTIMATES:
        raise ValidationError(NOT_ANOTHER_PARTY)
    for party_id, level in levels.items():
        if party_id not in other_party_ids:
            raise ValidationError(NOT_ANOTHER_PARTY)
        if level is not None:
            parsing.checked_level(level)


def participant_for_understanding(token, value_code_id, about_party_ids):
    """As participant_for_save, for a save of importance and estimates (one query): the
    participant carries `.open_round_id`, `.rates_value_code`, `.asked_value_code`,
    `.value_code_locked`, `.asks_estimates`, `.asks_importance` and `.others_named` (how many
    of `about_party_ids` are other parties)."""
    found = save_sql.read_for_understanding(token, value_code_id, list(about_party_ids))
    if found is None:
        raise Http404("No such link")
    participant, *facts = found
    (
        participant.open_round_id,
        participant.rates_value_code,
        participant.asked_value_code,
        participant.value_code_locked,
        participant.asks_estimates,
        participant.asks_importance,
        participant.others_named,
    ) = facts
    return check_active(participant)


def save_understanding_through_link(*, participant, value_code_id, importance, estimates):
    """Record how much a Value Code matters to the participant and where they think other
    parties would place its current state, for a participant read by
    participant_for_understanding: two statements, the rating's upsert and the estimates'.

    `importance` is a level, None for "don't know", or NOT_GIVEN; `estimates` maps other
    parties' ids to a level or None. The rating is written even without importance, so that
    every estimate belongs to a rating (the raw export is made of ratings)."""
    if not participant.rates_value_code:
        raise ValidationError(FOREIGN_VALUE_CODE)
    if importance is NOT_GIVEN and not estimates:
        raise ValidationError("There is nothing to save: no importance and no estimate.")
    fields = {}
    if importance is not NOT_GIVEN:
        fields = _clean_answers(
            {"importance_level": importance}, asks_importance=participant.asks_importance
        )
    if estimates:
        if not participant.asks_estimates:
            raise ValidationError(ESTIMATES_NOT_ASKED)
        if len(estimates) > MAX_ESTIMATES or participant.others_named != len(estimates):
            raise ValidationError(NOT_ANOTHER_PARTY)
        for level in estimates.values():
            if level is not None:
                parsing.checked_level(level)
    if participant.open_round_id is None:
        raise RatingRefused(ROUND_CLOSED)
    check_answerable(participant)
    rating = upsert_one_rating(participant.pk, value_code_id, participant.open_round_id, fields)
    if estimates:
        save_sql.upsert_estimates(
            participant_id=participant.pk,
            value_code_id=value_code_id,
            round_id=participant.open_round_id,
            levels=estimates,
        )
    return rating


def upsert_ratings(ratings, *, importance=True, stance=True):
    """Insert or update ratings on (participant, value_code, round) in one statement;
    without `importance` (or `stance`), an existing rating keeps the importance (or the give
    and take) it has."""
    fields = ["current_level", "target_level", "current_answered", "target_answered", "comment"]
    if importance:
        fields += ["importance_level", "importance_answered"]
    if stance:
        fields.append("stance")
    Rating.objects.bulk_create(
        ratings,
        update_conflicts=True,
        unique_fields=RATING_KEY,
        update_fields=[*fields, "updated_at"],
    )


@transaction.atomic
def register_participant(*, party, name):
    """Create a participant in `party` through its open link, while it has a place free.

    The party's row is locked while places are counted, so two people signing up at the same
    moment cannot both take the last place.
    """
    party = Party.objects.select_for_update().get(pk=party.pk)
    if not party.open_link_enabled:
        raise RegistrationRefused("This sign-up link is closed. Ask your facilitator for another.")
    if open_link_is_full(party):
        raise OpenLinkFull(LINK_FULL)
    return add_named_participant(party=party, name=name, joined_through=Participant.OPEN_LINK)


def add_named_participant(*, party, name, joined_through):
    """A new participant of `party` who signed up with a name (open link, workshop code).

    The label is the name and a random tag, e.g. "Sam Lee #K7QF", whether or not the name was
    taken: a number only on clashes would tell the newcomer that someone, perhaps in another
    party, has that name. The tag is random, so it tells nothing of the respondent code either.
    Whoever signs up holds the only link (or workshop phone) from the start, so there is no
    invitation left to hand out.
    """
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValidationError({"name": "Please give your name."})
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Participant.objects.create(
                    diagnostic_id=party.diagnostic_id,
                    party=party,
                    label=f"{name} #{random_code()}",
                    joined_through=joined_through,
                    invitation_used_at=timezone.now(),
                )
        except IntegrityError:
            continue  # the tag was taken (about one in a million): draw another
    raise ValidationError("Could not register this name; please try again.")
