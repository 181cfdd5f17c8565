"""One diagnostic with everything in it (rounds, people, an agreed target with a trade-off link,
a live workshop with captures, a report, a library) and a logged-in client per role, for the
bad-input and fuzz tests."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.test import Client

from diagnostics import services as diagnostic_services
from diagnostics.models import DiagnosticMember, Rating
from diagnostics.targets import link_trade_off, record_agreed_target
from reports.models import Report
from workshops import services as workshop_services

from ..diagnostics.builders import make_diagnostic, make_library
from ..factories import FacilitatorFactory, MemberFactory, ParticipantFactory, UserFactory


@dataclass
class World:
    diagnostic: object
    library: object
    participant: object
    session: object
    captures: list
    report: object
    thing: object
    facilitator: object
    sponsor: object
    superuser: object

    @property
    def value_code(self):
        return self.diagnostic.value_codes.order_by("position", "id").first()


def build_world():
    facilitator = FacilitatorFactory(username="fran")
    library = make_library()
    diagnostic = make_diagnostic(facilitator=facilitator, library=library)
    sponsor = UserFactory(username="sandra")
    MemberFactory(diagnostic=diagnostic, user=sponsor, role=DiagnosticMember.SPONSOR)
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", None)
    party = diagnostic.parties.order_by("position").first()
    participant = ParticipantFactory(party=party, label="Ada")
    round_ = diagnostic.rounds.get()
    value_codes = list(diagnostic.value_codes.order_by("position", "id"))
    Rating.objects.create(
        round=round_,
        participant=participant,
        value_code=value_codes[0],
        current_level=2,
        target_level=4,
        current_answered=True,
        target_answered=True,
        comment="Late again",
    )
    target = record_agreed_target(round=round_, value_code=value_codes[0], level=4)
    link_trade_off(
        agreed_target=target, value_code=value_codes[1], direction="down", review_round=2
    )
    session = workshop_services.start_session(
        diagnostic=diagnostic, user=facilitator, capture_first=True
    )
    captures = [
        workshop_services.capture(session=session, participant=participant, title=title)
        for title in ("Faster invoices", "Quicker invoices")
    ]
    report = Report.objects.create(diagnostic=diagnostic, round=round_, requested_by=facilitator)
    thing = diagnostic_services.create_thing_that_matters(
        diagnostic=diagnostic, title="Pay on time", value_codes=value_codes[:2]
    )
    return World(
        diagnostic=diagnostic,
        library=library,
        participant=participant,
        session=session,
        captures=captures,
        report=report,
        thing=thing,
        facilitator=facilitator,
        sponsor=sponsor,
        superuser=superuser,
    )


def client_as(world, role):
    """A client that never raises the view's exception: a 500 stays a status to assert on."""
    client = Client(raise_request_exception=False)
    user = {
        "facilitator": world.facilitator,
        "sponsor": world.sponsor,
        "superuser": world.superuser,
    }.get(role)
    if user is not None:
        client.force_login(user)
    if role == "participant":
        # A phone that joined the workshop: its session remembers the attendance.
        response = client.post(
            f"/workshop/{world.session.join_code}/",
            {"party": world.participant.party_id, "name": "Phone person"},
        )
        assert response.status_code == 302, response.content
    return client
