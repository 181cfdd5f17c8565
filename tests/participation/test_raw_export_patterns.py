"""Which parties the raw ratings export leaves out (PRODUCT.md 3).

The facilitator may know, for every named person, which Value Codes they answered in which
closed round (who has finished, who was asked what, who joined when). So a party's rows are
exported only when each pattern of rows (which Value Codes, which rounds) is shared by at least
K of its respondents; otherwise none of them is, in any round: leaving out only some rows would
let "published figures minus exported rows" give the answers of those left out.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import now

from diagnostics import assignment, services
from diagnostics.models import Pulse
from participation.ratings_file import parties_left_out

from ..factories import DiagnosticValueCodeFactory, ParticipantFactory, RatingFactory

pytestmark = pytest.mark.django_db

LEFT_OUT = "Left out of the raw export"


def export(client, diagnostic, **params):
    """The rows of the export (without the header) of the diagnostic's closed rounds."""
    response = client.get(reverse("exports:ratings_csv", args=[diagnostic.slug]), params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    assert header[:7] == ["respondent", "party", "value_code", "current", "target", "comment"] + [
        "round"
    ]
    return rows


def people(party, count, prefix):
    return [ParticipantFactory(party=party, label=f"{prefix} {n}") for n in range(count)]


def answer(persons, round, value_codes, **fields):
    for person in persons:
        for value_code in value_codes:
            RatingFactory(participant=person, round=round, value_code=value_code, **fields)


def close(round):
    round.closed_at = now()
    round.save(update_fields=["closed_at"])


def second_round(diagnostic):
    services.close_round(round=diagnostic.rounds.get(number=1))
    return services.open_round(diagnostic=diagnostic)


def hub_pages(client, diagnostic):
    """The two pages that link the export: the Participants tab and the ratings import page."""
    pages = []
    for name in ("diagnostics:participants", "exports:ratings_import"):
        response = client.get(reverse(name, args=[diagnostic.slug]))
        assert response.status_code == 200
        pages.append(response.content.decode())
    return pages


def left_out_note(page):
    start = page.find(LEFT_OUT)
    return page[start : page.index("</p>", start)] if start >= 0 else ""


def parties_in(rows):
    return {row[1] for row in rows}


def test_a_party_whose_respondents_all_answered_everything_is_exported(
    owner_client, diagnostic, it_party, value_codes
):
    round = diagnostic.rounds.get()
    answer(people(it_party, 4, "Ada"), round, value_codes)
    close(round)
    assert len(export(owner_client, diagnostic)) == 4 * len(value_codes)
    assert parties_left_out(diagnostic) == []
    assert all(LEFT_OUT not in page for page in hub_pages(owner_client, diagnostic))


def test_one_person_who_skipped_a_value_code_leaves_their_party_out_of_every_rounds_export(
    owner_client, diagnostic, it_party, value_codes
):
    """K = 3, a party of 4: the facilitator sees who has not finished, and a code with one row
    fewer would be that person."""
    team = people(it_party, 4, "Ada")
    answer(team, diagnostic.rounds.get(), value_codes)
    round_2 = second_round(diagnostic)
    answer(team[:3], round_2, value_codes)
    answer(team[3:], round_2, value_codes[1:])  # skipped the first Value Code
    close(round_2)
    for params in ({}, {"round": 1}, {"round": 2}):
        assert export(owner_client, diagnostic, **params) == [], params
    assert parties_left_out(diagnostic) == [it_party]
    for page in hub_pages(owner_client, diagnostic):
        note = left_out_note(page)
        assert "IT" in note and "at least 3 respondents" in note
        assert "which Value Codes, in which rounds, answered in full or not" in note


def test_a_personal_assignment_leaves_the_party_out_and_clearing_it_afterwards_changes_nothing(
    owner_client, diagnostic, it_party
):
    """The facilitator knows whom they asked in person: that person's rows cover their own set
    of Value Codes. Leaving out only them would name them by the figures minus the rows."""
    team = people(it_party, 5, "Ada")
    assignment.set_asked(
        diagnostic=diagnostic, participant=team[0], sections=["Trust"], value_codes=[]
    )
    round = diagnostic.rounds.get()
    for person in team:
        answer([person], round, assignment.asked_value_codes(person))
    close(round)
    assert export(owner_client, diagnostic) == []
    assignment.set_asked(diagnostic=diagnostic, participant=team[0], sections=[], value_codes=[])
    assert not assignment.in_use(diagnostic)
    assert export(owner_client, diagnostic) == []  # judged on the rows, not on today's assignment
    assert parties_left_out(diagnostic) == [it_party]


def test_a_respondent_who_first_answers_in_round_two_leaves_their_party_out(
    owner_client, diagnostic, it_party, value_codes
):
    """Codes are the same in every round, so joining the two rounds' exports shows the code that
    appears only in round 2: the person the facilitator knows joined then."""
    team = people(it_party, 3, "Ada")
    answer(team, diagnostic.rounds.get(), value_codes)
    round_2 = second_round(diagnostic)
    answer([*team, ParticipantFactory(party=it_party, label="Newcomer")], round_2, value_codes)
    close(round_2)
    for params in ({}, {"round": 1}, {"round": 2}):
        assert export(owner_client, diagnostic, **params) == [], params


def test_only_the_party_with_a_pattern_too_few_share_is_left_out(
    owner_client, diagnostic, it_party, value_codes
):
    marketing = diagnostic.parties.get(name="Marketing")
    round = diagnostic.rounds.get()
    answer(people(it_party, 3, "Ada"), round, value_codes)
    sellers = people(marketing, 4, "Bob")
    answer(sellers[:3], round, value_codes)
    answer(sellers[3:], round, value_codes[:2])
    close(round)
    rows = export(owner_client, diagnostic)
    assert parties_in(rows) == {"IT"} and len(rows) == 3 * len(value_codes)
    assert parties_left_out(diagnostic) == [marketing]
    for page in hub_pages(owner_client, diagnostic):
        note = left_out_note(page)
        assert "Marketing" in note and "IT" not in note


def test_with_k_of_one_everything_is_exported(owner_client, diagnostic, it_party, value_codes):
    diagnostic.anonymity_threshold = 1  # before any rating, as the settings form allows
    diagnostic.save(update_fields=["anonymity_threshold"])
    round = diagnostic.rounds.get()
    team = people(it_party, 3, "Ada")
    for count, person in enumerate(team, start=1):
        answer([person], round, value_codes[:count])
    close(round)
    assert len(export(owner_client, diagnostic)) == 1 + 2 + 3
    assert parties_left_out(diagnostic) == []


def test_a_pattern_shared_by_exactly_k_respondents_is_exported(
    owner_client, diagnostic, it_party, value_codes
):
    round = diagnostic.rounds.get()
    answer(people(it_party, 3, "Ada"), round, value_codes)
    answer(people(it_party, 3, "Bea"), round, value_codes[:2])  # K = 3 share this pattern
    close(round)
    assert len(export(owner_client, diagnostic)) == 3 * len(value_codes) + 3 * 2


def test_dont_know_is_an_answer_like_any_other_in_a_pattern(
    owner_client, diagnostic, it_party, value_codes
):
    round = diagnostic.rounds.get()
    team = people(it_party, 4, "Ada")
    answer(team[:3], round, value_codes)
    answer(team[3:], round, value_codes[1:])
    answer(team[3:], round, value_codes[:1], current_level=None, target_level=None)
    close(round)
    rows = export(owner_client, diagnostic)
    assert len(rows) == 4 * len(value_codes)
    assert {row[0] for row in rows} == {person.respondent_code for person in team}


@pytest.mark.parametrize(
    "partial",
    [
        {"target_level": None, "target_answered": False},
        {"current_level": None, "current_answered": False, "stance": "give"},
        {"current_level": None, "target_level": None, "current_answered": False}
        | {"target_answered": False, "stance": "take"},
    ],
)
def test_a_row_not_answered_in_full_is_its_own_pattern(
    owner_client, diagnostic, it_party, value_codes, partial
):
    """In the file an unanswered cell looks like "don't know", but the facilitator sees who
    has not finished: that person would be the one code with an empty cell."""
    round = diagnostic.rounds.get()
    team = people(it_party, 4, "Ada")
    answer(team[:3], round, value_codes)
    answer(team[3:], round, value_codes[1:])
    answer(team[3:], round, value_codes[:1], **partial)
    close(round)
    assert export(owner_client, diagnostic) == []
    assert parties_left_out(diagnostic) == [it_party]


def test_a_party_with_fewer_than_k_respondents_is_left_out(
    owner_client, diagnostic, it_party, value_codes
):
    round = diagnostic.rounds.get()
    answer(people(it_party, 2, "Ada"), round, value_codes)
    close(round)
    assert export(owner_client, diagnostic) == []


def _grow(diagnostic, it_party, marketing, round, size):
    """`size` more Value Codes, and people of both parties answering every Value Code: the IT
    party complete, one of Marketing's skipping one (so Marketing is left out)."""
    for n in range(size):
        DiagnosticValueCodeFactory(diagnostic=diagnostic, position=100 + size * 10 + n)
    value_codes = list(diagnostic.value_codes.all())
    answer(people(it_party, size, f"IT {size}"), round, value_codes)
    sellers = people(marketing, size, f"Marketing {size}")
    answer(sellers, round, value_codes[1:])
    # Earlier people rate the new Value Codes too, so IT's pattern stays one pattern.
    earlier = diagnostic.participants.exclude(pk__in=[p.pk for p in sellers])
    for person in earlier:
        answered = set(person.ratings.values_list("value_code_id", flat=True))
        codes = [vc for vc in value_codes if vc.pk not in answered]
        if person.party_id == marketing.pk:
            codes = [vc for vc in codes if vc != value_codes[0]]
        answer([person], round, codes)
    answer(sellers[:1], round, value_codes[:1])


def test_the_export_and_the_pages_that_name_left_out_parties_cost_the_same_queries_as_it_grows(
    owner_client, diagnostic, it_party
):
    marketing = diagnostic.parties.get(name="Marketing")
    round = diagnostic.rounds.get()
    urls = [
        reverse("exports:ratings_csv", args=[diagnostic.slug]),
        reverse("diagnostics:participants", args=[diagnostic.slug]),
        reverse("exports:ratings_import", args=[diagnostic.slug]),
    ]

    def costs():
        close(round)
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = owner_client.get(url)
                assert response.status_code == 200
                if response.streaming:
                    rows = list(response.streaming_content)
            counts.append(len(queries))
        assert parties_left_out(diagnostic) == [marketing]
        round.closed_at = None
        round.save(update_fields=["closed_at"])
        return counts, rows

    _grow(diagnostic, it_party, marketing, round, 3)
    small, rows = costs()
    assert len(rows) == 1 + 3 * diagnostic.value_codes.count()  # IT only
    _grow(diagnostic, it_party, marketing, round, 12)
    large, rows = costs()
    assert len(rows) == 1 + 15 * diagnostic.value_codes.count()
    assert large == small


def test_the_pages_read_the_ratings_once_and_again_only_after_they_change(
    diagnostic, it_party, value_codes, django_assert_num_queries
):
    round = diagnostic.rounds.get()
    team = people(it_party, 4, "Ada")
    answer(team, round, value_codes)
    close(round)
    assert parties_left_out(diagnostic) == []
    with django_assert_num_queries(2):  # the fingerprints; the answer comes from the cache
        assert parties_left_out(diagnostic) == []
    team[3].ratings.filter(value_code=value_codes[0]).delete()
    assert parties_left_out(diagnostic) == [it_party]


def test_a_respondent_with_only_a_pulse_is_a_pattern_of_their_own(
    owner_client, diagnostic, it_party, value_codes
):
    """No row can carry their pulse, so "closed pulse figure minus exported pulses" would."""
    diagnostic.asks_pulse = True
    diagnostic.save()
    other = diagnostic.parties.exclude(pk=it_party.pk).first()
    round = diagnostic.rounds.get()
    team = people(it_party, 3, "Ada")
    answer(team, round, value_codes)
    for person in team:
        Pulse.objects.create(round=round, participant=person, about_party=other, score=9)
    (pulse_only,) = people(it_party, 1, "Pat")
    Pulse.objects.create(round=round, participant=pulse_only, about_party=other, score=0)
    close(round)
    assert export(owner_client, diagnostic) == []
    assert parties_left_out(diagnostic) == [it_party]
