"""The ratings file's optional columns for give and take (PRODUCT.md 5 and 10): `stance` and
`pulse about P`, imported from paper and exported again."""

import csv
import io

import pytest

from diagnostics.models import Pulse, Rating
from participation.ratings_file import import_ratings

from .test_ratings_export import every_pattern_shared, exported
from .test_ratings_file_understanding import HEADER, problems, run

pytestmark = pytest.mark.django_db


def test_stance_and_pulse_import_and_switch_them_on(diagnostic):
    assert not diagnostic.asks_stance and not diagnostic.asks_pulse
    run(
        diagnostic,
        f"{HEADER},STANCE,Pulse about Marketing,pulse about IT\n"
        "ada,IT,Reliability,2,3,,take,7,\n"
        "ada,IT,Credibility,2,3,,Give,7,\n"
        "bob,Marketing,Reliability,3,4,,,,10\n"
        "cy,Marketing,Reliability,3,4,,,,\n",
    )
    diagnostic.refresh_from_db()
    assert diagnostic.asks_stance and diagnostic.asks_pulse
    stances = {
        (label, vc): stance
        for label, vc, stance in Rating.objects.values_list(
            "participant__label", "value_code__identifier", "stance"
        )
    }
    assert stances == {
        ("ada", "Reliability"): "take",
        ("ada", "Credibility"): "give",
        ("bob", "Reliability"): "",
        ("cy", "Reliability"): "",
    }
    pulses = sorted(Pulse.objects.values_list("participant__label", "about_party__name", "score"))
    # An empty cell is "not answered"; one's own party is never stored.
    assert pulses == [("ada", "Marketing", 7), ("bob", "IT", 10), ("cy", "IT", None)]


def test_a_six_column_file_keeps_the_stance_given_earlier(diagnostic):
    run(diagnostic, f"{HEADER},stance\nada,IT,Reliability,2,3,,give\n")
    run(diagnostic, f"{HEADER}\nada,IT,Reliability,4,4,\n")
    rating = Rating.objects.get()
    assert (rating.current_level, rating.stance) == (4, "give")


def test_an_empty_stance_cell_takes_an_earlier_mark_back(diagnostic):
    run(diagnostic, f"{HEADER},stance\nada,IT,Reliability,2,3,,give\n")
    run(diagnostic, f"{HEADER},stance\nada,IT,Reliability,2,3,,\n")
    assert Rating.objects.get().stance == ""


def test_a_pulse_that_differs_between_a_participants_rows_names_the_rows(diagnostic):
    messages = problems(
        diagnostic,
        f"{HEADER},pulse about Marketing\n"
        "ada,IT,Reliability,2,3,,7\n"
        "bob,IT,Reliability,2,3,,5\n"
        "ada,IT,Credibility,2,3,,8\n"
        "ada,IT,Transparency,2,3,,7\n"
        "bob,IT,Credibility,2,3,,5\n",
    )
    assert messages == [
        "Rows 2, 4, 5, column pulse about marketing: “ada” has different values; the pulse is "
        "one answer per round, so give the same value (or leave it empty) on each of their rows."
    ]
    assert not Rating.objects.exists() and not Pulse.objects.exists()


def test_a_pulse_about_ones_own_party_is_an_error_on_every_row_that_fills_it(diagnostic):
    messages = problems(
        diagnostic,
        f"{HEADER},pulse about IT\n"
        "ada,IT,Reliability,2,3,,4\n"
        "bob,IT,Credibility,2,3,,\n"
        "cy,IT,Credibility,2,3,,0\n",
    )
    assert messages == [
        "Row 2, column pulse about it: IT is this participant's own party; the pulse is about "
        "another party.",
        "Row 4, column pulse about it: IT is this participant's own party; the pulse is about "
        "another party.",
    ]


def test_bad_stances_and_scores_name_row_and_column(diagnostic):
    messages = problems(
        diagnostic,
        f"{HEADER},stance,pulse about Marketing\n"
        "ada,IT,Reliability,2,3,,maybe,11\n"
        "bob,IT,Reliability,2,3,,give,-1\n"
        "cy,IT,Reliability,2,3,,take,٣\n",
    )
    assert messages == [
        'Row 2, column stance: "maybe" is not give, take or empty.',
        'Row 2, column pulse about marketing: "11" is not 0 to 10 or empty.',
        'Row 3, column pulse about marketing: "-1" is not 0 to 10 or empty.',
        'Row 4, column pulse about marketing: "٣" is not 0 to 10 or empty.',
    ]


def test_the_export_carries_stance_and_pulse_and_imports_back_unchanged(
    owner_client, diagnostic, sample_data
):
    every_pattern_shared(diagnostic)  # one respondent a party
    text = (
        f"{HEADER},stance,pulse about IT,pulse about Marketing\n"
        "ada,IT,Reliability,2,3,,take,,9\n"
        "ada,IT,Credibility,2,3,,,,9\n"
        "bob,Marketing,Reliability,3,4,,give,0,\n"
    )
    run(diagnostic, text)
    rows = exported(owner_client, diagnostic)
    header = rows[0]
    assert header[-3:] == ["stance", "pulse about IT", "pulse about Marketing"]
    by_vc = {(row[1], row[2]): row[-3:] for row in rows[1:]}
    assert by_vc == {
        ("IT", "Reliability"): ["take", "", "9"],
        ("IT", "Credibility"): ["", "", "9"],
        ("Marketing", "Reliability"): ["give", "0", ""],
    }
    # Imported again (respondent codes as participant labels), it gives the same answers.
    lines = io.StringIO()
    writer = csv.writer(lines)
    for row in rows:
        writer.writerow(["participant" if row is header else row[0], *row[1:6], *row[7:]])
    import_ratings(diagnostic=diagnostic, raw=lines.getvalue().encode(), round_number=1)
    copied = Pulse.objects.filter(participant__label__startswith="R-")
    assert sorted(copied.values_list("participant__party__name", "about_party__name", "score")) == [
        ("IT", "Marketing", 9),
        ("Marketing", "IT", 0),
    ]
    stances = Rating.objects.filter(participant__label__startswith="R-").exclude(stance="")
    assert sorted(stances.values_list("value_code__identifier", "stance")) == [
        ("Reliability", "give"),
        ("Reliability", "take"),
    ]
