"""Mutual understanding's data (PRODUCT.md 10): switches, answers that cannot be stored wrong,
and each party's own wording of a Value Code (PRODUCT.md 5)."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Diagnostic, DiagnosticPerspectiveWording, Estimate, Rating
from participation import services as participation
from valuecodes.models import PerspectiveWording

from ..diagnostics.builders import make_diagnostic, make_library
from ..factories import (
    DiagnosticFactory,
    ParticipantFactory,
    PartyFactory,
    RatingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory(**fields)


def test_importance_is_a_level_or_dont_know_once_answered():
    _refused(importance_level=6, importance_answered=True)
    _refused(importance_level=0, importance_answered=True)
    _refused(importance_level=3, importance_answered=False)
    rating = RatingFactory(importance_level=None, importance_answered=True)
    assert rating.importance_level is None


def test_an_estimate_is_a_level_and_one_per_round_participant_value_code_and_party():
    rating = RatingFactory()
    other = PartyFactory(diagnostic=rating.participant.diagnostic)
    key = {
        "round": rating.round,
        "participant": rating.participant,
        "value_code": rating.value_code,
        "about_party": other,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Estimate.objects.create(**key, level=6)
    Estimate.objects.create(**key, level=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Estimate.objects.create(**key, level=2)


def test_priority_by_importance_cannot_be_stored_without_asking_importance():
    with pytest.raises(IntegrityError), transaction.atomic():
        DiagnosticFactory(priority_basis="importance", asks_importance=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        DiagnosticFactory(priority_basis="votes")


def test_the_facilitator_switches_questions_and_chooses_the_priority_basis():
    diagnostic = make_diagnostic()
    assert (diagnostic.asks_estimates, diagnostic.asks_importance) == (False, False)
    assert diagnostic.priority_basis == "weight"
    with pytest.raises(ValidationError):
        services.set_mutual_understanding(
            diagnostic=diagnostic,
            asks_estimates=True,
            asks_importance=False,
            priority_basis="importance",
        )
    services.set_mutual_understanding(
        diagnostic=diagnostic,
        asks_estimates=True,
        asks_importance=True,
        priority_basis="importance",
    )
    diagnostic.refresh_from_db()
    assert (diagnostic.asks_estimates, diagnostic.priority_basis) == (True, "importance")


def test_create_diagnostic_takes_a_priority_basis_and_asks_importance_for_it():
    make_library("Starter library")
    out = StringIO()
    args = ["Works", "--library", "Starter library", "--party", "A", "--party", "B"]
    call_command("create_diagnostic", *args, "--priority-basis", "importance", stdout=out)
    diagnostic = Diagnostic.objects.get(slug=out.getvalue().splitlines()[-1])
    assert (diagnostic.priority_basis, diagnostic.asks_importance) == ("importance", True)
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("create_diagnostic", *args, "--priority-basis", "votes", stdout=out)


def _worded_library():
    library = make_library("Supply")
    first = library.value_codes.order_by("section__position", "position").first()
    PerspectiveWording.objects.create(
        value_code=first,
        perspective="supplier",
        description="The extent to which we report issues as they arise",
        statement_2="We report some issues",
    )
    PerspectiveWording.objects.create(
        value_code=first, perspective="Regulator", description="How the regulator sees it"
    )
    return library, first


def test_a_party_named_like_a_perspective_reads_its_own_wording_of_the_one_value_code():
    library, first = _worded_library()
    diagnostic = make_diagnostic(library=library, parties=("Buyer", "Supplier"))
    assert (
        DiagnosticPerspectiveWording.objects.filter(value_code__diagnostic=diagnostic).count() == 2
    )
    buyer, supplier = diagnostic.parties.order_by("position")
    sheets = {
        party.name: participation.rating_sheet(ParticipantFactory(party=party), None)
        for party in (buyer, supplier)
    }
    supplier_code = sheets["Supplier"][0][1][0]
    buyer_code = sheets["Buyer"][0][1][0]
    assert supplier_code.identifier == buyer_code.identifier == first.identifier
    assert supplier_code.description == "The extent to which we report issues as they arise"
    assert supplier_code.statements[1] == "We report some issues"
    assert supplier_code.statements[0] == first.statement_1  # not worded: the common one
    assert buyer_code.description == first.description
    assert diagnostic.value_codes.count() == library.value_codes.count()


def test_a_party_added_later_finds_the_wording_copied_with_the_diagnostic():
    library, first = _worded_library()
    diagnostic = make_diagnostic(library=library, parties=("Buyer", "Supplier"))
    PerspectiveWording.objects.filter(perspective="Regulator").update(description="Edited later")
    regulator = services.add_party(diagnostic=diagnostic, name="REGULATOR")
    sheet = participation.rating_sheet(ParticipantFactory(party=regulator), None)
    assert sheet[0][1][0].description == "How the regulator sees it"


def test_importance_is_refused_where_the_diagnostic_does_not_ask_it():
    diagnostic = make_diagnostic()
    participant = ParticipantFactory(party=diagnostic.parties.first())
    value_code = diagnostic.value_codes.first()
    with pytest.raises(ValidationError, match="does not ask"):
        participation.save_rating(
            participant=participant, value_code=value_code, answers={"importance_level": 4}
        )
    diagnostic.asks_importance = True
    diagnostic.save()
    participant.diagnostic.refresh_from_db()
    rating = participation.save_rating(
        participant=participant, value_code=value_code, answers={"importance_level": 4}
    )
    assert Rating.objects.get(pk=rating.pk).importance_level == 4


def test_an_estimate_about_ones_own_party_is_refused():
    diagnostic = make_diagnostic(asks_estimates=True)
    council, contractor = diagnostic.parties.order_by("position")
    participant = ParticipantFactory(party=council)
    value_code = diagnostic.value_codes.first()
    with pytest.raises(ValidationError, match="never your own"):
        participation.save_estimate_sheet(
            participant=participant, estimates_by_value_code_id={value_code.pk: {council.pk: 3}}
        )
    participation.save_estimate_sheet(
        participant=participant, estimates_by_value_code_id={value_code.pk: {contractor.pk: 3}}
    )
    assert Estimate.objects.get().about_party == contractor


def test_the_facilitator_switches_the_questions_on_the_settings_page(
    facilitator_client, facilitator
):
    diagnostic = make_diagnostic(facilitator=facilitator)
    url = reverse("diagnostics:edit", args=[diagnostic.slug])
    page = facilitator_client.get(url).content.decode()
    assert "Ask where the other side would say we are" in page
    data = {"name": diagnostic.name, "anonymity_threshold": "3", "priority_basis": "importance"}
    response = facilitator_client.post(url, data)
    assert response.status_code == 200  # importance is not asked: the form says so
    assert "needs the importance question switched on" in response.content.decode()
    response = facilitator_client.post(
        url, {**data, "asks_importance": "on", "asks_estimates": "on"}
    )
    assert response.status_code == 302
    diagnostic.refresh_from_db()
    assert (diagnostic.asks_estimates, diagnostic.asks_importance) == (True, True)
    assert diagnostic.priority_basis == "importance"


def test_an_admin_edits_a_partys_wording_and_a_duplicate_perspective_is_an_error(client):
    library, first = _worded_library()
    diagnostic = make_diagnostic(library=library, parties=("Buyer", "Supplier"))
    code = diagnostic.value_codes.get(identifier=first.identifier)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:diagnostics_diagnosticvaluecode_change", args=[code.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data["diagnostic"] = diagnostic.pk
    prefix = "wordings"
    wordings = list(code.wordings.order_by("pk"))
    data |= {
        f"{prefix}-TOTAL_FORMS": "3",
        f"{prefix}-INITIAL_FORMS": "2",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, wording in enumerate(wordings):
        data[f"{prefix}-{index}-id"] = wording.pk
        data[f"{prefix}-{index}-value_code"] = code.pk
        data[f"{prefix}-{index}-perspective"] = wording.perspective
        data[f"{prefix}-{index}-description"] = wording.description
    data[f"{prefix}-2-value_code"] = code.pk
    data[f"{prefix}-2-perspective"] = "SUPPLIER"  # the same perspective, spelt otherwise
    data[f"{prefix}-2-description"] = "Another wording"
    response = client.post(url, data)
    assert response.status_code == 200  # re-rendered with the error, not a 500
    assert "Two wordings for the perspective" in response.content.decode()
    assert code.wordings.count() == 2
