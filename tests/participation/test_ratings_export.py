import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils.timezone import now

from diagnostics import services
from diagnostics.models import Diagnostic
from ttm.spreadsheets import neutralise

from ..factories import MemberFactory, ParticipantFactory, RatingFactory, RoundFactory

pytestmark = pytest.mark.django_db


def exported(client, diagnostic, **params):
    """The export once the diagnostic's rounds are closed (open rounds are not exported)."""
    diagnostic.rounds.filter(closed_at__isnull=True).update(closed_at=now())
    response = client.get(reverse("exports:ratings_csv", args=[diagnostic.slug]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))


def every_pattern_shared(diagnostic):
    """K = 1: every respondent's pattern of answers is shared by enough, so the export leaves
    no party out and a test of its columns can use one person (the rule itself:
    test_raw_export_patterns.py)."""
    Diagnostic.objects.filter(pk=diagnostic.pk).update(anonymity_threshold=1)


def test_export_lists_respondent_codes_never_names_or_emails(
    owner_client, diagnostic, it_party, value_codes
):
    every_pattern_shared(diagnostic)
    person = ParticipantFactory(party=it_party, label="Ada", email="ada@example.org")
    RatingFactory(
        participant=person,
        round=diagnostic.rounds.get(),
        value_code=value_codes[0],
        current_level=None,
        target_level=4,
        comment="Late",
    )
    rows = exported(owner_client, diagnostic)
    assert rows == [
        ["respondent", "party", "value_code", "current", "target", "comment", "round"],
        [person.respondent_code, "IT", "Reliability", "", "4", "Late", "1"],
    ]
    assert re.fullmatch(r"R-[A-Z2-9]{4}", person.respondent_code)


def test_a_respondent_keeps_one_code_across_rounds_and_codes_differ_per_person(
    owner_client, diagnostic, it_party, value_codes
):
    every_pattern_shared(diagnostic)  # only one of the three answers in round 2
    first_round = diagnostic.rounds.get()
    people = [ParticipantFactory(party=it_party) for _ in range(3)]
    for person in people:
        RatingFactory(participant=person, round=first_round, value_code=value_codes[0])
    services.close_round(round=first_round)
    second_round = services.open_round(diagnostic=diagnostic)
    RatingFactory(participant=people[0], round=second_round, value_code=value_codes[0])
    rows = exported(owner_client, diagnostic)[1:]
    codes_in = {round_: [row[0] for row in rows if row[6] == round_] for round_ in ("1", "2")}
    assert len(set(codes_in["1"])) == 3
    assert codes_in["2"] == [people[0].respondent_code]


def test_rows_are_not_in_the_order_of_names(owner_client, diagnostic, it_party, value_codes):
    """Attack: sort the hub's names, sort the file's rows, and pair them up."""
    round_ = diagnostic.rounds.get()
    for name in ("Ann", "Bob", "Cat", "Dan", "Eve", "Fay"):
        person = ParticipantFactory(party=it_party, label=name)
        RatingFactory(participant=person, round=round_, value_code=value_codes[0])
    codes = [row[0] for row in exported(owner_client, diagnostic)[1:]]
    assert codes == sorted(codes)  # by the random code, whatever the names


@pytest.mark.parametrize("risky", ['=HYPERLINK("x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(
    owner_client, diagnostic, it_party, value_codes, risky
):
    every_pattern_shared(diagnostic)
    person = ParticipantFactory(party=it_party, label=risky)
    RatingFactory(
        participant=person, round=diagnostic.rounds.get(), value_code=value_codes[0], comment=risky
    )
    row = exported(owner_client, diagnostic)[1]
    assert row[0] == person.respondent_code and row[5] == "'" + risky
    assert neutralise("plain text") == "plain text"


def test_export_of_one_round(owner_client, diagnostic):
    assert exported(owner_client, diagnostic, round=1)[0][0] == "respondent"
    url = reverse("exports:ratings_csv", args=[diagnostic.slug])
    assert owner_client.get(url, {"round": "9"}).status_code == 404


def test_sponsors_get_403_and_strangers_404(client, diagnostic):
    url = reverse("exports:ratings_csv", args=[diagnostic.slug])
    client.force_login(MemberFactory(diagnostic=diagnostic, role="sponsor").user)
    assert client.get(url).status_code == 403
    client.force_login(MemberFactory().user)
    assert client.get(url).status_code == 404


def test_export_queries_do_not_grow_with_ratings(
    owner_client, diagnostic, it_party, value_codes, django_assert_max_num_queries
):
    round = diagnostic.rounds.get()
    for index in range(6):
        person = ParticipantFactory(party=it_party)
        for vc in value_codes:
            RatingFactory(participant=person, round=round, value_code=vc, comment=f"c{index}")
    with django_assert_max_num_queries(8):
        rows = exported(owner_client, diagnostic)
    assert len(rows) == 31


def test_an_open_round_is_not_exported_row_by_row(owner_client, diagnostic, it_party, value_codes):
    # One more row right after someone answers would show that person's answer.
    url = reverse("exports:ratings_csv", args=[diagnostic.slug])
    person = ParticipantFactory(party=it_party, label="Ada")
    RatingFactory(participant=person, round=diagnostic.rounds.get(), value_code=value_codes[0])
    for response in (owner_client.get(url), owner_client.get(url, {"round": "1"})):
        assert response.status_code == 409
        text = response.content.decode()
        assert "exported once a round is closed" in text and "Ada" not in text


def test_the_export_leaves_out_the_open_round(owner_client, diagnostic, it_party, value_codes):
    every_pattern_shared(diagnostic)
    first = diagnostic.rounds.get()
    first.closed_at = now()
    first.save()
    second = RoundFactory(diagnostic=diagnostic, number=2)
    person = ParticipantFactory(party=it_party, label="Ada")
    RatingFactory(participant=person, round=first, value_code=value_codes[0])
    RatingFactory(participant=person, round=second, value_code=value_codes[0], comment="new")
    url = reverse("exports:ratings_csv", args=[diagnostic.slug])
    rows = list(csv.reader(io.StringIO(b"".join(owner_client.get(url).streaming_content).decode())))
    assert [row[-1] for row in rows[1:]] == ["1"]
    assert owner_client.get(url, {"round": "2"}).status_code == 409
