"""Membership of a diagnostic decides what a user may do with it (ttm/access.py)."""

import pytest
from django.urls import reverse

from workshops.models import WorkshopSession

from ..diagnostics.builders import make_diagnostic
from ..factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

HUB_TABS = ["detail", "edit", "rounds", "parties", "participants", "things", "value_codes"]


@pytest.fixture
def diagnostic(facilitator):
    return make_diagnostic(facilitator=facilitator)


@pytest.fixture
def member_outside_the_group(diagnostic):
    """A facilitator member of the diagnostic who is not in the Facilitators group."""
    return MemberFactory(diagnostic=diagnostic, user=UserFactory(username="guest-facilitator")).user


def test_a_facilitator_member_outside_the_group_runs_the_diagnostic_and_its_workshop(
    client, diagnostic, member_outside_the_group
):
    client.force_login(member_outside_the_group)
    for tab in [*HUB_TABS, "members"]:
        assert client.get(reverse(f"diagnostics:{tab}", args=[diagnostic.slug])).status_code == 200
    presenter = reverse("workshop_presenter:presenter", args=[diagnostic.slug])
    assert client.get(presenter).status_code == 200
    seats = {f"seats-{party.pk}": "6" for party in diagnostic.parties.all()}
    started = client.post(reverse("workshop_presenter:start", args=[diagnostic.slug]), seats)
    assert started.status_code == 302
    assert WorkshopSession.objects.filter(diagnostic=diagnostic, ended_at__isnull=True).exists()


def test_outside_the_group_a_member_may_not_create_diagnostics_or_open_libraries(
    client, member_outside_the_group
):
    client.force_login(member_outside_the_group)
    assert client.get(reverse("diagnostics:create")).status_code == 403
    assert client.get(reverse("valuecodes:list")).status_code == 403


def test_a_sponsor_reads_results_and_reports_and_is_refused_the_rest(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic, role="sponsor").user)
    for name in ["diagnostics:detail", "results:dashboard", "results:json", "reports:list"]:
        assert client.get(reverse(name, args=[diagnostic.slug])).status_code == 200, name
    for name in ["diagnostics:participants", "workshop_presenter:presenter", "exports:ratings_csv"]:
        assert client.get(reverse(name, args=[diagnostic.slug])).status_code == 403, name


def test_a_facilitator_of_another_diagnostic_finds_nothing_of_this_one(client, diagnostic):
    client.force_login(MemberFactory().user)
    for name in ["diagnostics:detail", "results:dashboard", "workshop_presenter:presenter"]:
        assert client.get(reverse(name, args=[diagnostic.slug])).status_code == 404, name


def test_the_hub_shows_the_running_tabs_to_facilitator_members_only(client, diagnostic):
    workshop_tab = reverse("workshop_presenter:presenter", args=[diagnostic.slug])
    client.force_login(MemberFactory(diagnostic=diagnostic, user=UserFactory()).user)
    assert workshop_tab in client.get(diagnostic.get_absolute_url()).content.decode()
    client.force_login(MemberFactory(diagnostic=diagnostic, role="sponsor").user)
    assert workshop_tab not in client.get(diagnostic.get_absolute_url()).content.decode()
