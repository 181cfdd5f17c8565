import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from ttm import access
from valuecodes.models import (
    LevelLabels,
    PerspectiveWordingContent,
    ValueCodeContent,
    perspective_constraints,
)


def new_token():
    """A secret for links: 256 bits from `secrets`, URL-safe."""
    return secrets.token_urlsafe(32)


# Places on a party's open link until the facilitator says otherwise.
DEFAULT_OPEN_LINK_CAPACITY = 10

# No 0/O, 1/I/L: codes are read aloud and typed from spreadsheets.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def random_code(length=4):
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_respondent_code():
    """A pseudonym such as R-7F3K: random, so derived from neither the name nor the link."""
    return f"R-{random_code()}"


def _level_or_null(field):
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 1, f"{field}__lte": 5})


# Give and take (PRODUCT.md 10): a partner may mark a Value Code, or leave it unmarked ("").
GIVE = "give"
TAKE = "take"
STANCES = [(GIVE, "We could give here for now"), (TAKE, "We need movement here")]
PULSE_SCORES = range(0, 11)  # 0..10


def _stance_valid():
    return Q(stance__in=["", GIVE, TAKE])


def _pulse_valid():
    return Q(score__isnull=True) | Q(score__gte=0, score__lte=10)


# What a Value Code's priority is made of (PRODUCT.md 4 and 10).
PRIORITY_BY_WEIGHT = "weight"
PRIORITY_BY_IMPORTANCE = "importance"
PRIORITY_BASES = [
    (PRIORITY_BY_WEIGHT, "The Value Code's weight"),
    (PRIORITY_BY_IMPORTANCE, "How much it matters to the people who rate (importance)"),
]


class Diagnostic(LevelLabels):
    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=80, unique=True)
    purpose = models.TextField(
        blank=True, help_text="What the business case is for, in a sentence or two."
    )
    anonymity_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="A party's figures are hidden when fewer people gave them."
    )
    share_individual_reports = models.BooleanField(
        default=False,
        help_text="Participants who finished see their answers beside the aggregated figures.",
    )
    # Mutual understanding (PRODUCT.md 10): each question is asked only when switched on.
    asks_estimates = models.BooleanField(
        "ask for estimates of the other side",
        default=False,
        help_text="Partners say where each other party would place the current state.",
    )
    asks_importance = models.BooleanField(
        "ask how much each Value Code matters",
        default=False,
        help_text="Partners rate how much each Value Code matters to them, 1 to 5.",
    )
    priority_basis = models.CharField(
        max_length=10, choices=PRIORITY_BASES, default=PRIORITY_BY_WEIGHT
    )
    # Give and take (PRODUCT.md 10), asked only when switched on.
    asks_stance = models.BooleanField(
        "ask for give and take",
        default=False,
        help_text="Partners may mark a Value Code: we could give here for now, or we need "
        "movement here.",
    )
    asks_pulse = models.BooleanField(
        "ask the relationship pulse",
        default=False,
        help_text="Once per round, partners say how likely they are to recommend working with "
        "each other party to a colleague, 0 to 10.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="DiagnosticMember", related_name="diagnostics"
    )

    class Meta(LevelLabels.Meta):
        ordering = ["-created_at"]
        constraints = [
            *LevelLabels.Meta.constraints,
            models.CheckConstraint(
                condition=Q(anonymity_threshold__gte=1), name="diagnostic_threshold_at_least_1"
            ),
            models.CheckConstraint(
                condition=Q(priority_basis__in=[PRIORITY_BY_WEIGHT, PRIORITY_BY_IMPORTANCE]),
                name="diagnostic_priority_basis_valid",
            ),
            # Priority by importance needs importance to be asked, or every priority is null.
            models.CheckConstraint(
                condition=~Q(priority_basis=PRIORITY_BY_IMPORTANCE) | Q(asks_importance=True),
                name="diagnostic_priority_by_importance_asks_it",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("diagnostics:detail", args=[self.slug])


class DiagnosticMember(models.Model):
    """A user who shares a diagnostic: a facilitator (runs it) or a sponsor (reads results)."""

    FACILITATOR = access.FACILITATOR
    SPONSOR = access.SPONSOR
    ROLES = [(FACILITATOR, "Facilitator"), (SPONSOR, "Sponsor")]

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diagnostic_memberships"
    )
    role = models.CharField(max_length=20, choices=ROLES)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "user"], name="member_once_per_diagnostic"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["facilitator", "sponsor"]), name="member_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.role}) in {self.diagnostic}"


class Party(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(max_length=80)
    colour = models.CharField(max_length=7, default="#0d6efd", help_text="#rrggbb")
    position = models.PositiveIntegerField(default=0)
    # Per-party open link: people self-register with a name when e-mail is not wanted.
    open_link_token = models.CharField(max_length=64, unique=True, default=new_token)
    open_link_enabled = models.BooleanField(default=False)
    open_link_capacity = models.PositiveSmallIntegerField(
        default=DEFAULT_OPEN_LINK_CAPACITY,
        help_text="How many people may join this party through its open link, in all.",
    )

    class Meta:
        ordering = ["diagnostic", "position", "id"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "name"], name="party_unique_name"),
            models.CheckConstraint(
                condition=Q(open_link_capacity__gte=1), name="party_open_link_capacity_positive"
            ),
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="party_name_not_blank"),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="party_colour_hex"
            ),
        ]

    def __str__(self):
        return self.name


class DiagnosticValueCode(ValueCodeContent):
    """The diagnostic's own copy of a Value Code: library edits never change past results."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="value_codes")
    section = models.CharField(max_length=120)
    weight = models.FloatField(default=1.0)
    source = models.ForeignKey(
        "valuecodes.ValueCode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(ValueCodeContent.Meta):
        ordering = ["diagnostic", "position", "id"]
        constraints = [
            *ValueCodeContent.Meta.constraints,
            models.UniqueConstraint(
                fields=["diagnostic", "identifier"], name="diagnostic_valuecode_unique_identifier"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="diagnostic_valuecode_weight_positive"
            ),
        ]


class DiagnosticPerspectiveWording(PerspectiveWordingContent):
    """The diagnostic's copy of a perspective's wording of one of its Value Codes.

    The party whose name equals the perspective (ignoring case) reads it: matched when read,
    so a party added or renamed later finds its wording too, and library edits never reach it.
    """

    value_code = models.ForeignKey(
        DiagnosticValueCode, on_delete=models.CASCADE, related_name="wordings"
    )

    class Meta(PerspectiveWordingContent.Meta):
        ordering = ["value_code", Lower("perspective")]
        constraints = perspective_constraints("diagnostic_wording")


class ParticipantQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        assign_respondent_codes(objs)
        return super().bulk_create(objs, *args, **kwargs)


class Participant(models.Model):
    """A person rating in a diagnostic.

    Two secrets: the invitation link (`invitation_token`), which facilitators see and hand out
    until its first use, and the personal link (`token`), which only the participant ever holds:
    using the invitation moves them to a fresh personal link (participation.invitations).
    """

    # How the person came in: invited by a facilitator, or joined on their own (bounded by the
    # party's open-link places or the workshop's seats, and removable with their answers).
    INVITED = "invited"
    OPEN_LINK = "open_link"
    WORKSHOP = "workshop"
    JOINED_THROUGH = [
        (INVITED, "Invited"),
        (OPEN_LINK, "Open link"),
        (WORKSHOP, "Workshop code"),
    ]

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="participants"
    )
    party = models.ForeignKey(Party, on_delete=models.RESTRICT, related_name="participants")
    label = models.CharField(max_length=120, help_text="Shown to facilitators; never in results.")
    email = models.EmailField(blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    invitation_token = models.CharField(max_length=64, unique=True, default=new_token)
    invitation_used_at = models.DateTimeField(null=True, blank=True)
    # Names answers in the raw ratings export; never shown beside a name.
    respondent_code = models.CharField(max_length=12, default=new_respondent_code)
    revoked_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    joined_through = models.CharField(max_length=10, choices=JOINED_THROUGH, default=INVITED)
    email_batch = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="The last batch of e-mails that reached this participant: its retries skip them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["party__position", "label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(joined_through__in=["invited", "open_link", "workshop"]),
                name="participant_joined_through_valid",
            ),
            models.UniqueConstraint(
                fields=["diagnostic", "label"], name="participant_unique_label"
            ),
            models.UniqueConstraint(
                fields=["diagnostic", "respondent_code"],
                name="participant_unique_respondent_code",
            ),
            models.CheckConstraint(
                condition=Q(label__regex=r"\S"), name="participant_label_not_blank"
            ),
            models.CheckConstraint(
                condition=Q(respondent_code__regex=r"^R-[A-Z0-9]+$"),
                name="participant_respondent_code_format",
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        if self._state.adding:
            assign_respondent_codes([self])
        super().save(*args, **kwargs)

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_joiner(self):
        """Joined without an invitation: such a person can be removed with their answers."""
        return self.joined_through != self.INVITED

    @property
    def invitation_used(self):
        """Once true, only the participant holds a working link to their answers."""
        return self.invitation_used_at is not None


def assign_respondent_codes(participants):
    """Give new participants respondent codes that nobody else in their diagnostic has.

    Codes already set are kept unless they clash. One query per try, and a clash is rare.
    """
    by_diagnostic = {}
    for participant in participants:
        by_diagnostic.setdefault(participant.diagnostic_id, []).append(participant)
    for diagnostic_id, pending in by_diagnostic.items():
        accepted = set()
        while pending:
            chosen = set()
            for participant in pending:
                code = participant.respondent_code
                while not code or code in chosen or code in accepted:
                    code = new_respondent_code()
                participant.respondent_code = code
                chosen.add(code)
            taken = set(
                Participant.objects.filter(
                    diagnostic_id=diagnostic_id, respondent_code__in=chosen
                ).values_list("respondent_code", flat=True)
            )
            accepted |= chosen - taken
            pending = [p for p in pending if p.respondent_code in taken]
            for participant in pending:
                participant.respondent_code = ""


class Assignment(models.Model):
    """What a party, or one named person, is asked to rate: a whole section (by name, so Value
    Codes added to it later are asked too) or one Value Code.

    A person is asked the union of their party's rows and their own; with no row for either,
    everything (diagnostics.assignment holds that rule). Rows only ask: ratings are never
    removed when they change.
    """

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="assignments")
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    section = models.CharField(max_length=120, blank=True)
    value_code = models.ForeignKey(
        DiagnosticValueCode,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(party__isnull=False, participant__isnull=True)
                | Q(party__isnull=True, participant__isnull=False),
                name="assignment_party_or_participant",
            ),
            models.CheckConstraint(
                condition=Q(section="", value_code__isnull=False)
                | (Q(value_code__isnull=True) & Q(section__regex=r"\S")),
                name="assignment_section_or_value_code",
            ),
            # Nulls are distinct in a unique index, so each kind of row has its own.
            models.UniqueConstraint(
                fields=["party", "section"],
                condition=Q(party__isnull=False, value_code__isnull=True),
                name="assignment_party_section_once",
            ),
            models.UniqueConstraint(
                fields=["party", "value_code"],
                condition=Q(party__isnull=False, value_code__isnull=False),
                name="assignment_party_value_code_once",
            ),
            models.UniqueConstraint(
                fields=["participant", "section"],
                condition=Q(participant__isnull=False, value_code__isnull=True),
                name="assignment_participant_section_once",
            ),
            models.UniqueConstraint(
                fields=["participant", "value_code"],
                condition=Q(participant__isnull=False, value_code__isnull=False),
                name="assignment_participant_value_code_once",
            ),
        ]

    def __str__(self):
        whom = f"party {self.party_id}" if self.party_id else f"participant {self.participant_id}"
        what = f"section {self.section!r}" if self.section else f"Value Code {self.value_code_id}"
        return f"{whom} asked {what}"


class Round(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["diagnostic", "number"]
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "number"], name="round_unique_number"),
            models.UniqueConstraint(
                fields=["diagnostic"],
                condition=Q(closed_at__isnull=True),
                name="one_open_round_per_diagnostic",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="round_number_positive"),
        ]

    def __str__(self):
        return f"Round {self.number}"

    @property
    def is_open(self):
        return self.closed_at is None


class LockedValueCode(models.Model):
    """A Value Code whose answers closed in a round for one participant: they were in the room
    of a live workshop when it was revealed (PRODUCT.md 3, "a workshop question locks at its
    reveal"), and saw the figures. Written by the reveal, one row per person in the room, in
    the same transaction; read by every way that person answers (the personal link's saves,
    the whole sheet, a phone in a later session). People who were not in the room still answer
    as before. Never removed: hiding the figures again does not reopen the question. A later
    round is not locked."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="locked_value_codes")
    value_code = models.ForeignKey(
        DiagnosticValueCode, on_delete=models.CASCADE, related_name="locks"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    locked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "value_code", "participant"], name="answer_locked_once"
            )
        ]

    def __str__(self):
        return f"{self.value_code_id} locked in round {self.round_id}"


# What a person answers about one Value Code in a round: saved together (participation.save_sql)
# and copied together when published (diagnostics.publication).
ANSWER_FIELDS = (
    "current_level",
    "target_level",
    "current_answered",
    "target_answered",
    "comment",
    "importance_level",
    "importance_answered",
    "stance",
)


class Answer(models.Model):
    """What a person answers about one Value Code in a round (ANSWER_FIELDS): held by their
    rating and by its published copy, under the same rules."""

    current_level = models.PositiveSmallIntegerField(null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(null=True, blank=True)
    # A null level is "don't know" once answered; until then the question is still open.
    current_answered = models.BooleanField(default=False)
    target_answered = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    # How much the Value Code matters to this person (PRODUCT.md 10), asked when switched on.
    importance_level = models.PositiveSmallIntegerField(null=True, blank=True)
    importance_answered = models.BooleanField(default=False)
    # Give and take (PRODUCT.md 10): "give", "take", or "" (not marked).
    stance = models.CharField(max_length=4, blank=True, default="", choices=STANCES)

    class Meta:
        abstract = True
        constraints = [
            constraint
            for level in ("current", "target", "importance")
            for constraint in (
                models.CheckConstraint(
                    condition=_level_or_null(f"{level}_level"),
                    name=f"%(class)s_{level}_level_1_to_5",
                ),
                models.CheckConstraint(
                    condition=Q(**{f"{level}_level__isnull": True})
                    | Q(**{f"{level}_answered": True}),
                    name=f"%(class)s_{level}_level_is_answered",
                ),
            )
        ] + [models.CheckConstraint(condition=_stance_valid(), name="%(class)s_stance_valid")]


class Rating(Answer):
    """One participant's answer on one Value Code in one round; null level = "don't know"."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ratings")
    value_code = models.ForeignKey(
        DiagnosticValueCode, on_delete=models.CASCADE, related_name="ratings"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Answer.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "value_code", "round"], name="one_rating_per_participant"
            ),
            *Answer.Meta.constraints,
        ]
        indexes = [
            models.Index(fields=["round", "value_code"], name="rating_round_valuecode"),
            # diagnostics.publication looks only at ratings changed since a recent moment.
            models.Index(fields=["round", "updated_at"], name="rating_round_updated"),
        ]

    def __str__(self):
        # Never the participant or the answer: admin pages list ratings under a participant.
        return f"Rating of Value Code {self.value_code_id} in round {self.round_id}"


class Publication(models.Model):
    """When a party's figures in an open round were last published (PRODUCT.md 3).

    No row: the party has never been published in the round, and its results are pending.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="publications")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="publications")
    published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "party"], name="one_publication_per_party"),
        ]

    def __str__(self):
        return f"{self.party_id} in {self.round_id} at {self.published_at}"


class PublishedRating(Answer):
    """A rating as it stood at its party's last publications of that Value Code in an open round.

    The figures of an open round are made of these rows, never of live ratings, so they move
    only in steps of K people (diagnostics.publication). Each kind of answer (levels with the
    comment, importance, stance) is published on its own, so a row may hold one person's levels
    of one publication and their stance of another; a kind not yet published reads unanswered.
    `party` is kept here, and a removed participant's rows lose only their participant, so
    removing someone changes nothing shown until the next publication of each kind.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="published_ratings")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value_code = models.ForeignKey(
        DiagnosticValueCode, on_delete=models.CASCADE, related_name="published_ratings"
    )

    class Meta(Answer.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "value_code", "round"], name="one_published_rating"
            ),
            *Answer.Meta.constraints,
        ]
        indexes = [
            models.Index(fields=["round", "value_code", "party"], name="published_round_vc_party")
        ]

    def __str__(self):
        return f"{self.participant_id} on {self.value_code_id} in {self.round_id} (published)"


class Estimate(models.Model):
    """Where a participant thinks another party would place the current state of a Value Code
    in a round (PRODUCT.md 10); a null level is "don't know". The row exists once answered.

    Never about the participant's own party: participation.services refuses it before it is
    written (the party lives on the participant, which a check constraint cannot reach).
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="estimates")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="estimates")
    value_code = models.ForeignKey(
        DiagnosticValueCode, on_delete=models.CASCADE, related_name="estimates"
    )
    about_party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant", "value_code", "about_party"],
                name="one_estimate_per_participant_and_party",
            ),
            models.CheckConstraint(condition=_level_or_null("level"), name="estimate_level_1_to_5"),
        ]
        indexes = [
            models.Index(fields=["round", "updated_at"], name="estimate_round_updated"),
            models.Index(fields=["round", "value_code"], name="estimate_round_valuecode"),
        ]

    def __str__(self):
        return f"Estimate on Value Code {self.value_code_id} in round {self.round_id}"


class PublishedEstimate(models.Model):
    """An estimate as it stood at the last publication of its party's estimates of
    `about_party` on that Value Code (as PublishedRating): each estimates[A][B] moves in steps
    of K people who changed that estimate."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="published_estimates")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value_code = models.ForeignKey(
        DiagnosticValueCode, on_delete=models.CASCADE, related_name="published_estimates"
    )
    about_party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant", "value_code", "about_party"],
                name="one_published_estimate",
            ),
            models.CheckConstraint(
                condition=_level_or_null("level"), name="published_estimate_level_1_to_5"
            ),
            models.CheckConstraint(
                condition=~Q(party=F("about_party")), name="published_estimate_of_another_party"
            ),
        ]
        indexes = [
            models.Index(
                fields=["round", "value_code", "party"], name="pub_estimate_round_vc_party"
            )
        ]

    def __str__(self):
        return f"Estimate on {self.value_code_id} in {self.round_id} (published)"


class Pulse(models.Model):
    """The relationship pulse (PRODUCT.md 10): how likely a participant is to recommend working
    with another party to a colleague, 0..10, once per round; a null score is an answer taken
    back (not answered). Never about the participant's own party: the services refuse it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pulses")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="pulses")
    about_party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant", "about_party"], name="one_pulse_per_party"
            ),
            models.CheckConstraint(condition=_pulse_valid(), name="pulse_score_0_to_10"),
        ]

    def __str__(self):
        return f"Pulse in round {self.round_id}"


class PublishedPulse(models.Model):
    """A pulse as it stood at the last publication of its pair (party, about party): pulse
    figures move in steps of K people like every other figure (diagnostics.publication)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="published_pulses")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    about_party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant", "about_party"], name="one_published_pulse"
            ),
            models.CheckConstraint(condition=_pulse_valid(), name="published_pulse_score_0_to_10"),
            models.CheckConstraint(
                condition=~Q(party=F("about_party")), name="published_pulse_of_another_party"
            ),
        ]

    def __str__(self):
        return f"Pulse in round {self.round_id} (published)"


class ThingThatMatters(models.Model):
    KINDS = [
        ("goal", "Goal"),
        ("value", "Value"),
        ("risk", "Risk"),
        ("issue", "Issue"),
        ("concern", "Concern"),
    ]
    DIRECTIONS = [
        ("towards", "Towards the positive"),
        ("away", "Away from the negative"),
    ]

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="things_that_matter"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=KINDS, default="goal")
    direction = models.CharField(max_length=10, choices=DIRECTIONS, default="towards")
    parties = models.ManyToManyField(Party, blank=True, related_name="things_that_matter")
    value_codes = models.ManyToManyField(
        DiagnosticValueCode, blank=True, related_name="things_that_matter"
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["diagnostic", "position", "id"]
        verbose_name_plural = "things that matter"
        constraints = [
            models.CheckConstraint(condition=Q(title__regex=r"\S"), name="ttm_title_not_blank"),
            models.CheckConstraint(
                condition=Q(kind__in=["goal", "value", "risk", "issue", "concern"]),
                name="ttm_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["towards", "away"]), name="ttm_direction_valid"
            ),
        ]

    def __str__(self):
        return self.title


class AgreedTarget(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="agreed_targets")
    value_code = models.ForeignKey(
        DiagnosticValueCode, on_delete=models.CASCADE, related_name="agreed_targets"
    )
    level = models.PositiveSmallIntegerField()
    trade_off = models.TextField(
        blank=True, help_text='The trade-off or rationale: "if we focus on x, y may suffer".'
    )
    owner = models.CharField(max_length=120, blank=True)
    due_date = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "value_code"], name="one_agreed_target"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="agreed_target_level_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.value_code_id}: level {self.level}"


class TradeOffLink(models.Model):
    """A Value Code that may suffer for an agreed target: "if we focus on x, y may suffer".

    The review round is a number, not a Round: it is usually agreed before that round exists.
    It must come after the target's round; the database can only check that it is not the
    first, the service (diagnostics.targets) checks the rest, as it checks that the Value Code
    belongs to the target's diagnostic and is not the target's own.
    """

    DOWN = "down"
    HOLD = "hold"
    DIRECTIONS = [(DOWN, "may go down"), (HOLD, "should hold")]

    agreed_target = models.ForeignKey(
        AgreedTarget, on_delete=models.CASCADE, related_name="trade_off_links"
    )
    value_code = models.ForeignKey(
        DiagnosticValueCode, on_delete=models.CASCADE, related_name="trade_off_links"
    )
    direction = models.CharField(max_length=4, choices=DIRECTIONS)
    review_round = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreed_target", "value_code"], name="one_trade_off_link_per_value_code"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["down", "hold"]), name="trade_off_direction_known"
            ),
            models.CheckConstraint(
                condition=Q(review_round__gte=2), name="trade_off_review_after_a_round"
            ),
        ]

    def __str__(self):
        return f"{self.value_code_id} {self.direction} by round {self.review_round}"
