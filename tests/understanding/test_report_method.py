"""The business case's method appendix says which priority basis is in force (PRODUCT.md 10)."""

import re

import pytest

from reports.business_case import gather, to_html
from reports.pdf import html_to_pdf

from ..reports.helpers import pdf_text
from .test_figures import two_parties

pytestmark = pytest.mark.django_db


def _method(world):
    html = to_html(gather(world.diagnostic, world.round))
    return html[html.index('id="method"') :]


def test_the_method_says_priority_is_based_on_importance_when_it_is():
    method = _method(two_parties(asks_importance=True, priority_basis="importance"))
    assert "Priority</strong> is based on <strong>importance</strong>" in method
    assert "overall importance &divide; 3" in method


def test_the_method_says_priority_is_based_on_weight_by_default():
    method = _method(two_parties())
    assert "Priority</strong> is based on <strong>weight</strong>" in method


def test_the_business_case_has_a_chapter_on_mutual_understanding_with_the_same_figures():
    world = two_parties(asks_estimates=True, asks_importance=True)
    html = to_html(gather(world.diagnostic, world.round))
    chapter = html[html.index('id="understanding"') : html.index('id="evidence"')]
    text = " ".join(re.sub(r"<[^>]+>", " ", chapter).split())
    assert "Contractor thinks Council rates Transparency 3.5; Council rates it 1.7." in text
    assert "The weakest reading is Contractor of Council , at 70.8" in text
    assert "matters to Council, not to Contractor" in text


def test_without_the_questions_the_business_case_has_no_such_chapter():
    world = two_parties()
    assert 'id="understanding"' not in to_html(gather(world.diagnostic, world.round))


def test_the_chapter_renders_to_pdf():
    world = two_parties(asks_estimates=True, asks_importance=True)
    pdf = html_to_pdf(to_html(gather(world.diagnostic, world.round)))
    text = pdf_text(pdf)
    assert "Do we understand each other?" in text
    assert "matters to Council, not to Contractor" in text
