"""Who rates what: a party, or a named person, asked chosen sections or Value Codes.

A person is asked the union of their party's and their own rows, or everything when neither
has one; progress, "finished", reminders and the hub count only what each person is asked."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import assignment
from diagnostics.models import Assignment, DiagnosticValueCode, Rating
from participation import invitations
from participation.progress import diagnostic_progress, participant_progress

from ..factories import MemberFactory
from .builders import make_diagnostic, make_library

pytestmark = pytest.mark.django_db


def _people(diagnostic, party_name, names):
    return invitations.add_participants(
        diagnostic=diagnostic,
        party=diagnostic.parties.get(name=party_name),
        people=[(name, f"{name.lower()}@example.org") for name in names],
        send_invitations=False,
    )


def _rate(participant, codes, round):
    Rating.objects.bulk_create(
        Rating(
            participant=participant,
            value_code=code,
            round=round,
            current_level=3,
            current_answered=True,
            target_level=4,
            target_answered=True,
        )
        for code in codes
    )


def _codes(diagnostic, section):
    return list(diagnostic.value_codes.filter(section=section).order_by("position"))


def _asked(participant):
    return {vc.identifier for vc in assignment.asked_value_codes(participant)}


def _ids(codes):
    return {code.identifier for code in codes}


@pytest.fixture
def diagnostic():
    """Council and Contractor; sections Trust and Delivery of two Value Codes each."""
    return make_diagnostic()


# --- the model: bad states cannot be stored --------------------------------------------------


def _row(diagnostic, **fields):
    with transaction.atomic():
        return Assignment.objects.create(diagnostic=diagnostic, **fields)


def test_a_row_asks_a_party_or_a_person_never_both_nor_neither(diagnostic):
    party = diagnostic.parties.first()
    (ann,) = _people(diagnostic, "Council", ["Ann"])
    with pytest.raises(IntegrityError):
        _row(diagnostic, party=party, participant=ann, section="Trust")
    with pytest.raises(IntegrityError):
        _row(diagnostic, section="Trust")


def test_a_row_asks_a_section_or_a_value_code_never_both_nor_neither(diagnostic):
    party = diagnostic.parties.first()
    code = diagnostic.value_codes.first()
    with pytest.raises(IntegrityError):
        _row(diagnostic, party=party, section="Trust", value_code=code)
    with pytest.raises(IntegrityError):
        _row(diagnostic, party=party)
    with pytest.raises(IntegrityError):
        _row(diagnostic, party=party, section="   ")


@pytest.mark.parametrize("what", ["section", "value_code"])
@pytest.mark.parametrize("whom", ["party", "participant"])
def test_the_same_thing_is_asked_of_the_same_target_once(diagnostic, whom, what):
    target = {
        "party": diagnostic.parties.first(),
        "participant": _people(diagnostic, "Council", ["Ann"])[0],
    }[whom]
    asked = {"section": "Trust", "value_code": diagnostic.value_codes.first()}[what]
    _row(diagnostic, **{whom: target, what: asked})
    with pytest.raises(IntegrityError):
        _row(diagnostic, **{whom: target, what: asked})


# --- the rule: the union of party and person, or everything ----------------------------------


def test_without_assignment_everybody_is_asked_everything(diagnostic):
    (ann,) = _people(diagnostic, "Council", ["Ann"])
    assert _asked(ann) == _ids(diagnostic.value_codes.all())
    assert not assignment.in_use(diagnostic)


def test_a_person_is_asked_their_partys_sections_and_their_own_value_codes(diagnostic):
    council = diagnostic.parties.get(name="Council")
    ann, bob = _people(diagnostic, "Council", ["Ann", "Bob"])
    (dan,) = _people(diagnostic, "Contractor", ["Dan"])
    extra = _codes(diagnostic, "Delivery")[0]
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=["Trust"], value_codes=[])
    assignment.set_asked(diagnostic=diagnostic, participant=ann, sections=[], value_codes=[extra])

    trust = _ids(_codes(diagnostic, "Trust"))
    assert _asked(ann) == trust | {extra.identifier}
    assert _asked(bob) == trust
    assert _asked(dan) == _ids(diagnostic.value_codes.all())  # Contractor: nothing chosen


def test_a_person_asked_in_person_in_a_party_asked_nothing_in_particular_rates_only_that(
    diagnostic,
):
    (dan,) = _people(diagnostic, "Contractor", ["Dan"])
    assignment.set_asked(
        diagnostic=diagnostic, participant=dan, sections=["Delivery"], value_codes=[]
    )
    assert _asked(dan) == _ids(_codes(diagnostic, "Delivery"))


def test_a_value_code_added_to_an_asked_section_is_asked_too(diagnostic):
    council = diagnostic.parties.get(name="Council")
    (ann,) = _people(diagnostic, "Council", ["Ann"])
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=["Trust"], value_codes=[])
    template = _codes(diagnostic, "Trust")[0]
    DiagnosticValueCode.objects.create(
        diagnostic=diagnostic,
        section="Trust",
        identifier="Trust-new",
        description=template.description,
        **{f"statement_{n}": getattr(template, f"statement_{n}") for n in range(1, 6)},
        position=99,
    )
    assert "Trust-new" in _asked(ann)


def test_setting_what_is_asked_replaces_it_and_nothing_chosen_asks_everything_again(diagnostic):
    council = diagnostic.parties.get(name="Council")
    (ann,) = _people(diagnostic, "Council", ["Ann"])
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=["Trust"], value_codes=[])
    delivery = _codes(diagnostic, "Delivery")
    assignment.set_asked(
        diagnostic=diagnostic, party=council, sections=["Delivery"], value_codes=delivery
    )
    assert _asked(ann) == _ids(delivery)
    # A Value Code inside a chosen section needs no row of its own.
    assert list(assignment.rows_of(party=council).values_list("section", flat=True)) == ["Delivery"]
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=[], value_codes=[])
    assert _asked(ann) == _ids(diagnostic.value_codes.all())


def test_parties_people_value_codes_and_sections_of_another_diagnostic_are_refused(diagnostic):
    other = make_diagnostic(name="Other", library=make_library("Elsewhere"))
    foreign_party = other.parties.first()
    with pytest.raises(ValidationError):
        assignment.set_asked(
            diagnostic=diagnostic, party=foreign_party, sections=["Trust"], value_codes=[]
        )
    council = diagnostic.parties.get(name="Council")
    with pytest.raises(ValidationError):
        assignment.set_asked(
            diagnostic=diagnostic,
            party=council,
            sections=[],
            value_codes=[other.value_codes.first()],
        )
    with pytest.raises(ValidationError, match="No such section"):
        assignment.set_asked(
            diagnostic=diagnostic, party=council, sections=["Nowhere"], value_codes=[]
        )
    assert not assignment.in_use(diagnostic)


def test_changing_what_is_asked_keeps_every_answer_given(diagnostic):
    council = diagnostic.parties.get(name="Council")
    (ann,) = _people(diagnostic, "Council", ["Ann"])
    _rate(ann, diagnostic.value_codes.all(), diagnostic.rounds.get())
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=["Trust"], value_codes=[])
    assert Rating.objects.filter(participant=ann).count() == 4


# --- progress and "finished" count only what is asked ----------------------------------------


def test_finished_means_every_asked_value_code_answered(diagnostic):
    council = diagnostic.parties.get(name="Council")
    round = diagnostic.rounds.get()
    ann, bob = _people(diagnostic, "Council", ["Ann", "Bob"])
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=["Trust"], value_codes=[])
    _rate(ann, _codes(diagnostic, "Trust"), round)
    _rate(bob, _codes(diagnostic, "Delivery"), round)  # not asked: counts for nothing

    ann_progress, bob_progress = (participant_progress(p, round) for p in (ann, bob))
    assert (ann_progress.answered, ann_progress.asked, ann_progress.finished) == (2, 2, True)
    assert (bob_progress.answered, bob_progress.asked, bob_progress.finished) == (0, 2, False)
    council_progress = diagnostic_progress(diagnostic=diagnostic).parties[0]
    assert (council_progress.invited, council_progress.completed) == (2, 1)
    assert [p.label for p in council_progress.unfinished] == ["Bob"]


def test_someone_asked_nothing_that_exists_is_not_finished(diagnostic):
    council = diagnostic.parties.get(name="Council")
    (ann,) = _people(diagnostic, "Council", ["Ann"])
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=["Trust"], value_codes=[])
    diagnostic.value_codes.filter(section="Trust").update(section="Renamed")
    mine = participant_progress(ann, diagnostic.rounds.get())
    assert (mine.asked, mine.finished) == (0, False)


def test_reminders_go_only_to_those_who_have_not_rated_what_they_are_asked(
    diagnostic, django_capture_on_commit_callbacks
):
    council = diagnostic.parties.get(name="Council")
    round = diagnostic.rounds.get()
    ann, bob = _people(diagnostic, "Council", ["Ann", "Bob"])
    assignment.set_asked(diagnostic=diagnostic, participant=ann, sections=["Trust"], value_codes=[])
    assignment.set_asked(
        diagnostic=diagnostic, party=council, sections=["Delivery"], value_codes=[]
    )
    _rate(ann, _codes(diagnostic, "Trust") + _codes(diagnostic, "Delivery"), round)
    _rate(bob, _codes(diagnostic, "Trust"), round)  # Bob is asked Delivery
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.send_reminders(diagnostic=diagnostic) == 1
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


def _grow(diagnostic, prefix, count):
    """`count` more Council people asked in person, half of whom finished, and one more
    Value Code in each section, asked of one of them."""
    round = diagnostic.rounds.get()
    people = _people(diagnostic, "Council", [f"{prefix}{n}" for n in range(count)])
    template = diagnostic.value_codes.first()
    for index, section in enumerate(["Trust", "Delivery"]):
        code = DiagnosticValueCode.objects.create(
            diagnostic=diagnostic,
            section=section,
            identifier=f"{prefix}-{section}-{index}",
            description=template.description,
            **{f"statement_{n}": getattr(template, f"statement_{n}") for n in range(1, 6)},
            position=100 + index,
        )
        assignment.set_asked(
            diagnostic=diagnostic, participant=people[0], sections=["Trust"], value_codes=[code]
        )
    for person in people[::2]:
        _rate(person, assignment.asked_value_codes(person), round)
    return people


def test_the_participants_tab_and_reminders_cost_the_same_queries_for_more_people_and_value_codes(
    client, diagnostic
):
    member = MemberFactory(diagnostic=diagnostic)
    council = diagnostic.parties.get(name="Council")
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=["Trust"], value_codes=[])
    client.force_login(member.user)
    pages = [
        reverse(name, args=[diagnostic.slug])
        for name in ("diagnostics:participants", "diagnostics:progress", "diagnostics:assignments")
    ]

    def costs():
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            assert invitations.unfinished_participants(diagnostic=diagnostic)
        return [*counts, len(queries)]

    _grow(diagnostic, "P", 3)
    small = costs()
    _grow(diagnostic, "Q", 30)
    assert costs() == small


def test_the_participants_tab_says_finished_over_what_each_person_is_asked(client, diagnostic):
    member = MemberFactory(diagnostic=diagnostic)
    council = diagnostic.parties.get(name="Council")
    ann, bob = _people(diagnostic, "Council", ["Ann", "Bob"])
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=["Trust"], value_codes=[])
    _rate(ann, _codes(diagnostic, "Trust"), diagnostic.rounds.get())
    client.force_login(member.user)
    page = client.get(reverse("diagnostics:participants", args=[diagnostic.slug])).content
    statuses = re.findall(rb'fw-semibold">(\w+)</div>.*?(finished|not finished)', page, re.S)
    assert [(name.decode(), status.decode()) for name, status in statuses] == [
        ("Ann", "finished"),
        ("Bob", "not finished"),
    ]


# --- the hub page ----------------------------------------------------------------------------


@pytest.fixture
def facilitator_client(client, diagnostic):
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    return client


def test_a_facilitator_asks_a_party_for_a_section_and_a_value_code_of_another(
    facilitator_client, diagnostic
):
    council = diagnostic.parties.get(name="Council")
    single = _codes(diagnostic, "Delivery")[1]
    url = reverse("diagnostics:assignment_party", args=[diagnostic.slug, council.pk])
    page = facilitator_client.get(url).content.decode()
    assert 'name="sections" value="Trust"' in page and f'value="{single.pk}"' in page
    response = facilitator_client.post(url, {"sections": ["Trust"], "value_codes": [single.pk]})
    assert response.status_code == 302
    (ann,) = _people(diagnostic, "Council", ["Ann"])
    assert _asked(ann) == _ids(_codes(diagnostic, "Trust")) | {single.identifier}
    overview = facilitator_client.get(
        reverse("diagnostics:assignments", args=[diagnostic.slug])
    ).content.decode()
    assert "section Trust" in overview and single.identifier in overview


def test_everything_again_clears_what_a_party_is_asked(facilitator_client, diagnostic):
    council = diagnostic.parties.get(name="Council")
    assignment.set_asked(diagnostic=diagnostic, party=council, sections=["Trust"], value_codes=[])
    url = reverse("diagnostics:assignment_party", args=[diagnostic.slug, council.pk])
    response = facilitator_client.post(url, {"sections": ["Trust"], "everything": "1"})
    assert response.status_code == 302
    assert not assignment.in_use(diagnostic)


def test_a_facilitator_chooses_a_person_and_asks_them_a_section(facilitator_client, diagnostic):
    (dan,) = _people(diagnostic, "Contractor", ["Dan"])
    overview = reverse("diagnostics:assignments", args=[diagnostic.slug])
    response = facilitator_client.get(overview, {"participant": dan.pk})
    url = reverse("diagnostics:assignment_participant", args=[diagnostic.slug, dan.pk])
    assert response.status_code == 302 and response["Location"] == url
    facilitator_client.post(url, {"sections": ["Delivery"]})
    assert _asked(dan) == _ids(_codes(diagnostic, "Delivery"))
    page = facilitator_client.get(overview).content.decode()
    assert "Dan" in page and "section Delivery" in page


@pytest.mark.parametrize("chosen", ["abc", "99999999", "-1", "1" * 40])
def test_choosing_nobody_or_nonsense_says_so(facilitator_client, diagnostic, chosen):
    response = facilitator_client.get(
        reverse("diagnostics:assignments", args=[diagnostic.slug]), {"participant": chosen}
    )
    assert response.status_code == 200


def test_value_codes_of_another_diagnostic_or_unknown_sections_re_render_with_errors(
    facilitator_client, diagnostic
):
    other = make_diagnostic(name="Other", library=make_library("Elsewhere"))
    council = diagnostic.parties.get(name="Council")
    url = reverse("diagnostics:assignment_party", args=[diagnostic.slug, council.pk])
    for data in (
        {"value_codes": [other.value_codes.first().pk]},
        {"value_codes": ["9" * 30]},
        {"sections": ["Nowhere"]},
    ):
        response = facilitator_client.post(url, data)
        assert response.status_code == 200
        assert "alert-danger" in response.content.decode()
    assert not assignment.in_use(diagnostic)


def test_another_diagnostics_party_or_person_is_not_found(facilitator_client, diagnostic):
    other = make_diagnostic(name="Other", library=make_library("Elsewhere"))
    (stranger,) = _people(other, "Council", ["Stranger"])
    for name, pk in (
        ("diagnostics:assignment_party", other.parties.first().pk),
        ("diagnostics:assignment_participant", stranger.pk),
    ):
        assert facilitator_client.get(reverse(name, args=[diagnostic.slug, pk])).status_code == 404
