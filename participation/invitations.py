"""Participants and their links: invitations, personal links, e-mails, revocation, reminders.

A facilitator hands out the *invitation link* (shown on the Participants tab until its first
use). Using it moves the participant to a fresh *personal link* that no facilitator ever sees:
it is shown to the one who used the invitation, or e-mailed to the address on file, which
cannot change from then on. So nobody but the participant can open their answers.

Writes as in services.py: keyword-only, validated, one transaction.
"""

import logging
import uuid

from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from diagnostics.models import Participant, new_token
from diagnostics.participant_lists import MAX_LABEL, check_people

from .emails import INVITATION, PERSONAL_LINK, REMINDER
from .progress import unfinished_participants
from .tasks import send_participant_emails

logger = logging.getLogger(__name__)


class InvitationRefused(ValidationError):
    """The invitation link was used already, or revoked."""


@transaction.atomic
def add_participants(*, diagnostic, party, people, send_invitations=True):
    """Add people (label, e-mail) to a party, all or none; each gets an invitation link. Those
    with an e-mail are invited by e-mail once the transaction commits."""
    if party.diagnostic_id != diagnostic.pk:
        raise ValidationError({"party": "Choose a party of this diagnostic."})
    people = check_people(people)
    wanted = [label.casefold() for label, _ in people]
    taken = [
        label
        for label in diagnostic.participants.values_list("label", flat=True)
        if label.casefold() in wanted
    ]
    if taken:
        raise ValidationError(
            {"people": f"Already in this diagnostic: {', '.join(sorted(taken))}. Use other names."}
        )
    participants = Participant.objects.bulk_create(
        Participant(diagnostic=diagnostic, party=party, label=label, email=email)
        for label, email in people
    )
    if send_invitations:
        send_invitation_emails(participants=[p for p in participants if p.email])
    return participants


def _queue_emails(participants, kind):
    """Queue e-mails of one kind as one batch: however often its task is retried, each
    participant gets one message."""
    ids = [p.pk for p in participants if p.email and not p.is_revoked]
    if not ids:
        return 0
    batch = str(uuid.uuid4())

    def queue():
        # After the commit the people are saved whatever happens here; a queue (or, with
        # tasks run in-process, a mail server) that is down must not turn that into an error
        # page. Those not reached keep no "invited" date, so the tab offers to send again.
        try:
            send_participant_emails.delay(ids, kind=kind, batch=batch)
        except (BrokerUnavailable, OSError, Retry) as error:
            logger.warning("%s e-mails of batch %s not sent for now: %r", kind, batch, error)

    transaction.on_commit(queue)
    return len(ids)


def send_invitation_emails(*, participants, reminder=False):
    """Queue invitation (or reminder) e-mails for participants who have an e-mail address.

    They carry the invitation link, which leads someone who used it already to a page that
    e-mails their personal link (see send_personal_link)."""
    return _queue_emails(participants, REMINDER if reminder else INVITATION)


def _new_personal_link(participant):
    """A fresh personal link; the old one, and any phone that joined a workshop with it, stop."""
    participant.token = new_token()
    participant.workshop_attendances.all().delete()


@transaction.atomic
def use_invitation(*, participant):
    """The first use of an invitation link: the participant moves to a fresh personal link,
    which only whoever used the invitation receives. Refused once used or revoked."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if locked.is_revoked:
        raise InvitationRefused("This link was revoked. Ask your facilitator for a new one.")
    if locked.invitation_used:
        raise InvitationRefused("This invitation link was used already.")
    locked.invitation_used_at = timezone.now()
    _new_personal_link(locked)
    locked.save(update_fields=["invitation_used_at", "token"])
    return locked


@transaction.atomic
def send_personal_link(*, participant):
    """E-mail a fresh personal link to the address on file; it is never shown on a screen.

    Rotating first matters: whoever used the invitation (perhaps not the person behind the
    address) loses the old link, so the person behind the address holds the only one."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if not locked.invitation_used:
        raise ValidationError("This invitation was not used yet: send the invitation instead.")
    if not locked.email or locked.is_revoked:
        raise ValidationError(f"{locked.label} has no e-mail address or is revoked.")
    _new_personal_link(locked)
    locked.save(update_fields=["token"])
    _queue_emails([locked], PERSONAL_LINK)
    return locked


@transaction.atomic
def revoke_participant(*, participant):
    """The participant's links stop working; their ratings so far stay."""
    if participant.revoked_at is None:
        participant.revoked_at = timezone.now()
        participant.save(update_fields=["revoked_at"])
    return participant


@transaction.atomic
def remove_joiner(*, participant):
    """Remove someone who joined without an invitation, with everything they answered.

    They lose every right at once (their link and their workshop seats are gone with them),
    their answers no longer count, and their place on the open link or in the room is free.
    Invited people are revoked instead: their answers stay as evidence. So is a joiner who
    answered in a closed round: deleting those answers would move that round's final figures by
    exactly this person's answers, beside the name the facilitator chose.
    """
    if not participant.is_joiner:
        raise ValidationError(
            f"{participant.label} was invited, so they are not removed: revoke their link instead."
        )
    if _answered_in_a_closed_round(participant):
        raise ValidationError(
            f"{participant.label} answered in a closed round, and its final figures include "
            "those answers: removing them would change those figures by exactly their answers. "
            "Revoke their link instead: they lose every right at once."
        )
    participant.delete()
    return participant


def _answered_in_a_closed_round(participant):
    # A closed round's figures are read from its answers (diagnostics.publication).
    return any(
        answers.filter(round__closed_at__isnull=False).exists()
        for answers in (participant.ratings, participant.pulses)
    )


@transaction.atomic
def reissue_link(*, participant, send=True):
    """Give working access again without handing anyone the participant's answers.

    - Invitation not used yet: a new invitation link (the old one stops), e-mailed if possible.
    - Used, with an e-mail address: a new personal link, e-mailed to that address only.
    - Used, without one: nobody but the participant may open their answers, so a new, empty
      participant with the same name and party takes their place, and the old one is revoked.
    Returns the participant who now has the link (a new one in the last case).
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.invitation_used and not participant.email:
        return _replace(participant)
    participant.revoked_at = None
    _new_personal_link(participant)
    fields = ["token", "revoked_at"]
    if not participant.invitation_used:
        participant.invitation_token = new_token()
        fields.append("invitation_token")
    participant.save(update_fields=fields)
    if send and participant.invitation_used:
        _queue_emails([participant], PERSONAL_LINK)
    elif send:
        send_invitation_emails(participants=[participant])
    return participant


def _replace(participant):
    label = participant.label
    participant.label = free_label(participant.diagnostic_id, f"{label[:100]} (replaced)")
    participant.revoked_at = participant.revoked_at or timezone.now()
    participant.save(update_fields=["label", "revoked_at"])
    return Participant.objects.create(
        diagnostic_id=participant.diagnostic_id, party_id=participant.party_id, label=label
    )


def free_label(diagnostic_id, base):
    """`base`, or `base (2)`, `base (3)`... whichever no participant of the diagnostic has.
    Facilitators' side only: sign-up names must not learn from it (participation.py)."""
    taken = {
        label.casefold()
        for label in Participant.objects.filter(
            diagnostic_id=diagnostic_id, label__istartswith=base
        ).values_list("label", flat=True)
    }
    label, number = base, 1
    while label.casefold() in taken:
        number += 1
        label = f"{base} ({number})"
    return label


@transaction.atomic
def update_participant(*, participant, label, email):
    """Rename a participant or correct their e-mail address.

    The address is fixed once the invitation was used: personal links go to it, so changing
    it would let anyone who changes it receive the participant's answers."""
    label, email = " ".join((label or "").split()), (email or "").strip()
    if not label:
        raise ValidationError({"label": "A name is needed."})
    if len(label) > MAX_LABEL:
        raise ValidationError({"label": f"A name is at most {MAX_LABEL} characters."})
    clash = Participant.objects.filter(
        diagnostic_id=participant.diagnostic_id, label__iexact=label
    ).exclude(pk=participant.pk)
    if clash.exists():
        raise ValidationError({"label": "Somebody else in this diagnostic has this name."})
    if email:
        try:
            validate_email(email)
        except ValidationError as invalid:
            raise ValidationError({"email": f"{email} is not an e-mail address."}) from invalid
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if email.casefold() != locked.email.casefold() and locked.invitation_used:
        raise ValidationError(
            {
                "email": "This person has used their invitation, so their e-mail address can no "
                "longer change: their personal link goes only to it. If it is wrong, revoke "
                "them and add them again."
            }
        )
    locked.label, locked.email = label, email
    locked.save(update_fields=["label", "email"])
    return locked


@transaction.atomic
def send_reminders(*, diagnostic):
    """Remind by e-mail everybody not finished in the open round; returns how many."""
    return send_invitation_emails(
        participants=unfinished_participants(diagnostic=diagnostic), reminder=True
    )
