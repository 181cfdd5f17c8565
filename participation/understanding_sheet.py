"""What the rating page asks about mutual understanding (PRODUCT.md 10), per Value Code.

"How much does this matter to you?" and, for each other party, "Where would <party> say we
are?": asked only when the facilitator switched them on. Two queries at most whatever the
number of Value Codes (the other parties, and the participant's estimates in the round).
"""

from dataclasses import dataclass, field

from diagnostics.models import Estimate
from ttm.levels import LEVELS

DONT_KNOW = "dk"
# How much a Value Code matters, 1..5.
IMPORTANCE_LABELS = ("Hardly", "A little", "Somewhat", "Much", "Very much")


@dataclass
class UnderstandingSheet:
    asks_importance: bool = False
    asks_estimates: bool = False
    other_parties: list = field(default_factory=list)
    estimates: dict = field(default_factory=dict)  # {(value code id, party id): level or None}

    @property
    def importance_choices(self):
        return list(zip(LEVELS, IMPORTANCE_LABELS, strict=True))

    @property
    def asks_anything(self):
        return self.asks_importance or self.asks_estimates

    def decorate(self, value_code):
        """Give `value_code` (with `.rating`) what the partial participation/_understanding.html
        shows: `.importance_choice`, `.estimate_choices` [(party, choice)] and
        `.understanding_fields`, the names its save posts."""
        rating = value_code.rating
        value_code.importance_choice = ""
        if rating is not None and rating.importance_answered:
            level = rating.importance_level
            value_code.importance_choice = DONT_KNOW if level is None else level
        value_code.estimate_choices = []
        names = [f"i{value_code.pk}"] if self.asks_importance else []
        if self.asks_estimates:
            for party in self.other_parties:
                key = (value_code.pk, party.pk)
                choice = ""
                if key in self.estimates:
                    level = self.estimates[key]
                    choice = DONT_KNOW if level is None else level
                value_code.estimate_choices.append((party, choice))
                names.append(f"e{value_code.pk}_{party.pk}")
        value_code.understanding_fields = ",".join(names)


def understanding_sheet(participant, round):
    """The questions the diagnostic asks and this participant's answers in the round."""
    diagnostic = participant.diagnostic
    sheet = UnderstandingSheet(
        asks_importance=diagnostic.asks_importance, asks_estimates=diagnostic.asks_estimates
    )
    if sheet.asks_estimates:
        sheet.other_parties = list(
            diagnostic.parties.exclude(pk=participant.party_id).order_by("position", "id")
        )
        if round is not None:
            sheet.estimates = {
                (value_code_id, party_id): level
                for value_code_id, party_id, level in Estimate.objects.filter(
                    participant=participant, round=round
                ).values_list("value_code_id", "about_party_id", "level")
            }
    return sheet
