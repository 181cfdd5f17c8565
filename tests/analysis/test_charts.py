import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

from django.utils.safestring import SafeString

from results.charts import (
    LEVEL_COLOURS,
    SECTION_TOP,
    distribution_svg,
    dumbbell_svg,
    level_css_class,
    perception_gap_svg,
    section_group_height,
    section_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def figures(current, target, *, n=5, suppressed_current=False, suppressed_target=False):
    return {
        "n_current": n,
        "n_target": n,
        "mean_current": None if suppressed_current else current,
        "mean_target": None if suppressed_target else target,
        "suppressed_current": suppressed_current,
        "suppressed_target": suppressed_target,
    }


def party(name, colour="#123456"):
    return SimpleNamespace(name=name, colour=colour)


def entry(identifier="Transparency", **by_party):
    return {"identifier": identifier, "section": "Trust", "parties": by_party}


def parse(svg):
    assert isinstance(svg, SafeString)
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    assert root.find(f"{SVG}title") is not None
    assert root.get("viewBox")
    return root


def texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def test_level_colours_match_the_stylesheet(settings):
    css = (settings.BASE_DIR / "static" / "css" / "ttm.css").read_text()
    for level, colour in LEVEL_COLOURS.items():
        assert f"--ttm-level-{level}: {colour};" in css


def test_heatmap_cells_take_the_nearest_level():
    assert level_css_class(1.0) == "level-1"
    assert level_css_class(2.49) == "level-2"
    assert level_css_class(2.5) == "level-3"
    assert level_css_class(4.8) == "level-5"
    assert level_css_class(None) == "level-none"


def test_dumbbell_prints_each_partys_means_with_one_decimal():
    svg = dumbbell_svg(
        entry(Council=figures(1.8, 4.0), Contractor=figures(3.4, 4.25)),
        [party("Council"), party("Contractor")],
    )
    root = parse(svg)
    assert "1.8 → 4.0" in texts(root)
    assert "3.4 → 4.3" in texts(root)
    assert "Council current 1.8, target 4.0" in root.get("aria-label")
    assert {"1", "2", "3", "4", "5"} <= set(texts(root))


def test_dumbbell_says_fewer_than_k_where_a_party_is_suppressed():
    svg = dumbbell_svg(
        entry(
            Council=figures(2.0, 4.0),
            Contractor=figures(None, None, n=2, suppressed_current=True, suppressed_target=True),
        ),  # fmt: skip
        [party("Council"), party("Contractor")],
        threshold=3,
    )
    root = parse(svg)
    assert "current and target: fewer than 3" in texts(root)
    assert "Contractor current hidden, target hidden" in root.get("aria-label")
    assert len(list(root.iter(f"{SVG}circle"))) == 2  # only Council's two dots


def test_dumbbell_shows_the_agreed_target_in_words_too():
    root = parse(dumbbell_svg(entry(A=figures(2, 3)), [party("A")], agreed_level=4))
    assert "agreed 4" in texts(root)
    assert "agreed target 4" in root.get("aria-label")


def test_user_text_is_escaped_everywhere():
    evil = '<script>alert("x")</script>&'
    svg = dumbbell_svg(entry(evil, **{evil: figures(2, 3)}), [party(evil, colour='red" onload="x')])
    assert "<script>" not in svg
    assert "onload" not in svg
    root = parse(svg)
    assert evil in root.get("aria-label")
    analysis = {
        "value_codes": [{"identifier": evil, "perception_gap_current": 1.5}],
        "blind_spots": [evil],
    }
    gap_svg = perception_gap_svg(analysis)
    assert "<script>" not in gap_svg
    assert evil in parse(gap_svg).get("aria-label")


def test_perception_gap_bars_follow_the_blind_spots_order_and_respect_the_limit():
    analysis = {
        "value_codes": [
            {"identifier": "A", "perception_gap_current": 0.5},
            {"identifier": "B", "perception_gap_current": 2.25},
            {"identifier": "C", "perception_gap_current": None},
        ],
        "blind_spots": ["B", "A"],
    }
    root = parse(perception_gap_svg(analysis))
    assert texts(root) == ["B", "2.3", "A", "0.5"]
    assert texts(parse(perception_gap_svg(analysis, limit=1))) == ["B", "2.3"]


def test_perception_gap_chart_without_gaps_says_so():
    root = parse(perception_gap_svg({"value_codes": [], "blind_spots": []}))
    assert "No perception gaps" in texts(root)[0]


def test_distribution_prints_counts_where_the_segment_is_wide_enough():
    root = parse(distribution_svg([1, 0, 3, 30, 1]))
    assert len(list(root.iter(f"{SVG}rect"))) == 4  # no segment for an empty level
    assert "30" in texts(root)
    assert "level 2: 0" in root.get("aria-label")
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    assert fills == [LEVEL_COLOURS[1], LEVEL_COLOURS[3], LEVEL_COLOURS[4], LEVEL_COLOURS[5]]


def test_a_suppressed_distribution_says_fewer_than_k():
    root = parse(distribution_svg(None, threshold=3))
    assert texts(root) == ["fewer than 3"]


def test_charts_stay_small_and_flat():
    parties = [party(f"Party {i}") for i in range(3)]
    big = dumbbell_svg(
        entry(**{p.name: figures(2.3333, 4.6667) for p in parties}), parties, agreed_level=4
    )
    assert len(big) < 3000
    assert len(distribution_svg([3, 4, 5, 6, 7])) < 1200
    for svg in (big, distribution_svg([1, 1, 1, 1, 1])):
        assert not re.search(r"<(script|filter|foreignObject|image)", svg)


def test_section_chart_labels_each_value_code_and_puts_figures_and_distributions_in_its_label():
    parties = [party("A", "#112233"), party("B", "#445566")]
    value_codes = [
        entry("Trust", A={**figures(2, 3), "current_distribution": [0, 4, 0, 1, 0]},
              B={**figures(None, None, suppressed_current=True, suppressed_target=True),
                 "current_distribution": None}),
        entry("Speed", A={**figures(3, 4), "current_distribution": [0, 0, 5, 0, 0]},
              B={**figures(2.5, 3.5), "current_distribution": [0, 2, 2, 0, 0]}),
    ]  # fmt: skip
    root = parse(
        section_svg(
            value_codes,
            parties,
            agreed_levels={"Speed": 4},
            previous={"Trust": {"A": 1.5}},
            threshold=3,
        )
    )
    assert {"Trust", "Speed", "fewer than 3"} <= set(texts(root))
    label = root.get("aria-label")
    assert (
        "Trust: A current 2.0 (previous round 1.5), target 3.0, answers by level: level 1: 0"
        in label
    )
    assert "B current –, target –, fewer than 3" in label
    assert "Speed: " in label and "agreed target 4" in label


def test_section_chart_draws_each_style_once_whatever_the_number_of_value_codes():
    parties = [party("A"), party("B"), party("C")]

    def chart(count):
        value_codes = [
            entry(f"VC {i}", **{p.name: {**figures(2, 4), "current_distribution": [1, 2, 3, 2, 1]}
                                for p in parties})
            for i in range(count)
        ]  # fmt: skip
        root = parse(section_svg(value_codes, parties, agreed_levels={"VC 0": 4}))
        return [el for el in root.iter() if el.tag not in (f"{SVG}svg", f"{SVG}title")]

    few, many = chart(2), chart(12)
    shapes = [el for el in many if el.tag != f"{SVG}text"]
    assert len(shapes) == len([el for el in few if el.tag != f"{SVG}text"])
    # One text per Value Code; the rest (level numbers, heading) does not grow.
    assert len(many) - len(few) == 10
    # Circles are round-capped zero-length lines in the party colour: a disc per mean.
    dots = [el for el in shapes if el.get("stroke") == "#123456" and "h0" in el.get("d", "")]
    assert dots and all(el.get("stroke-linecap") == "round" for el in dots)


def test_section_chart_height_grows_with_parties_so_callers_can_keep_it_on_a_page():
    one = parse(section_svg([entry("X", A=figures(2, 3))], [party("A")]))
    assert int(one.get("height")) == SECTION_TOP + section_group_height(1)
    assert section_group_height(6) > section_group_height(3)


def test_section_chart_puts_the_open_current_disc_left_of_a_higher_target_disc():
    root = parse(section_svg([entry("X", A=figures(2, 4))], [party("A")]))
    discs = [el for el in root.iter(f"{SVG}path") if el.get("stroke-linecap") == "round"]
    # Open circle: party colour, white inside it; then the filled target disc.
    outer, inner, target = discs
    assert outer.get("d") == inner.get("d")
    assert (outer.get("stroke"), inner.get("stroke"), target.get("stroke")) == (
        "#123456",
        "#ffffff",
        "#123456",
    )
    assert float(inner.get("stroke-width")) < float(target.get("stroke-width"))

    def x(el):
        return float(el.get("d")[1:].split(",")[0])

    assert x(outer) < x(target)
