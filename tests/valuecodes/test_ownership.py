"""Only a library's owner changes it; every facilitator reads and duplicates every library."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from valuecodes import services
from valuecodes.models import Library
from valuecodes.starter import STARTER_LIBRARY_NAME

from ..factories import FacilitatorFactory, LibraryFactory, UserFactory, ValueCodeFactory

pytestmark = pytest.mark.django_db

VALUE_CODE_FIELDS = {
    "identifier": "Hacked",
    "description": "Hacked",
    **{f"statement_{n}": "Hacked" for n in range(1, 6)},
}


@pytest.fixture
def theirs(facilitator):
    """A Value Code in a library of another facilitator, not the logged-in one."""
    return ValueCodeFactory(section__library__owner=FacilitatorFactory(username="olga"))


def changes(value_code):
    """Every request that would change the library of `value_code`."""
    pk, section_pk, vc_pk = value_code.library_id, value_code.section_id, value_code.pk
    return [
        (reverse("valuecodes:edit", args=[pk]), {"name": "Hacked"}),
        (reverse("valuecodes:delete", args=[pk]), {}),
        (reverse("valuecodes:import", args=[pk]), {}),
        (reverse("valuecodes:section_create", args=[pk]), {"name": "Hacked"}),
        (reverse("valuecodes:section_edit", args=[pk, section_pk]), {"name": "Hacked"}),
        (reverse("valuecodes:section_move", args=[pk, section_pk]), {"direction": "up"}),
        (reverse("valuecodes:section_delete", args=[pk, section_pk]), {}),
        (reverse("valuecodes:value_code_create", args=[pk]), VALUE_CODE_FIELDS),
        (reverse("valuecodes:value_code_edit", args=[pk, vc_pk]), VALUE_CODE_FIELDS),
        (reverse("valuecodes:value_code_move", args=[pk, vc_pk]), {"direction": "up"}),
        (reverse("valuecodes:value_code_delete", args=[pk, vc_pk]), {}),
    ]


def test_another_facilitator_may_not_edit_or_delete_a_library(facilitator_client, theirs):
    for url, data in changes(theirs):
        if "move" not in url:
            assert facilitator_client.get(url).status_code == 403, url
        assert facilitator_client.post(url, data).status_code == 403, url
    theirs.refresh_from_db()
    assert theirs.identifier != "Hacked"
    assert theirs.library.name != "Hacked"
    assert theirs.library.sections.count() == 1


def test_another_facilitator_reads_exports_and_duplicates_a_library(
    facilitator_client, facilitator, theirs
):
    pk = theirs.library_id
    page = facilitator_client.get(reverse("valuecodes:detail", args=[pk])).content.decode()
    assert theirs.identifier in page
    assert reverse("valuecodes:edit", args=[pk]) not in page
    assert reverse("valuecodes:value_code_edit", args=[pk, theirs.pk]) not in page
    assert "Only its owner changes this library" in page
    assert facilitator_client.get(reverse("valuecodes:export", args=[pk, "csv"])).status_code == 200

    response = facilitator_client.post(
        reverse("valuecodes:duplicate", args=[pk]), {"name": "Mine now"}
    )
    copy = Library.objects.get(name="Mine now")
    assert response.status_code == 302 and copy.owner == facilitator
    assert copy.value_codes.get().identifier == theirs.identifier
    page = facilitator_client.get(copy.get_absolute_url()).content.decode()
    assert reverse("valuecodes:edit", args=[copy.pk]) in page


def test_the_owner_sees_and_uses_the_edit_controls(facilitator_client, facilitator):
    value_code = ValueCodeFactory(section__library__owner=facilitator)
    url = reverse("valuecodes:detail", args=[value_code.library_id])
    page = facilitator_client.get(url).content.decode()
    assert reverse("valuecodes:edit", args=[value_code.library_id]) in page
    response = facilitator_client.post(reverse("valuecodes:delete", args=[value_code.library_id]))
    assert response.status_code == 302
    assert not Library.objects.filter(pk=value_code.library_id).exists()


def test_the_starter_library_is_shared_read_only_and_duplicable(facilitator_client, facilitator):
    starter = Library.objects.get(name=STARTER_LIBRARY_NAME)
    assert starter.owner is None
    assert facilitator_client.get(starter.get_absolute_url()).status_code == 200
    edit = reverse("valuecodes:edit", args=[starter.pk])
    assert facilitator_client.post(edit, {"name": "Mine"}).status_code == 403
    assert (
        facilitator_client.post(reverse("valuecodes:delete", args=[starter.pk])).status_code == 403
    )
    facilitator_client.post(reverse("valuecodes:duplicate", args=[starter.pk]), {"name": "Copy"})
    assert Library.objects.get(name="Copy").owner == facilitator
    assert Library.objects.filter(name=STARTER_LIBRARY_NAME).exists()


def test_superusers_may_change_any_library(client):
    library = LibraryFactory(owner=None)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(reverse("valuecodes:delete", args=[library.pk]))
    assert response.status_code == 302
    assert not Library.objects.filter(pk=library.pk).exists()


def test_a_library_belongs_to_whoever_creates_it_and_a_loaded_one_to_nobody(facilitator):
    assert services.create_library(name="Mine", created_by=facilitator).owner == facilitator
    assert services.import_into_named_library(name="Loaded", rows=[]).library.owner is None


def test_the_migration_gives_existing_libraries_their_creator():
    migration = importlib.import_module("valuecodes.migrations.0003_library_owner")
    creator = UserFactory()
    created = LibraryFactory(created_by=creator, owner=None)
    unknown = LibraryFactory(created_by=None, owner=None)
    migration.owner_is_the_creator(apps, None)
    created.refresh_from_db()
    unknown.refresh_from_db()
    assert created.owner == creator
    assert unknown.owner is None
