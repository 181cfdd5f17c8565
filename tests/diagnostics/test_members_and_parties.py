import pytest
from django.core.exceptions import ValidationError

from diagnostics import services
from diagnostics.models import DiagnosticMember, Participant

from ..factories import UserFactory
from .builders import make_colleagues, make_diagnostic

pytestmark = pytest.mark.django_db


def test_a_sponsor_is_added_by_email(facilitator):
    diagnostic = make_diagnostic(facilitator=facilitator)
    make_colleagues(facilitator, UserFactory(username="sam", email="sam@example.org"))
    member = services.add_member(
        diagnostic=diagnostic, identifier="Sam@Example.org", role="sponsor", added_by=facilitator
    )
    assert (member.user.username, member.role) == ("sam", DiagnosticMember.SPONSOR)


def test_adding_someone_twice_or_an_unknown_user_says_why(facilitator):
    diagnostic = make_diagnostic(facilitator=facilitator)
    with pytest.raises(ValidationError, match="already shares"):
        services.add_member(
            diagnostic=diagnostic, identifier="fran", role="sponsor", added_by=facilitator
        )
    with pytest.raises(ValidationError, match="Nobody who shares a diagnostic with you"):
        services.add_member(
            diagnostic=diagnostic, identifier="nobody", role="sponsor", added_by=facilitator
        )


def test_strangers_are_refused_like_accounts_that_do_not_exist(facilitator):
    diagnostic = make_diagnostic(facilitator=facilitator)
    UserFactory(username="stranger")
    errors = []
    for identifier in ["stranger", "ghost"]:
        with pytest.raises(ValidationError) as refused:
            services.add_member(
                diagnostic=diagnostic, identifier=identifier, role="sponsor", added_by=facilitator
            )
        errors.append(refused.value.message_dict)
    assert errors[0] == errors[1]
    assert not diagnostic.memberships.filter(user__username="stranger").exists()


def test_the_operator_adds_any_account(facilitator):
    diagnostic = make_diagnostic(facilitator=facilitator)
    UserFactory(username="stranger")
    member = services.add_member(
        diagnostic=diagnostic, identifier="stranger", role="sponsor", added_by=None
    )
    assert member.user.username == "stranger"


def test_the_last_facilitator_cannot_be_removed(facilitator):
    diagnostic = make_diagnostic(facilitator=facilitator)
    with pytest.raises(ValidationError, match="at least one facilitator"):
        services.remove_member(membership=diagnostic.memberships.get())


def test_parties_are_added_and_renamed_with_unique_names():
    diagnostic = make_diagnostic()
    third = services.add_party(diagnostic=diagnostic, name="Residents", colour="#123456")
    assert list(diagnostic.parties.values_list("name", flat=True)) == [
        "Council",
        "Contractor",
        "Residents",
    ]
    with pytest.raises(ValidationError, match="already has this name"):
        services.update_party(party=third, name="council", colour="#123456")
    services.update_party(party=third, name="Tenants", colour="#abcdef")
    third.refresh_from_db()
    assert (third.name, third.colour) == ("Tenants", "#abcdef")


def test_the_open_link_is_switched_on_and_renewed():
    party = make_diagnostic().parties.first()
    token = party.open_link_token
    services.set_open_link(party=party, enabled=True, capacity=12)
    assert party.open_link_enabled and party.open_link_token == token
    services.set_open_link(party=party, enabled=True, renew=True)
    party.refresh_from_db()
    assert party.open_link_enabled and party.open_link_token != token
    assert party.open_link_capacity == 12  # a new link keeps its places


def test_a_party_nobody_belongs_to_can_be_removed():
    diagnostic = make_diagnostic()
    extra = services.add_party(diagnostic=diagnostic, name="Typo", colour="#123456")
    services.remove_party(party=extra)
    assert list(diagnostic.parties.values_list("name", flat=True)) == ["Council", "Contractor"]


def test_a_party_with_participants_stays_and_says_why():
    diagnostic = make_diagnostic()
    council = diagnostic.parties.get(name="Council")
    Participant.objects.create(diagnostic=diagnostic, party=council, label="Ann")
    with pytest.raises(ValidationError, match="has participants, so it stays"):
        services.remove_party(party=council)
    assert diagnostic.parties.filter(pk=council.pk).exists()
