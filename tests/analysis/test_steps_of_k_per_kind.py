"""Results move in steps of K per kind of answer (PRODUCT.md 3), tried as the hostile tester
did: K-1 people change one question of a Value Code, one more person changes another, and
every figure is compared before and after. Counting people per Value Code whatever they changed
let that one person's answer through; each kind (levels, importance, stance, estimates about
each other party) now needs K people who changed that very kind."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import publication, services
from diagnostics.models import PublishedRating
from participation import give_and_take
from participation import services as participation
from results.analysis import analyse, anonymous_comments

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    MemberFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db
K = 3


@pytest.fixture
def diagnostic():
    diagnostic = DiagnosticFactory(
        anonymity_threshold=K, asks_importance=True, asks_stance=True, asks_estimates=True
    )
    for position, name in enumerate(["Buyer", "Supplier", "Carrier"]):
        PartyFactory(diagnostic=diagnostic, name=name, position=position)
    DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier="Reliability")
    RoundFactory(diagnostic=diagnostic)
    return diagnostic


def people(diagnostic, count, party="Buyer"):
    return [ParticipantFactory(party=diagnostic.parties.get(name=party)) for _ in range(count)]


def code(diagnostic):
    return diagnostic.value_codes.get()


def levels(person, current, target=4, comment=None):
    answers = {"current_level": current, "target_level": target}
    if comment is not None:
        answers["comment"] = comment
    participation.save_rating(
        participant=person, value_code=code(person.diagnostic), answers=answers
    )


def importance(person, level):
    participation.save_rating(
        participant=person,
        value_code=code(person.diagnostic),
        answers={"importance_level": level},
    )


def stance(person, mark):
    give_and_take.save_stance_sheet(
        participant=person, stances_by_value_code_id={code(person.diagnostic).pk: mark}
    )


def estimate(person, about, level):
    about = person.diagnostic.parties.get(name=about)
    participation.save_estimate_sheet(
        participant=person,
        estimates_by_value_code_id={code(person.diagnostic).pk: {about.pk: level}},
    )


def entry(diagnostic):
    (found,) = analyse(diagnostic)["value_codes"]
    return found


def buyer(diagnostic):
    return entry(diagnostic)["parties"]["Buyer"]


@pytest.fixture
def published(diagnostic):
    """Alice, Bob, Carol and Dave rate Reliability (current 3, 2, 2, 2), its importance (4),
    mark "take", and estimate Supplier and Carrier at 3; everything is published."""
    four = people(diagnostic, 4)
    for person, current in zip(four, (3, 2, 2, 2), strict=True):
        levels(person, current)
        importance(person, 4)
        stance(person, "take")
        estimate(person, "Supplier", 3)
        estimate(person, "Carrier", 3)
    for person in people(diagnostic, K, "Supplier"):
        levels(person, 3)
    for person in people(diagnostic, K, "Carrier"):
        levels(person, 3)
    first = entry(diagnostic)
    assert first["parties"]["Buyer"]["current_distribution"] == [0, 3, 1, 0, 0]
    assert first["importance"]["Buyer"]["mean_importance"] == 4.0
    assert first["stance"]["Buyer"]["n_take"] == 4
    assert first["estimates"]["Buyer"]["Supplier"]["mean_estimate"] == 3.0
    return four


def test_the_hostile_testers_reproduction_does_not_move_the_current(diagnostic, published):
    alice, bob, carol, dave = published
    before = entry(diagnostic)
    stance(bob, "give")
    stance(carol, "give")
    assert entry(diagnostic) == before  # 2 < K
    levels(dave, 5)  # three people changed something, but one a level
    assert entry(diagnostic) == before  # Dave's level alone cannot be read
    levels(alice, 3, comment="Still three")  # saved again unchanged: no change
    assert entry(diagnostic) == before
    levels(bob, 1)
    assert entry(diagnostic) == before
    levels(carol, 1)  # three people changed their levels: published together
    after = entry(diagnostic)
    assert after["parties"]["Buyer"]["current_distribution"] == [2, 0, 1, 0, 1]
    assert after["stance"] == before["stance"]  # two marks changed: still waiting
    assert after["importance"] == before["importance"]
    assert after["estimates"] == before["estimates"]


def test_importance_moves_only_with_k_changed_importances(diagnostic, published):
    alice, bob, carol, dave = published
    before = entry(diagnostic)
    levels(bob, 5)
    levels(carol, 5)
    importance(dave, 1)
    assert entry(diagnostic) == before
    importance(alice, 2)
    assert entry(diagnostic) == before
    importance(bob, 2)
    after = entry(diagnostic)
    assert after["importance"]["Buyer"]["mean_importance"] == pytest.approx((1 + 2 + 2 + 4) / 4)
    assert after["parties"] == before["parties"]


def test_stance_moves_only_with_k_changed_marks(diagnostic, published):
    alice, bob, carol, dave = published
    before = entry(diagnostic)
    levels(bob, 5)
    importance(carol, 1)
    stance(dave, "give")
    assert entry(diagnostic) == before
    stance(alice, "")
    assert entry(diagnostic) == before
    stance(bob, "give")
    after = entry(diagnostic)
    assert (after["stance"]["Buyer"]["n_give"], after["stance"]["Buyer"]["n_take"]) == (2, 1)
    assert after["parties"] == before["parties"]
    assert after["importance"] == before["importance"]


def test_an_estimate_moves_only_with_k_changed_estimates_of_that_party(diagnostic, published):
    alice, bob, carol, dave = published
    before = entry(diagnostic)
    levels(bob, 5)
    stance(carol, "give")
    estimate(dave, "Supplier", 5)
    assert entry(diagnostic) == before
    # Two more estimates, but of another party: each estimates[A][B] is a figure of its own.
    estimate(alice, "Carrier", 1)
    estimate(bob, "Carrier", 1)
    assert entry(diagnostic) == before
    estimate(carol, "Carrier", 1)
    after = entry(diagnostic)["estimates"]["Buyer"]
    assert after["Carrier"]["mean_estimate"] == pytest.approx((1 + 1 + 1 + 3) / 4)
    assert after["Supplier"] == before["estimates"]["Buyer"]["Supplier"]
    estimate(alice, "Supplier", 5)
    estimate(bob, "Supplier", 5)
    after = entry(diagnostic)["estimates"]["Buyer"]
    assert after["Supplier"]["mean_estimate"] == pytest.approx((5 + 5 + 5 + 3) / 4)


def test_k_changed_levels_and_one_changed_stance_publish_the_levels_only(diagnostic, published):
    alice, bob, carol, dave = published
    before = entry(diagnostic)
    for person in (alice, bob, carol):
        levels(person, 5)
    stance(dave, "give")
    after = entry(diagnostic)
    assert after["parties"]["Buyer"]["current_distribution"] == [0, 1, 0, 0, 3]
    assert after["stance"] == before["stance"]
    assert analyse(diagnostic) == analyse(diagnostic)  # nothing more is due


def test_a_person_whose_stance_is_published_but_not_their_levels_is_in_no_level_figure(
    diagnostic, published
):
    before = entry(diagnostic)["parties"]["Buyer"]
    eve, fay, gus = people(diagnostic, 3)
    stance(eve, "give")
    stance(fay, "give")
    stance(gus, "give")  # three marks: published
    levels(eve, 5, comment="Only Eve wrote this")  # one level: waiting
    after = entry(diagnostic)
    assert after["stance"]["Buyer"]["n_give"] == 3
    assert after["parties"]["Buyer"] == before  # n_current, n_target, means, distributions
    assert after["importance"]["Buyer"]["n_importance"] == 4
    assert after["estimates"]["Buyer"]["Supplier"]["n"] == 4
    comments = anonymous_comments(diagnostic, diagnostic.rounds.get())
    assert "Only Eve wrote this" not in str(comments)
    eve_row = PublishedRating.objects.get(participant=eve)
    assert (eve_row.current_answered, eve_row.target_answered, eve_row.stance) == (
        False,
        False,
        "give",
    )
    assert (eve_row.importance_answered, eve_row.comment) == (False, "")


def test_a_comment_rides_with_the_next_publication_of_levels_only(diagnostic, published):
    alice, bob, carol, dave = published
    round_ = diagnostic.rounds.get()
    levels(alice, 3, comment="Alice's comment")  # a comment alone is no changed answer
    stance(bob, "give")
    stance(carol, "give")
    stance(dave, "give")
    assert entry(diagnostic)["stance"]["Buyer"]["n_give"] == K  # published, not the comment
    assert anonymous_comments(diagnostic, round_) == {}
    for person in (bob, carol, dave):
        levels(person, 4)
    entry(diagnostic)
    assert anonymous_comments(diagnostic, round_) == {
        code(diagnostic).pk: {"Buyer": ["Alice's comment"]}
    }


def test_closing_the_round_publishes_every_kind(diagnostic, published):
    alice, bob, carol, dave = published
    levels(alice, 5)
    importance(bob, 1)
    stance(carol, "give")
    estimate(dave, "Supplier", 1)
    assert entry(diagnostic)["parties"]["Buyer"]["current_distribution"] == [0, 3, 1, 0, 0]
    services.close_round(round=diagnostic.rounds.get())
    final = entry(diagnostic)
    assert final["parties"]["Buyer"]["current_distribution"] == [0, 3, 0, 0, 1]
    assert final["importance"]["Buyer"]["mean_importance"] == pytest.approx(13 / 4)
    assert final["stance"]["Buyer"]["n_give"] == 1
    assert final["estimates"]["Buyer"]["Supplier"]["mean_estimate"] == pytest.approx(10 / 4)


def test_a_removed_person_leaves_each_kind_at_its_next_publication(diagnostic, published):
    alice, bob, carol, dave = published
    dave.delete()
    assert buyer(diagnostic)["n_current"] == 4
    eve, fay, gus = people(diagnostic, 3)
    for person in (eve, fay, gus):
        levels(person, 5)
    after = entry(diagnostic)
    assert after["parties"]["Buyer"]["n_current"] == 6  # Dave's levels left
    assert after["stance"]["Buyer"]["n_take"] == 4  # his mark waits for its publication
    gone = PublishedRating.objects.get(participant=None)
    assert (gone.current_answered, gone.stance) == (False, "take")
    for person in (eve, fay, gus):
        stance(person, "give")
        importance(person, 3)
    after = entry(diagnostic)
    assert after["stance"]["Buyer"]["n_take"] == 3
    assert not PublishedRating.objects.filter(participant=None).exists()  # nothing left of him


def test_publishing_every_kind_takes_a_fixed_number_of_queries(diagnostic):
    def publish_all(count):
        round_ = diagnostic.rounds.get()
        crowd = people(diagnostic, count)
        for person in crowd:
            levels(person, 2)
            importance(person, 3)
            stance(person, "take")
            estimate(person, "Supplier", 3)
            estimate(person, "Carrier", 3)
        with CaptureQueriesContext(connection) as queries:
            published = publication.publish_due(round_, threshold=K, estimates=True)
        assert {figure.kind for figure in published} == {
            publication.LEVELS,
            publication.IMPORTANCE,
            publication.STANCE,
            publication.ESTIMATES,
        }
        return len(queries)

    assert publish_all(K) == publish_all(4 * K)


def test_what_closing_would_publish_below_k_is_counted_for_the_facilitator(diagnostic, published):
    alice, bob, carol, dave = published
    round_ = diagnostic.rounds.get()

    def waiting():
        return publication.waiting_below_k(round_, threshold=K, estimates=True)

    assert not waiting()
    levels(alice, 5)  # one person's level: closing now would publish it
    assert waiting() == publication.Waiting(value_codes=1, pulse_pairs=0, removed=False)
    for person in (bob, carol):
        levels(person, 5)
    entry(diagnostic)  # three changed levels: published on this read
    assert not waiting()
    dave.delete()
    assert waiting() == publication.Waiting(value_codes=0, pulse_pairs=0, removed=True)


def test_the_rounds_tab_warns_before_a_close_that_publishes_answers_below_k(
    client, diagnostic, published
):
    client.force_login(MemberFactory(diagnostic=diagnostic, role="facilitator").user)
    url = reverse("diagnostics:rounds", args=[diagnostic.slug])
    assert 'id="close-waiting"' not in client.get(url).content.decode()
    levels(published[0], 5)
    page = client.get(url).content.decode()
    assert "not yet reached 3 people on 1 Value Code" in page
    assert "Whoever knows who answered last" in page


def test_comments_need_k_people_who_rated_not_k_rows_of_any_kind(diagnostic):
    """A closed round once showed a comment when K people had any row, marks only included, so
    it could stand beside level figures hidden for having fewer than K answers."""
    ann, ben, cy = people(diagnostic, 3)
    levels(ann, 2, comment="Reports come late")
    stance(ben, "take")
    importance(cy, 5)
    round_ = diagnostic.rounds.get()
    services.close_round(round=round_)
    assert buyer(diagnostic)["suppressed_current"] is True
    assert anonymous_comments(diagnostic, round_) == {}
