"""The operator's backup keeps the Value Codes revealed in a live workshop closed to answers in
their round: a restored diagnostic does not reopen a question the room has seen."""

import copy

import pytest
from django.urls import reverse

from diagnostics import locks
from diagnostics.models import Diagnostic, LockedValueCode
from diagnostics.transfer import export_diagnostic, import_diagnostic

from ..factories import council_contractor_residents

pytestmark = pytest.mark.django_db


def test_export_then_import_keeps_the_locks(client):
    person, (locked, other), round, _parties = council_contractor_residents()
    locks.lock(round_id=round.pk, value_code_id=locked.pk, participant_ids=[person.pk])
    locked_at = LockedValueCode.objects.get().locked_at
    data = export_diagnostic(person.diagnostic)
    assert [
        (lock["round"], lock["value_code"], lock["participant"])
        for lock in data["locked_value_codes"]
    ] == [(round.number, locked.identifier, person.label)]
    Diagnostic.objects.filter(pk=person.diagnostic_id).delete()
    imported, _notes = import_diagnostic(copy.deepcopy(data))
    lock = LockedValueCode.objects.select_related("round", "value_code").get()
    assert (lock.round.diagnostic, lock.round.number) == (imported, round.number)
    assert (lock.value_code.identifier, lock.locked_at) == (locked.identifier, locked_at)
    assert lock.participant.label == person.label
    # The restored personal link is refused on the locked Value Code only.
    restored = {vc.identifier: vc for vc in imported.value_codes.all()}
    for identifier, status in ((locked.identifier, 409), (other.identifier, 200)):
        vc = restored[identifier]
        url = reverse("participant:save", args=[person.token, vc.pk])
        response = client.post(url, {f"c{vc.pk}": "3"}, HTTP_HX_REQUEST="true")
        assert response.status_code == status


def test_a_file_written_before_locks_imports_without_any(client):
    person, _codes, _round, _parties = council_contractor_residents()
    data = export_diagnostic(person.diagnostic)
    del data["locked_value_codes"]
    Diagnostic.objects.filter(pk=person.diagnostic_id).delete()
    import_diagnostic(data)
    assert not LockedValueCode.objects.exists()
