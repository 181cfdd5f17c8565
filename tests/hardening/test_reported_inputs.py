"""Every input that once gave a 500 (issue 14), replayed: each now gets a clear refusal."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from valuecodes.models import Library

from ..valuecodes.tables import csv_table, table_row, xlsx_table

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


def test_a_participants_csv_with_a_huge_field_is_a_form_error(world, as_role):
    url = reverse("diagnostics:participants", args=[world.diagnostic.slug])
    upload = io.BytesIO(b'name,email\n"' + b"x" * 140_000 + b'",a@example.org\n')
    upload.name = "people.csv"
    response = as_role("facilitator").post(
        url, {"party": world.participant.party_id, "csv_file": upload}
    )
    assert response.status_code == 200
    assert "longer than" in response.content.decode()


def import_table(client, content, name):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse("valuecodes:import_new"), {"name": "Imported", "table": upload})


def test_a_malformed_xlsx_is_refused_with_a_message(world, as_role):
    good = xlsx_table([table_row("Reliability")])
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut off mid-element
            target.writestr(item, data)
    response = import_table(as_role("facilitator"), broken.getvalue(), "broken.xlsx")
    assert response.status_code == 200
    assert "readable" in response.content.decode()


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_an_xlsx_with_entity_declarations_is_refused(world, as_role, part):
    good = xlsx_table([table_row("Reliability")])
    evil = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(evil, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == part:
                body = data.decode()
                if body.startswith("<?xml"):
                    body = body.split("?>", 1)[1]
                data = (BILLION_LAUGHS + body.replace("Reliability", "&lol3;")).encode()
            target.writestr(item, data)
    response = import_table(as_role("facilitator"), evil.getvalue(), "evil.xlsx")
    assert response.status_code == 200
    assert "not a readable .xlsx" in response.content.decode()


def test_a_csv_table_still_imports(world, as_role):
    response = import_table(as_role("facilitator"), csv_table([table_row("Fine")]), "t.csv")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("url_name", "field", "value"),
    [("party_edit", "name", "Buyers\x0bEast"), ("value_code_edit", "identifier", "Pace\x0b1")],
)
def test_a_control_character_in_a_party_name_or_identifier_is_refused(
    world, as_role, url_name, field, value
):
    obj = world.diagnostic.parties.first() if url_name == "party_edit" else world.value_code
    url = reverse(f"diagnostics:{url_name}", args=[world.diagnostic.slug, obj.pk])
    client = as_role("facilitator")
    page = client.get(url)
    assert page.status_code == 200
    data = {
        name: widget.value() or ""
        for name, widget in ((bf.name, bf) for bf in page.context["form"])
    }
    data[field] = value
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its error
    assert "invisible control character" in response.content.decode()
    obj.refresh_from_db()
    assert "\x0b" not in getattr(obj, field)


def test_a_weight_beyond_a_thousand_is_refused(world, as_role):
    url = reverse("diagnostics:value_code_edit", args=[world.diagnostic.slug, world.value_code.pk])
    client = as_role("facilitator")
    page = client.get(url)
    data = {bf.name: bf.value() or "" for bf in page.context["form"]}
    data["weight"] = "1e308"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "at most 1000" in response.content.decode()
    world.value_code.refresh_from_db()
    assert world.value_code.weight == 1.0
