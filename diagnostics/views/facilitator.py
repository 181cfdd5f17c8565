"""Pages for facilitators and sponsors (logged in)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..models import DiagnosticMember
from ..selectors import get_diagnostic_for, visible_diagnostics


@login_required
def diagnostic_list(request):
    diagnostics = visible_diagnostics(request.user)
    return render(request, "diagnostics/diagnostic_list.html", {"diagnostics": diagnostics})


@login_required
def diagnostic_detail(request, slug):
    diagnostic = get_diagnostic_for(
        request.user, slug, roles=(DiagnosticMember.FACILITATOR, DiagnosticMember.SPONSOR)
    )
    parties = diagnostic.parties.all()
    return render(
        request,
        "diagnostics/diagnostic_detail.html",
        {"diagnostic": diagnostic, "parties": parties},
    )
