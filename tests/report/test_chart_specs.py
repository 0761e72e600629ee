"""Chart specs are plain data, checked here rather than on every page: each chart of representative sample pages
(every kind of chart a page draws) is a valid plotly figure, and shows what it showed when the builders made
graph objects. tests/report/chart_digests.json holds the digests of those pages' charts as rendered by the
graph-object builders (`scripts/chart_json.py digests`); rewrite it only for a change meant to alter charts."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.io as pio
import pytest

from analytics.report.sections import UnitReport

from builders import RAW_DIR
from figures import chart_digest, figure

DIGESTS: dict[str, dict[str, dict[str, str]]] = json.loads(
    (Path(__file__).parent / "chart_digests.json").read_text(encoding="utf-8"))
PAGES = [(campaign, unit_id) for campaign, units in DIGESTS.items() for unit_id in units]
# Every chart a page can draw (the explorer's comparison and target_pace_chart are checked in test_charts.py).
KINDS = {"chart-bullet", "chart-persons", "chart-events", "chart-trend", "chart-coverage", "chart-funnel",
         "chart-survey-rates", "chart-pace", "chart-tags", "chart-rating-distribution", "chart-ratings-children",
         "chart-commitments-children", "chart-appraisal-items", "chart-appraisal-children"}


def _kind(div: str) -> str:
    return "chart-pace" if div.startswith("chart-pace-") else div


def test_the_pages_checked_draw_every_kind_of_chart():
    assert {_kind(div) for units in DIGESTS.values() for charts in units.values() for div in charts} == KINDS


@pytest.mark.parametrize(("campaign", "unit_id"), PAGES)
def test_sample_page_charts_are_valid_figures_showing_what_they_showed(campaign, unit_id):
    report = UnitReport.load(RAW_DIR / campaign, unit_id)
    charts = {div: spec for section in report.sections() for div, spec in
              (part for part in section.parts if not isinstance(part, str))}
    expected = DIGESTS[campaign][unit_id]
    assert list(charts) == list(expected)
    for div, spec in charts.items():
        figure(spec)  # plotly's schema: raises on a property or value it does not know
        written = json.loads(pio.to_json(spec, validate=False))  # as the page writes it
        assert chart_digest(written) == expected[div], f"{campaign} {unit_id} {div}"
