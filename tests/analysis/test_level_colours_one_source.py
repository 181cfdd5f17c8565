"""Level colours have one source, ttm/levels.py: the screen's stylesheets, the charts and the
business-case PDF all show what it says, and the "no level" colour is the same everywhere."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from diagnostics.models import Round
from reports import business_case
from reports.pdf import STATIC_BASE_URL, StaticOnlyFetcher
from results.charts import distribution_svg
from ttm import levels

from ..factories import MemberFactory
from .helpers import realistic_diagnostic, sample_diagnostic

LINKED = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
LEVEL_CLASS = re.compile(
    r"\.level-(\d|none)\s*\{\s*background:\s*(#[0-9a-fA-F]{6});\s*color:\s*(#[0-9a-fA-F]{6});"
)
PROPERTY = re.compile(r"--ttm-level-(\d|none)(-text)?:\s*(#[0-9a-fA-F]{6})")


def source():
    named = {str(level): levels.colours(level) for level in levels.LEVELS}
    return {**named, "none": levels.NO_LEVEL}


def level_classes(css):
    return {name: (fill, text) for name, fill, text in LEVEL_CLASS.findall(css)}


def properties(css):
    found = {}
    for name, text, colour in PROPERTY.findall(css):
        fill, ink = found.get(name, (None, None))
        found[name] = (fill, colour) if text else (colour, ink)
    return found


def expected():
    return {name: (c.fill, c.text) for name, c in source().items()}


def test_the_stylesheet_is_written_from_the_python_source():
    assert levels.STYLESHEET.read_text(encoding="utf-8") == levels.stylesheet(), (
        "static/css/levels.css is stale: run `python manage.py write_levels_css`"
    )


def test_no_other_stylesheet_defines_a_level_colour():
    for path in (settings.BASE_DIR / "static" / "css").glob("*.css"):
        if path != levels.STYLESHEET:
            css = path.read_text(encoding="utf-8")
            assert not level_classes(css), path.name
            assert not PROPERTY.search(css), path.name


@pytest.mark.django_db
def test_the_dashboard_links_the_colours_of_the_python_source(client):
    diagnostic = realistic_diagnostic()
    client.force_login(MemberFactory(diagnostic=diagnostic).user)
    html = client.get(reverse("results:dashboard", args=[diagnostic.slug])).content.decode()
    assert "level-none" in html  # the page does show cells without a level
    css = "".join(
        Path(finders.find(href.removeprefix(settings.STATIC_URL))).read_text(encoding="utf-8")
        for href in LINKED.findall(html)
    )
    assert level_classes(css) == expected()
    assert properties(css) == expected()


@pytest.mark.django_db
def test_the_business_case_pdf_uses_the_colours_of_the_python_source(sample_data):
    diagnostic = sample_diagnostic(sample_data)
    round_ = Round.objects.get(diagnostic=diagnostic)
    html = business_case.to_html(business_case.gather(diagnostic, round_))
    assert "level-none" in html
    css = "".join(
        StaticOnlyFetcher.static_path(STATIC_BASE_URL + href).read_text(encoding="utf-8")
        for href in LINKED.findall(html)
    )
    assert level_classes(css) == expected()


def test_charts_draw_no_level_in_the_same_colour():
    assert f'fill="{levels.NO_LEVEL.fill}"' in distribution_svg(None, threshold=3)
    assert f'fill="{levels.colours(2).fill}"' in distribution_svg([0, 4, 0, 0, 0])
