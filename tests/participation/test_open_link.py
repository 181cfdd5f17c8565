import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from diagnostics.models import Participant
from diagnostics.participation import RegistrationRefused, register_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_party(it_party):
    it_party.open_link_enabled = True
    it_party.save()
    return it_party


def test_names_that_clash_get_a_number(open_party):
    labels = [register_participant(party=open_party, name="  Sam   Lee ").label for _ in range(3)]
    assert labels == ["Sam Lee", "Sam Lee (2)", "Sam Lee (3)"]


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
    assert (person.label, person.party) == ("Sam", open_party)
    assert response.redirect_chain[-1][0] == reverse("participant:home", args=[person.token])
    assert b"bookmark it" in response.content


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


def test_a_sign_up_name_never_tells_that_someone_of_that_name_takes_part(
    client, open_party, diagnostic
):
    marketing = diagnostic.parties.get(name="Marketing")
    Participant.objects.create(diagnostic=diagnostic, party=marketing, label="x1")
    url = reverse("participant:join", args=[open_party.open_link_token])
    response = client.post(url, {"name": "x1"}, follow=True)
    joiner = Participant.objects.get(party=open_party)
    assert joiner.label == "x1 (2)"  # labels stay unique for the facilitator
    assert "x1 (2)" not in response.content.decode()
    assert "IT · x1<" in response.content.decode()
