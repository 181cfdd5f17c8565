"""Give and take and the pulse move in steps of K (PRODUCT.md 3), tried as someone who compares
results before and after one person answers."""

import pytest
from django.core.exceptions import ValidationError

from diagnostics import services
from diagnostics.models import Pulse, Rating
from participation import give_and_take
from results.analysis import analyse

from .conftest import K, party, people, rate

pytestmark = pytest.mark.django_db


def council_stance(diagnostic):
    (entry,) = [vc for vc in analyse(diagnostic)["value_codes"] if vc["identifier"] == "Cost"]
    return entry["stance"]["Council"]


def mark(person, identifier, stance):
    rating = Rating.objects.get(participant=person, value_code__identifier=identifier)
    rating.stance = stance
    rating.save()


def test_a_party_never_published_shows_its_stance_as_pending(diagnostic):
    rate(diagnostic, people(diagnostic, "Council", K - 1), "Cost", ["take"] * (K - 1))
    assert council_stance(diagnostic) == {
        "n_give": None,
        "n_take": None,
        "n_stance": None,
        "lean": None,
        "suppressed": True,
        "pending": True,
    }


def test_one_person_changing_their_stance_changes_nothing_until_k_have(diagnostic):
    council = people(diagnostic, "Council", 4)
    rate(diagnostic, council, "Cost", ["take", "take", "give", ""])
    before = council_stance(diagnostic)
    assert (before["n_give"], before["n_take"], before["lean"]) == (1, 2, 0.25)
    mark(council[3], "Cost", "take")
    assert council_stance(diagnostic) == before  # one change: nobody's mark can be read
    mark(council[2], "Cost", "")
    assert council_stance(diagnostic) == before
    mark(council[0], "Cost", "")
    after = council_stance(diagnostic)  # three people changed: published
    assert (after["n_give"], after["n_take"], after["lean"]) == (0, 2, 0.5)


def test_closing_the_round_publishes_the_final_stances(diagnostic):
    council = people(diagnostic, "Council", 3)
    rate(diagnostic, council, "Cost", ["take", "take", "take"])
    council_stance(diagnostic)
    mark(council[0], "Cost", "give")
    services.close_round(round=diagnostic.rounds.get())
    assert council_stance(diagnostic)["n_give"] == 1


def pulse_of(diagnostic):
    return analyse(diagnostic)["pulse"]["Council"]["Contractor"]


def answer_pulse(person, score):
    person.refresh_from_db()
    give_and_take.save_pulse(
        participant=person, scores={party(person.diagnostic, "Contractor").pk: score}
    )


def test_the_pulse_of_a_pair_is_pending_until_k_answered(diagnostic):
    council = people(diagnostic, "Council", 3)
    answer_pulse(council[0], "10")
    answer_pulse(council[1], "2")
    assert pulse_of(diagnostic) == {
        "n": None,
        "promoters": None,
        "detractors": None,
        "score": None,
        "pending": True,
    }
    answer_pulse(council[2], "9")
    assert pulse_of(diagnostic)["score"] == pytest.approx(33.3333)


def test_one_person_changing_or_taking_back_their_pulse_changes_nothing_until_k_have(diagnostic):
    council = people(diagnostic, "Council", 4)
    for person, score in zip(council, ["10", "9", "8", "0"], strict=True):
        answer_pulse(person, score)
    before = pulse_of(diagnostic)
    assert (before["n"], before["promoters"], before["detractors"]) == (4, 2, 1)
    answer_pulse(council[0], "")  # taken back
    assert pulse_of(diagnostic) == before
    answer_pulse(council[3], "10")
    assert pulse_of(diagnostic) == before
    answer_pulse(council[3], "10")  # saving the same answer again is no change
    assert pulse_of(diagnostic) == before
    answer_pulse(council[2], "3")
    after = pulse_of(diagnostic)
    assert (after["n"], after["promoters"], after["detractors"]) == (3, 2, 1)


def test_a_pulse_about_another_party_moves_on_its_own(diagnostic):
    """Each pair (A about B) is published on its own count of K."""
    council = people(diagnostic, "Council", 3)
    for person in council:
        answer_pulse(person, "10")
    assert pulse_of(diagnostic)["n"] == 3
    residents = party(diagnostic, "Residents")
    give_and_take.save_pulse(participant=council[0], scores={residents.pk: "5"})
    assert analyse(diagnostic)["pulse"]["Council"]["Residents"]["pending"]
    assert Pulse.objects.filter(about_party=residents).count() == 1


def test_a_pulse_about_ones_own_party_is_refused(diagnostic):
    (person,) = people(diagnostic, "Council", 1)
    with pytest.raises(ValidationError, match="never your own"):
        give_and_take.save_pulse(participant=person, scores={person.party_id: "5"})
    assert not Pulse.objects.exists()
