"""Every figure printed for a Value Code reads the same in the PDF, on the dashboard and in the
analyse JSON rounded to one decimal (PRODUCT.md 4)."""

import random
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import Rating
from reports import business_case
from reports.pdf import html_to_pdf
from results.analysis import analyse
from results.charts import change_text, one_decimal

from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    MemberFactory,
    ParticipantFactory,
    PartyFactory,
    RoundFactory,
)
from ..reports.helpers import pdf_text

pytestmark = pytest.mark.django_db
THRESHOLD = 2
SECTIONS = {"Code A": "Trust", "Code B": "Trust", "Code C": "Delivery", "Code D": "Delivery"}
FIGURE = r"(\d\.\d(?: n=\d+)?|fewer than \d|–)"


@pytest.fixture
def diagnostic():
    """Three parties of four people, two rounds, answers drawn with a fixed seed; some "don't
    know" answers leave figures under the threshold."""
    rng = random.Random(20261129)
    diagnostic = DiagnosticFactory(slug="three-parties", anonymity_threshold=THRESHOLD)
    names = ("Council", "Contractor", "Residents")
    parties = [PartyFactory(diagnostic=diagnostic, name=name) for name in names]
    value_codes = [
        DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier=name, section=section)
        for name, section in SECTIONS.items()
    ]
    people = [p for party in parties for p in ParticipantFactory.create_batch(4, party=party)]
    for number in (1, 2):
        round_ = RoundFactory(
            diagnostic=diagnostic, number=number, closed_at=timezone.now() if number == 1 else None
        )
        Rating.objects.bulk_create(
            Rating(
                round=round_,
                participant=person,
                value_code=value_code,
                current_level=rng.choice([None, 1, 2, 3, 4, 5]),
                target_level=rng.choice([None, 3, 4, 5]),
                current_answered=True,
                target_answered=True,
            )
            for person in people
            for value_code in value_codes
        )
    return diagnostic


def shown(figure):
    return "–" if figure is None else one_decimal(figure)


def expected_cells(entry):
    cells = []
    for figures in entry["parties"].values():
        for key in ("current", "target"):
            if figures[f"suppressed_{key}"]:
                cells.append(f"fewer than {THRESHOLD}")
            else:
                cells.append(one_decimal(figures[f"mean_{key}"]))
    return cells


def figures_only(cells):
    return [re.sub(r"\s*n=\d+$", "", cell) for cell in cells]


def pdf_of(diagnostic):
    context = business_case.gather(diagnostic, diagnostic.rounds.get(number=2))
    return pdf_text(html_to_pdf(business_case.to_html(context)))


def test_the_pdf_prints_the_json_figures_of_every_value_code(diagnostic):
    result = analyse(diagnostic, 2)
    cells = [cell for entry in result["value_codes"] for cell in expected_cells(entry)]
    assert f"fewer than {THRESHOLD}" in cells  # the seed leaves some figures suppressed
    text = pdf_of(diagnostic)
    for entry in result["value_codes"]:
        name = re.escape(entry["identifier"])
        heatmap = re.search(rf"{name}(?: priority \d+)? " + " ".join([FIGURE] * 6), text)
        assert heatmap, entry["identifier"]
        assert figures_only(heatmap.groups()) == expected_cells(entry), entry["identifier"]

        overall = re.search(
            rf"{name} The extent to which {name} works all parties: current (\S+)"
            r"(?: (▲ \+\d\.\d|▼ −\d\.\d|unchanged))?, target (\S+), gap (\S+?)[;\s]",
            text,
        )
        assert overall, entry["identifier"]
        assert overall.groups() == (
            shown(entry["overall"]["mean_current"]),
            change_text(entry["change"]["overall_current"])
            if entry["change"]["overall_current"] is not None
            else None,
            shown(entry["overall"]["mean_target"]),
            shown(entry["overall"]["gap"]),
        )


def test_the_pdf_perception_gaps_and_progress_match_the_json(diagnostic):
    result = analyse(diagnostic, 2)
    before = {vc["identifier"]: vc for vc in analyse(diagnostic, 1)["value_codes"]}
    text = pdf_of(diagnostic)
    chapter = text.split("a whole level higher than another.")[1].split(" Diagnostic ")[0]
    charted = re.findall(r"(Code \w) (\d\.\d)", chapter)
    entries = {vc["identifier"]: vc for vc in result["value_codes"]}
    assert charted == [
        (i, one_decimal(entries[i]["perception_gap_current"])) for i in result["blind_spots"]
    ]
    moves = re.findall(r"(Code \w) (?:Trust|Delivery) (\S+) (\S+) (▲ \+\d\.\d|▼ −\d\.\d)", text)
    assert moves
    for identifier, earlier, now, change in moves:
        entry = entries[identifier]
        assert earlier == shown(before[identifier]["overall"]["mean_current"])
        assert now == shown(entry["overall"]["mean_current"])
        assert change == change_text(entry["change"]["overall_current"])


def table_rows(html, table_class):
    """{identifier: the row's HTML after its header cell} of the table with that class."""
    table = html.split(f'class="{table_class}"')[1].split("</table>")[0]
    return dict(re.findall(r'<a href="#vc-\d+">(Code \w)</a></th>(.*?)</tr>', table, re.S))


def test_the_dashboard_shows_the_json_figures_of_every_value_code(client, diagnostic):
    result = analyse(diagnostic, 2)
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    html = client.get(reverse("results:dashboard", args=[diagnostic.slug])).content.decode()
    rows = table_rows(html, "table table-sm heatmap align-middle")
    for entry in result["value_codes"]:
        cells = [
            unescape(re.sub(r"<small>.*?</small>|<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", rows[entry["identifier"]], re.S)
        ]
        heatmap, (gap, apart, priority, _agreed) = cells[:6], cells[6:10]
        assert heatmap == expected_cells(entry), entry["identifier"]
        assert (gap, apart, priority) == (
            shown(entry["overall"]["gap"]),
            shown(entry["perception_gap_current"]),
            shown(entry["priority"]),
        )
    progress_rows = table_rows(html, "table table-sm align-middle progress-table")
    for entry in result["value_codes"]:
        change = entry["change"]
        printed = re.findall(r"<td[^>]*>(.*?)</td>", progress_rows[entry["identifier"]], re.S)
        assert printed == [
            *(change_text(party["current"]) for party in change["parties"].values()),
            change_text(change["overall_current"]),
            change_text(change["overall_target"]),
        ]
