import pytest
from django.core.exceptions import ValidationError

from diagnostics import services

from .builders import make_diagnostic

pytestmark = pytest.mark.django_db


def test_a_thing_that_matters_is_mapped_to_value_codes_and_parties():
    diagnostic = make_diagnostic()
    codes = list(diagnostic.value_codes.all()[:2])
    council = diagnostic.parties.get(name="Council")
    thing = services.create_thing_that_matters(
        diagnostic=diagnostic,
        title="Resolve the dispute",
        kind="issue",
        direction="away",
        parties=[council],
        value_codes=codes,
    )
    assert list(thing.value_codes.all()) == codes
    assert list(thing.parties.all()) == [council]
    assert (thing.kind, thing.direction) == ("issue", "away")


def test_it_needs_at_least_one_value_code():
    with pytest.raises(ValidationError, match="at least one Value Code"):
        services.create_thing_that_matters(diagnostic=make_diagnostic(), title="T", value_codes=[])


def test_value_codes_of_another_diagnostic_are_refused():
    mine, other = make_diagnostic(), make_diagnostic(name="Other")
    with pytest.raises(ValidationError, match="of this diagnostic"):
        services.create_thing_that_matters(
            diagnostic=mine, title="T", value_codes=[other.value_codes.first()]
        )


def test_editing_remaps_and_deleting_removes():
    diagnostic = make_diagnostic()
    first, second = diagnostic.value_codes.all()[:2]
    thing = services.create_thing_that_matters(
        diagnostic=diagnostic, title="T", value_codes=[first]
    )
    services.update_thing_that_matters(
        thing=thing, title="Win new market", kind="goal", direction="towards", value_codes=[second]
    )
    thing.refresh_from_db()
    assert thing.title == "Win new market"
    assert list(thing.value_codes.all()) == [second]
    services.delete_thing_that_matters(thing=thing)
    assert not diagnostic.things_that_matter.exists()
