"""A live workshop: one facilitator steps a room through a diagnostic's open round.

Ratings given in a workshop are ordinary `diagnostics.Rating` rows (saved through
`participation.services.save_rating`); these models only hold what is live about the room:
which Value Code is on screen, who joined, and the Things That Matter captured from phones.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from diagnostics.models import (
    Diagnostic,
    DiagnosticValueCode,
    Participant,
    Party,
    Round,
    ThingThatMatters,
)

# No 0/O, 1/I/L: codes are read off a projector and typed on phones.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class WorkshopSession(models.Model):
    CAPTURING = "capturing"
    RATING = "rating"
    PAUSED = "paused"
    ENDED = "ended"
    STATES = [
        (CAPTURING, "Capturing Things That Matter"),
        (RATING, "Rating"),
        (PAUSED, "Paused"),
        (ENDED, "Ended"),
    ]

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="workshop_sessions"
    )
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="workshop_sessions")
    join_code = models.CharField(max_length=12, default=new_join_code)
    state = models.CharField(max_length=10, choices=STATES, default=RATING)
    # Where "resume" returns to after a pause.
    resume_state = models.CharField(max_length=10, choices=STATES, default=RATING)
    current_value_code = models.ForeignKey(
        DiagnosticValueCode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revealed = models.BooleanField(default=False)
    # The first step of a reveal when the diagnostic asks for estimates of the other side:
    # what each party expected the others to say, before what they said.
    showing_expectations = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change of state.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # A code identifies one live session; ended sessions free their code.
            models.UniqueConstraint(
                fields=["join_code"],
                condition=Q(ended_at__isnull=True),
                name="workshop_join_code_unique_while_live",
            ),
            models.UniqueConstraint(
                fields=["diagnostic"],
                condition=Q(ended_at__isnull=True),
                name="one_live_workshop_per_diagnostic",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["capturing", "rating", "paused", "ended"]),
                name="workshop_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(resume_state__in=["capturing", "rating"]),
                name="workshop_resume_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(state="ended", ended_at__isnull=False)
                | (~Q(state="ended") & Q(ended_at__isnull=True)),
                name="workshop_ended_iff_ended_at",
            ),
            models.CheckConstraint(
                condition=Q(showing_expectations=False) | Q(revealed=True),
                name="workshop_expectations_only_revealed",
            ),
        ]

    def __str__(self):
        return f"Workshop {self.join_code} on {self.diagnostic}"

    @property
    def is_live(self):
        return self.state != self.ENDED


class WorkshopAttendee(models.Model):
    """A participant who joined this session (by code, or through their invitation link)."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="attendees")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="workshop_attendances"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="workshop_attendee_once"
            )
        ]

    def __str__(self):
        return f"{self.participant_id} in {self.session_id}"


class WorkshopSeats(models.Model):
    """How many people of one party may be in the session (attendees, however they joined).

    Per party, because the party is what an invented joiner needs to share with a real one:
    a cap on the whole room would leave every spare seat free for one small party.
    """

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="seats")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    seats = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name_plural = "workshop seats"
        constraints = [
            models.UniqueConstraint(fields=["session", "party"], name="workshop_seats_once"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="workshop_seats_positive"),
        ]

    def __str__(self):
        return f"{self.seats} seats for {self.party_id} in {self.session_id}"


class WorkshopReveal(models.Model):
    """A Value Code revealed in a session: answers to it are closed from then on, and the
    figures shown are the ones frozen here at the reveal."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="reveals")
    value_code = models.ForeignKey(DiagnosticValueCode, on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField()
    revealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "value_code"], name="workshop_reveal_once")
        ]

    def __str__(self):
        return f"{self.value_code_id} revealed in {self.session_id}"


class CapturedThing(models.Model):
    """A Thing That Matters as typed on a phone during a capture round, before it is kept."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="captures")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    kept = models.BooleanField(default=False)
    thing_that_matters = models.ForeignKey(
        ThingThatMatters, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(title__regex=r"\S"), name="capture_title_not_blank"),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="capture_not_merged_into_itself"
            ),
        ]

    def __str__(self):
        return self.title


class Upvote(models.Model):
    captured_thing = models.ForeignKey(
        CapturedThing, on_delete=models.CASCADE, related_name="upvotes"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["captured_thing", "participant"], name="one_upvote_per_participant"
            )
        ]

    def __str__(self):
        return f"{self.participant_id} upvoted {self.captured_thing_id}"
