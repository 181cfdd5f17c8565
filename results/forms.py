"""Forms of the results dashboard: its filters and the agreed-target form."""

from urllib.parse import urlencode

from django import forms

from diagnostics.models import TradeOffLink
from results.dashboard import SORTS, Filters
from ttm import parsing


class DashboardFilterForm(forms.Form):
    """GET parameters of the dashboard; anything invalid falls back to the default."""

    round = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    section = forms.ChoiceField(required=False)
    party = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False)

    def __init__(self, data, *, rounds, sections, parties):
        super().__init__(data)
        self.fields["round"].choices = [(r.number, f"Round {r.number}") for r in rounds]
        self.fields["section"].choices = [("", "All sections")] + [(s, s) for s in sections]
        self.fields["party"].choices = [(p.name, p.name) for p in parties]

    def filters(self):
        self.is_valid()  # cleaned_data keeps the valid fields even when another is invalid
        cleaned = self.cleaned_data
        return Filters(
            section=cleaned.get("section") or "",
            parties=cleaned.get("party") or [],
            sort=cleaned.get("sort") or "section",
        )

    def round_number(self):
        self.is_valid()
        return self.cleaned_data.get("round")

    def details_query(self, round_):
        """The query of a Value Code's details URL: the round shown and the parties chosen, so
        the details show what the page shows."""
        return urlencode({"round": round_.number, "party": self.filters().parties}, doseq=True)


class AgreedTargetForm(forms.Form):
    """An agreed target, recorded from the dashboard or in a live workshop."""

    level = parsing.LevelField(label="Agreed target level", widget=forms.RadioSelect)
    trade_off = forms.CharField(
        label="Trade-off or rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='For example: "if we focus on x, y may suffer".',
    )
    owner = forms.CharField(label="Owner", max_length=120, required=False)
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, level_labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        if level_labels:
            self.fields["level"].choices = parsing.level_choices(level_labels)


class RoundNumberField(forms.Field):
    """A round number typed by a person, read by ttm.parsing (ASCII digits only)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "size": 4, "maxlength": 5})

    def to_python(self, value):
        return None if value in self.empty_values else parsing.round_number(value)


class TradeOffLinkForm(forms.Form):
    """Name a Value Code that may suffer for an agreed target, and when to look again."""

    value_code = forms.TypedChoiceField(label="Value Code that may suffer", coerce=int)
    direction = forms.ChoiceField(
        label="Expected", choices=TradeOffLink.DIRECTIONS, initial=TradeOffLink.DOWN
    )
    review_round = RoundNumberField(label="Review in round")

    def __init__(self, *args, agreed_target, value_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.value_codes = {vc.pk: vc for vc in value_codes if vc.pk != agreed_target.value_code_id}
        self.fields["value_code"].choices = [("", "Choose a Value Code")] + [
            (pk, vc.identifier) for pk, vc in self.value_codes.items()
        ]
        self.fields["review_round"].initial = agreed_target.round.number + 1

    def chosen_value_code(self):
        return self.value_codes[self.cleaned_data["value_code"]]
