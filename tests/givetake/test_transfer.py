"""The operator's backup (export_diagnostic, import_diagnostic) keeps give and take and the
pulse, with what the open round last published, so the analysis reads the same after."""

import copy

import pytest

from diagnostics.models import Diagnostic, Pulse, Rating
from diagnostics.transfer import TransferError, export_diagnostic, import_diagnostic
from participation import give_and_take
from results.analysis import analyse

from .conftest import party, people, rate

pytestmark = pytest.mark.django_db


def open_round_with_answers(diagnostic):
    council = people(diagnostic, "Council", 4)
    rate(diagnostic, council, "Cost", ["take", "take", "give", ""])
    for person, score in zip(council, ["10", "9", "3", "7"], strict=True):
        person.refresh_from_db()
        give_and_take.save_pulse(
            participant=person, scores={party(diagnostic, "Contractor").pk: score}
        )
    before = analyse(diagnostic)  # publishes
    # One change since: not yet published, and must stay unpublished after the round trip.
    Rating.objects.filter(participant=council[3]).update(stance="take")
    return before


def test_export_then_import_keeps_stances_pulses_and_what_was_published(diagnostic):
    before = open_round_with_answers(diagnostic)
    data = export_diagnostic(diagnostic)
    Diagnostic.objects.filter(pk=diagnostic.pk).delete()
    imported, _notes = import_diagnostic(copy.deepcopy(data))
    assert imported.asks_stance and imported.asks_pulse
    assert sorted(Rating.objects.values_list("stance", flat=True)) == [
        "give",
        "take",
        "take",
        "take",
    ]
    assert Pulse.objects.count() == 4
    after = analyse(imported)
    assert after["pulse"] == before["pulse"]
    assert [vc["stance"] for vc in after["value_codes"]] == [
        vc["stance"] for vc in before["value_codes"]
    ]


@pytest.mark.parametrize(
    ("key", "field", "value"),
    [("ratings", "stance", "maybe"), ("pulses", "score", 11), ("pulses", "score", True)],
)
def test_a_file_with_a_bad_stance_or_pulse_imports_nothing(diagnostic, key, field, value):
    open_round_with_answers(diagnostic)
    data = export_diagnostic(diagnostic)
    data[key][0][field] = value
    Diagnostic.objects.filter(pk=diagnostic.pk).delete()
    with pytest.raises(TransferError):
        import_diagnostic(data)
    assert not Diagnostic.objects.exists()
