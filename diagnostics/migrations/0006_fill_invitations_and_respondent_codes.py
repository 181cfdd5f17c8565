import secrets

from django.db import migrations
from django.utils import timezone

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _code():
    return "R-" + "".join(secrets.choice(ALPHABET) for _ in range(4))


def forwards(apps, schema_editor):
    """Every link facilitators could see so far becomes an invitation link.

    Its holder gets a fresh personal link on first use; for someone who has answered already
    it counts as used, because a facilitator may have copied it from the Participants tab.
    """
    Participant = apps.get_model("diagnostics", "Participant")
    Rating = apps.get_model("diagnostics", "Rating")
    answered = set(Rating.objects.values_list("participant_id", flat=True).distinct())
    codes = {}
    now = timezone.now()
    for participant in Participant.objects.order_by("id").iterator():
        taken = codes.setdefault(participant.diagnostic_id, set())
        code = _code()
        while code in taken:
            code = _code()
        taken.add(code)
        participant.respondent_code = code
        participant.invitation_token = participant.token
        participant.token = secrets.token_urlsafe(32)
        if participant.pk in answered:
            participant.invitation_used_at = now
        participant.save(
            update_fields=["respondent_code", "invitation_token", "token", "invitation_used_at"]
        )


class Migration(migrations.Migration):
    dependencies = [("diagnostics", "0005_participant_invitation_and_respondent_code")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
