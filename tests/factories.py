"""factory_boy factories for the domain; keep them minimal and valid by default."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from diagnostics import models as dm
from ttm.access import FACILITATORS_GROUP
from valuecodes import models as vm


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class FacilitatorFactory(UserFactory):
    @factory.post_generation
    def facilitator_group(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=FACILITATORS_GROUP)
            obj.groups.add(group)


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = vm.Library

    name = factory.Sequence(lambda n: f"Library {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = vm.Section

    library = factory.SubFactory(LibraryFactory)
    name = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class ValueCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = vm.ValueCode

    section = factory.SubFactory(SectionFactory)
    library = factory.SelfAttribute("section.library")
    identifier = factory.Sequence(lambda n: f"VC-{n}")
    description = factory.LazyAttribute(lambda o: f"The extent to which {o.identifier} works")
    statement_1 = "Barely acceptable"
    statement_2 = "Emerging"
    statement_3 = "Established"
    statement_4 = "Strong"
    statement_5 = "What good looks like"
    position = factory.Sequence(lambda n: n)


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = dm.Diagnostic

    name = factory.Sequence(lambda n: f"Diagnostic {n}")
    slug = factory.Sequence(lambda n: f"diagnostic-{n}")
    purpose = "Agree what good looks like between the parties."


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = dm.DiagnosticMember

    diagnostic = factory.SubFactory(DiagnosticFactory)
    user = factory.SubFactory(FacilitatorFactory)
    role = dm.DiagnosticMember.FACILITATOR


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = dm.Party

    diagnostic = factory.SubFactory(DiagnosticFactory)
    name = factory.Sequence(lambda n: f"Party {n}")
    position = factory.Sequence(lambda n: n)


class DiagnosticValueCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = dm.DiagnosticValueCode

    diagnostic = factory.SubFactory(DiagnosticFactory)
    section = "Trust"
    identifier = factory.Sequence(lambda n: f"DVC-{n}")
    description = factory.LazyAttribute(lambda o: f"The extent to which {o.identifier} works")
    statement_1 = "Barely acceptable"
    statement_2 = "Emerging"
    statement_3 = "Established"
    statement_4 = "Strong"
    statement_5 = "What good looks like"
    position = factory.Sequence(lambda n: n)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = dm.Participant

    party = factory.SubFactory(PartyFactory)
    diagnostic = factory.SelfAttribute("party.diagnostic")
    label = factory.Sequence(lambda n: f"participant-{n}")


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = dm.Round

    diagnostic = factory.SubFactory(DiagnosticFactory)
    number = 1


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = dm.Rating

    participant = factory.SubFactory(ParticipantFactory)
    round = factory.SubFactory(RoundFactory)
    value_code = factory.SubFactory(DiagnosticValueCodeFactory)
    current_level = 3
    target_level = 4
    current_answered = True
    target_answered = True


def council_contractor_residents(value_codes=2, **switches):
    """A diagnostic (with `switches`, e.g. asks_stance=True) of three parties, an open round,
    `value_codes` Value Codes and one Council participant: (person, codes, round, parties)."""
    diagnostic = DiagnosticFactory(**switches)
    council, contractor, residents = (
        PartyFactory(diagnostic=diagnostic, name=name, position=i)
        for i, name in enumerate(["Council", "Contractor", "Residents"])
    )
    round = RoundFactory(diagnostic=diagnostic)
    codes = [DiagnosticValueCodeFactory(diagnostic=diagnostic) for _ in range(value_codes)]
    person = ParticipantFactory(party=council)
    return person, codes, round, (council, contractor, residents)
