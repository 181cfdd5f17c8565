import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from valuecodes.models import Library, ValueCode

from ..factories import FacilitatorFactory, LibraryFactory, SectionFactory, ValueCodeFactory
from .tables import csv_table, table_row, xlsx_table

pytestmark = pytest.mark.django_db


def upload(client, url, content, filename="table.csv", **fields):
    return client.post(url, {"table": SimpleUploadedFile(filename, content), **fields})


@pytest.fixture
def library(facilitator):
    library = LibraryFactory(name="Ours", owner=facilitator)
    section = SectionFactory(library=library, name="Trust")
    ValueCodeFactory(section=section, identifier="Reliability", description="Old words")
    ValueCodeFactory(
        section=section,
        identifier="Same",
        description="The extent to which Same holds",
        **{f"statement_{n}": f"Same level {n}" for n in range(1, 6)},
    )
    return library


def test_preview_lists_created_updated_with_differences_and_unchanged(facilitator_client, library):
    content = csv_table([table_row("Reliability"), table_row("Same"), table_row("New")])
    response = upload(facilitator_client, reverse("valuecodes:import", args=[library.pk]), content)
    assert response.status_code == 302
    preview = facilitator_client.get(response["Location"])
    text = preview.content.decode()
    assert "1 to create" in text and "1 to update" in text and "1 unchanged" in text
    assert "Old words" in text and "The extent to which Reliability holds" in text
    assert "Evaluation Statement 1" in text  # a field that differs, named
    assert "Create 1 and update 1 Value Codes" in text
    # Nothing is imported until the facilitator confirms.
    assert not library.value_codes.filter(identifier="New").exists()


def test_confirming_the_preview_imports_the_rows(facilitator_client, library):
    content = csv_table([table_row("Reliability"), table_row("New", section="Extra")])
    response = upload(facilitator_client, reverse("valuecodes:import", args=[library.pk]), content)
    confirmed = facilitator_client.post(response["Location"])
    assert confirmed.status_code == 302
    assert confirmed["Location"] == library.get_absolute_url()
    assert library.value_codes.get(identifier="Reliability").description == (
        "The extent to which Reliability holds"
    )
    assert library.value_codes.get(identifier="New").section.name == "Extra"
    # The preview is used up: confirming again does not import twice.
    again = facilitator_client.post(response["Location"], follow=True)
    assert b"preview has expired" in again.content


def test_an_xlsx_upload_into_a_new_library(facilitator_client):
    content = xlsx_table([table_row("Reliability"), table_row("Credibility")])
    response = upload(
        facilitator_client,
        reverse("valuecodes:import_new"),
        content,
        filename="t.xlsx",
        name="From Excel",
    )
    facilitator_client.post(response["Location"])
    library = Library.objects.get(name="From Excel")
    assert list(library.value_codes.values_list("identifier", flat=True)) == [
        "Reliability",
        "Credibility",
    ]


def test_a_new_library_name_already_taken_is_refused(facilitator_client, library):
    response = upload(
        facilitator_client,
        reverse("valuecodes:import_new"),
        csv_table([table_row("A")]),
        name="Ours",
    )
    assert response.status_code == 200
    assert b"There is already a library with this name" in response.content


def test_a_bad_file_is_refused_whole_with_row_and_column_messages(facilitator_client, library):
    bad = table_row("Broken")
    bad[2] = ""
    content = csv_table([table_row("Good"), bad, table_row("Good")])
    response = upload(facilitator_client, reverse("valuecodes:import", args=[library.pk]), content)
    assert response.status_code == 200
    text = response.content.decode()
    assert "The file was not imported" in text
    assert "row 3, column Description: is empty." in text
    assert "row 4, column Value Code Identifier: “Good” is already used in row 2" in text
    assert not ValueCode.objects.filter(identifier__in=["Good", "Broken"]).exists()


def test_a_20_mb_upload_is_refused_with_the_limit(facilitator_client, library):
    content = b"x" * (20 * 1024 * 1024)
    response = upload(facilitator_client, reverse("valuecodes:import", args=[library.pk]), content)
    assert response.status_code == 200
    assert "The file is 20.0 MB; the limit is 10 MB." in response.content.decode()


def test_a_non_utf8_upload_is_refused(facilitator_client, library):
    content = csv_table([table_row("Fiabilité")], encoding="latin-1")
    response = upload(facilitator_client, reverse("valuecodes:import", args=[library.pk]), content)
    assert "not UTF-8" in response.content.decode()


def test_an_upload_with_a_formula_is_refused(facilitator_client, library):
    row = table_row("Reliability")
    row[2] = "=A1"
    response = upload(
        facilitator_client,
        reverse("valuecodes:import", args=[library.pk]),
        xlsx_table([row]),
        filename="f.xlsx",
    )
    assert "row 2, column Description: contains a formula" in response.content.decode()
    assert library.value_codes.get(identifier="Reliability").description == "Old words"


def test_a_guessed_preview_token_imports_nothing(facilitator_client, library):
    content = csv_table([table_row("New")])
    upload(facilitator_client, reverse("valuecodes:import", args=[library.pk]), content)
    url = reverse("valuecodes:import_preview", args=["guessed-token"])
    response = facilitator_client.post(url, follow=True)
    assert b"preview has expired" in response.content
    assert not library.value_codes.filter(identifier="New").exists()


def test_another_facilitators_preview_cannot_be_confirmed(facilitator_client, library):
    response = upload(
        facilitator_client,
        reverse("valuecodes:import", args=[library.pk]),
        csv_table([table_row("New")]),
    )
    other = Client()
    other.force_login(FacilitatorFactory(username="other"))
    assert other.post(response["Location"]).status_code == 302
    assert facilitator_client.get(response["Location"]).status_code == 200
    assert not library.value_codes.filter(identifier="New").exists()
