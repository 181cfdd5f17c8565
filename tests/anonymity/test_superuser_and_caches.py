"""Attacks found by probing a running ttm: a superuser moving someone to another party, the
admin's delete page listing a named person's ratings, personal links printed to a log by the
console e-mail backend in production, and result pages kept by browser caches."""

import pytest
from django.urls import reverse

from ..analysis.helpers import realistic_diagnostic
from ..factories import MemberFactory, UserFactory
from ..foundation.test_settings import run_python

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnostic():
    return realistic_diagnostic(value_codes=3, people=(3, 3), rounds=1, slug="probe")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_a_superuser_cannot_move_a_participant_to_another_party(admin_client, diagnostic):
    person = diagnostic.participants.first()
    other = diagnostic.parties.exclude(pk=person.party_id).first()
    url = reverse("admin:diagnostics_participant_change", args=[person.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="party"' not in page
    admin_client.post(url, {"party": other.pk, "label": person.label, "email": person.email})
    person.refresh_from_db()
    assert person.party_id != other.pk


def test_a_superuser_cannot_reopen_a_closed_round_or_add_one(admin_client, diagnostic):
    # Reopened, a closed round's final figures would change again by what changed meanwhile.
    round_ = diagnostic.rounds.get()
    round_.closed_at = round_.opened_at
    round_.save()
    url = reverse("admin:diagnostics_round_change", args=[round_.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="closed_at' not in page
    admin_client.post(url, {"closed_at_0": "", "closed_at_1": ""})
    round_.refresh_from_db()
    assert round_.closed_at is not None
    assert admin_client.get(reverse("admin:diagnostics_round_add")).status_code == 403


def test_the_admin_offers_no_delete_page_that_lists_a_persons_ratings(admin_client, diagnostic):
    person = diagnostic.participants.first()
    url = reverse("admin:diagnostics_participant_delete", args=[person.pk])
    assert admin_client.get(url).status_code == 403


def test_in_production_e_mails_go_to_smtp_not_to_a_log():
    result = run_python(
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.EMAIL_BACKEND)",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k7#Qz!v9-Lr2@wX8$pN4^tB6&yH1*mC3(eJ5)uG0_sD7+aF2=oK9",
        DJANGO_ALLOWED_HOSTS="ttm.example.org",
    )
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend", result.stderr


@pytest.mark.parametrize(
    "name", ["results:dashboard", "diagnostics:participants", "diagnostics:detail"]
)
def test_pages_with_results_or_people_are_never_stored_by_a_browser(client, diagnostic, name):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    response = client.get(reverse(name, args=[diagnostic.slug]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
