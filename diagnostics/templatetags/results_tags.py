"""Filters for showing analysis figures: one decimal, level classes, arrows for change."""

from django import template

from diagnostics import charts

register = template.Library()


@register.filter
def one_decimal(value):
    """A figure as screens show it (PRODUCT.md 4: one decimal); '–' when there is none."""
    return charts.one_decimal(value)


@register.filter
def level_class(mean):
    return charts.level_css_class(mean)


@register.filter
def change(delta):
    """'▲ +0.4', '▼ −0.3', '= 0.0' or '–': the arrow and the sign both say the direction."""
    if delta is None:
        return "–"
    shown = charts.one_decimal(abs(delta))
    if shown == "0.0":
        return "= 0.0"
    return f"▲ +{shown}" if delta > 0 else f"▼ −{shown}"


@register.filter
def change_class(delta):
    if delta is None or charts.one_decimal(abs(delta)) == "0.0":
        return "change-none"
    return "change-up" if delta > 0 else "change-down"


@register.filter
def level_label(diagnostic, level):
    """The diagnostic's label for a level 1..5 ('Strong')."""
    try:
        return diagnostic.level_labels[int(level) - 1]
    except (TypeError, ValueError, IndexError):
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
