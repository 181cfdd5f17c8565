import pytest
from django.core.cache import caches
from django.urls import reverse

from workshops import services

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    MemberFactory,
    PartyFactory,
    RoundFactory,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and change stamps must not leak from one test to the next."""
    for alias in ("default", "live"):
        caches[alias].clear()
    yield
    for alias in ("default", "live"):
        caches[alias].clear()


@pytest.fixture
def diagnostic(facilitator):
    diagnostic = DiagnosticFactory(name="Council and contractor", anonymity_threshold=2)
    MemberFactory(diagnostic=diagnostic, user=facilitator)
    PartyFactory(diagnostic=diagnostic, name="Council", position=0, colour="#1565c0")
    PartyFactory(diagnostic=diagnostic, name="Contractor", position=1, colour="#6a1b9a")
    for identifier in ("Reliability", "Communication", "Value for money"):
        DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier=identifier)
    RoundFactory(diagnostic=diagnostic, number=1)
    return diagnostic


@pytest.fixture
def council(diagnostic):
    return diagnostic.parties.get(name="Council")


@pytest.fixture
def contractor(diagnostic):
    return diagnostic.parties.get(name="Contractor")


@pytest.fixture
def value_codes(diagnostic):
    return list(diagnostic.value_codes.order_by("position", "id"))


@pytest.fixture
def session(diagnostic, facilitator):
    return services.start_session(diagnostic=diagnostic, user=facilitator)


def join(client, session, party, name):
    """Join through the phone pages, as a person would; returns the response."""
    url = reverse("workshop:join_session", args=[session.join_code])
    return client.post(url, {"party": party.pk, "name": name})


@pytest.fixture
def phone_factory(db):
    """Separate browsers (Django test clients), each joined as one person."""
    from django.test import Client

    def make(session, party, name):
        client = Client()
        response = join(client, session, party, name)
        assert response.status_code == 302, response.content
        return client

    return make
