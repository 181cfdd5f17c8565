"""Server-rendered SVG charts for the dashboard and the business-case PDF.

Plain string building rather than a chart library: the charts are three simple shapes, and
hand-written SVG stays small and flat (no scripts, filters or foreignObject, a fixed viewBox,
text as <text>), which WeasyPrint renders as vectors and browsers show without JavaScript.
Every piece of user text goes through `escape`; numbers are formatted like the templates do
(`floatformat`), so a chart and the table beside it never disagree on the last digit.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ttm.levels import LEVELS, NO_LEVEL, colours

INK = "#1f1f1f"
MUTED = "#5f6368"
BRAND = "#1d3557"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="12"'
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def level_of(mean):
    """The level a mean rounds to (halves round up), or None."""
    if mean is None:
        return None
    return min(5, max(1, int(mean + 0.5)))


def level_css_class(mean):
    """`level-N` for a heatmap cell (see ttm/levels.py), or `level-none` when there is no figure."""
    level = level_of(mean)
    return f"level-{level}" if level else "level-none"


def one_decimal(value):
    return "–" if value is None else floatformat(value, 1)


def shown_figure(value):
    """The figure as one decimal prints it (halves up, as `floatformat`), as a Decimal: for a
    rule that must never contradict the number printed beside its verdict."""
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score_text(value):
    """A relationship score (alignment, understanding 0..100; the pulse's net score -100..100)
    as every surface prints it: one decimal, as the Understanding tab, the negotiation board and
    the PDF's tables print the same figure, or '–' when there is none."""
    return "–" if value is None else one_decimal(value).replace("-", "−")


def change_direction(change):
    """'up', 'down' or 'unchanged' as one decimal shows the change; None without one."""
    if change is None:
        return None
    if one_decimal(abs(change)) == "0.0":
        return "unchanged"
    return "up" if change > 0 else "down"


def change_text(change):
    """A change since the previous round as every surface prints it: '▲ +0.1', '▼ −0.3',
    'unchanged' (PRODUCT.md 4), or '–' when there is none. The one formatting of a change."""
    direction = change_direction(change)
    if direction is None:
        return "–"
    if direction == "unchanged":
        return "unchanged"
    shown = one_decimal(abs(change))
    return f"▲ +{shown}" if direction == "up" else f"▼ −{shown}"


def fewer_than(threshold):
    return f"fewer than {threshold}" if threshold else "too few answers"


PENDING = "results pending"


def hidden_note(figures, threshold):
    """Why a party's figure is missing: never published yet (PRODUCT.md 3), or too few answers."""
    return PENDING if figures.get("pending") else fewer_than(threshold)


def _colour(value):
    return value if isinstance(value, str) and _HEX.match(value) else BRAND


def _clip(text, limit):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Characters XML 1.0 forbids: one in a party name pasted from a word processor (U+000B) made
# the chart unreadable to an XML parser, and every business-case PDF of its diagnostic failed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text):
    return escape(NOT_XML.sub("", str(text)))


def _svg(width, height, label, body):
    label = _xml_text(label)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT}>'
        f"<title>{label}</title>{body}</svg>"
    )


def _text(x, y, text, *, anchor="start", fill=INK, extra=""):
    return (
        f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{_xml_text(text)}</text>"
    )


def dumbbell_svg(
    value_code,
    parties,
    *,
    agreed_level=None,
    width=520,
    threshold=None,
) -> SafeString:
    """Current (open circle) to target (filled circle) per party on the 1..5 scale.

    `value_code` is one entry of `analyse()["value_codes"]`; `parties` are Party objects in
    order. Pass `threshold` (the anonymity threshold K) to print "fewer than K" where hidden.
    The business-case PDF draws a whole section at once instead: see `section_svg`.
    """
    label_w, numbers_w, top, row_h = 120, 96, 22, 26
    x0, x1 = label_w, width - numbers_w
    step = (x1 - x0) / 5

    def x(level):
        return x0 + (level - 0.5) * step

    rows = len(parties)
    plot_bottom = top + rows * row_h
    height = plot_bottom + 24  # room for the legend and the agreed level's label
    parts = []
    for level in LEVELS:
        colour = colours(level).fill
        parts.append(
            f'<rect x="{x0 + (level - 1) * step:g}" y="{top}" width="{step:g}" '
            f'height="{rows * row_h}" fill="{colour}" fill-opacity="0.18"/>'
        )
        parts.append(_text(x(level), top - 7, str(level), anchor="middle", fill=MUTED))
    words = []
    for i, party in enumerate(parties):
        figures = value_code["parties"].get(party.name) or {}
        current, target = figures.get("mean_current"), figures.get("mean_target")
        colour = _colour(getattr(party, "colour", None))
        y = top + i * row_h + row_h / 2
        parts.append(_text(x0 - 8, y + 4, _clip(party.name, 16), anchor="end"))
        if current is not None and target is not None:
            parts.append(
                f'<line x1="{x(current):g}" y1="{y:g}" x2="{x(target):g}" y2="{y:g}" '
                f'stroke="{colour}" stroke-width="3"/>'
            )
        if current is not None:
            parts.append(
                f'<circle cx="{x(current):g}" cy="{y:g}" r="6" fill="#ffffff" '
                f'stroke="{colour}" stroke-width="3"/>'
            )
        if target is not None:
            parts.append(f'<circle cx="{x(target):g}" cy="{y:g}" r="6" fill="{colour}"/>')
        hidden = [
            name
            for name, value in (("current", current), ("target", target))
            if value is None and figures.get(f"suppressed_{name}", True)
        ]
        if hidden and figures.get("pending"):
            note = PENDING
        elif hidden:
            note = f"{' and '.join(hidden)}: {fewer_than(threshold)}"
            shown = current if current is not None else target
            left = shown is not None and shown < 3
            parts.append(
                _text(
                    x1 - 4 if left else x0 + 4,
                    y + 4,
                    note,
                    anchor="end" if left else "start",
                    fill=MUTED,
                    extra=' font-style="italic"',
                )  # fmt: skip
            )
        numbers = f"{one_decimal(current)} → {one_decimal(target)}"
        parts.append(_text(x1 + 8, y + 4, numbers))
        words.append(
            f"{party.name} current {one_decimal(current) if current is not None else 'hidden'}, "
            f"target {one_decimal(target) if target is not None else 'hidden'}"
        )
    key = "○ current  ● target"
    if agreed_level:
        ax = x(agreed_level)
        parts.append(
            f'<line x1="{ax:g}" y1="{top - 2}" x2="{ax:g}" y2="{plot_bottom + 2}" stroke="{INK}" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(_text(ax, plot_bottom + 16, f"agreed {agreed_level}", anchor="middle"))
        words.append(f"agreed target {agreed_level}")
        key += "  ┆ agreed"
    parts.append(_text(4, plot_bottom + 16, key, fill=MUTED, extra=' font-size="10"'))
    label = f"{value_code['identifier']}, current to target by party: " + "; ".join(words)
    return _svg(width, height, label, "".join(parts))


SECTION_TOP, SECTION_ROW_HEIGHT, SECTION_GROUP_GAP = 20, 11, 9


def section_group_height(party_count):
    """Height in px of one Value Code's rows in `section_svg`."""
    return party_count * SECTION_ROW_HEIGHT + SECTION_GROUP_GAP


def section_svg(
    value_codes, parties, *, agreed_levels=None, previous=None, width=660, threshold=None
):
    """Several Value Codes in one chart, for print: per Value Code, a thin row per party with
    its current-to-target dumbbell and, at the right, its stacked bar of today's answers.

    Built for WeasyPrint's cost model: it lays SVG text out letter by letter and pays per
    element, not per shape. So the rows carry no numbers or party names (the heatmap beside
    it prints the figures; the page states the party colours and what the bars are, once),
    and all shapes of one colour are a single <path>: 10 Value Codes make about 30 elements.
    `value_codes` are entries of `analyse()["value_codes"]`; `agreed_levels` maps an
    identifier to its agreed target level; `previous` ({identifier: {party name: mean}})
    marks each party's current level in the previous round with a grey diamond.
    """
    agreed_levels, previous = agreed_levels or {}, previous or {}
    label_w, top, row_h, group_gap = 150, SECTION_TOP, SECTION_ROW_HEIGHT, SECTION_GROUP_GAP
    dist_w, radius = DISTRIBUTION_WIDTH, 3.5
    x0, x1 = label_w, width - dist_w - 24
    step = (x1 - x0) / 5

    def x(level):
        return x0 + (level - 0.5) * step

    group_h = section_group_height(len(parties))
    height = top + len(value_codes) * group_h
    # Path data by style, drawn in this order: rules, bars, lines, circles, agreed levels.
    paths = {"rule": [], "none": [], **{level: [] for level in LEVELS}}
    lines, hollow, solid = ([[] for _ in parties] for _ in range(3))  # by party
    agreed_marks, earlier, texts, words = [], [], [], []

    def dot(cx, cy):
        # A zero-length line with round caps is a disc the size of the stroke width (SVG and
        # PDF both say so): 2 numbers per circle instead of the 26 of four Béziers, for
        # WeasyPrint parses and writes every number in Python (an arc even becomes dozens).
        return f"M{cx:g},{cy:g}h0"

    for i, entry in enumerate(value_codes):
        y0 = top + i * group_h + group_gap / 2
        if i:
            paths["rule"].append(f"M0,{y0 - group_gap / 2:g}H{width}")
        texts.append(_text(0, y0 + len(parties) * row_h / 2 + 4, _clip(entry["identifier"], 22)))
        figures_words = []
        for j, party in enumerate(parties):
            figures = entry["parties"].get(party.name) or {}
            current, target = figures.get("mean_current"), figures.get("mean_target")
            y = y0 + j * row_h + row_h / 2
            if current is not None and target is not None:
                lines[j].append(f"M{x(current):g},{y:g}H{x(target):g}")
            if current is not None:
                hollow[j].append(dot(x(current), y))
            if target is not None:
                solid[j].append(dot(x(target), y))
            before = previous.get(entry["identifier"], {}).get(party.name)
            if before is not None:
                earlier.append(f"M{x(before):g},{y - 4:g}l4,4l-4,4l-4,-4z")
            if current is None and target is None:
                texts.append(_text(x0 + 4, y + 3.5, hidden_note(figures, threshold), fill=MUTED,
                                   extra=' font-size="9"'))  # fmt: skip
            counts = figures.get("current_distribution")
            pending = bool(figures.get("pending"))
            left, bar_y = width - dist_w, y - 4
            if counts is None or not sum(counts):
                paths["none"].append(f"M{left},{bar_y:g}h{dist_w}v8h{-dist_w}z")
                note = hidden_note(figures, threshold) if counts is None else "no answers"
                texts.append(_text(left + 4, y + 3, note, fill=MUTED, extra=' font-size="8"'))
            else:
                total = sum(counts)
                for level, count in zip(LEVELS, counts, strict=True):
                    if count:
                        w = dist_w * count / total
                        paths[level].append(f"M{left:.2f},{bar_y:g}h{w:.2f}v8h{-w:.2f}z")
                        left += w
            was = f" (previous round {one_decimal(before)})" if before is not None else ""
            figures_words.append(
                f"{party.name} current {one_decimal(current)}{was}, target {one_decimal(target)}, "
                f"{_distribution_words(counts, threshold, pending)}"
            )
        agreed = agreed_levels.get(entry["identifier"])
        if agreed:
            agreed_marks.append(f"M{x(agreed):g},{y0 - 2:g}V{y0 + len(parties) * row_h + 2:g}")
            figures_words.append(f"agreed target {agreed}")
        words.append(f"{entry['identifier']}: " + "; ".join(figures_words))

    parts = []
    for level in LEVELS:
        parts.append(
            f'<rect x="{x0 + (level - 1) * step:g}" y="{top}" width="{step:g}" '
            f'height="{height - top}" fill="{colours(level).fill}" fill-opacity="0.18"/>'
        )
        texts.append(_text(x(level), top - 7, str(level), anchor="middle", fill=MUTED))

    def path(data, style):
        if data:
            parts.append(f'<path d="{"".join(data)}" {style}/>')

    dots = 'fill="none" stroke-linecap="round"'

    path(paths["rule"], 'fill="none" stroke="#d0d7de" stroke-width="0.75"')
    path(paths["none"], f'fill="{NO_LEVEL.fill}"')
    path(earlier, f'fill="{MUTED}"')
    for level in LEVELS:
        path(paths[level], f'fill="{colours(level).fill}"')
    for j, party in enumerate(parties):
        colour = _colour(getattr(party, "colour", None))
        path(lines[j], f'fill="none" stroke="{colour}" stroke-width="2"')
        # Open circle: a disc in the party colour, then a white one 2 px smaller inside it.
        path(hollow[j], f'{dots} stroke="{colour}" stroke-width="{2 * radius + 2:g}"')
        path(hollow[j], f'{dots} stroke="#ffffff" stroke-width="{2 * radius - 2:g}"')
        path(solid[j], f'{dots} stroke="{colour}" stroke-width="{2 * radius:g}"')
    path(agreed_marks, f'fill="none" stroke="{INK}" stroke-width="1.5" stroke-dasharray="3 2"')
    label = "Current to target by party, and answers today by level. " + ". ".join(words)
    return _svg(width, height, label, "".join(parts + texts))


def perception_gap_svg(analysis, *, limit=None, width=520) -> SafeString:
    """Horizontal bars of each Value Code's perception gap (current), largest first."""
    by_identifier = {vc["identifier"]: vc for vc in analysis["value_codes"]}
    identifiers = analysis["blind_spots"][:limit] if limit else analysis["blind_spots"]
    if not identifiers:
        text = "No perception gaps: fewer than two parties have enough answers."
        return _svg(width, 28, text, _text(4, 18, text, fill=MUTED))
    label_w, row_h, top = 170, 22, 6
    x0, x1 = label_w, width - 44
    # The widest possible spread on a 1..5 scale is 4 levels.
    scale = (x1 - x0) / 4
    bars, parts, words = [], [], []  # the bars are one path: one element, not one per row
    for i, identifier in enumerate(identifiers):
        gap = by_identifier[identifier]["perception_gap_current"]
        y = top + i * row_h
        parts.append(_text(x0 - 8, y + 15, _clip(identifier, 24), anchor="end"))
        w = max(gap * scale, 1)
        bars.append(f"M{x0},{y + 4}h{w:g}v{row_h - 8}h{-w:g}z")
        parts.append(_text(x0 + gap * scale + 6, y + 15, one_decimal(gap)))
        words.append(f"{identifier} {one_decimal(gap)}")
    height = top + len(identifiers) * row_h + 4
    label = "Perception gap (difference between parties' current means): " + "; ".join(words)
    body = f'<path d="{"".join(bars)}" fill="{BRAND}"/>' + "".join(parts)
    return _svg(width, height, label, body)


DISTRIBUTION_WIDTH = 150


def _distribution_words(counts, threshold, pending=False):
    if pending:
        return PENDING
    if counts is None or not sum(counts):
        return fewer_than(threshold) if counts is None else "no answers"
    return "answers by level: " + ", ".join(
        f"level {level}: {count}" for level, count in zip(LEVELS, counts, strict=True)
    )


def _distribution_parts(counts, width, height, threshold, pending=False):
    """The shapes of a stacked bar of answers by level, filling a width x height box."""
    if counts is None or not sum(counts):
        text = _distribution_words(counts, threshold, pending)
        return [
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="{NO_LEVEL.fill}"/>',
            _text(4, height / 2 + 4, text, fill=MUTED, extra=' font-size="11"'),
        ]
    total = sum(counts)
    parts, x = [], 0.0
    for level, count in zip(LEVELS, counts, strict=True):
        if not count:
            continue
        w = width * count / total
        parts.append(
            f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" '
            f'fill="{colours(level).fill}"/>'
        )
        if w >= 7 * len(str(count)) + 4:
            parts.append(
                _text(
                    x + w / 2,
                    height / 2 + 4,
                    str(count),
                    anchor="middle",
                    fill=colours(level).text,
                    extra=' font-size="11"',
                )  # fmt: skip
            )
        x += w
    return parts


def distribution_svg(counts, *, width=160, height=18, threshold=None, pending=False) -> SafeString:
    """A stacked bar of how many people chose each level 1..5 (None: hidden by anonymity, or
    `pending` publication)."""
    words = _distribution_words(counts, threshold, pending)
    label = f"Level distribution: {words}" if counts is None or not sum(counts) else words
    label = label[0].upper() + label[1:]
    parts = _distribution_parts(counts, width, height, threshold, pending)
    return _svg(width, height, label, "".join(parts))


def relationship_svg(trend, colours, *, width=640) -> SafeString:
    """The relationship over rounds (results.relationship.Trend): a row per figure (alignment,
    who understands whom, the pulse), each a line through its value in every round with the
    value printed above its point; a gap where a round has no figure. Alignment and
    understanding run 0..100, the pulse's net score -100..100. `colours` maps a party name to
    its colour: a party's rows take the colour of the party whose view they are; alignment,
    everybody's, is grey."""
    label_w, right, top, row_h = 250, 24, 20, 44
    inset = 24  # room for a value centred over the first and last points ("−33.3")
    x0, x1 = label_w + inset, width - right - inset
    count = len(trend.rounds)
    step = (x1 - x0) / max(count - 1, 1)

    def x(i):
        return x0 + i * step if count > 1 else (x0 + x1) / 2

    parts, texts, words = [], [], []
    for i, number in enumerate(trend.rounds):
        texts.append(_text(x(i), top - 8, f"Round {number}", anchor="middle", fill=MUTED))
    rules = []
    for row, series in enumerate(trend.series):
        y_top = top + row * row_h
        low, high = (-100, 100) if series.kind == "pulse" else (0, 100)

        def y(value, y_top=y_top, low=low, high=high):
            return y_top + row_h - 6 - (value - low) / (high - low) * (row_h - 20)

        colour = MUTED if series.party is None else _colour(colours.get(series.party))
        rules.append(f"M{x0:g},{y_top + row_h - 6:g}H{x1:g}")
        texts.append(
            _text(label_w - 10, y_top + row_h / 2 + 4, _clip(series.label, 36), anchor="end")
        )
        segments, current = [], []
        for i, value in enumerate(series.values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                texts.append(_text(x(i), y_top + row_h - 10, "–", anchor="middle", fill=MUTED))
                continue
            current.append((x(i), y(value)))
            texts.append(
                _text(
                    x(i),
                    y(value) - 6,
                    score_text(value),
                    anchor="middle",
                    fill=INK,
                    extra=' font-size="11"',
                )  # fmt: skip
            )
        if current:
            segments.append(current)
        line = "".join(
            "M" + "L".join(f"{px:g},{py:.1f}" for px, py in segment) for segment in segments
        )
        dots = "".join(f"M{px:g},{py:.1f}h0" for segment in segments for px, py in segment)
        if line:
            parts.append(f'<path d="{line}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
            parts.append(
                f'<path d="{dots}" fill="none" stroke="{colour}" stroke-width="8" '
                'stroke-linecap="round"/>'
            )
        words.append(
            f"{series.label}: "
            + ", ".join(
                f"round {n} {score_text(v)}"
                for n, v in zip(trend.rounds, series.values, strict=True)
            )
        )
    height = top + len(trend.series) * row_h + 4
    rule = f'<path d="{"".join(rules)}" fill="none" stroke="#d0d7de" stroke-width="1"/>'
    label = "The relationship over rounds. " + "; ".join(words)
    return _svg(width, height, label, rule + "".join(parts + texts))
