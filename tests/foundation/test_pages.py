import pytest
from django.urls import reverse

from ..factories import DiagnosticFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_sees_the_landing_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"See what matters" in response.content
    assert b'href="#main"' in response.content  # skip link


def test_login_then_home_lists_no_diagnostics_with_a_call_to_action(client, facilitator):
    response = client.post(
        reverse("login"), {"username": "fran", "password": "secret-pass-123"}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == facilitator
    assert b"No diagnostics yet" in response.content


def test_wrong_password_shows_the_form_again_with_an_error(client, facilitator):
    response = client.post(reverse("login"), {"username": "fran", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_logout_ends_the_session(facilitator_client):
    response = facilitator_client.post(reverse("logout"), follow=True)
    assert not response.wsgi_request.user.is_authenticated
    assert b"See what matters" in response.content


def test_home_lists_only_the_diagnostics_the_user_belongs_to(client):
    mine = MemberFactory(diagnostic__name="Council and contractor").user
    DiagnosticFactory(name="Someone else's")
    client.force_login(mine)
    response = client.get("/")
    assert b"Council and contractor" in response.content
    assert b"Someone else" not in response.content


def test_sponsor_without_diagnostics_is_told_how_they_appear(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert b"adds you to a diagnostic as a sponsor" in response.content


def test_admin_is_on(client):
    assert client.get("/admin/login/").status_code == 200
