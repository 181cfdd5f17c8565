"""Filters for showing analysis figures: one decimal, level classes, arrows for change."""

from django import template

from results import charts
from ttm import parsing

register = template.Library()


@register.filter
def one_decimal(value):
    """A figure as screens show it (PRODUCT.md 4: one decimal); '–' when there is none."""
    return charts.one_decimal(value)


@register.filter
def score(value):
    """A relationship score (alignment, understanding, the pulse's net score) as every surface
    prints it: one decimal, a true minus sign; '–' when there is none."""
    return charts.score_text(value)


@register.filter
def level_class(mean):
    return charts.level_css_class(mean)


@register.filter
def change(delta):
    """'▲ +0.4', '▼ −0.3', 'unchanged' or '–': the arrow and the sign both say the direction."""
    return charts.change_text(delta)


@register.filter
def change_class(delta):
    direction = charts.change_direction(delta)
    return f"change-{direction}" if direction in ("up", "down") else "change-none"


@register.filter
def level_label(diagnostic, level):
    """The diagnostic's label for a level 1..5 ('Strong')."""
    try:
        return diagnostic.level_labels[parsing.checked_level(level) - 1]
    except parsing.InvalidInput:
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
