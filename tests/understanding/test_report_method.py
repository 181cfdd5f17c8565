"""The business case's method appendix says which priority basis is in force (PRODUCT.md 10)."""

import pytest

from reports.business_case import gather, to_html

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
