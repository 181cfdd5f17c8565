import pytest
from django.urls import reverse

from valuecodes.models import Library

from ..factories import LibraryFactory, UserFactory, ValueCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def value_code(facilitator):
    return ValueCodeFactory(section__library__name="Ours", section__library__owner=facilitator)


def page_urls(value_code):
    pk, section_pk, vc_pk = value_code.library_id, value_code.section_id, value_code.pk
    return [
        reverse("valuecodes:list"),
        reverse("valuecodes:create"),
        reverse("valuecodes:search") + "?q=trust",
        reverse("valuecodes:import_new"),
        reverse("valuecodes:detail", args=[pk]),
        reverse("valuecodes:edit", args=[pk]),
        reverse("valuecodes:duplicate", args=[pk]),
        reverse("valuecodes:delete", args=[pk]),
        reverse("valuecodes:import", args=[pk]),
        reverse("valuecodes:export", args=[pk, "csv"]),
        reverse("valuecodes:export", args=[pk, "xlsx"]),
        reverse("valuecodes:section_create", args=[pk]),
        reverse("valuecodes:section_edit", args=[pk, section_pk]),
        reverse("valuecodes:section_delete", args=[pk, section_pk]),
        reverse("valuecodes:value_code_create", args=[pk]),
        reverse("valuecodes:value_code_edit", args=[pk, vc_pk]),
        reverse("valuecodes:value_code_delete", args=[pk, vc_pk]),
    ]


def test_facilitators_open_every_library_page(facilitator_client, value_code):
    for url in page_urls(value_code):
        assert facilitator_client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_log_in(client, value_code):
    for url in page_urls(value_code):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_sponsors_get_403_on_every_library_page(client, value_code):
    client.force_login(UserFactory())
    for url in page_urls(value_code):
        assert client.get(url).status_code == 403, url


def test_sponsors_cannot_change_a_library(client, value_code):
    client.force_login(UserFactory())
    pk = value_code.library_id
    assert client.post(reverse("valuecodes:delete", args=[pk])).status_code == 403
    response = client.post(
        reverse("valuecodes:value_code_edit", args=[pk, value_code.pk]),
        {"identifier": "Hacked"},
    )
    assert response.status_code == 403
    assert Library.objects.filter(pk=pk).exists()
    value_code.refresh_from_db()
    assert value_code.identifier != "Hacked"


def test_the_nav_shows_libraries_to_facilitators_only(client, facilitator_client):
    assert b">Libraries</a>" in facilitator_client.get("/").content
    client.force_login(UserFactory())
    assert b">Libraries</a>" not in client.get("/").content


def test_an_unknown_library_is_404(facilitator_client):
    LibraryFactory()
    assert facilitator_client.get(reverse("valuecodes:detail", args=[999999])).status_code == 404
    url = reverse("valuecodes:export", args=[999999, "pdf"])
    assert facilitator_client.get(url).status_code == 404
