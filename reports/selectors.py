"""Reads of reports, always through a diagnostic the user may see."""

from django.http import Http404

from .models import Report


def business_cases(diagnostic):
    return (
        Report.objects.filter(diagnostic=diagnostic, kind=Report.BUSINESS_CASE)
        .select_related("round")
        .order_by("-created_at", "-id")
    )


def get_business_case(diagnostic, report_id):
    report = business_cases(diagnostic).filter(pk=report_id).first()
    if report is None:
        raise Http404("No such report")
    return report


def download_name(report):
    return f"{report.diagnostic.slug}-round-{report.round.number}-business-case.pdf"
