"""Forms for facilitators. They parse and check input; diagnostics.services does the writing."""

from django import forms
from django.core.exceptions import ValidationError

from diagnostics import participant_lists
from diagnostics.models import (
    PRIORITY_BASES,
    DiagnosticMember,
    DiagnosticValueCode,
    ThingThatMatters,
)
from diagnostics.services import MAX_ANONYMITY_THRESHOLD, PARTY_COLOURS, PartySpec
from ttm import parsing
from valuecodes.models import CONTENT_FIELDS, TEXT_FIELDS, Library, ValueCode
from valuecodes.selectors import libraries_value_codes

PARTY_ROWS = 6

COLLEAGUES_HELP = (
    "Usernames or e-mails of people who already share a diagnostic with you; an administrator "
    "shares a first diagnostic with a new account."
)


class ColourInput(forms.TextInput):
    input_type = "color"

    def __init__(self, attrs=None):
        super().__init__({"class": "form-control form-control-color", **(attrs or {})})


def split_identifiers(text):
    return [item.strip() for item in (text or "").replace("\n", ",").split(",") if item.strip()]


class DiagnosticForm(forms.Form):
    name = forms.CharField(max_length=160)
    purpose = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the business case is for, in a sentence or two.",
    )
    anonymity_threshold = forms.IntegerField(
        min_value=1,
        max_value=MAX_ANONYMITY_THRESHOLD,
        initial=3,
        help_text="A party's figures stay hidden until at least this many of its people gave them.",
    )


class DiagnosticSettingsForm(DiagnosticForm):
    """The settings of an existing diagnostic (services.update_diagnostic checks K)."""

    share_individual_reports = forms.BooleanField(
        required=False,
        label="Share individual reports",
        help_text="Participants who answered every Value Code see their own answers beside the "
        "parties' figures (the same figures as the results, anonymity applied). Nobody sees "
        "anyone else's answers.",
    )
    asks_stance = forms.BooleanField(
        required=False,
        label="Ask for give and take",
        help_text="On each Value Code, partners may mark “we could give here for now” or “we "
        "need movement here”. The negotiation board shows where one party needs movement and "
        "another could give.",
    )
    asks_pulse = forms.BooleanField(
        required=False,
        label="Ask the relationship pulse",
        help_text="Once per round, partners say how likely they are to recommend working with "
        "each other party to a colleague (0 to 10), shown as a net score per party.",
    )

    asks_estimates = forms.BooleanField(
        required=False,
        label="Ask where the other side would say we are",
        help_text="For each Value Code, partners also say where each other party would place "
        "the current state. Results then show who misreads whom, and by how much.",
    )
    asks_importance = forms.BooleanField(
        required=False,
        label="Ask how much each Value Code matters",
        help_text="Partners rate how much each Value Code matters to them, 1 to 5, so that what "
        "matters to whom comes from the people.",
    )
    priority_basis = forms.ChoiceField(
        choices=PRIORITY_BASES,
        required=False,  # left out: as it is
        label="Priority is made of",
        help_text="Priority is the gap times the Value Code's weight, or times how much it "
        "matters to the people who rated it (divided by 3); importance needs its question.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anonymity_threshold"].help_text = (
            "A party's figures stay hidden until at least this many of its people gave them. "
            "It can be raised at any time, and lowered only while nobody has answered."
        )

    def clean_priority_basis(self):
        return self.cleaned_data["priority_basis"] or None


class DiagnosticCreateForm(DiagnosticForm):
    libraries = parsing.ModelMultipleIdField(
        queryset=Library.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="All their Value Codes are copied into the diagnostic; "
        "you can reorder, reword, weigh or remove them afterwards.",
    )
    facilitators = forms.CharField(
        required=False,
        label="Other facilitators",
        help_text=f"{COLLEAGUES_HELP} Separate them with commas.",
    )
    sponsors = forms.CharField(
        required=False, help_text=f"{COLLEAGUES_HELP} Separate them with commas."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(PARTY_ROWS):
            self.fields[f"party_name_{index}"] = forms.CharField(
                required=False, max_length=80, label=f"Party {index + 1} name"
            )
            self.fields[f"party_colour_{index}"] = forms.CharField(
                required=False,
                initial=PARTY_COLOURS[index],
                label=f"Party {index + 1} colour",
                widget=ColourInput(),
            )

        libraries = list(Library.objects.all()[:2])
        if len(libraries) == 1:
            self.fields["libraries"].initial = libraries

    def party_rows(self):
        return [
            (self[f"party_name_{index}"], self[f"party_colour_{index}"])
            for index in range(PARTY_ROWS)
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["parties"] = [
            PartySpec(cleaned.get(f"party_name_{i}", ""), cleaned.get(f"party_colour_{i}", ""))
            for i in range(PARTY_ROWS)
            if (cleaned.get(f"party_name_{i}") or "").strip()
        ]
        if len(cleaned["parties"]) < 2:
            raise ValidationError("Name at least two parties.")
        return cleaned

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "name": data["name"],
            "purpose": data["purpose"],
            "anonymity_threshold": data["anonymity_threshold"],
            "parties": data["parties"],
            "value_codes": libraries_value_codes(data["libraries"]),
            "facilitators": split_identifiers(data["facilitators"]),
            "sponsors": split_identifiers(data["sponsors"]),
        }


class PartyForm(forms.Form):
    name = forms.CharField(max_length=80)
    colour = forms.CharField(initial="#6c757d", widget=ColourInput())


class ValueCodeForm(forms.ModelForm):
    class Meta:
        model = DiagnosticValueCode
        fields = ["section", *CONTENT_FIELDS, "weight"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in TEXT_FIELDS}
        help_texts = {"weight": "Priority = overall gap × weight (default 1)."}

    def validate_constraints(self, exclude=None):
        """The service checks identifiers within the diagnostic and says so in plain words."""


class AddValueCodesForm(forms.Form):
    value_codes = parsing.ModelMultipleIdField(
        queryset=ValueCode.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Value Codes to add",
    )

    def __init__(self, *args, diagnostic, **kwargs):
        super().__init__(*args, **kwargs)
        copied = diagnostic.value_codes.exclude(source=None).values("source_id")
        field = self.fields["value_codes"]
        field.queryset = libraries_value_codes(Library.objects.all()).exclude(pk__in=copied)
        field.label_from_instance = lambda code: (
            f"{code.library.name} · {code.section.name} · {code.identifier}"
        )


class MemberForm(forms.Form):
    identifier = forms.CharField(
        label="Username or e-mail", max_length=254, help_text=COLLEAGUES_HELP
    )
    role = forms.ChoiceField(choices=DiagnosticMember.ROLES, initial=DiagnosticMember.SPONSOR)


class ThingThatMattersForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(choices=ThingThatMatters.KINDS)
    direction = forms.ChoiceField(
        choices=ThingThatMatters.DIRECTIONS, widget=forms.RadioSelect, initial="towards"
    )
    parties = parsing.ModelMultipleIdField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="It matters to",
    )
    value_codes = parsing.ModelMultipleIdField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Mapped to Value Codes",
    )

    def __init__(self, *args, diagnostic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = diagnostic.parties.all()
        self.fields["value_codes"].queryset = diagnostic.value_codes.all()
        self.fields["value_codes"].label_from_instance = lambda code: (
            f"{code.identifier} ({code.section})"
        )

    @classmethod
    def initial_for(cls, thing):
        return {
            "title": thing.title,
            "description": thing.description,
            "kind": thing.kind,
            "direction": thing.direction,
            "parties": list(thing.parties.all()),
            "value_codes": list(thing.value_codes.all()),
        }


class ParticipantsForm(forms.Form):
    party = forms.ModelChoiceField(queryset=None, empty_label=None)
    people = forms.CharField(
        required=False,
        label="People, one per line",
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": "Ann Smith <ann@example.org>\n"
                "Bob Jones, bob@example.org\nCarla (no e-mail)",
            }
        ),
        help_text='"Name &lt;e-mail&gt;", "Name, e-mail" or just a name. '
        "People without an e-mail get a link you hand to them yourself.",
    )
    csv_file = forms.FileField(
        required=False,
        label="…or upload a CSV file",
        help_text="Columns: name, email (a header row is optional).",
    )
    send_invitations = forms.BooleanField(
        required=False, initial=True, label="E-mail the invitations now"
    )

    def __init__(self, *args, diagnostic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = diagnostic.parties.all()

    def clean(self):
        cleaned = super().clean()
        people = participant_lists.parse_pasted(cleaned.get("people"))
        if cleaned.get("csv_file"):
            people += participant_lists.parse_csv(cleaned["csv_file"])
        if not people:
            raise ValidationError({"people": "Paste at least one person or upload a CSV file."})
        cleaned["people_list"] = participant_lists.check_people(people)
        return cleaned


class ParticipantEditForm(forms.Form):
    label = forms.CharField(label="Name", max_length=participant_lists.MAX_LABEL)
    email = forms.EmailField(label="E-mail", required=False)

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        if participant.invitation_used:
            # invitations.update_participant refuses a change too; this says so up front.
            self.fields["email"].disabled = True
            self.fields["email"].help_text = (
                "Fixed: this person has used their invitation, and their personal link is "
                "e-mailed only to this address."
            )


class AssignmentForm(forms.Form):
    """Which sections, and which single Value Codes, a party or a person is asked to rate.

    Sections are offered by name: the diagnostic's own, and any the target is still asked
    although no Value Code has that section any more (so it can be unticked)."""

    sections = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    value_codes = parsing.ModelMultipleIdField(
        queryset=DiagnosticValueCode.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, diagnostic, section_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = [(name, name) for name in section_names]
        self.fields["value_codes"].queryset = diagnostic.value_codes.all()
