"""With estimates of the other side switched on, a reveal goes in two steps (issue 16): first
what each party expected the others to say, then what each party said, with the misreading in
a sentence. The figures are the analysis's (the analyse JSON's), frozen at the reveal."""

import pytest
from django.urls import reverse

from diagnostics.models import Estimate, Participant
from results.analysis import analyse
from workshops import services
from workshops.models import WorkshopSession

from ..factories import DiagnosticValueCodeFactory, PartyFactory
from .test_rating_on_phones import rate

pytestmark = pytest.mark.django_db

EXPECTED = "What each party expected"
SAID = "What each party said"


def presenter_page(client, diagnostic):
    url = reverse("workshop_presenter:presenter", args=[diagnostic.slug])
    return client.get(url).content.decode()


def phone_page(phone, session):
    return phone.get(reverse("workshop:phone", args=[session.pk])).content.decode()


def control(client, session, action):
    url = reverse("workshop_presenter:control", args=[session.diagnostic.slug, session.pk])
    return client.post(url, {"action": action})


def estimate(session, label, value_code, about, level):
    """`label`'s estimate of where `about` would place the current state (None: don't know)."""
    Estimate.objects.create(
        round=session.round,
        participant=Participant.objects.get(label__startswith=f"{label} #"),
        value_code=value_code,
        about_party=about,
        level=level,
    )


@pytest.fixture
def asks_estimates(diagnostic):
    diagnostic.asks_estimates = True
    diagnostic.save(update_fields=["asks_estimates"])
    return diagnostic


@pytest.fixture
def room(asks_estimates, session, council, contractor, value_codes, phone_factory):
    """K = 2. On the first Value Code, Council says 2 and 3 (2.5), Contractor 4 and 5 (4.5).
    Council expects Contractor to say 3 and 4 (3.5); of Contractor, one expects Council to say
    5 and the other does not know (one estimate: fewer than K)."""
    session.diagnostic = asks_estimates
    phones = {}
    answers = ((council, "A", "2"), (council, "B", "3"), (contractor, "C", "4"))
    for party, name, level in (*answers, (contractor, "D", "5")):
        phones[name] = phone_factory(session, party, name)
        rate(phones[name], session, value_codes[0], current_level=level, target_level="5")
    estimate(session, "A", value_codes[0], contractor, 3)
    estimate(session, "B", value_codes[0], contractor, 4)
    estimate(session, "C", value_codes[0], council, 5)
    estimate(session, "D", value_codes[0], council, None)
    return phones


def test_the_reveal_first_shows_what_each_party_expected_and_nothing_said(
    facilitator_client, session, room
):
    control(facilitator_client, session, "reveal")
    assert WorkshopSession.objects.get().showing_expectations
    page = presenter_page(facilitator_client, session.diagnostic)
    assert EXPECTED in page and "Show what each party said" in page
    assert "expected <span" in page and '<td class="mean">3.5</td>' in page  # Council of Contractor
    assert "waiting for more estimates (1 of 2)" in page  # Contractor of Council: one, K = 2
    assert '<td class="mean">2.5</td>' not in page  # what the parties said: not yet
    assert '<td class="mean">4.5</td>' not in page
    assert SAID not in page


def test_the_second_step_shows_what_each_party_said_and_the_misreading(
    facilitator_client, session, room
):
    control(facilitator_client, session, "reveal")
    control(facilitator_client, session, "said")
    assert not WorkshopSession.objects.get().showing_expectations
    page = presenter_page(facilitator_client, session.diagnostic)
    assert SAID in page and EXPECTED not in page
    assert '<td class="mean">2.5</td>' in page and '<td class="mean">4.5</td>' in page
    assert (
        "Council expected Contractor to say <strong>3.5</strong>; "
        "Contractor said <strong>4.5</strong>." in page
    )
    assert "Contractor expected Council" not in page  # suppressed: fewer than K estimates


def test_the_expected_figures_are_the_analyse_json_s(
    facilitator_client, session, council, contractor, room
):
    control(facilitator_client, session, "reveal")
    expected_page = presenter_page(facilitator_client, session.diagnostic)
    control(facilitator_client, session, "said")
    said_page = presenter_page(facilitator_client, session.diagnostic)
    (entry, *_) = analyse(session.diagnostic)["value_codes"]
    published = entry["estimates"]["Council"]["Contractor"]
    assert not published["suppressed"] and published["n"] == 2
    assert f'<td class="mean">{published["mean_estimate"]:.1f}</td>' in expected_page
    assert f"said <strong>{published['actual']:.1f}</strong>" in said_page
    assert entry["estimates"]["Contractor"]["Council"]["suppressed"]


def test_an_estimate_of_a_party_whose_answers_are_suppressed_is_not_shown(
    facilitator_client, asks_estimates, session, council, contractor, value_codes, phone_factory
):
    session.diagnostic = asks_estimates
    for party, name in ((council, "A"), (council, "B"), (contractor, "C")):
        rate(phone_factory(session, party, name), session, value_codes[0], current_level="3")
    estimate(session, "A", value_codes[0], contractor, 1)
    estimate(session, "B", value_codes[0], contractor, 2)
    control(facilitator_client, session, "reveal")
    page = presenter_page(facilitator_client, session.diagnostic)
    assert "not shown until enough of Contractor have answered" in page
    assert '<td class="mean">1.5</td>' not in page  # two estimates of an unpublished figure


def test_the_expectations_are_frozen_at_the_reveal(
    facilitator_client, session, council, value_codes, room
):
    control(facilitator_client, session, "reveal")
    Estimate.objects.filter(level__isnull=True).update(level=1)  # D changes their mind
    control(facilitator_client, session, "hide")
    control(facilitator_client, session, "reveal")  # shows again, from the first step
    page = presenter_page(facilitator_client, session.diagnostic)
    assert EXPECTED in page and "waiting for more estimates (1 of 2)" in page
    assert '<td class="mean">3.0</td>' not in page  # (5 + 1) / 2, had the reveal not frozen


def test_a_phone_is_told_where_the_room_looks_and_shows_no_expectation(
    facilitator_client, session, room
):
    control(facilitator_client, session, "reveal")
    page = phone_page(room["A"], session)
    assert "the room is looking at what each party expected the others to say" in page
    assert "3.5" not in page and "Results" not in page
    assert "Your answer: now 2, target 5." in page
    control(facilitator_client, session, "said")
    page = phone_page(room["A"], session)
    assert "Results" in page
    assert "Council expected Contractor to say <strong>3.5</strong>" in page


def test_a_phone_poll_follows_the_step(facilitator_client, session, room):
    from .test_live_polling import phone_live, poll

    control(facilitator_client, session, "reveal")
    first = poll(room["C"], phone_live(session))
    assert b"what each party expected" in first.content
    assert poll(room["C"], phone_live(session), first["ETag"]).status_code == 304
    control(facilitator_client, session, "said")
    second = poll(room["C"], phone_live(session), first["ETag"])
    assert second.status_code == 200 and b"Results" in second.content


def test_without_estimates_the_reveal_shows_what_each_party_said_at_once(
    facilitator_client, session, council, value_codes, phone_factory
):
    for name, level in (("A", "2"), ("B", "3")):
        rate(phone_factory(session, council, name), session, value_codes[0], current_level=level)
    control(facilitator_client, session, "reveal")
    assert not WorkshopSession.objects.get().showing_expectations
    page = presenter_page(facilitator_client, session.diagnostic)
    assert '<td class="mean">2.5</td>' in page
    assert EXPECTED not in page and SAID not in page and "expected" not in page
    control(facilitator_client, session, "said")  # nothing to move on from
    assert WorkshopSession.objects.get().revealed


def test_a_party_alone_has_nobody_to_expect_anything_of(
    facilitator_client, asks_estimates, session, contractor, value_codes
):
    contractor.delete()
    services.set_revealed(session=session, revealed=True)
    session.refresh_from_db()
    assert session.revealed and not session.showing_expectations


def test_moving_on_or_ending_leaves_the_expectations_step(
    facilitator_client, session, value_codes, room
):
    control(facilitator_client, session, "reveal")
    control(facilitator_client, session, "next")
    moved = WorkshopSession.objects.get()
    assert (moved.revealed, moved.showing_expectations) == (False, False)
    control(facilitator_client, session, "previous")
    control(facilitator_client, session, "reveal")
    control(facilitator_client, session, "capture")
    assert not WorkshopSession.objects.get().showing_expectations
    control(facilitator_client, session, "rating")
    control(facilitator_client, session, "reveal")
    control(facilitator_client, session, "end")
    ended = WorkshopSession.objects.get()
    assert (ended.state, ended.showing_expectations) == ("ended", False)


def test_the_expectations_step_costs_the_same_queries_however_many_people_and_parties(
    facilitator_client, asks_estimates, session, council, value_codes, django_assert_max_num_queries
):
    from participation.services import save_rating

    session.diagnostic = asks_estimates
    services.set_seats(
        session=session,
        seats=dict.fromkeys(session.diagnostic.parties.values_list("pk", flat=True), 50),
    )
    url = reverse("workshop_presenter:live", args=[session.diagnostic.slug, session.pk])
    others = list(session.diagnostic.parties.exclude(pk=council.pk))

    def add_people(count):
        for _ in range(count):
            person = services.join_with_name(session=session, party=council, name="P")
            save_rating(participant=person, value_code=value_codes[0], answers={"current_level": 3})
            for other in others:
                Estimate.objects.create(
                    round=session.round,
                    participant=person,
                    value_code=value_codes[0],
                    about_party=other,
                    level=2,
                )

    add_people(2)
    services.set_revealed(session=session, revealed=True)
    facilitator_client.get(url)  # warm the session and the user
    with django_assert_max_num_queries(16) as few:
        assert EXPECTED in facilitator_client.get(url).content.decode()
    others += [PartyFactory(diagnostic=session.diagnostic, position=5) for _ in range(3)]
    DiagnosticValueCodeFactory(diagnostic=session.diagnostic, identifier="Safety")
    add_people(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert EXPECTED in facilitator_client.get(url).content.decode()
