"""The demo diagnostic `make run` loads once: a council and its contractor on the starter library,
with a dozen people's ratings, so a newcomer sees a populated diagnostic at once."""

import datetime
import random
import secrets
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from diagnostics import services, targets
from diagnostics.models import GIVE, TAKE, Diagnostic, Estimate, Pulse, Rating, TradeOffLink
from diagnostics.services import PartySpec
from participation import invitations
from valuecodes.models import Library
from valuecodes.selectors import libraries_value_codes

DEMO_SLUG = "council-and-contractor"
DEMO_NAME = "Council and contractor"
LIBRARY_NAME = "Starter library"
FACILITATOR_USERNAME = "facilitator"
SPONSOR_USERNAME = "sponsor"
SPONSOR_LOGIN_FILE = settings.BASE_DIR / ".sponsor-login"
PEOPLE = {
    "Council": [
        "Alice Morgan",
        "Ben Okafor",
        "Chloe Singh",
        "David Price",
        "Emma Walsh",
        "Femi Ade",
    ],
    "Contractor": [
        "Gary Hughes",
        "Hannah Lee",
        "Ian Brooks",
        "Jas Patel",
        "Kate Murray",
        "Liam Doyle",
    ],
}
COMMENTS = {
    "Council": [
        "Reports arrive late and we chase them every month.",
        "We hear about problems from residents before the contractor tells us.",
        "Good people on the ground, but decisions stall at management level.",
        "Change requests take weeks to price.",
    ],
    "Contractor": [
        "Instructions change after work has started.",
        "Payments are slow, which squeezes our subcontractors.",
        "We share data every week; it is not always read.",
        "Joint planning meetings have helped this year.",
    ],
}


def load_demo(*, stdout=None, login_file=SPONSOR_LOGIN_FILE, seed=2024):
    """Create the demo diagnostic unless it exists; returns it (None without the library)."""
    out = stdout or sys.stdout
    existing = Diagnostic.objects.filter(slug=DEMO_SLUG).first()
    library = Library.objects.filter(name=LIBRARY_NAME).first()
    if existing is None and library is None:
        out.write(f"Note: no library named {LIBRARY_NAME!r} yet, so no demo diagnostic.\n")
        return None
    password = _ensure_sponsor(login_file)
    out.write(f"ttm sponsor login\n  username: {SPONSOR_USERNAME}\n  password: {password}\n")
    if existing is not None:
        return existing
    with transaction.atomic():
        diagnostic = _create(library)
        _two_rounds(diagnostic, random.Random(seed))
    out.write(f"Demo diagnostic loaded: /diagnostics/{diagnostic.slug}/\n")
    return diagnostic


def _ensure_sponsor(login_file):
    users = get_user_model().objects
    user = users.filter(username=SPONSOR_USERNAME).first()
    password = login_file.read_text().strip() if login_file.exists() else ""
    if user is None or not password or not user.check_password(password):
        password = password or secrets.token_urlsafe(12)
        user = user or users.model(
            username=SPONSOR_USERNAME, first_name="Demo", last_name="Sponsor"
        )
        user.set_password(password)
        user.save()
        login_file.write_text(password + "\n")
        login_file.chmod(0o600)
    return password


def _create(library):
    users = get_user_model().objects
    diagnostic = services.create_diagnostic(
        name=DEMO_NAME,
        purpose="Make the case for a joint improvement plan before the contract renewal: "
        "where the council and its contractor stand today, and where both want to be.",
        parties=[PartySpec("Council", "#1d3557"), PartySpec("Contractor", "#e76f51")],
        value_codes=libraries_value_codes([library]),
        created_by=users.filter(username=FACILITATOR_USERNAME).first(),
        asks_estimates=True,
        asks_importance=True,
    )
    # Give and take and the pulse are switched on in the settings, after creation.
    diagnostic.asks_stance = diagnostic.asks_pulse = True
    diagnostic.save(update_fields=["asks_stance", "asks_pulse"])
    # The operator shares it with the sponsor: the facilitator could add only colleagues.
    services.add_member(
        diagnostic=diagnostic, identifier=SPONSOR_USERNAME, role="sponsor", added_by=None
    )
    for party in diagnostic.parties.all():
        domain = party.name.lower()
        people = [
            (name, f"{name.split()[0].lower()}@{domain}.example.org") for name in PEOPLE[party.name]
        ]
        invitations.add_participants(
            diagnostic=diagnostic, party=party, people=people, send_invitations=False
        )
    codes = list(diagnostic.value_codes.all())
    services.create_thing_that_matters(
        diagnostic=diagnostic,
        title="Renew the contract on better terms for both sides",
        kind="goal",
        direction="towards",
        parties=diagnostic.parties.all(),
        value_codes=codes[:3],
    )
    services.create_thing_that_matters(
        diagnostic=diagnostic,
        title="Resolve the dispute over late change requests",
        kind="issue",
        direction="away",
        parties=diagnostic.parties.filter(name="Contractor"),
        value_codes=codes[3:5] or codes[:1],
    )
    return diagnostic


def _level(rng, mean):
    return max(1, min(5, round(rng.gauss(mean, 0.7))))


def _two_rounds(diagnostic, rng):
    """Round 1, closed: everyone answered; the parties agreed targets on the two largest gaps,
    each with a trade-off. Round 2, open: the targets moved, one trade-off dipped as expected,
    the sides read each other better and the pulse rose; one council member is half way and
    one contractor has not started."""
    codes = list(diagnostic.value_codes.all())
    means = {
        code.pk: (rng.choice([1.8, 2.2, 2.6, 3.0]), rng.choice([0, 0.5, 1.0, 1.5]))
        for code in codes
    }
    first = diagnostic.rounds.get(number=1)
    _rate(first, codes, means, rng, everyone=True)
    _understand(first, rng, closer=False)
    _give_and_take(first, means, rng, pulse=(6.5, 7.5))
    moves = _agree(first, codes, means)
    services.close_round(round=first)

    second = services.open_round(diagnostic=diagnostic)
    moved = {pk: (base + moves.get(pk, 0.1), rosier) for pk, (base, rosier) in means.items()}
    _rate(second, codes, moved, rng, everyone=False)
    _understand(second, rng, closer=True)
    _give_and_take(second, means, rng, pulse=(8.0, 8.5))


def _rate(round_, codes, means, rng, *, everyone):
    """Ratings with a perception gap (the contractor sees things rosier), some don't-knows and
    comments; unless `everyone`, one council member half way and one contractor not started."""
    ratings = []
    for participant in round_.diagnostic.participants.select_related("party"):
        council = participant.party.name == "Council"
        if not everyone and participant.label == PEOPLE["Contractor"][-1]:
            continue
        half_way = not everyone and participant.label == PEOPLE["Council"][-1]
        for code in codes[: len(codes) // 2] if half_way else codes:
            base, rosier = means[code.pk]
            current = (
                None if rng.random() < 0.08 else _level(rng, base + (0 if council else rosier))
            )
            target = None if rng.random() < 0.04 else _level(rng, 4.3 if council else 4.0)
            comment = rng.choice(COMMENTS[participant.party.name]) if rng.random() < 0.15 else ""
            ratings.append(
                Rating(
                    round=round_,
                    participant=participant,
                    value_code=code,
                    current_level=current,
                    target_level=target,
                    current_answered=True,
                    target_answered=True,
                    comment=comment,
                )
            )
    Rating.objects.bulk_create(ratings, batch_size=500)
    # They answered through their invitations, which are therefore used.
    raters = Rating.objects.filter(round=round_).values("participant_id")
    round_.diagnostic.participants.filter(pk__in=raters).update(invitation_used_at=timezone.now())


def _understand(round_, rng, *, closer):
    """How much each Value Code matters to each side (they care about different ones), and
    where each person thinks the other side would place it. In round 1 near where they place it
    themselves, so the council misses how rosy the contractor's view is; once they have talked
    (`closer`), half way to what the other side said."""
    ratings = list(Rating.objects.filter(round=round_).select_related("participant__party"))
    parties = list(round_.diagnostic.parties.all())
    cares = {
        (party.pk, code): rng.choice([2.0, 3.0, 4.0, 4.5])
        for party in parties
        for code in {rating.value_code_id for rating in ratings}
    }
    said = _mean_currents(ratings)
    estimates = []
    for rating in ratings:
        party = rating.participant.party
        if rng.random() < 0.9:
            rating.importance_level = _level(rng, cares[party.pk, rating.value_code_id])
            rating.importance_answered = True
        for other in parties:
            if other.pk == party.pk or rng.random() < 0.1:
                continue
            guess = rating.current_level or 3
            if closer:
                guess = (guess + said.get((other.pk, rating.value_code_id), guess)) / 2
            estimates.append(
                Estimate(
                    round_id=rating.round_id,
                    participant_id=rating.participant_id,
                    value_code_id=rating.value_code_id,
                    about_party=other,
                    level=None if rng.random() < 0.1 else _level(rng, guess),
                )
            )
    Rating.objects.bulk_update(ratings, ["importance_level", "importance_answered"], batch_size=500)
    Estimate.objects.bulk_create(estimates, batch_size=500)


def _mean_currents(ratings):
    levels = {}
    for rating in ratings:
        if rating.current_level is not None:
            key = (rating.participant.party_id, rating.value_code_id)
            levels.setdefault(key, []).append(rating.current_level)
    return {key: sum(values) / len(values) for key, values in levels.items()}


def _give_and_take(round_, means, rng, *, pulse):
    """Where the council needs movement (what it rates lowest) and where the contractor could
    give (what it sees rosiest), each person following their side most of the time; and the
    pulse, council about contractor and contractor about council around `pulse`."""
    ratings = list(Rating.objects.filter(round=round_).select_related("participant__party"))
    for rating in ratings:
        base, rosier = means[rating.value_code_id]
        if rating.participant.party.name == "Council":
            leaning = TAKE if base <= 2.2 else ""
        else:
            leaning = GIVE if rosier >= 1.0 else ""
        rating.stance = leaning if rng.random() < 0.7 else ""
    Rating.objects.bulk_update(ratings, ["stance"], batch_size=500)
    parties = {party.name: party for party in round_.diagnostic.parties.all()}
    means_by_party = dict(zip(("Council", "Contractor"), pulse, strict=True))
    pulses = [
        Pulse(
            round=round_,
            participant_id=person,
            about_party=parties["Contractor" if name == "Council" else "Council"],
            score=max(0, min(10, round(rng.gauss(means_by_party[name], 1.5)))),
        )
        for person, name in {
            (rating.participant_id, rating.participant.party.name) for rating in ratings
        }
    ]
    Pulse.objects.bulk_create(pulses)


def _agree(round_, codes, means):
    """Agreed targets on the two Value Codes the council rates lowest, each naming a Value Code
    that may suffer for it; returns how far each Value Code moves by the next round."""
    lowest = sorted(codes, key=lambda code: (means[code.pk][0], code.position))
    if len(lowest) < 4:
        return {}
    (first, second), (dips, holds) = lowest[:2], lowest[-2:]
    due = timezone.now().date() + datetime.timedelta(days=90)
    plans = [
        (first, 4, "Head of contracts (Council)", dips, TradeOffLink.DOWN),
        (second, 3, "Operations director (Contractor)", holds, TradeOffLink.HOLD),
    ]
    for code, level, owner, other, direction in plans:
        agreed = targets.record_agreed_target(
            round=round_,
            value_code=code,
            level=level,
            owner=owner,
            due_date=due,
            trade_off=f"If we focus on {code.identifier}, {other.identifier} may suffer for "
            "a while: both sides agreed that is acceptable until the review.",
        )
        targets.link_trade_off(
            agreed_target=agreed, value_code=other, direction=direction, review_round=2
        )
    return {first.pk: 0.9, second.pk: 0.7, dips.pk: -0.5, holds.pk: 0.0}
