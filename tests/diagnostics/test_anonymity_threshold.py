"""K, the anonymity threshold, tried as a facilitator who wants to read a party of two: it can
be raised at any time, lowered only while the diagnostic has no rating (PRODUCT.md 3)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Pulse, Rating
from participation import invitations

from ..factories import UserFactory
from .builders import make_diagnostic

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnostic(facilitator):
    return make_diagnostic(facilitator=facilitator, anonymity_threshold=3)


def rate_once(diagnostic):
    (person,) = invitations.add_participants(
        diagnostic=diagnostic,
        party=diagnostic.parties.first(),
        people=[("Ann", "")],
        send_invitations=False,
    )
    return Rating.objects.create(
        participant=person,
        round=diagnostic.rounds.get(),
        value_code=diagnostic.value_codes.first(),
        current_level=2,
        current_answered=True,
    )


def update(diagnostic, threshold):
    return services.update_diagnostic(
        diagnostic=diagnostic, name=diagnostic.name, anonymity_threshold=threshold
    )


def test_k_can_be_lowered_while_nobody_has_answered(diagnostic):
    assert update(diagnostic, 1).anonymity_threshold == 1


def test_k_cannot_be_lowered_once_a_rating_exists(diagnostic):
    rate_once(diagnostic)
    with pytest.raises(ValidationError) as refused:
        update(diagnostic, 1)
    assert "not lowered below 3" in refused.value.message_dict["anonymity_threshold"][0]
    diagnostic.refresh_from_db()
    assert diagnostic.anonymity_threshold == 3


def test_k_cannot_be_lowered_once_someone_answered_only_the_pulse(diagnostic):
    # A pulse is saved without a rating: lowering K here would publish one person's pulse.
    diagnostic.asks_pulse = True
    diagnostic.save()
    rating = rate_once(diagnostic)
    buyer, supplier = diagnostic.parties.order_by("position")[:2]
    Pulse.objects.create(
        round=rating.round, participant=rating.participant, about_party=supplier, score=2
    )
    rating.delete()
    with pytest.raises(ValidationError):
        update(diagnostic, 1)
    diagnostic.refresh_from_db()
    assert diagnostic.anonymity_threshold == 3


def test_k_can_be_raised_once_a_rating_exists(diagnostic):
    rate_once(diagnostic)
    assert update(diagnostic, 5).anonymity_threshold == 5
    with pytest.raises(ValidationError):
        update(diagnostic, 4)  # ... and not brought back down after that


def test_a_stale_copy_of_the_diagnostic_cannot_lower_k(diagnostic):
    """The rule compares with K as stored, not with a copy read before someone raised it."""
    stale = type(diagnostic).objects.get(pk=diagnostic.pk)
    rate_once(diagnostic)
    update(diagnostic, 6)
    with pytest.raises(ValidationError):
        update(stale, 4)


def test_the_settings_form_says_why_k_cannot_be_lowered(facilitator_client, diagnostic):
    rate_once(diagnostic)
    url = reverse("diagnostics:edit", args=[diagnostic.slug])
    response = facilitator_client.post(url, {"name": diagnostic.name, "anonymity_threshold": "1"})
    assert response.status_code == 200
    assert "can be raised, not lowered below 3" in response.content.decode()
    diagnostic.refresh_from_db()
    assert diagnostic.anonymity_threshold == 3


def test_the_admin_cannot_lower_k_either(client, diagnostic):
    rate_once(diagnostic)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data |= {
        "anonymity_threshold": "1",
        **{
            f"{prefix}-{suffix}": value
            for prefix in ("parties", "memberships")
            for suffix, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
        },
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "not lowered below 3" in response.content.decode()
    diagnostic.refresh_from_db()
    assert diagnostic.anonymity_threshold == 3


def test_the_participants_page_states_the_k_in_force(client, diagnostic):
    rating = rate_once(diagnostic)
    update(diagnostic, 4)
    home = reverse("participant:home", args=[rating.participant.token])
    page = " ".join(client.get(home).content.decode().split())
    assert "at least <strong>4</strong> people of that party" in page
    assert "can be raised but never lowered" in page


def test_facilitators_switch_individual_reports_on_and_off_in_the_settings(
    client, facilitator_client, diagnostic
):
    url = reverse("diagnostics:edit", args=[diagnostic.slug])
    rating = rate_once(diagnostic)
    home = reverse("participant:home", args=[rating.participant.token])
    report = reverse("individual:report", args=[rating.participant.token])
    data = {"name": diagnostic.name, "anonymity_threshold": "3"}

    facilitator_client.post(url, data | {"share_individual_reports": "on"})
    diagnostic.refresh_from_db()
    assert diagnostic.share_individual_reports
    assert "you can see your own answers beside the figures" in client.get(home).content.decode()
    assert "Not shared in this diagnostic" not in client.get(report).content.decode()

    facilitator_client.post(url, data)
    diagnostic.refresh_from_db()
    assert not diagnostic.share_individual_reports
    assert "has not turned on individual reports" in client.get(home).content.decode()
    assert "Not shared in this diagnostic" in client.get(report).content.decode()
