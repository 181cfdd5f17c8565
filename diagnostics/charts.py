"""Server-rendered SVG charts for the dashboard and the business-case PDF.

Plain string building rather than a chart library: the charts are three simple shapes, and
hand-written SVG stays small and flat (no scripts, filters or foreignObject, a fixed viewBox,
text as <text>), which WeasyPrint renders as vectors and browsers show without JavaScript.
Every piece of user text goes through `escape`; numbers are formatted like the templates do
(`floatformat`), so a chart and the table beside it never disagree on the last digit.
"""

import re

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from valuecodes.models import LEVELS

# Same as --ttm-level-1..5 in static/css/ttm.css (PRODUCT.md: 1 red .. 5 green).
LEVEL_COLOURS = {1: "#c62828", 2: "#ef8f00", 3: "#f5d90a", 4: "#9ccc3c", 5: "#2e7d32"}
LEVEL_TEXT_COLOURS = {1: "#ffffff", 2: "#1f1f1f", 3: "#1f1f1f", 4: "#1f1f1f", 5: "#ffffff"}
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
    """`level-N` for a heatmap cell (see ttm.css), or `level-none` when there is no figure."""
    level = level_of(mean)
    return f"level-{level}" if level else "level-none"


def one_decimal(value):
    return "–" if value is None else floatformat(value, 1)


def fewer_than(threshold):
    return f"fewer than {threshold}" if threshold else "too few answers"


def _colour(value):
    return value if isinstance(value, str) and _HEX.match(value) else BRAND


def _clip(text, limit):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(width, height, label, body):
    label = escape(label)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT}>'
        f"<title>{label}</title>{body}</svg>"
    )


def _text(x, y, text, *, anchor="start", fill=INK, extra=""):
    return (
        f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{escape(text)}</text>"
    )


def dumbbell_svg(
    value_code,
    parties,
    *,
    agreed_level=None,
    width=520,
    threshold=None,
    legend=True,
    distributions=None,
) -> SafeString:
    """Current (open circle) to target (filled circle) per party on the 1..5 scale.

    `value_code` is one entry of `analyse()["value_codes"]`; `parties` are Party objects in
    order. Pass `threshold` (the anonymity threshold K) to print "fewer than K" where hidden.

    For print: `legend=False` leaves out the per-chart legend (the page states it once), and
    `distributions` ({party name: counts per level or None}) adds each party's stacked bar of
    answers by level at the right of its row, so one chart per Value Code carries both.
    """
    label_w, numbers_w, top, row_h = 120, 96, 22, 26
    dist_w = DISTRIBUTION_WIDTH if distributions is not None else 0
    x0, x1 = label_w, width - numbers_w - (dist_w + 12 if dist_w else 0)
    step = (x1 - x0) / 5

    def x(level):
        return x0 + (level - 0.5) * step

    rows = len(parties)
    plot_bottom = top + rows * row_h
    # Room below the plot for the legend and the agreed level's label, when there are any.
    height = plot_bottom + (24 if legend or agreed_level else 6)
    parts = []
    for level in LEVELS:
        colour = LEVEL_COLOURS[level]
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
        if hidden:
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
        if dist_w:
            counts = distributions.get(party.name)
            parts.extend(_distribution_parts(counts, width - dist_w, y - 8, dist_w, 16, threshold))
            words.append(f"{party.name} {_distribution_words(counts, threshold)}")
        words.append(
            f"{party.name} current {one_decimal(current) if current is not None else 'hidden'}, "
            f"target {one_decimal(target) if target is not None else 'hidden'}"
        )
    if dist_w:
        parts.append(_text(width - dist_w, top - 7, "answers today by level", fill=MUTED))
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
    if legend:
        parts.append(_text(4, plot_bottom + 16, key, fill=MUTED, extra=' font-size="10"'))
    label = f"{value_code['identifier']}, current to target by party: " + "; ".join(words)
    return _svg(width, height, label, "".join(parts))


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
    parts, words = [], []
    for i, identifier in enumerate(identifiers):
        gap = by_identifier[identifier]["perception_gap_current"]
        y = top + i * row_h
        parts.append(_text(x0 - 8, y + 15, _clip(identifier, 24), anchor="end"))
        parts.append(
            f'<rect x="{x0}" y="{y + 4}" width="{max(gap * scale, 1):g}" height="{row_h - 8}" '
            f'fill="{BRAND}"/>'
        )
        parts.append(_text(x0 + gap * scale + 6, y + 15, one_decimal(gap)))
        words.append(f"{identifier} {one_decimal(gap)}")
    height = top + len(identifiers) * row_h + 4
    label = "Perception gap (difference between parties' current means): " + "; ".join(words)
    return _svg(width, height, label, "".join(parts))


DISTRIBUTION_WIDTH = 150


def _distribution_words(counts, threshold):
    if counts is None or not sum(counts):
        return fewer_than(threshold) if counts is None else "no answers"
    return "answers by level: " + ", ".join(
        f"level {level}: {count}" for level, count in zip(LEVELS, counts, strict=True)
    )


def _distribution_parts(counts, x0, y0, width, height, threshold):
    """The shapes of a stacked bar of answers by level, its top left corner at (x0, y0)."""
    if counts is None or not sum(counts):
        text = fewer_than(threshold) if counts is None else "no answers"
        return [
            f'<rect x="{x0:g}" y="{y0:g}" width="{width}" height="{height}" fill="#eeeeee"/>',
            _text(x0 + 4, y0 + height / 2 + 4, text, fill=MUTED, extra=' font-size="11"'),
        ]
    total = sum(counts)
    parts, x = [], float(x0)
    for level, count in zip(LEVELS, counts, strict=True):
        if not count:
            continue
        w = width * count / total
        parts.append(
            f'<rect x="{x:.2f}" y="{y0:g}" width="{w:.2f}" height="{height}" '
            f'fill="{LEVEL_COLOURS[level]}"/>'
        )
        if w >= 7 * len(str(count)) + 4:
            parts.append(
                _text(
                    x + w / 2,
                    y0 + height / 2 + 4,
                    str(count),
                    anchor="middle",
                    fill=LEVEL_TEXT_COLOURS[level],
                    extra=' font-size="11"',
                )  # fmt: skip
            )
        x += w
    return parts


def distribution_svg(counts, *, width=160, height=18, threshold=None) -> SafeString:
    """A stacked bar of how many people chose each level 1..5 (None: hidden by anonymity)."""
    words = _distribution_words(counts, threshold)
    label = f"Level distribution: {words}" if counts is None or not sum(counts) else words
    label = label[0].upper() + label[1:]
    return _svg(
        width, height, label, "".join(_distribution_parts(counts, 0, 0, width, height, threshold))
    )
