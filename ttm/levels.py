"""The five levels (PRODUCT.md 1) and their colours: the one source for screen, charts and PDF.

It sits below every app (it imports none), so ttm.parsing, valuecodes and diagnostics all take
LEVELS from here. Charts read the colours directly; stylesheets read them from
static/css/levels.css, which `python manage.py write_levels_css` writes from `stylesheet()`
(a test fails while the file and this module disagree). The file holds custom properties for
the screen's stylesheets and the level classes with the colours written out, which is all the
PDF uses: WeasyPrint pays for every var() it resolves (reports' report.css says why).
"""

from dataclasses import dataclass
from pathlib import Path

LEVELS = (1, 2, 3, 4, 5)
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "levels.css"


@dataclass(frozen=True)
class Colours:
    fill: str
    text: str  # readable on `fill`


# 1 red .. 5 green (PRODUCT.md 1); dark text where white would be too faint.
LEVEL_COLOURS = {
    1: Colours("#c62828", "#ffffff"),
    2: Colours("#ef8f00", "#1f1f1f"),
    3: Colours("#f5d90a", "#1f1f1f"),
    4: Colours("#9ccc3c", "#1f1f1f"),
    5: Colours("#2e7d32", "#ffffff"),
}
# No level to show: a figure hidden by anonymity or still pending, or "don't know".
NO_LEVEL = Colours("#eeeeee", "#4a4a4a")


def colours(level):
    """The colours of level 1..5, or NO_LEVEL for None."""
    return NO_LEVEL if level is None else LEVEL_COLOURS[level]


def stylesheet():
    """The text of static/css/levels.css."""
    named = [(str(level), LEVEL_COLOURS[level]) for level in LEVELS] + [("none", NO_LEVEL)]
    properties = "\n".join(
        f"  --ttm-level-{name}: {c.fill}; --ttm-level-{name}-text: {c.text};" for name, c in named
    )
    classes = "\n".join(
        f".level-{name} {{ background: {c.fill}; color: {c.text}; }}" for name, c in named
    )
    return (
        "/* Written by `python manage.py write_levels_css` from ttm/levels.py: change the colours\n"
        "   there, then run the command. Screen and PDF both link this file. */\n"
        f":root {{\n{properties}\n}}\n{classes}\n"
    )
