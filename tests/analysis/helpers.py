"""Build diagnostics from the shared sample files with plain model writes (no import code)."""

import csv

from diagnostics.models import DiagnosticValueCode, Participant, Party, Rating, Round

from ..factories import DiagnosticFactory


def sample_diagnostic(shared_data, *, threshold=3, slug="sample"):
    diagnostic = DiagnosticFactory(slug=slug, anonymity_threshold=threshold)
    with open(shared_data / "sample-valuecodes.csv", encoding="utf-8-sig") as handle:
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
    with open(shared_data / "sample-ratings.csv", encoding="utf-8") as handle:
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
