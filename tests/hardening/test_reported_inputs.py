"""Every input that once gave a 500 (issue 14), replayed: each now gets a clear refusal."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from valuecodes.models import Library

SUPERSCRIPT_TWO = "²"  # "²".isdigit() is True, yet int("²") raises


def rate_url(world, *suffix):
    return reverse("participant:rate", args=[world.participant.token]) + "".join(suffix)


def test_a_superscript_level_on_the_one_value_code_save_is_a_400(world, as_role):
    vc = world.value_code
    url = reverse("participant:save", args=[world.participant.token, vc.pk])
    response = as_role("anonymous").post(url, {f"c{vc.pk}": SUPERSCRIPT_TWO})
    assert response.status_code == 400
    assert "1 to 5" in response.content.decode()


def test_a_superscript_level_on_the_whole_sheet_is_a_400(world, as_role):
    vc = world.value_code
    response = as_role("anonymous").post(rate_url(world), {f"t{vc.pk}": SUPERSCRIPT_TWO})
    assert response.status_code == 400
    assert "1 to 5" in response.content.decode()


def test_a_superscript_value_code_id_on_the_whole_sheet_is_ignored(world, as_role):
    response = as_role("anonymous").post(rate_url(world), {f"c{SUPERSCRIPT_TWO}": "3"})
    assert response.status_code == 302


def test_a_sponsor_asking_for_a_report_on_round_abc_is_told_to_choose_a_round(world, as_role):
    url = reverse("reports:request", args=[world.diagnostic.slug])
    response = as_role("sponsor").post(url, {"round": "abc"}, follow=True)
    assert response.status_code == 200
    assert "Choose a round" in response.content.decode()


@pytest.mark.parametrize("number", [SUPERSCRIPT_TWO, "abc", "-1", "1.0", "9" * 40])
def test_ratings_csv_for_a_round_that_is_not_a_number_is_a_400(world, as_role, number):
    url = reverse("exports:ratings_csv", args=[world.diagnostic.slug])
    response = as_role("facilitator").get(url, {"round": number})
    assert response.status_code == 400
    assert "round" in response.content.decode()


@pytest.mark.parametrize("name", ["results:json", "results:csv"])
def test_the_analysis_for_a_round_that_is_not_a_number_is_a_400(world, as_role, name):
    url = reverse(name, args=[world.diagnostic.slug])
    response = as_role("sponsor").get(url, {"round": SUPERSCRIPT_TWO})
    assert response.status_code == 400


def test_import_ratings_with_a_superscript_level_names_the_row(world, tmp_path):
    vc = world.value_code
    party = world.participant.party
    path = tmp_path / "ratings.csv"
    path.write_text(
        "participant,party,value_code,current,target,comment\n"
        f"Bo,{party.name},{vc.identifier},{SUPERSCRIPT_TWO},4,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_ratings", world.diagnostic.slug, str(path))
    assert "Row 2, column current" in str(refused.value)


def test_import_ratings_with_a_superscript_round_is_a_clear_command_error(world, tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("participant,party,value_code,current,target,comment\n", encoding="utf-8")
    with pytest.raises(CommandError, match="round"):
        call_command("import_ratings", world.diagnostic.slug, str(path), "--round", "²")


def test_analyse_with_a_superscript_round_is_a_clear_command_error(world):
    with pytest.raises(CommandError, match="round"):
        call_command("analyse", world.diagnostic.slug, "--round", SUPERSCRIPT_TWO)


def control_url(world, name, *args):
    return reverse(
        f"workshop_presenter:{name}", args=[world.diagnostic.slug, world.session.pk, *args]
    )


def test_a_workshop_jump_to_value_code_abc_is_refused_with_a_message(world, as_role):
    response = as_role("facilitator").post(
        control_url(world, "control"), {"action": "jump", "value_code": "abc"}, follow=True
    )
    assert response.status_code == 200
    assert "A Value Code id is a whole number" in response.content.decode()


def test_a_workshop_merge_into_abc_is_refused_with_a_message(world, as_role):
    duplicate = world.captures[1]
    response = as_role("facilitator").post(
        control_url(world, "merge", duplicate.pk), {"into": "abc"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose what to merge it into" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_a_library_name_with_a_newline_is_refused(world, as_role):
    response = as_role("facilitator").post(
        reverse("valuecodes:create"),
        {"name": "Two\nlines", **{f"label_{n}": f"L{n}" for n in range(1, 6)}},
    )
    assert response.status_code == 200
    assert "one line" in response.content.decode()
    assert not Library.objects.filter(name__contains="\n").exists()


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_a_library_already_named_with_a_newline_still_exports(world, as_role, file_type):
    Library.objects.filter(pk=world.library.pk).update(name='Two\nlines\r"quoted"')
    url = reverse("valuecodes:export", args=[world.library.pk, file_type])
    response = as_role("facilitator").get(url)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\n" not in disposition and "\r" not in disposition
    assert "Two lines" in disposition
