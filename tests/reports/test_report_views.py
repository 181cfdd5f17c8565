import pytest
from django.urls import reverse

from reports import rendering, services
from reports.models import Report

from ..factories import FacilitatorFactory, UserFactory
from .helpers import pdf_text, sample_with_members


@pytest.fixture
def sample(db, sample_data):
    return sample_with_members(sample_data)


def _request(client, diagnostic, capture):
    with capture(execute=True):
        return client.post(reverse("reports:request", args=[diagnostic.slug]), {"round": 1})


@pytest.mark.parametrize("who", ["facilitator", "sponsor"])
def test_members_request_a_business_case_and_download_it(
    client, sample, who, django_capture_on_commit_callbacks
):
    diagnostic, _, facilitator, sponsor = sample
    client.force_login(facilitator if who == "facilitator" else sponsor)
    response = _request(client, diagnostic, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    report = Report.objects.get(diagnostic=diagnostic)
    assert report.status == Report.READY and report.size > 0

    page = client.get(reverse("reports:list", args=[diagnostic.slug]))
    assert page.status_code == 200
    assert "Download PDF" in page.content.decode() and "Round 1" in page.content.decode()

    response = client.get(reverse("reports:download", args=[diagnostic.slug, report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="sample-round-1-business-case.pdf"'
    )
    assert diagnostic.name in pdf_text(b"".join(response.streaming_content))


def test_strangers_get_404_everywhere_and_anonymous_users_are_sent_to_log_in(
    client, sample, django_capture_on_commit_callbacks
):
    diagnostic, round_, facilitator, _ = sample
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_business_case(diagnostic=diagnostic, round_=round_)
    urls = [
        reverse("reports:list", args=[diagnostic.slug]),
        reverse("reports:status", args=[diagnostic.slug, report.pk]),
        reverse("reports:download", args=[diagnostic.slug, report.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(FacilitatorFactory())  # a facilitator, but of other diagnostics
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(reverse("reports:request", args=[diagnostic.slug])).status_code == 404
    assert Report.objects.count() == 1


def test_a_report_of_another_diagnostic_is_404_even_for_members(client, sample, sample_data):
    diagnostic, _, facilitator, _ = sample
    other, other_round, other_facilitator, _ = sample_with_members(sample_data, slug="other")
    report = Report.objects.create(diagnostic=other, round=other_round)
    client.force_login(facilitator)
    url = reverse("reports:download", args=[diagnostic.slug, report.pk])
    assert client.get(url).status_code == 404


def test_status_polls_while_rendering_and_stops_when_ready(client, sample):
    diagnostic, round_, facilitator, _ = sample
    report = Report.objects.create(
        diagnostic=diagnostic, round=round_, status=Report.RENDERING, step="Laying out the pages",
        progress=50,
    )  # fmt: skip
    client.force_login(facilitator)
    url = reverse("reports:status", args=[diagnostic.slug, report.pk])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in html and "Laying out the pages" in html
    assert 'aria-valuenow="50"' in html and "<html" not in html
    rendering.render(report)
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html and "Download PDF" in html


def test_downloads_go_through_nginx_when_the_protected_header_is_set(
    client, sample, settings, django_capture_on_commit_callbacks
):
    settings.TTM_PROTECTED_MEDIA_HEADER = "X-Accel-Redirect"
    settings.TTM_PROTECTED_MEDIA_PREFIX = "/protected/"
    diagnostic, _, _, sponsor = sample
    client.force_login(sponsor)
    _request(client, diagnostic, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    response = client.get(reverse("reports:download", args=[diagnostic.slug, report.pk]))
    assert response["X-Accel-Redirect"] == f"/protected/reports/{report.pk}.pdf"
    assert response.content == b""
    assert "sample-round-1-business-case.pdf" in response["Content-Disposition"]


def test_a_report_that_is_not_ready_cannot_be_downloaded(client, sample):
    diagnostic, round_, facilitator, _ = sample
    report = Report.objects.create(diagnostic=diagnostic, round=round_)
    client.force_login(facilitator)
    assert (
        client.get(reverse("reports:download", args=[diagnostic.slug, report.pk])).status_code
        == 404
    )


def test_sponsors_see_the_reports_page_with_a_way_back(client, sample):
    diagnostic, _, _, sponsor = sample
    client.force_login(sponsor)
    html = client.get(reverse("reports:list", args=[diagnostic.slug])).content.decode()
    assert "Business-case reports" in html and "No reports yet." in html
    assert reverse("diagnostics:detail", args=[diagnostic.slug]) in html
    assert 'name="round"' in html


def test_users_outside_any_diagnostic_are_404(client, sample):
    diagnostic = sample[0]
    client.force_login(UserFactory())
    assert client.get(reverse("reports:list", args=[diagnostic.slug])).status_code == 404
