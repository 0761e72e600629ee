"""The explorer reads the campaign against an earlier date, as the pages do: the unit's panel says the change since
the previous period, and a "compare with" date (default: the previous period by campaign.yaml's rule) moves it."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from analytics.explore import CampaignExplorer

from builders import SHUNHE


@pytest.fixture(scope="module")
def ex(tmp_path_factory) -> CampaignExplorer:
    return CampaignExplorer.from_folder(SHUNHE, export_dir=tmp_path_factory.mktemp("exports"))


def _text(panel: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", panel))


def test_the_panel_says_the_change_since_the_previous_period(ex):
    ex.compare.value = False
    ex.unit.value = "SH"
    # Shunhe at 2012-06-30 against 2012-05-31 (a month back, month end to month end): GDP completion
    # 164,736 / 357,000 = 46.14% -> 208,526 / 357,000 = 58.41%, 12.27 points up; 11 visits dated in June.
    assert ex.compare_with.value == dt.date(2012, 5, 31)
    text = _text(ex.kpi_panel.value)
    assert "地区生产总值完成率由5月31日的46.14%提高到58.41%，提高12.27个百分点；本期新增活动11次" in text


def test_compare_with_another_date_and_back(ex):
    ex.compare.value = False
    ex.unit.value = "SH"
    try:
        ex.compare_with.value = dt.date(2012, 3, 31)
        # March: 89,666 / 357,000 = 25.12%; 58.41 − 25.12 = 33.29 points (33.294 unrounded)
        assert "地区生产总值完成率由3月31日的25.12%提高到58.41%，提高33.29个百分点" in _text(ex.kpi_panel.value)
        assert "由5月31日的" not in _text(ex.kpi_panel.value)
    finally:
        ex.compare_with.value = dt.date(2012, 5, 31)
    assert "由5月31日的46.14%" in _text(ex.kpi_panel.value)


def test_moving_as_of_moves_the_default_comparison_along(ex):
    ex.compare.value = False
    try:
        ex.as_of.value = dt.date(2012, 5, 31)
        assert ex.compare_with.value == dt.date(2012, 4, 30)  # the previous month end
    finally:
        ex.as_of.value = dt.date(2012, 6, 30)
    assert ex.compare_with.value == dt.date(2012, 5, 31)
