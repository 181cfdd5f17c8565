"""The ratings file's optional columns for mutual understanding (PRODUCT.md 5 and 10):
`importance` and `estimate of P`, imported from paper and exported again."""

import pytest

from diagnostics.models import Estimate, Rating
from participation.ratings_file import RatingsFileError, import_ratings

from .test_ratings_export import every_pattern_shared, exported

pytestmark = pytest.mark.django_db

HEADER = "participant,party,value_code,current,target,comment"


def run(diagnostic, text):
    return import_ratings(diagnostic=diagnostic, raw=text.encode())


def problems(diagnostic, text):
    with pytest.raises(RatingsFileError) as caught:
        run(diagnostic, text)
    return caught.value.messages


def test_importance_and_estimates_import_and_switch_the_questions_on(diagnostic):
    assert not diagnostic.asks_importance and not diagnostic.asks_estimates
    run(
        diagnostic,
        f"{HEADER},Estimate of marketing,IMPORTANCE,estimate of IT\n"
        "ada,IT,Reliability,2,3,,4,5,\n"
        "bob,Marketing,Reliability,3,4,,,,1\n"
        "cy,Marketing,Reliability,3,4,,,2,\n",
    )
    diagnostic.refresh_from_db()
    assert diagnostic.asks_importance and diagnostic.asks_estimates
    importance = dict(Rating.objects.values_list("participant__label", "importance_level"))
    assert importance == {"ada": 5, "bob": None, "cy": 2}
    estimates = sorted(
        Estimate.objects.values_list("participant__label", "about_party__name", "level")
    )
    # An empty cell about another party is "don't know"; one's own party is never stored.
    assert estimates == [("ada", "Marketing", 4), ("bob", "IT", 1), ("cy", "IT", None)]


def test_a_six_column_file_keeps_importance_given_earlier(diagnostic):
    run(diagnostic, f"{HEADER},importance\nada,IT,Reliability,2,3,,5\n")
    run(diagnostic, f"{HEADER}\nada,IT,Reliability,4,4,\n")
    rating = Rating.objects.get()
    assert (rating.current_level, rating.importance_level) == (4, 5)


def test_an_estimate_of_ones_own_party_is_an_error_on_every_row_that_fills_it(diagnostic):
    messages = problems(
        diagnostic,
        f"{HEADER},estimate of IT\n"
        "ada,IT,Reliability,2,3,,4\n"
        "bob,IT,Credibility,2,3,,\n"
        "cy,IT,Credibility,2,3,,2\n",
    )
    assert messages == [
        "Row 2, column estimate of it: IT is this participant's own party; an estimate is "
        "about another party.",
        "Row 4, column estimate of it: IT is this participant's own party; an estimate is "
        "about another party.",
    ]
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("heading", "message"),
    [
        ("estimate of Legal", "no party “legal”"),
        ("pulse about Legal", "no party “legal”"),
        ("owner", "“owner” is not a column of the ratings file"),
    ],
)
def test_an_unknown_column_is_refused_by_name(diagnostic, heading, message):
    (refusal,) = problems(diagnostic, f"{HEADER},{heading}\nada,IT,Reliability,2,3,,\n")
    assert message in refusal


def test_bad_levels_in_optional_columns_name_row_and_column(diagnostic):
    messages = problems(
        diagnostic, f"{HEADER},importance,estimate of Marketing\nada,IT,Reliability,2,3,,9,x\n"
    )
    assert messages == [
        'Row 2, column importance: "9" is not 1 to 5 or empty.',
        'Row 2, column estimate of marketing: "x" is not 1 to 5 or empty.',
    ]


def test_the_raw_export_carries_the_optional_columns_the_diagnostic_uses(owner_client, diagnostic):
    every_pattern_shared(diagnostic)  # one respondent a party
    run(
        diagnostic,
        f"{HEADER},importance,estimate of Marketing,estimate of IT\n"
        "ada,IT,Reliability,2,3,=cmd(),4,5,\n",
    )
    rows = exported(owner_client, diagnostic)
    assert rows[0] == [
        "respondent", "party", "value_code", "current", "target", "comment", "round",
        "importance", "estimate of IT", "estimate of Marketing",
    ]  # fmt: skip
    assert rows[1][1:] == ["IT", "Reliability", "2", "3", "'=cmd()", "1", "4", "", "5"]


def test_export_then_import_gives_the_same_answers(owner_client, diagnostic):
    every_pattern_shared(diagnostic)  # one respondent a party
    run(diagnostic, f"{HEADER},importance,estimate of Marketing\nada,IT,Reliability,2,3,,4,5\n")
    rows = exported(owner_client, diagnostic)
    assert len(rows) == 2  # the header and ada's row: the round trip below is not empty
    text = "\n".join(",".join(["ada", *row[1:6], *row[7:]]) for row in rows[1:])
    before = list(Estimate.objects.values_list("level", flat=True))
    import_ratings(
        diagnostic=diagnostic,
        raw=f"{HEADER},importance,estimate of IT,estimate of Marketing\n{text}\n".encode(),
        round_number=1,  # closed by the export
    )
    assert list(Estimate.objects.values_list("level", flat=True)) == before
    assert Rating.objects.get().importance_level == 4
