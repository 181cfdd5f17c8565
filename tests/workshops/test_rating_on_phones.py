"""Rating the Value Code on screen from a phone: ordinary ratings of the round."""

import pytest
from django.urls import reverse

from diagnostics.models import Participant, Rating
from workshops import services

pytestmark = pytest.mark.django_db


def rate(client, session, value_code, **answers):
    data = {"value_code": value_code.pk, **answers}
    return client.post(reverse("workshop:rate", args=[session.pk]), data, HTTP_HX_REQUEST="true")


def test_a_vote_is_an_ordinary_rating_of_the_open_round(
    session, council, value_codes, phone_factory
):
    phone = phone_factory(session, council, "Alex")
    response = rate(phone, session, value_codes[0], current_level="2")
    assert response.status_code == 200
    assert b"Saved" in response.content
    rate(phone, session, value_codes[0], target_level="4")
    rating = Rating.objects.get()
    assert (rating.round_id, rating.value_code_id) == (session.round_id, value_codes[0].pk)
    assert (rating.current_level, rating.target_level) == (2, 4)
    assert rating.participant == Participant.objects.get(label__startswith="Alex #")


def test_dont_know_is_an_answer_without_a_level(session, council, value_codes, phone_factory):
    phone = phone_factory(session, council, "Alex")
    rate(phone, session, value_codes[0], current_level="dk")
    rating = Rating.objects.get()
    assert rating.current_answered and rating.current_level is None


def test_a_value_code_the_facilitator_left_is_not_rated(
    session, council, value_codes, phone_factory
):
    phone = phone_factory(session, council, "Alex")
    services.step(session=session, offset=1)
    response = rate(phone, session, value_codes[0], current_level="3")
    assert b"moved on" in response.content
    assert not Rating.objects.exists()


def test_no_rating_during_the_capture_round_or_a_pause(
    session, council, value_codes, phone_factory
):
    phone = phone_factory(session, council, "Alex")
    services.pause(session=session)
    response = rate(phone, session, value_codes[0], current_level="3")
    assert b"not open right now" in response.content
    assert not Rating.objects.exists()


def test_the_phone_shows_the_value_code_on_screen(session, council, value_codes, phone_factory):
    phone = phone_factory(session, council, "Alex")
    services.go_to(session=session, value_code=value_codes[2])
    response = phone.get(reverse("workshop:phone", args=[session.pk]))
    assert value_codes[2].identifier.encode() in response.content
    assert b"Where are we now?" in response.content


def test_the_phone_shows_the_reveal_with_anonymity(
    session, council, contractor, value_codes, phone_factory
):
    alex, sam = phone_factory(session, council, "Alex"), phone_factory(session, council, "Sam")
    kim, lee = phone_factory(session, contractor, "Kim"), phone_factory(session, contractor, "Lee")
    for phone, level in ((alex, "2"), (sam, "4"), (kim, "5"), (lee, "dk")):
        rate(phone, session, value_codes[0], current_level=level)
    services.set_revealed(session=session, revealed=True)
    content = alex.get(reverse("workshop:phone", args=[session.pk])).content.decode()
    assert "<strong>3.0</strong>" in content  # Council: (2 + 4) / 2, K = 2
    assert "waiting for more answers" in content  # Contractor: 1 level < K
    assert "<strong>5.0</strong>" not in content


def test_the_phone_says_results_are_pending_for_a_party_below_k(
    session, council, contractor, value_codes, phone_factory
):
    alex, sam = phone_factory(session, council, "Alex"), phone_factory(session, council, "Sam")
    kim = phone_factory(session, contractor, "Kim")
    for phone, level in ((alex, "2"), (sam, "4"), (kim, "5")):
        rate(phone, session, value_codes[0], current_level=level)
    services.set_revealed(session=session, revealed=True)
    content = alex.get(reverse("workshop:phone", args=[session.pk])).content.decode()
    assert "<strong>3.0</strong>" in content
    assert "results pending" in content  # Contractor: Kim alone has answered
    assert "5.0" not in content


def test_a_phone_cannot_see_or_act_in_another_session(
    session, council, value_codes, phone_factory, diagnostic
):
    from ..factories import DiagnosticValueCodeFactory, MemberFactory, PartyFactory, RoundFactory

    phone = phone_factory(session, council, "Alex")
    other_diagnostic = MemberFactory().diagnostic
    PartyFactory(diagnostic=other_diagnostic)
    DiagnosticValueCodeFactory(diagnostic=other_diagnostic)
    RoundFactory(diagnostic=other_diagnostic)
    other = services.start_session(diagnostic=other_diagnostic)
    for name in ("phone", "phone_live", "rate", "capture"):
        url = reverse(f"workshop:{name}", args=[other.pk])
        response = phone.post(url, {}) if name in {"rate", "capture"} else phone.get(url)
        assert response.status_code == 404, name
    assert not Rating.objects.exists()


def test_a_stranger_without_joining_gets_404(client, session):
    assert client.get(reverse("workshop:phone", args=[session.pk])).status_code == 404
