from pathlib import Path

import pytest

from reports import services
from reports.models import Report

from ..conftest import wait_for


@pytest.mark.django_db
def test_test_page_renders_a_pdf_into_media_root_when_tasks_run_eagerly(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_test_page()
    report.refresh_from_db()
    assert report.status == Report.READY
    pdf = Path(settings.MEDIA_ROOT) / report.file_path
    assert pdf.read_bytes().startswith(b"%PDF")
    assert report.size == pdf.stat().st_size


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_test_page_goes_through_a_real_worker_on_redis(celery_worker, worker_media_root, settings):
    settings.MEDIA_ROOT = worker_media_root
    report = services.request_test_page()
    ready = wait_for(lambda: Report.objects.filter(pk=report.pk, status=Report.READY).first())
    assert ready.started_at is not None
    assert (worker_media_root / ready.file_path).read_bytes().startswith(b"%PDF")
