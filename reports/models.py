from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Report(models.Model):
    """A PDF rendered by a Celery worker. The state lives here, not only in the broker."""

    BUSINESS_CASE = "business_case"
    TEST_PAGE = "test_page"
    KINDS = [(BUSINESS_CASE, "Business case"), (TEST_PAGE, "Test page")]

    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"
    STATUSES = [(QUEUED, "Queued"), (RENDERING, "Rendering"), (READY, "Ready"), (FAILED, "Failed")]

    kind = models.CharField(max_length=20, choices=KINDS, default=BUSINESS_CASE)
    diagnostic = models.ForeignKey(
        "diagnostics.Diagnostic",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    round = models.ForeignKey(
        "diagnostics.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED)
    step = models.CharField(max_length=120, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    # Relative to MEDIA_ROOT; never served from a public URL.
    file_path = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last put on the queue (first request, "try again", a retry): the sweep
    # measures staleness from here, not from created_at.
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "rendering", "ready", "failed"]),
                name="report_status_valid",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_max_100"),
            # A quota: one business case on its way per round, however often it is requested.
            models.UniqueConstraint(
                fields=["diagnostic", "round"],
                condition=Q(kind="business_case", status__in=["queued", "rendering"]),
                name="report_one_on_its_way_per_round",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"
