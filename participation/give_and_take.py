"""Give and take and the relationship pulse on the participant's side (PRODUCT.md 10).

Give and take: per Value Code, "we could give here for now" (`give`), "we need movement here"
(`take`), or unmarked (""). Saved beside the rating, through its own small path (two statements:
the link with what the rules need, and the rating's upsert), so the rating save stays lean.

The pulse: once per round and per other party, "How likely are you to recommend working with
<party> to a colleague?" 0..10; an empty answer takes it back. Never about one's own party.

Only the participant ever sees their own marks and pulse; figures are made of them in
results.give_and_take, aggregated, suppressed below K and published in steps of K.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from diagnostics.models import GIVE, PULSE_SCORES, STANCES, TAKE, Pulse, Rating
from participation import save_sql
from participation.services import (
    FOREIGN_VALUE_CODE,
    ROUND_CLOSED,
    RatingRefused,
    answerable_ids,
    check_active,
    check_answerable,
    check_may_rate,
    save_whole_sheet,
    upsert_one_rating,
)

STANCE_NOT_ASKED = "This diagnostic does not ask for give and take."
PULSE_NOT_ASKED = "This diagnostic does not ask the relationship pulse."
NOT_A_STANCE = 'Give and take is "give", "take" or empty.'
NOT_A_SCORE = "The pulse is a whole number 0 to 10, or empty."
PULSE_NOT_ANOTHER_PARTY = "The pulse is about another party of this diagnostic, never your own."
MAX_PULSE_PARTIES = 50


def clean_stance(raw):
    """'give', 'take' or '' (unmarked) from a posted or imported value; ValidationError else."""
    value = (raw or "").strip().lower()
    if value not in ("", GIVE, TAKE):
        raise ValidationError(NOT_A_STANCE)
    return value


def clean_score(raw):
    """0..10, or None (not answered) for an empty value; ValidationError else."""
    value = (raw if isinstance(raw, str) else "" if raw is None else str(raw)).strip()
    if value == "":
        return None
    if (
        not value.isascii()
        or not value.isdigit()
        or len(value) > 2
        or int(value) not in PULSE_SCORES
    ):
        raise ValidationError(NOT_A_SCORE)
    return int(value)


# Give and take on the rating page


def participant_for_stance(token, value_code_id):
    """As participation.services.participant_for_save, for a save of give and take (one
    query): the participant carries `.open_round_id`, `.rates_value_code`,
    `.asked_value_code`, `.value_code_locked`, `.asks_stance`."""
    found = save_sql.read_for_stance(token, value_code_id)
    if found is None:
        raise Http404("No such link")
    (
        participant,
        participant.open_round_id,
        participant.rates_value_code,
        participant.asked_value_code,
        participant.value_code_locked,
        participant.asks_stance,
    ) = found
    return check_active(participant)


def save_stance_through_link(*, participant, value_code_id, stance):
    """Mark a Value Code give, take or unmarked (""), for a participant read by
    participant_for_stance: one statement, the rating's upsert (only its stance changes)."""
    if not participant.rates_value_code:
        raise ValidationError(FOREIGN_VALUE_CODE)
    if not participant.asks_stance:
        raise ValidationError(STANCE_NOT_ASKED)
    stance = clean_stance(stance)
    if participant.open_round_id is None:
        raise RatingRefused(ROUND_CLOSED)
    check_answerable(participant)
    return upsert_one_rating(
        participant.pk, value_code_id, participant.open_round_id, {"stance": stance}
    )


def save_stance_sheet(*, participant, stances_by_value_code_id):
    """The marks of the sheet POST {Value Code id: raw stance}; the Value Codes were checked by
    save_answer_sheet. One upsert whatever their number."""
    if not stances_by_value_code_id:
        return 0
    if not participant.diagnostic.asks_stance:
        raise ValidationError(STANCE_NOT_ASKED)
    round = check_may_rate(participant)
    Rating.objects.bulk_create(
        [
            Rating(participant=participant, round=round, value_code_id=pk, stance=clean_stance(raw))
            for pk, raw in stances_by_value_code_id.items()
        ],
        update_conflicts=True,
        unique_fields=["participant", "value_code", "round"],
        update_fields=["stance", "updated_at"],
    )
    return len(stances_by_value_code_id)


@transaction.atomic
def save_sheet_with_give_and_take(*, participant, answers, estimates, stances, pulses):
    """The sheet POST used without JavaScript: answers, estimates, marks and the pulse, all or
    nothing. Marks of Value Codes the participant is no longer asked, or whose answers closed
    at a workshop's reveal, are left out with their answers; returns (saved, left out as not
    asked, left out as closed) as save_whole_sheet."""
    saved, not_asked, closed = save_whole_sheet(
        participant=participant,
        answers_by_value_code_id=answers,
        estimates_by_value_code_id=estimates,
    )
    asked = answerable_ids(participant, stances)
    save_stance_sheet(
        participant=participant,
        stances_by_value_code_id={pk: raw for pk, raw in stances.items() if pk in asked},
    )
    save_pulse(participant=participant, scores=pulses)
    return saved, not_asked, closed


STANCE_CHOICES = [("", "Not marked"), *STANCES]


def decorate_stance(value_code):
    """Give `value_code` (with `.rating`) `.stance_choice` for the partial _give_and_take.html."""
    rating = value_code.rating
    value_code.stance_choice = rating.stance if rating is not None else ""
    value_code.stance_label = dict(STANCE_CHOICES)[value_code.stance_choice]


# The relationship pulse


@dataclass
class PulseSheet:
    """What the page asks about the relationship: one question per other party."""

    asks: bool = False
    questions: list = field(default_factory=list)  # [(party, score or None)]

    @property
    def scores(self):
        return list(PULSE_SCORES)

    @property
    def fields(self):
        """The names the pulse's save posts."""
        return ",".join(f"p{party.pk}" for party, _score in self.questions)


def pulse_sheet(participant, round):
    """The pulse questions and this participant's answers in the round (two queries at most)."""
    diagnostic = participant.diagnostic
    if not diagnostic.asks_pulse:
        return PulseSheet()
    others = list(diagnostic.parties.exclude(pk=participant.party_id).order_by("position", "id"))
    answers = {}
    if round is not None:
        answers = dict(
            Pulse.objects.filter(participant=participant, round=round).values_list(
                "about_party_id", "score"
            )
        )
    return PulseSheet(asks=True, questions=[(party, answers.get(party.pk)) for party in others])


def save_pulse(*, participant, scores):
    """Record the participant's pulse {other party id: raw score} in the open round; an empty
    score takes the answer back. Four queries whatever the number of parties."""
    if not scores:
        return 0
    check_active(participant)
    diagnostic = participant.diagnostic
    if not diagnostic.asks_pulse:
        raise ValidationError(PULSE_NOT_ASKED)
    round = check_may_rate(participant)
    others = set(diagnostic.parties.exclude(pk=participant.party_id).values_list("pk", flat=True))
    if len(scores) > MAX_PULSE_PARTIES or not set(scores) <= others:
        raise ValidationError(PULSE_NOT_ANOTHER_PARTY)
    cleaned = {party_id: clean_score(raw) for party_id, raw in scores.items()}
    upsert_pulses(
        Pulse(round=round, participant=participant, about_party_id=party_id, score=score)
        for party_id, score in cleaned.items()
    )
    return len(cleaned)


def upsert_pulses(pulses):
    """Insert or update pulses on (round, participant, about party) in one statement."""
    Pulse.objects.bulk_create(
        list(pulses),
        update_conflicts=True,
        unique_fields=["round", "participant", "about_party"],
        update_fields=["score", "updated_at"],
    )
