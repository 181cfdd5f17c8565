"""People joining at the same moment never get past a cap (PostgreSQL, real concurrency)."""

import threading

import pytest
from django.db import connection

from diagnostics import services as diagnostic_services
from diagnostics.models import Participant
from participation.services import OpenLinkFull, register_participant
from workshops import services as workshop_services
from workshops.models import WorkshopAttendee

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 6


def all_at_once(join):
    """Run join(number) in ATTEMPTS threads released together; return the errors raised."""
    start = threading.Barrier(ATTEMPTS)
    errors = []

    def attempt(number):
        try:
            start.wait()
            join(number)
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_simultaneous_sign_ups_take_only_the_places_left(it_party):
    diagnostic_services.set_open_link(party=it_party, enabled=True, capacity=3)
    register_participant(party=it_party, name="Already in")
    errors = all_at_once(lambda n: register_participant(party=it_party, name=f"Rush {n}"))
    assert Participant.objects.filter(party=it_party).count() == 3
    assert len(errors) == ATTEMPTS - 2
    assert all(isinstance(error, OpenLinkFull) for error in errors)


def test_simultaneous_workshop_joins_take_only_the_seats_left(diagnostic, it_party):
    session = workshop_services.start_session(
        diagnostic=diagnostic,
        seats=dict.fromkeys(diagnostic.parties.values_list("pk", flat=True), 2),
    )
    errors = all_at_once(
        lambda n: workshop_services.join_with_name(session=session, party=it_party, name=f"P{n}")
    )
    assert WorkshopAttendee.objects.filter(session=session).count() == 2
    assert Participant.objects.filter(party=it_party).count() == 2
    assert len(errors) == ATTEMPTS - 2
    assert all(isinstance(error, workshop_services.WorkshopFull) for error in errors)
