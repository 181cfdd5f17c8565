"""An open link admits only as many people as the facilitator gave it places (PRODUCT.md 3)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Participant, Party
from participation import invitations
from participation.services import OpenLinkFull, register_participant
from results.analysis import analyse

from ..factories import ParticipantFactory, RatingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_places(it_party):
    return services.set_open_link(party=it_party, enabled=True, capacity=2)


def join(client, party, name):
    return client.post(reverse("participant:join", args=[party.open_link_token]), {"name": name})


def test_a_third_sign_up_on_a_link_with_two_places_is_refused_and_told_to_ask(client, two_places):
    assert join(client, two_places, "Real person").status_code == 302
    assert join(client, two_places, "Invented one").status_code == 302
    response = join(client, two_places, "Invented two")
    assert response.status_code == 409
    assert b"This sign-up link is full" in response.content
    assert b"Ask your facilitator" in response.content
    assert not Participant.objects.filter(label__startswith="Invented two").exists()
    page = client.get(reverse("participant:join", args=[two_places.open_link_token]))
    assert page.status_code == 409 and b"Your name" not in page.content


def test_the_service_refuses_past_the_places_too(two_places):
    register_participant(party=two_places, name="A")
    register_participant(party=two_places, name="B")
    with pytest.raises(OpenLinkFull):
        register_participant(party=two_places, name="C")
    assert two_places.participants.count() == 2


def test_invited_people_take_no_place_but_revoked_joiners_keep_theirs(two_places):
    ParticipantFactory(party=two_places, label="Invited")
    first = register_participant(party=two_places, name="A")
    invitations.revoke_participant(participant=first)
    register_participant(party=two_places, name="B")
    with pytest.raises(OpenLinkFull):
        register_participant(party=two_places, name="C")


def test_removing_a_joiner_frees_their_place(two_places):
    register_participant(party=two_places, name="A")
    invented = register_participant(party=two_places, name="Invented")
    invitations.remove_joiner(participant=invented)
    assert register_participant(party=two_places, name="B").joined_through == "open_link"


def test_a_joiner_who_answered_in_a_closed_round_is_revoked_not_removed(two_places, diagnostic):
    # Deleting their answers would move the closed round's final figures by exactly them.
    joiner = register_participant(party=two_places, name="Jo")
    round_ = diagnostic.rounds.get()
    RatingFactory(participant=joiner, round=round_, value_code=diagnostic.value_codes.first())
    services.close_round(round=round_)
    before = analyse(diagnostic, round_number=1)
    with pytest.raises(ValidationError) as refused:
        invitations.remove_joiner(participant=joiner)
    assert "Revoke their link instead" in refused.value.messages[0]
    assert Participant.objects.filter(pk=joiner.pk).exists()
    assert analyse(diagnostic, round_number=1) == before


def test_a_renewed_link_keeps_counting_everyone_who_joined(two_places):
    register_participant(party=two_places, name="A")
    register_participant(party=two_places, name="B")
    services.set_open_link(party=two_places, enabled=True, renew=True)
    with pytest.raises(OpenLinkFull):
        register_participant(party=two_places, name="C")


@pytest.mark.parametrize("capacity", [None, 0, -3, "many", 10_001])
def test_switching_a_link_on_needs_a_positive_number_of_places(it_party, capacity):
    with pytest.raises(ValidationError) as refused:
        services.set_open_link(party=it_party, enabled=True, capacity=capacity)
    assert "capacity" in refused.value.message_dict
    it_party.refresh_from_db()
    assert not it_party.open_link_enabled


def test_the_database_refuses_a_link_without_a_place(it_party):
    with pytest.raises(IntegrityError):
        Party.objects.filter(pk=it_party.pk).update(open_link_capacity=0)


@pytest.fixture
def parties_url(diagnostic):
    return reverse("diagnostics:parties", args=[diagnostic.slug])


def open_link_url(party):
    return reverse("diagnostics:party_open_link", args=[party.diagnostic.slug, party.pk])


def test_the_facilitator_switches_a_link_on_with_places_and_sees_them_taken(
    owner_client, it_party, parties_url
):
    page = owner_client.get(parties_url).content.decode()
    assert f'id="places-{it_party.pk}"' in page and 'min="1"' in page
    response = owner_client.post(
        open_link_url(it_party), {"action": "enable", "capacity": "3"}, follow=True
    )
    assert "The open link for IT is on." in response.content.decode()
    register_participant(party=Party.objects.get(pk=it_party.pk), name="A")
    page = owner_client.get(parties_url).content.decode()
    assert "1 of 3 places taken" in page


def test_places_can_be_changed_and_a_bad_number_says_why(owner_client, two_places, parties_url):
    owner_client.post(open_link_url(two_places), {"action": "places", "capacity": "5"})
    two_places.refresh_from_db()
    assert two_places.open_link_capacity == 5
    response = owner_client.post(
        open_link_url(two_places), {"action": "places", "capacity": "0"}, follow=True
    )
    assert "how many people may join through the link" in response.content.decode()
    two_places.refresh_from_db()
    assert two_places.open_link_capacity == 5


def test_a_full_link_is_marked_full_for_the_facilitator(owner_client, two_places, parties_url):
    register_participant(party=two_places, name="A")
    register_participant(party=two_places, name="B")
    page = owner_client.get(parties_url).content.decode()
    assert "Full</span> 2 of 2 places taken" in page
