from django import forms

from ttm import parsing
from ttm.levels import LEVELS

DONT_KNOW = "dk"
LEVEL_CHOICES = [(str(level), str(level)) for level in LEVELS] + [(DONT_KNOW, "Don't know")]


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label="Workshop code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class PartyRadios(forms.RadioSelect):
    """Radio buttons for the parties; a party whose seats are all taken is shown, disabled."""

    full = frozenset()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if getattr(value, "value", value) in self.full:
            option["attrs"]["disabled"] = True
            option["label"] = f"{label} (full: ask the facilitator)"
        return option


class JoinForm(forms.Form):
    party = forms.ModelChoiceField(
        queryset=None, empty_label=None, widget=PartyRadios, label="I am with"
    )
    name = forms.CharField(
        label="Your name",
        max_length=100,
        help_text="Shown to the facilitator only, with a random tag added; never beside your "
        "answers.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, diagnostic, full_party_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = diagnostic.parties.order_by("position", "id")
        self.fields["party"].widget.full = frozenset(full_party_ids)


class InvitationForm(forms.Form):
    link = forms.CharField(
        label="Your link",
        max_length=500,
        help_text="Paste your personal link (the one you bookmarked), or your invitation link "
        "if you have not opened it yet.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )


class RatingForm(forms.Form):
    current_level = forms.ChoiceField(choices=LEVEL_CHOICES, required=False)
    target_level = forms.ChoiceField(choices=LEVEL_CHOICES, required=False)

    def answers(self):
        """Only the questions answered in this submission, as save_rating expects them."""
        answers = {}
        for key in ("current_level", "target_level"):
            value = self.cleaned_data.get(key)
            if value:
                answers[key] = None if value == DONT_KNOW else parsing.level(value)
        return answers


class CaptureForm(forms.Form):
    title = forms.CharField(label="What matters to you?", max_length=200)
    detail = forms.CharField(
        label="Detail (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AgreedTargetForm(forms.Form):
    level = forms.TypedChoiceField(
        choices=[(level, str(level)) for level in LEVELS], coerce=int, label="Agreed level"
    )
    trade_off = forms.CharField(
        label="Trade-off or rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = forms.CharField(label="Owner", required=False, max_length=120)
    due_date = forms.DateField(
        label="Due", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class SeatsForm(forms.Form):
    """Seats per party in a workshop: one number field per party, named seats-<party id>."""

    def __init__(self, *args, parties, initial_seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(parties)
        for party in self.parties:
            self.fields[f"seats-{party.pk}"] = forms.IntegerField(
                label=party.name, min_value=1, max_value=10_000, initial=initial_seats.get(party.pk)
            )

    def seats(self):
        return {party.pk: self.cleaned_data[f"seats-{party.pk}"] for party in self.parties}

    def party_fields(self):
        return [(party, self[f"seats-{party.pk}"]) for party in self.parties]


class KeepForm(forms.Form):
    """Which of the diagnostic's Value Codes a kept Thing That Matters maps to. Missing or
    foreign ids leave the choice empty, and the Things That Matter service says what is needed."""

    value_codes = parsing.ModelMultipleIdField(queryset=None, required=False)

    def __init__(self, *args, diagnostic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value_codes"].queryset = diagnostic.value_codes.all()

    def chosen(self):
        return list(self.cleaned_data["value_codes"]) if self.is_valid() else []
