import datetime
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from diagnostics.models import AgreedTarget, Rating, Round
from reports import business_case, rendering, services
from reports.models import Report
from reports.pdf import html_to_pdf
from results.analysis import analyse

from ..analysis.helpers import sample_diagnostic
from ..analysis.trade_off_world import agree, two_rounds
from ..factories import (
    DiagnosticFactory,
    DiagnosticValueCodeFactory,
    ParticipantFactory,
    PartyFactory,
    RatingFactory,
    RoundFactory,
)
from .helpers import pdf_text, report_file


@pytest.mark.django_db
def test_business_case_names_the_diagnostic_the_parties_and_the_top_priority(sample_data):
    diagnostic = sample_diagnostic(sample_data)
    round_ = Round.objects.get(diagnostic=diagnostic)
    report = Report.objects.create(diagnostic=diagnostic, round=round_)
    rendering.render(report)
    text = pdf_text(report_file(report))
    top_priority = analyse(diagnostic, 1)["priorities"][0]
    assert diagnostic.name in text
    assert "IT" in text and "Marketing" in text
    assert f"The largest room for improvement is in {top_priority}" in text
    assert "Page 2 of" in text  # running footer with page numbers
    report.refresh_from_db()
    assert (report.status, report.step, report.progress) == (Report.READY, "Ready", 100)


def _grow(diagnostic, round_, parties, extra_value_codes):
    for i in range(extra_value_codes):
        value_code = DiagnosticValueCodeFactory(diagnostic=diagnostic, section=f"S{i % 3}")
        for party in parties:
            for person in party.participants.all():
                Rating.objects.create(
                    round=round_,
                    participant=person,
                    value_code=value_code,
                    current_level=2,
                    target_level=4,
                    current_answered=True,
                    target_answered=True,
                    comment="Too slow",
                )
        AgreedTarget.objects.create(round=round_, value_code=value_code, level=4, owner="Ann")


@pytest.mark.django_db
def test_gathering_the_evidence_takes_the_same_queries_for_more_value_codes(
    django_assert_num_queries,
):
    diagnostic = DiagnosticFactory(anonymity_threshold=1)
    parties = [PartyFactory(diagnostic=diagnostic) for _ in range(2)]
    for party in parties:
        ParticipantFactory(party=party)
    RoundFactory(diagnostic=diagnostic, number=1, closed_at=timezone.now())
    round_ = RoundFactory(diagnostic=diagnostic, number=2)
    _grow(diagnostic, round_, parties, 2)
    with CaptureCount() as small:
        business_case.to_html(business_case.gather(diagnostic, round_))
    _grow(diagnostic, round_, parties, 6)
    with django_assert_num_queries(small.count):
        html = business_case.to_html(business_case.gather(diagnostic, round_))
    assert html.count('class="vc"') == 8


class CaptureCount:
    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.context = CaptureQueriesContext(connection)
        self.context.__enter__()
        return self

    def __exit__(self, *exc):
        self.context.__exit__(*exc)
        self.count = len(self.context.captured_queries)


@pytest.mark.django_db
def test_user_text_shows_as_text_and_never_becomes_markup(caplog):
    diagnostic = DiagnosticFactory(name="Acme <i>&</i> Co", anonymity_threshold=1)
    party = PartyFactory(diagnostic=diagnostic, name="Buyers <script>")
    value_code = DiagnosticValueCodeFactory(
        diagnostic=diagnostic,
        identifier="<b>x</b>",
        description='<img src="http://example.org/pixel.png"> matters',
    )
    round_ = RoundFactory(diagnostic=diagnostic)
    RatingFactory(
        round=round_,
        value_code=value_code,
        participant=ParticipantFactory(party=party),
        current_level=2,
        comment="<img src=http://example.org/x.png> and <b>bold</b>",
    )
    html = business_case.to_html(business_case.gather(diagnostic, round_))
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    with caplog.at_level("WARNING", logger="reports.pdf"):
        text = pdf_text(html_to_pdf(html))
    assert "<b>x</b>" in text
    assert '<img src="http://example.org/pixel.png"> matters' in text
    assert "<img src=http://example.org/x.png> and <b>bold</b>" in text
    assert "Acme <i>&</i> Co" in text and "Buyers <script>" in text
    assert "refused" not in caplog.text  # nothing tried to fetch the URLs in the text


@pytest.mark.django_db
def test_a_control_character_already_in_a_name_does_not_stop_the_pdf():
    # A party named before such names were refused, or imported: U+000B from a word processor
    # made a chart unreadable as XML, and every business case of the diagnostic failed.
    diagnostic = DiagnosticFactory(anonymity_threshold=1)
    party = PartyFactory(diagnostic=diagnostic, name="Buyers\x0bEast")
    value_code = DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier="Pace\x0b1")
    round_ = RoundFactory(diagnostic=diagnostic)
    RatingFactory(round=round_, value_code=value_code, participant=ParticipantFactory(party=party))
    html = business_case.to_html(business_case.gather(diagnostic, round_))
    assert html_to_pdf(html).startswith(b"%PDF")


@pytest.mark.django_db
def test_render_report_command_writes_the_same_pdf_as_the_app(
    sample_data, tmp_path, django_capture_on_commit_callbacks
):
    diagnostic = sample_diagnostic(sample_data)
    round_ = Round.objects.get(diagnostic=diagnostic)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_business_case(diagnostic=diagnostic, round_=round_)
    report.refresh_from_db()
    output = tmp_path / "case.pdf"
    call_command("render_report", diagnostic.slug, "--output", str(output), "--round", "1")
    assert output.read_bytes().startswith(b"%PDF")
    assert pdf_text(output) == pdf_text(report_file(report))


@pytest.mark.django_db
def test_render_report_command_fails_clearly_for_an_unknown_diagnostic_or_round(
    sample_data, tmp_path
):
    sample_diagnostic(sample_data)
    with pytest.raises(CommandError, match="No diagnostic"):
        call_command("render_report", "nope", "--output", str(tmp_path / "a.pdf"))
    with pytest.raises(CommandError, match="no round 7"):
        call_command("render_report", "sample", "--output", str(tmp_path / "a.pdf"), "--round", "7")
    assert not (tmp_path / "a.pdf").exists()


@pytest.mark.django_db
def test_a_later_round_reports_progress_against_the_previous_one(sample_data):
    diagnostic = sample_diagnostic(sample_data)
    first = Round.objects.get(diagnostic=diagnostic)
    first.closed_at = first.opened_at
    first.save()
    second = Round.objects.create(diagnostic=diagnostic, number=2)
    for rating in Rating.objects.filter(round=first):
        rating.pk, rating.round = None, second
        rating.current_level = min(5, (rating.current_level or 2) + 1)
        rating.save()
    context = business_case.gather(diagnostic, second)
    assert context["previous_round"] == first
    assert context["progress"] and all(row["change"] is not None for row in context["progress"])
    section_rows = [row for section in context["sections"] for row in section["rows"]]
    assert all(row["change"] is not None for row in section_rows)
    text = pdf_text(html_to_pdf(business_case.to_html(context)))
    assert "Progress since round 1" in text and "Largest improvements" in text
    assert re.search(
        r"all parties: current \d\.\d (\u25b2|\u25bc|unchanged)", text
    )  # and its change


@pytest.mark.django_db
def test_a_round_without_ratings_still_gives_a_readable_report():
    diagnostic = DiagnosticFactory(name="Fresh start")
    PartyFactory(diagnostic=diagnostic, name="Buyer")
    DiagnosticValueCodeFactory(diagnostic=diagnostic, identifier="Reliability")
    round_ = RoundFactory(diagnostic=diagnostic)
    text = pdf_text(html_to_pdf(business_case.to_html(business_case.gather(diagnostic, round_))))
    assert "Fresh start" in text and "fewer than 3" in text
    assert "No Value Code has enough answers yet" in text


@pytest.mark.django_db
def test_each_section_has_vector_charts_naming_every_value_code_with_its_figures(sample_data):
    import re
    from urllib.parse import unquote

    diagnostic = sample_diagnostic(sample_data)
    round_ = Round.objects.get(diagnostic=diagnostic)
    context = business_case.gather(diagnostic, round_)
    html = business_case.to_html(context)
    charts = re.findall(r'<div class="chart"><img class="svg" src="([^"]+)" alt="([^"]+)"', html)
    assert len(charts) == sum(len(section["charts"]) for section in context["sections"])
    alts = " ".join(alt for _, alt in charts)
    for section in context["sections"]:
        for row in section["rows"]:
            assert f"{row['identifier']}: " in alts
    src, alt = charts[0]
    assert src.startswith("data:image/svg+xml") and "#" not in src  # no fragment in browsers
    assert unquote(src.split(",", 1)[1]).startswith("<svg")
    assert "current" in alt and "target" in alt and "answers by level" in alt


@pytest.mark.django_db
def test_a_long_section_is_cut_into_charts_that_each_fit_a_page():
    diagnostic = DiagnosticFactory()
    parties = [PartyFactory(diagnostic=diagnostic, name=f"P{i}") for i in range(6)]
    for i in range(40):
        DiagnosticValueCodeFactory(diagnostic=diagnostic, section="Long", identifier=f"VC {i:02d}")
    round_ = RoundFactory(diagnostic=diagnostic)
    (section,) = business_case.sections(
        business_case.gather(diagnostic, round_)["sections"][0]["rows"], parties, 3
    )
    heights = [
        int(re.search(r'height="(\d+)"', str(chart)).group(1)) for chart in section["charts"]
    ]
    assert len(heights) > 1 and max(heights) <= business_case.SECTION_CHART_HEIGHT


def test_a_heatmap_figure_shows_its_n_only_when_someone_answered_dont_know():
    assert business_case.cell(2.5, 7, False, respondents=8)["show_n"]
    assert not business_case.cell(2.5, 8, False, respondents=8)["show_n"]
    assert not business_case.cell(None, None, False)["show_n"]


def test_progress_lists_the_largest_moves_each_way_and_counts_the_rest():
    def row(identifier, change):
        return {"identifier": identifier, "change": change}

    progress = [row("A", 0.2), row("B", -0.5), row("C", 0.0), row("D", 0.9), row("E", None)]
    highlights = business_case.progress_highlights(progress, limit=1)
    assert [r["identifier"] for r in highlights["improved"]] == ["D"]
    assert [r["identifier"] for r in highlights["declined"]] == ["B"]
    assert (highlights["improved_count"], highlights["declined_count"]) == (2, 1)
    assert highlights["unchanged_count"] == 1  # C; E has no figure in one of the rounds


def test_the_perception_gap_chart_shows_the_largest_gaps_and_sums_up_the_rest():
    gaps = {"A": 1.5, "B": 0.9, "C": 0.44, "D": 0.2}
    result = {
        "value_codes": [{"identifier": k, "perception_gap_current": v} for k, v in gaps.items()],
        "blind_spots": list(gaps),
    }
    summary = business_case.perception_gaps(result, limit=2)
    alt = re.search(r'alt="([^"]*)"', str(summary["chart"])).group(1)
    assert "A 1.5" in alt and "B 0.9" in alt and "C" not in alt
    assert (summary["shown"], summary["rest"], summary["rest_largest"]) == (2, 2, 0.44)

    everything = business_case.perception_gaps(result, limit=10)
    assert (everything["shown"], everything["rest"], everything["rest_largest"]) == (4, 0, None)


@pytest.mark.django_db
def test_the_summary_shows_priority_beside_the_gap_only_when_weights_make_them_differ(
    sample_data,
):
    diagnostic = sample_diagnostic(sample_data)
    round_ = Round.objects.get(diagnostic=diagnostic)

    def summary():
        html = business_case.to_html(business_case.gather(diagnostic, round_))
        return html[html.index('id="summary"') : html.index('id="results"')]

    assert ">Priority</th>" not in summary() and "so the priority is the gap" in summary()
    diagnostic.value_codes.filter(pk=diagnostic.value_codes.first().pk).update(weight=2)
    assert ">Priority</th>" in summary() and "so the priority is the gap" not in summary()


@pytest.mark.django_db
def test_the_action_plan_chapter_lists_targets_with_their_trade_offs_and_reviews():
    world = two_rounds()
    agree(world, level=3, owner="Ann", due_date=datetime.date(2027, 1, 31), trade_off="Fewer")
    first = pdf_text(
        html_to_pdf(business_case.to_html(business_case.gather(world.diagnostic, world.rounds[1])))
    )
    assert "Action plan" in first
    assert "31 Jan 2027 Speed 2.3 3 Ann Fewer" in first  # now: (2 + 2.5) / 2 = 2.25
    assert "Quality may go down, review in round 2: went down, as expected (▼ −0.8)" in first
    assert "target level 3 reached (3.3 in round 2)" in first
    second = pdf_text(
        html_to_pdf(business_case.to_html(business_case.gather(world.diagnostic, world.rounds[2])))
    )
    assert "Trade-offs reviewed in round 2" in second
    assert "Cost should hold went down (▼ −0.3)" in second
    assert "No agreed targets have been recorded for round 2 yet" in second
