import pytest
from django.core.exceptions import ValidationError

from diagnostics import services

from ..factories import RatingFactory, ValueCodeFactory
from .builders import make_diagnostic, make_library

pytestmark = pytest.mark.django_db


def test_editing_the_copy_leaves_the_library_untouched():
    library = make_library()
    diagnostic = make_diagnostic(library=library)
    copy = diagnostic.value_codes.first()
    services.update_value_code(
        value_code=copy, description="The extent to which we talk", statement_3="Weekly", weight=2.5
    )
    copy.refresh_from_db()
    copy.source.refresh_from_db()
    assert (copy.description, copy.statement_3, copy.weight) == (
        "The extent to which we talk",
        "Weekly",
        2.5,
    )
    assert copy.source.description != "The extent to which we talk"
    assert copy.source.statement_3 == "Established"


def test_a_weight_of_zero_or_an_empty_statement_is_refused():
    copy = make_diagnostic().value_codes.first()
    with pytest.raises(ValidationError, match="greater than 0"):
        services.update_value_code(value_code=copy, weight=0)
    with pytest.raises(ValidationError, match="cannot be empty"):
        services.update_value_code(value_code=copy, statement_1="  ")


def test_renaming_to_an_identifier_in_use_is_refused():
    first, second = make_diagnostic().value_codes.all()[:2]
    with pytest.raises(ValidationError, match="already has this identifier"):
        services.update_value_code(value_code=second, identifier=first.identifier)


def test_moving_changes_the_order_participants_see():
    diagnostic = make_diagnostic()
    codes = list(diagnostic.value_codes.all())
    services.move_value_code(value_code=codes[2], offset=-1)
    services.move_value_code(value_code=codes[0], offset=-1)  # already first: stays
    assert list(diagnostic.value_codes.all()) == [codes[0], codes[2], codes[1], codes[3]]


def test_adding_from_a_library_appends_and_skips_those_already_copied():
    library = make_library()
    diagnostic = make_diagnostic(library=library)
    extra = ValueCodeFactory(library=library, section=library.sections.first(), identifier="New")
    added = services.add_value_codes(diagnostic=diagnostic, value_codes=library.value_codes.all())
    assert [code.identifier for code in added] == ["New"]
    assert diagnostic.value_codes.last().source == extra


def test_a_value_code_without_ratings_can_be_removed_but_one_with_ratings_stays():
    diagnostic = make_diagnostic()
    unrated, rated = diagnostic.value_codes.all()[:2]
    RatingFactory(
        value_code=rated,
        round=diagnostic.rounds.get(),
        participant__party=diagnostic.parties.first(),
    )
    services.remove_value_code(value_code=unrated)
    with pytest.raises(ValidationError, match="already has ratings"):
        services.remove_value_code(value_code=rated)
    assert diagnostic.value_codes.count() == 3
