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
from .helpers import details_urls

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
        heatmap, (gap, apart, priority, _agreed, change) = cells[:6], cells[6:11]
        assert heatmap == expected_cells(entry), entry["identifier"]
        assert (gap, apart, priority) == (
            shown(entry["overall"]["gap"]),
            shown(entry["perception_gap_current"]),
            shown(entry["priority"]),
        )
        assert change == change_text(entry["change"]["overall_current"])


def distribution_words(counts):
    """How a distribution chart names its figures (its aria-label)."""
    if counts is None:
        return f"Level distribution: fewer than {THRESHOLD}"
    return "Answers by level: " + ", ".join(
        f"level {level}: {count}" for level, count in enumerate(counts, 1)
    )


def test_each_value_codes_details_show_the_json_figures(client, diagnostic):
    """The details the dashboard loads for each Value Code: headline figures, change, the
    current-to-target chart, answers by level and gaps per party, as the JSON has them."""
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    result = client.get(reverse("results:json", args=[diagnostic.slug]) + "?round=2").json()
    page = client.get(reverse("results:dashboard", args=[diagnostic.slug])).content.decode()
    urls = details_urls(page)
    assert len(urls) == len(result["value_codes"])
    for entry, url in zip(result["value_codes"], urls, strict=True):
        html = client.get(url, headers={"HX-Request": "true"}).content.decode()
        headline = re.search(
            r"Gap <strong>(\S+)</strong> · apart <strong>(\S+)</strong> now, "
            r"<strong>(\S+)</strong> on target · priority <strong>(\S+)</strong>"
            r" · since round 1: now <strong[^>]*>(.+?)</strong>,"
            r" target <strong[^>]*>(.+?)</strong>",
            html,
        )
        change = entry["change"]
        assert headline.groups() == (
            shown(entry["overall"]["gap"]),
            shown(entry["perception_gap_current"]),
            shown(entry["perception_gap_target"]),
            shown(entry["priority"]),
            change_text(change["overall_current"]),
            change_text(change["overall_target"]),
        ), entry["identifier"]
        dumbbell = "; ".join(
            f"{name} current {shown(f['mean_current']).replace('–', 'hidden')}, "
            f"target {shown(f['mean_target']).replace('–', 'hidden')}"
            for name, f in entry["parties"].items()
        )
        assert f'aria-label="{entry["identifier"]}, current to target by party: {dumbbell}"' in html
        table = html.split('class="table table-sm small mb-0 align-middle vc-parties"')[1]
        printed = re.findall(
            r'<th scope="row" class="text-nowrap">(.+?)</th>\s*'
            r'<td class="chart-cell"><svg[^>]*aria-label="([^"]*)".*?</td>\s*'
            r'<td class="chart-cell"><svg[^>]*aria-label="([^"]*)".*?</td>\s*'
            r'<td class="text-end">(.*?)</td>\s*<td[^>]*>(.*?)</td>',
            table,
            re.S,
        )
        assert printed == [
            (
                name,
                distribution_words(figures["current_distribution"]),
                distribution_words(figures["target_distribution"]),
                shown(figures["gap"]),
                change_text(change["parties"][name]["current"]),
            )
            for name, figures in entry["parties"].items()
        ], entry["identifier"]
