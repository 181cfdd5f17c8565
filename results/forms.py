"""Forms of the results dashboard: its filters and the agreed-target form."""

from django import forms

from results.dashboard import SORTS, Filters


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


class AgreedTargetForm(forms.Form):
    LEVEL_CHOICES = [(level, str(level)) for level in range(1, 6)]

    level = forms.TypedChoiceField(
        label="Agreed target level", coerce=int, choices=LEVEL_CHOICES, widget=forms.RadioSelect
    )
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
            self.fields["level"].choices = [
                (level, f"{level} · {label}") for level, label in enumerate(level_labels, 1)
            ]
