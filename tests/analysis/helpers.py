"""Build diagnostics from the shared sample files with plain model writes (no import code)."""

import csv

from django.utils.timezone import now

from diagnostics.models import DiagnosticValueCode, Estimate, Participant, Party, Rating, Round

from ..factories import DiagnosticFactory


def sample_diagnostic(sample_data, *, threshold=3, slug="sample"):
    diagnostic = DiagnosticFactory(slug=slug, anonymity_threshold=threshold)
    with open(sample_data / "sample-valuecodes.csv", encoding="utf-8-sig") as handle:
        for position, row in enumerate(csv.DictReader(handle)):
            DiagnosticValueCode.objects.create(
                diagnostic=diagnostic,
                section=row["Section Name"],
                identifier=row["Value Code Identifier"],
                description=row["Description"],
                **{f"statement_{n}": row[f"Evaluation Statement {n}"] for n in range(1, 6)},
                position=position,
            )
    parties = {
        name: Party.objects.create(diagnostic=diagnostic, name=name, position=i)
        for i, name in enumerate(["IT", "Marketing"])
    }
    round_ = Round.objects.create(diagnostic=diagnostic, number=1)
    value_codes = {vc.identifier: vc for vc in diagnostic.value_codes.all()}
    participants = {}
    with open(sample_data / "sample-ratings.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            label = row["participant"]
            if label not in participants:
                participants[label] = Participant.objects.create(
                    diagnostic=diagnostic, party=parties[row["party"]], label=label
                )
            Rating.objects.create(
                round=round_,
                participant=participants[label],
                value_code=value_codes[row["value_code"]],
                current_level=int(row["current"]) if row["current"] else None,
                target_level=int(row["target"]) if row["target"] else None,
                current_answered=True,
                target_answered=True,
                comment=row["comment"],
            )
    return diagnostic


IDENTIFIERS = {
    "Trust": ["Transparency", "Reliability", "Credibility", "Openness about risk", "Integrity"],
    "Communication": ["Responsiveness", "Clarity", "Listening", "Escalation", "Reporting"],
    "Delivery": ["Service level", "Quality", "Timeliness", "Innovation", "Continuous improvement"],
    "Commercial": [
        "Value for money",
        "Fair risk sharing",
        "Payment on time",
        "Flexibility",
        "Cost",
    ],
}
PARTIES = [
    ("Council", "#1f77b4", 0.0),
    ("Contractor", "#ff7f0e", 1.2),
    ("Residents", "#6a3d9a", -0.4),
]


def realistic_diagnostic(
    *,
    value_codes=20,
    people=(6, 5, 3),
    rounds=2,
    threshold=3,
    slug="harbour-works",
    seed=7,
    understanding=False,
):
    """A diagnostic with parties that disagree, a few don't-knows and two rounds (bulk writes).

    With `understanding`, it asks importance and estimates of the other side, and each party
    believes the others see things much as it does (so it misreads them)."""
    import random

    from diagnostics.models import AgreedTarget, ThingThatMatters

    rng = random.Random(seed)
    diagnostic = DiagnosticFactory(
        name="Harbour works partnership", slug=slug, anonymity_threshold=threshold
    )
    names = [(section, name) for section, names in IDENTIFIERS.items() for name in names]
    codes = DiagnosticValueCode.objects.bulk_create(
        DiagnosticValueCode(
            diagnostic=diagnostic,
            section=section,
            identifier=name if i < len(names) else f"{name} {i // len(names) + 1}",
            description=f"The extent to which {name.lower()} is part of how we work together.",
            **{
                f"statement_{n}": f"Level {n}: {label} {name.lower()}."
                for n, label in enumerate(
                    ["Little sign of", "Some", "Consistent", "Strong", "Exemplary"], 1
                )
            },
            position=i,
            weight=1.5 if i % 7 == 3 else 1.0,
        )
        for i, (section, name) in enumerate(names[i % len(names)] for i in range(value_codes))
    )
    parties = [
        Party.objects.create(diagnostic=diagnostic, name=name, colour=colour, position=i)
        for i, (name, colour, _) in enumerate(PARTIES[: len(people)])
    ]
    participants = Participant.objects.bulk_create(
        Participant(diagnostic=diagnostic, party=party, label=f"{party.name} {n + 1}")
        for party, count in zip(parties, people, strict=False)
        for n in range(count)
    )
    base = {vc.pk: rng.uniform(1.6, 3.6) for vc in codes}
    bias = {party.pk: PARTIES[i][2] for i, party in enumerate(parties)}
    for number in range(1, rounds + 1):
        round_ = Round.objects.create(
            diagnostic=diagnostic, number=number, closed_at=None if number == rounds else now()
        )
        ratings = []
        for participant in participants:
            for vc in codes:
                mean = base[vc.pk] + bias[participant.party_id] * rng.uniform(0.3, 1.3)
                mean += 0.35 * (number - 1)
                current = min(5, max(1, round(rng.gauss(mean, 0.7))))
                target = min(5, max(current, round(rng.gauss(4.2, 0.6))))
                dont_know = rng.random() < 0.06
                ratings.append(
                    Rating(
                        round=round_,
                        participant=participant,
                        value_code=vc,
                        current_level=None if dont_know else current,
                        target_level=target,
                        current_answered=True,
                        target_answered=True,
                        comment=rng.choice(["", "", "", "Meetings are cancelled at short notice."]),
                    )
                )
        Rating.objects.bulk_create(ratings)
        if understanding:
            _understanding_answers(rng, round_, ratings, parties)
    if understanding:
        diagnostic.asks_estimates = diagnostic.asks_importance = True
        diagnostic.save(update_fields=["asks_estimates", "asks_importance"])
    thing = ThingThatMatters.objects.create(diagnostic=diagnostic, title="Win residents' trust")
    thing.value_codes.set(codes[:4])
    thing = ThingThatMatters.objects.create(
        diagnostic=diagnostic, title="Resolve the payment dispute", kind="issue", direction="away"
    )
    thing.value_codes.set(codes[15:18])
    AgreedTarget.objects.create(
        round=round_, value_code=codes[1], level=4, trade_off="Fewer site visits.", owner="Sam"
    )
    return diagnostic


def _understanding_answers(rng, round_, ratings, parties):
    """Importance on the ratings, and estimates near each person's own current level."""
    estimates = []
    for rating in ratings:
        rating.importance_level = min(5, max(1, round(rng.gauss(3.5, 1.0))))
        rating.importance_answered = True
        for party in parties:
            if party.pk == rating.participant.party_id:
                continue
            own = rating.current_level or 3
            estimates.append(
                Estimate(
                    round=round_,
                    participant=rating.participant,
                    value_code=rating.value_code,
                    about_party=party,
                    level=min(5, max(1, own + rng.choice([-1, 0, 0, 1]))),
                )
            )
    Rating.objects.bulk_update(ratings, ["importance_level", "importance_answered"])
    Estimate.objects.bulk_create(estimates)
