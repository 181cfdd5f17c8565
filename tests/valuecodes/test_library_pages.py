import pytest
from django.urls import reverse

from valuecodes.models import Library, Section, ValueCode

from ..factories import LibraryFactory, SectionFactory, ValueCodeFactory

pytestmark = pytest.mark.django_db


def library_with(value_code_count, sections=3):
    library = LibraryFactory(name=f"Big {value_code_count}")
    parts = [SectionFactory(library=library) for _ in range(sections)]
    for n in range(value_code_count):
        ValueCodeFactory(section=parts[n % sections], help_text="Some help" if n % 2 else "")
    return library


def detail_queries(client, library, django_assert_max_num_queries):
    with django_assert_max_num_queries(10) as context:
        response = client.get(reverse("valuecodes:detail", args=[library.pk]))
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_library_page_queries_do_not_grow_with_value_codes(
    facilitator_client, django_assert_max_num_queries
):
    small, _ = detail_queries(facilitator_client, library_with(3), django_assert_max_num_queries)
    large, response = detail_queries(
        facilitator_client, library_with(300), django_assert_max_num_queries
    )
    assert small == large
    assert response.content.count(b'class="vc card') == 300


def test_library_page_shows_each_statement_with_its_level_colour_and_label(facilitator_client):
    value_code = ValueCodeFactory(statement_4="Risks are flagged early")
    library = value_code.library
    library.label_4 = "Solid"
    library.save()
    text = facilitator_client.get(library.get_absolute_url()).content.decode()
    assert '<li class="vc-level level-4">' in text
    assert "4 · Solid" in text
    assert "Risks are flagged early" in text


def test_library_list_counts_sections_and_value_codes(facilitator_client):
    library_with(4, sections=2)
    text = facilitator_client.get(reverse("valuecodes:list")).content.decode()
    assert "Big 4" in text and "2 sections · 4 Value Codes" in text
    assert "Starter library" in text


def test_a_new_library_then_a_section_then_a_value_code(facilitator_client):
    response = facilitator_client.post(
        reverse("valuecodes:create"),
        {
            "name": "Council",
            "description": "",
            **{f"label_{n}": f"L{n}" for n in range(1, 6)},
        },
    )
    library = Library.objects.get(name="Council")
    assert response["Location"] == library.get_absolute_url()
    assert library.level_labels == ["L1", "L2", "L3", "L4", "L5"]
    facilitator_client.post(
        reverse("valuecodes:section_create", args=[library.pk]), {"name": "Trust"}
    )
    section = library.sections.get()
    response = facilitator_client.post(
        reverse("valuecodes:value_code_create", args=[library.pk]),
        {
            "section": section.pk,
            "identifier": "Reliability",
            "description": "The extent to which promises are kept",
            **{f"statement_{n}": f"Statement {n}" for n in range(1, 6)},
            "help_text": "",
        },
    )
    value_code = library.value_codes.get()
    assert response["Location"].endswith(f"#vc-{value_code.pk}")
    assert value_code.statements == [f"Statement {n}" for n in range(1, 6)]


def test_the_value_code_form_labels_statements_with_the_library_levels(
    facilitator_client, facilitator
):
    section = SectionFactory(library__label_2="Getting there", library__owner=facilitator)
    url = reverse("valuecodes:value_code_create", args=[section.library_id])
    text = facilitator_client.get(url).content.decode()
    assert "Level 2 · Getting there" in text


def test_every_statement_is_required_and_nothing_typed_is_lost(facilitator_client, facilitator):
    section = SectionFactory(library__owner=facilitator)
    response = facilitator_client.post(
        reverse("valuecodes:value_code_create", args=[section.library_id]),
        {
            "section": section.pk,
            "identifier": "Reliability",
            "description": "Kept promises",
            "statement_1": "One",
            "statement_2": "Two",
            "statement_3": " ",
            "statement_4": "Four",
            "statement_5": "",
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2
    assert b"Kept promises" in response.content and b"Four" in response.content
    assert not section.library.value_codes.exists()


def test_a_duplicate_identifier_gets_a_clear_message(facilitator_client, facilitator):
    existing = ValueCodeFactory(identifier="Reliability", section__library__owner=facilitator)
    response = facilitator_client.post(
        reverse("valuecodes:value_code_create", args=[existing.library_id]),
        {
            "section": existing.section_id,
            "identifier": "Reliability",
            "description": "Again",
            **{f"statement_{n}": f"S{n}" for n in range(1, 6)},
        },
    )
    assert response.status_code == 200
    assert "This library already has a Value Code “Reliability”." in response.content.decode()


def test_editing_a_value_code_changes_all_five_statements(facilitator_client, facilitator):
    value_code = ValueCodeFactory(section__library__owner=facilitator)
    url = reverse("valuecodes:value_code_edit", args=[value_code.library_id, value_code.pk])
    facilitator_client.post(
        url,
        {
            "section": value_code.section_id,
            "identifier": value_code.identifier,
            "description": "New description",
            **{f"statement_{n}": f"New {n}" for n in range(1, 6)},
            "help_text": "Now with help",
        },
    )
    value_code.refresh_from_db()
    assert value_code.statements == [f"New {n}" for n in range(1, 6)]
    assert value_code.help_text == "Now with help"


def test_moving_sections_and_value_codes_up_and_down(facilitator_client, facilitator):
    library = LibraryFactory(owner=facilitator)
    first, second = SectionFactory(library=library), SectionFactory(library=library)
    a, b = ValueCodeFactory(section=first), ValueCodeFactory(section=first)
    url = reverse("valuecodes:section_move", args=[library.pk, second.pk])
    facilitator_client.post(url, {"direction": "up"})
    assert list(library.sections.order_by("position")) == [second, first]
    url = reverse("valuecodes:value_code_move", args=[library.pk, a.pk])
    facilitator_client.post(url, {"direction": "down"})
    assert list(first.value_codes.order_by("position")) == [b, a]
    facilitator_client.post(url, {"direction": "down"})  # already last: stays
    assert list(first.value_codes.order_by("position")) == [b, a]


def test_deleting_a_section_deletes_its_value_codes(facilitator_client, facilitator):
    value_code = ValueCodeFactory(section__library__owner=facilitator)
    section = value_code.section
    url = reverse("valuecodes:section_delete", args=[section.library_id, section.pk])
    assert b"1 Value Code are deleted too" in facilitator_client.get(url).content
    facilitator_client.post(url)
    assert not Section.objects.filter(pk=section.pk).exists()
    assert not ValueCode.objects.filter(pk=value_code.pk).exists()


def test_renaming_a_section_to_an_existing_name_is_refused(facilitator_client, facilitator):
    library = LibraryFactory(owner=facilitator)
    SectionFactory(library=library, name="Trust")
    other = SectionFactory(library=library, name="Other")
    url = reverse("valuecodes:section_edit", args=[library.pk, other.pk])
    response = facilitator_client.post(url, {"name": "Trust"})
    assert "already has a section “Trust”" in response.content.decode()


def test_editing_level_labels(facilitator_client, facilitator):
    library = LibraryFactory(name="Ours", owner=facilitator)
    facilitator_client.post(
        reverse("valuecodes:edit", args=[library.pk]),
        {"name": "Ours", "description": "x", **{f"label_{n}": f"Stage {n}" for n in range(1, 6)}},
    )
    library.refresh_from_db()
    assert library.level_labels == [f"Stage {n}" for n in range(1, 6)]


def test_an_empty_level_label_is_refused(facilitator_client, facilitator):
    library = LibraryFactory(name="Ours", owner=facilitator)
    response = facilitator_client.post(
        reverse("valuecodes:edit", args=[library.pk]),
        {"name": "Ours", **{f"label_{n}": "" if n == 3 else "x" for n in range(1, 6)}},
    )
    assert response.status_code == 200
    library.refresh_from_db()
    assert library.label_3 == "Established"


def test_duplicating_a_library_copies_everything_in_order(facilitator_client):
    library = library_with(6, sections=2)
    library.label_1 = "Poor"
    library.save()
    response = facilitator_client.post(
        reverse("valuecodes:duplicate", args=[library.pk]), {"name": "Copy"}
    )
    copy = Library.objects.get(name="Copy")
    assert response["Location"] == copy.get_absolute_url()
    assert copy.label_1 == "Poor"

    def table(lib):
        return [
            (vc.section.name, vc.identifier, vc.statements)
            for vc in lib.value_codes.select_related("section")
        ]

    assert table(copy) == table(library)
    # Editing the copy leaves the original alone.
    copy.value_codes.update(description="Changed")
    assert not library.value_codes.filter(description="Changed").exists()


def test_search_finds_value_codes_across_libraries_by_any_text(facilitator_client):
    two = SectionFactory(library__name="Two")
    ValueCodeFactory(section__library__name="One", identifier="A", statement_3="Zeppelins met")
    ValueCodeFactory(section=two, identifier="B", description="Late zeppelins")
    ValueCodeFactory(section=two, identifier="C")
    url = reverse("valuecodes:search")
    text = facilitator_client.get(url, {"q": "zeppelins"}).content.decode()
    assert "2 matches" in text
    assert "One › " in text and "Two › " in text
    assert ">C</a>" not in text


def test_export_downloads_csv_and_xlsx(facilitator_client):
    value_code = ValueCodeFactory(section__library__name="Ünïcode lib")
    pk = value_code.library_id
    response = facilitator_client.get(reverse("valuecodes:export", args=[pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''%C3%9Cn%C3%AFcode%20lib.csv" in response["Content-Disposition"]
    assert value_code.identifier.encode() in response.content
    response = facilitator_client.get(reverse("valuecodes:export", args=[pk, "xlsx"]))
    assert response.content[:2] == b"PK"
