import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from diagnostics.models import Participant
from participation.services import RegistrationRefused, register_participant

from ..factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_party(it_party):
    it_party.open_link_enabled = True
    it_party.save()
    return it_party


def test_every_sign_up_name_gets_a_random_tag(open_party):
    labels = [register_participant(party=open_party, name="  Sam   Lee ").label for _ in range(3)]
    assert len(set(labels)) == 3
    assert all(re.fullmatch(r"Sam Lee #[A-Z2-9]{4}", label) for label in labels)


def test_a_sign_up_name_does_not_tell_whether_another_party_has_it(open_party, diagnostic):
    """Attack: sign up as "x1" and look at your label for a sign that an "x1" exists."""
    marketing = diagnostic.parties.get(name="Marketing")
    ParticipantFactory(party=marketing, label="x1")
    beside_another = register_participant(party=open_party, name="x1")
    Participant.objects.filter(party=marketing).delete()
    alone = register_participant(party=open_party, name="x1")
    pattern = r"x1 #[A-Z2-9]{4}"
    assert re.fullmatch(pattern, beside_another.label) and re.fullmatch(pattern, alone.label)


def test_a_sign_up_uses_its_invitation_at_once(open_party):
    """Nobody else may hold a link to a sign-up's answers: there is no invitation to hand out."""
    assert register_participant(party=open_party, name="Sam").invitation_used


def test_a_disabled_open_link_refuses(it_party):
    with pytest.raises(RegistrationRefused):
        register_participant(party=it_party, name="Sam")


def test_a_blank_name_is_refused(open_party):
    with pytest.raises(ValidationError):
        register_participant(party=open_party, name="   ")


def test_joining_gives_a_personal_link_to_bookmark(client, open_party):
    url = reverse("participant:join", args=[open_party.open_link_token])
    assert b"Your name" in client.get(url).content
    response = client.post(url, {"name": "Sam"}, follow=True)
    person = Participant.objects.get()
    assert person.label.startswith("Sam #") and person.party == open_party
    assert response.redirect_chain[-1][0] == reverse("participant:home", args=[person.token])
    assert b"bookmark it" in response.content
    assert "no-store" in response["Cache-Control"]


def test_a_join_without_a_name_shows_the_form_again(client, open_party):
    response = client.post(
        reverse("participant:join", args=[open_party.open_link_token]), {"name": ""}
    )
    assert response.status_code == 200 and b"This field is required" in response.content
    assert not Participant.objects.exists()


def test_a_closed_or_guessed_join_link(client, it_party):
    response = client.get(reverse("participant:join", args=[it_party.open_link_token]))
    assert response.status_code == 410 and b"sign-up link is closed" in response.content
    assert (
        client.post(
            reverse("participant:join", args=[it_party.open_link_token]), {"name": "x"}
        ).status_code
        == 410
    )
    assert client.get(reverse("participant:join", args=["guess"])).status_code == 404
    assert not Participant.objects.exists()
