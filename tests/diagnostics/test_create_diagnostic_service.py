import pytest
from django.core.exceptions import ValidationError

from diagnostics import services
from diagnostics.models import Diagnostic, DiagnosticMember
from diagnostics.services import PartySpec
from valuecodes.selectors import libraries_value_codes

from ..factories import LibraryFactory, SectionFactory, UserFactory, ValueCodeFactory
from .builders import make_colleagues, make_diagnostic, make_library

pytestmark = pytest.mark.django_db


def test_creating_copies_value_codes_in_library_order_and_opens_round_1(facilitator):
    diagnostic = make_diagnostic(facilitator=facilitator)
    codes = list(diagnostic.value_codes.all())
    assert [c.identifier for c in codes] == [
        "Par-Trust-0",
        "Par-Trust-1",
        "Par-Delivery-0",
        "Par-Delivery-1",
    ]
    assert [c.section for c in codes] == ["Trust", "Trust", "Delivery", "Delivery"]
    assert all(c.source_id and c.weight == 1.0 for c in codes)
    assert list(diagnostic.rounds.values_list("number", "closed_at")) == [(1, None)]
    assert diagnostic.memberships.get().role == DiagnosticMember.FACILITATOR
    assert diagnostic.anonymity_threshold == 3


def test_value_codes_can_come_from_several_libraries():
    first, second = make_library("Alpha"), make_library("Beta", sections=(("Cost", 1),))
    diagnostic = services.create_diagnostic(
        name="Two", parties=["A", "B"], value_codes=libraries_value_codes([first, second])
    )
    assert diagnostic.value_codes.count() == 5
    assert diagnostic.value_codes.last().identifier == "Bet-Cost-0"


def test_parties_keep_their_names_colours_and_order():
    diagnostic = services.create_diagnostic(
        name="X", parties=[PartySpec("Buyer", "#112233"), PartySpec("Supplier")]
    )
    assert [(p.name, p.colour) for p in diagnostic.parties.all()] == [
        ("Buyer", "#112233"),
        ("Supplier", services.PARTY_COLOURS[1]),
    ]


def test_slugs_are_unique_and_never_new():
    first = services.create_diagnostic(name="Council and contractor", parties=["A", "B"])
    second = services.create_diagnostic(name="Council and contractor", parties=["A", "B"])
    reserved = services.create_diagnostic(name="New", parties=["A", "B"])
    assert first.slug == "council-and-contractor"
    assert second.slug == "council-and-contractor-2"
    assert reserved.slug == "new-2"


@pytest.mark.parametrize(
    ("parties", "message"),
    [
        (["Only one"], "at least two parties"),
        (["Same", "same"], "must differ"),
        (["A", "  "], "needs a name"),
        ([PartySpec("A", "red"), PartySpec("B")], "colour"),
    ],
)
def test_bad_parties_are_refused(parties, message):
    with pytest.raises(ValidationError, match=message):
        services.create_diagnostic(name="X", parties=parties)


def test_threshold_below_1_is_refused():
    with pytest.raises(ValidationError, match="at least 1"):
        services.create_diagnostic(name="X", parties=["A", "B"], anonymity_threshold=0)


def test_co_facilitators_and_sponsors_are_found_by_username_or_email(facilitator):
    colleague = UserFactory(username="colleague")
    sponsor = UserFactory(username="boss", email="boss@example.org")
    make_colleagues(facilitator, colleague, sponsor)
    diagnostic = make_diagnostic(
        facilitator=facilitator, facilitators=["COLLEAGUE"], sponsors=["boss@example.org"]
    )
    roles = dict(diagnostic.memberships.values_list("user__username", "role"))
    assert roles == {
        "fran": "facilitator",
        colleague.username: "facilitator",
        sponsor.username: "sponsor",
    }


def test_an_unknown_sponsor_stops_the_whole_creation():
    with pytest.raises(ValidationError, match="Nobody who shares a diagnostic with you"):
        services.create_diagnostic(name="X", parties=["A", "B"], sponsors=["ghost"])
    assert not Diagnostic.objects.exists()


def test_the_diagnostic_takes_the_library_level_labels():
    library = make_library()
    library.label_5 = "Excellent"
    library.save()
    diagnostic = make_diagnostic(library=library)
    assert diagnostic.level_labels[4] == "Excellent"


def test_an_identifier_in_two_libraries_is_refused_with_its_name():
    first = make_library("Same name A", sections=(("S", 1),))
    second = LibraryFactory(name="Other")
    ValueCodeFactory(library=second, section=SectionFactory(library=second), identifier="Sam-S-0")
    with pytest.raises(ValidationError, match="Sam-S-0"):
        services.create_diagnostic(
            name="X", parties=["A", "B"], value_codes=libraries_value_codes([first, second])
        )
