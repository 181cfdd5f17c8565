import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Participant, Rating
from participation.ratings_file import RatingsFileError, import_ratings

from ..factories import ParticipantFactory, RoundFactory

pytestmark = pytest.mark.django_db

HEADER = "participant,party,value_code,current,target,comment\n"


def run(diagnostic, text, **kwargs):
    return import_ratings(diagnostic=diagnostic, raw=text.encode(), **kwargs)


def problems(diagnostic, text, **kwargs):
    with pytest.raises(RatingsFileError) as caught:
        run(diagnostic, text, **kwargs)
    return caught.value.messages


def test_the_sample_file_imports_every_rating(diagnostic, sample_data):
    summary = import_ratings(
        diagnostic=diagnostic, raw=(sample_data / "sample-ratings.csv").read_bytes()
    )
    assert (summary.ratings, summary.new_participants, summary.round.number) == (45, 9, 1)
    assert Participant.objects.filter(party__name="Marketing").count() == 4
    rating = Rating.objects.get(participant__label="mkt-1", value_code__identifier="Service level")
    assert rating.current_level is None and rating.current_answered  # "don't know"
    assert rating.target_level == 4
    commented = Rating.objects.get(participant__label="it-2", value_code__identifier="Credibility")
    assert commented.comment == "Status site is never read."


def test_importing_the_same_file_twice_changes_nothing(diagnostic, sample_data):
    raw = (sample_data / "sample-ratings.csv").read_bytes()
    import_ratings(diagnostic=diagnostic, raw=raw)
    summary = import_ratings(diagnostic=diagnostic, raw=raw)
    assert summary.new_participants == 0
    assert Rating.objects.count() == 45 and Participant.objects.count() == 9


def test_the_same_participant_and_value_code_again_replaces_the_rating(diagnostic):
    run(diagnostic, HEADER + "ada,IT,Reliability,2,3,first\n")
    run(diagnostic, HEADER + "ada,IT,Reliability,4,,second\n")
    rating = Rating.objects.get()
    assert (rating.current_level, rating.target_level, rating.comment) == (4, None, "second")


def test_a_bom_and_header_case_are_accepted(diagnostic):
    run(
        diagnostic,
        "\ufeffParticipant, Party ,VALUE_CODE,current,target,comment\nada,IT,Reliability,2,3,\n",
    )
    assert Rating.objects.count() == 1


def test_an_existing_participant_is_reused(diagnostic, participant):
    run(diagnostic, HEADER + f"{participant.label},IT,Reliability,2,3,\n")
    assert Rating.objects.get().participant == participant


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("ada,Finance,Reliability,2,3,", 'Row 3, column party: no party "Finance".'),
        ("ada,IT,Nope,2,3,", 'Row 3, column value_code: no Value Code "Nope"'),
        ("ada,IT,Reliability,6,3,", 'Row 3, column current: "6" is not 1 to 5 or empty.'),
        ("ada,IT,Reliability,2,zero,", 'Row 3, column target: "zero" is not 1 to 5 or empty.'),
        (",IT,Reliability,2,3,", "Row 3, column participant: empty."),
        ("ada,IT,Reliability", "Row 3: expected 6 columns, found 3."),
        ("ada,Marketing,Credibility,2,3,", 'Row 3, column participant: "ada" already belongs'),
    ],
)
def test_a_bad_row_rejects_the_whole_file_naming_row_and_column(diagnostic, row, message):
    found = problems(diagnostic, HEADER + "ada,IT,Transparency,3,4,\n" + row + "\n")
    assert any(message in problem for problem in found), found
    assert not Rating.objects.exists() and not Participant.objects.exists()


def test_a_label_already_in_another_party_is_an_error(diagnostic):
    ParticipantFactory(party=diagnostic.parties.get(name="Marketing"), label="ada")
    found = problems(diagnostic, HEADER + "ada,IT,Reliability,2,3,\n")
    assert found == ['Row 2, column participant: "ada" already belongs to another party.']


def test_every_bad_row_is_reported(diagnostic):
    found = problems(diagnostic, HEADER + "a,IT,Reliability,9,3,\nb,IT,Reliability,2,0,\n")
    assert [problem[:5] for problem in found] == ["Row 2", "Row 3"]


def test_a_wrong_header_is_refused(diagnostic):
    assert problems(diagnostic, "name,party,code,now,target,comment\n") == [
        "Row 1 must be the header: participant,party,value_code,current,target,comment."
    ]


def test_a_closed_round_can_be_named_for_paper_results(diagnostic):
    diagnostic.rounds.update(closed_at=timezone.now())
    assert problems(diagnostic, HEADER)[0].startswith("No round is open")
    summary = run(diagnostic, HEADER + "ada,IT,Reliability,2,3,\n", round_number=1)
    assert summary.round.number == 1 and Rating.objects.count() == 1


def test_import_command_exits_0_and_reports(diagnostic, sample_data, capsys):
    call_command("import_ratings", "it-marketing", str(sample_data / "sample-ratings.csv"))
    assert "Imported 45 ratings into round 1" in capsys.readouterr().out


def test_import_command_round_option(diagnostic, sample_data):
    diagnostic.rounds.update(closed_at=timezone.now())
    RoundFactory(diagnostic=diagnostic, number=2)
    path = str(sample_data / "sample-ratings.csv")
    call_command("import_ratings", "it-marketing", path, "--round", "1")
    assert set(Rating.objects.values_list("round__number", flat=True)) == {1}
    with pytest.raises(CommandError, match="no round 7"):
        call_command("import_ratings", "it-marketing", path, "--round", "7")


def test_import_command_fails_with_row_errors(diagnostic, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "ada,IT,Reliability,7,3,\n")
    with pytest.raises(CommandError, match=r'Row 2, column current: "7"'):
        call_command("import_ratings", "it-marketing", str(path))
    with pytest.raises(CommandError, match='No diagnostic "nope"'):
        call_command("import_ratings", "nope", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_ratings", "it-marketing", str(tmp_path / "missing.csv"))


def test_import_command_from_the_command_line_exits_non_zero_with_stderr(
    diagnostic, tmp_path, capsys, monkeypatch
):
    # run_from_argv closes database connections when it ends; the test's transaction needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "ada,Nowhere,Reliability,3,3,\n")
    utility = ManagementUtility(["manage.py", "import_ratings", "it-marketing", str(path)])
    with pytest.raises(SystemExit) as exit:
        utility.execute()
    assert exit.value.code != 0
    assert 'Row 2, column party: no party "Nowhere".' in capsys.readouterr().err
    assert not Rating.objects.exists()


def test_facilitators_upload_a_ratings_file(owner_client, diagnostic, sample_data):
    url = reverse("exports:ratings_import", args=[diagnostic.slug])
    assert owner_client.get(url).status_code == 200
    with open(sample_data / "sample-ratings.csv", "rb") as upload:
        response = owner_client.post(url, {"file": upload, "round_number": ""}, follow=True)
    assert b"Imported 45 ratings into round 1" in response.content
    assert Rating.objects.count() == 45


def test_an_upload_with_bad_rows_shows_every_problem(owner_client, diagnostic, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "ada,IT,Reliability,0,3,\nbob,IT,Nope,1,1,\n")
    url = reverse("exports:ratings_import", args=[diagnostic.slug])
    with open(path, "rb") as upload:
        response = owner_client.post(url, {"file": upload})
    assert response.status_code == 400
    assert b"Row 2, column current" in response.content
    assert b"Row 3, column value_code" in response.content
    assert not Rating.objects.exists()


def test_only_facilitators_of_the_diagnostic_may_upload(client, diagnostic, facilitator):
    url = reverse("exports:ratings_import", args=[diagnostic.slug])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(facilitator)  # a facilitator, but not of this diagnostic
    assert client.get(url).status_code == 404
