"""The presenter view: who may open it, what it shows, and its controls."""

import pytest
from django.urls import reverse

from diagnostics.models import AgreedTarget, DiagnosticMember
from workshops import services
from workshops.models import WorkshopSession

from ..factories import FacilitatorFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def presenter_url(diagnostic):
    return reverse("workshop_presenter:presenter", args=[diagnostic.slug])


def control(client, session, action, **data):
    url = reverse("workshop_presenter:control", args=[session.diagnostic.slug, session.pk])
    return client.post(url, {"action": action, **data})


def test_anonymous_visitors_are_sent_to_log_in(client, diagnostic):
    response = client.get(presenter_url(diagnostic))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_facilitator_who_is_not_a_member_gets_404(client, session):
    client.force_login(FacilitatorFactory(username="outsider"))
    assert client.get(presenter_url(session.diagnostic)).status_code == 404
    assert control(client, session, "end").status_code == 404
    live = reverse("workshop_presenter:live", args=[session.diagnostic.slug, session.pk])
    assert client.get(live).status_code == 404
    assert WorkshopSession.objects.get(pk=session.pk).is_live


def test_a_sponsor_of_the_diagnostic_cannot_present(client, diagnostic):
    sponsor = UserFactory(username="sponsor")
    MemberFactory(diagnostic=diagnostic, user=sponsor, role=DiagnosticMember.SPONSOR)
    client.force_login(sponsor)
    assert client.get(presenter_url(diagnostic)).status_code in {403, 404}


def test_the_facilitator_starts_a_workshop_from_the_diagnostic(facilitator_client, diagnostic):
    page = facilitator_client.get(presenter_url(diagnostic))
    assert b"Start rating Value Codes" in page.content
    url = reverse("workshop_presenter:start", args=[diagnostic.slug])
    seats = {f"seats-{party.pk}": "6" for party in diagnostic.parties.all()}
    response = facilitator_client.post(url, {"first": "rating", **seats}, follow=True)
    session = WorkshopSession.objects.get()
    content = response.content.decode()
    assert session.join_code in content
    assert "<svg" in content  # the QR code of the join URL
    assert f"/workshop/{session.join_code}/" in content or "Reliability" in content


def test_the_presenter_shows_the_value_code_statements_and_answer_counts(
    facilitator_client, session, council, contractor, value_codes, phone_factory
):
    from .test_rating_on_phones import rate

    alex = phone_factory(session, council, "Alex")
    phone_factory(session, council, "Sam")
    phone_factory(session, contractor, "Kim")
    rate(alex, session, value_codes[0], current_level="2")
    content = facilitator_client.get(presenter_url(session.diagnostic)).content.decode()
    assert "Reliability" in content
    assert 'class="statement level-1"' in content and 'class="statement level-5"' in content
    assert "Council 1/2" in content and "Contractor 0/1" in content


def test_reveal_shows_means_and_perception_gap_with_anonymity(
    facilitator_client, session, council, contractor, value_codes, phone_factory
):
    from .test_rating_on_phones import rate

    answers = ((council, "A", "2"), (council, "B", "3"), (contractor, "C", "5"))
    for party, name, current in (*answers, (contractor, "D", "dk")):
        rate(phone_factory(session, party, name), session, value_codes[0], current_level=current)
    control(facilitator_client, session, "reveal")
    content = facilitator_client.get(presenter_url(session.diagnostic)).content.decode()
    assert '<td class="mean">2.5</td>' in content
    assert "waiting for more answers (1 of 2)" in content  # Contractor, K = 2
    assert "needs two parties with enough answers" in content


def test_a_party_with_fewer_than_k_answers_is_pending_at_the_reveal(
    facilitator_client, session, council, contractor, value_codes, phone_factory
):
    from .test_rating_on_phones import rate

    for party, name, current in ((council, "A", "2"), (council, "B", "3"), (contractor, "C", "5")):
        rate(phone_factory(session, party, name), session, value_codes[0], current_level=current)
    control(facilitator_client, session, "reveal")
    content = facilitator_client.get(presenter_url(session.diagnostic)).content.decode()
    assert '<td class="mean">2.5</td>' in content
    assert "results pending: they appear once 2 of this party have answered" in content
    assert "5.0" not in content and "(1 of 2)" not in content


def test_the_controls_step_jump_pause_and_end(facilitator_client, session, value_codes):
    control(facilitator_client, session, "next")
    assert WorkshopSession.objects.get().current_value_code == value_codes[1]
    control(facilitator_client, session, "jump", value_code=value_codes[2].pk)
    assert WorkshopSession.objects.get().current_value_code == value_codes[2]
    control(facilitator_client, session, "previous")
    assert WorkshopSession.objects.get().current_value_code == value_codes[1]
    control(facilitator_client, session, "pause")
    assert WorkshopSession.objects.get().state == "paused"
    control(facilitator_client, session, "resume")
    response = control(facilitator_client, session, "end")
    assert response.status_code == 302
    assert WorkshopSession.objects.get().state == "ended"
    page = facilitator_client.get(presenter_url(session.diagnostic))
    assert b"Start rating Value Codes" in page.content  # ready for the next one


def test_the_agreed_target_is_recorded_on_the_spot(facilitator_client, session, value_codes):
    url = reverse("workshop_presenter:agreed_target", args=[session.diagnostic.slug, session.pk])
    data = {"level": "4", "trade_off": "Cost may rise", "owner": "Sam", "due_date": "2027-03-31"}
    response = facilitator_client.post(url, data, follow=True)
    assert b"Agreed target for Reliability: level 4" in response.content
    target = AgreedTarget.objects.get()
    assert (target.value_code, target.level, target.owner) == (value_codes[0], 4, "Sam")


def test_the_presenter_costs_the_same_queries_however_many_people(
    facilitator_client, session, council, value_codes, django_assert_max_num_queries
):
    from participation.services import save_rating

    services.set_revealed(session=session, revealed=True)
    services.set_seats(
        session=session,
        seats=dict.fromkeys(session.diagnostic.parties.values_list("pk", flat=True), 50),
    )
    url = reverse("workshop_presenter:live", args=[session.diagnostic.slug, session.pk])

    def add_people(count):
        for _ in range(count):
            person = services.join_with_name(session=session, party=council, name="P")
            save_rating(participant=person, value_code=value_codes[0], answers={"current_level": 3})

    add_people(2)
    facilitator_client.get(url)  # warm the session and the user
    with django_assert_max_num_queries(16) as few:
        facilitator_client.get(url)
    add_people(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        facilitator_client.get(url)


def test_a_later_reveal_moves_only_once_k_more_people_answered(
    facilitator_client, diagnostic, session, council, value_codes, phone_factory, facilitator
):
    # Reveal, let one person change their answer through their own link, reveal again in a new
    # session: the projector must not show the difference that one answer made.
    from participation.services import save_rating

    from .test_rating_on_phones import rate

    phones = [phone_factory(session, council, name) for name in ("A", "B")]
    for phone in phones:
        rate(phone, session, value_codes[0], current_level="2")
    control(facilitator_client, session, "reveal")
    assert '<td class="mean">2.0</td>' in presenter_page(facilitator_client, diagnostic)
    services.end_session(session=session)

    people = list(diagnostic.participants.filter(party=council))
    save_rating(participant=people[0], value_code=value_codes[0], answers={"current_level": 4})
    again = services.start_session(diagnostic=diagnostic, user=facilitator)
    control(facilitator_client, again, "reveal")
    assert '<td class="mean">2.0</td>' in presenter_page(facilitator_client, diagnostic)
    services.end_session(session=again)

    save_rating(participant=people[1], value_code=value_codes[0], answers={"current_level": 4})
    third = services.start_session(diagnostic=diagnostic, user=facilitator)
    control(facilitator_client, third, "reveal")
    assert '<td class="mean">4.0</td>' in presenter_page(facilitator_client, diagnostic)


def presenter_page(client, diagnostic):
    return client.get(presenter_url(diagnostic)).content.decode()
