"""Open the rendered pages from file:// in headless Chromium, with every non-file request blocked."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import OfflinePage

pytestmark = pytest.mark.browser


class Visit(OfflinePage):
    """A page opened offline: console errors, page errors, dialogs and blocked requests are collected."""

    def __init__(self, browser, path: Path):
        super().__init__(browser, path, width=1200)

    def charts(self) -> list[dict]:
        """Each plotly chart: whether its SVG is drawn and its size."""
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('.main-svg'))",
            timeout=15000,
        )
        return self.page.eval_on_selector_all(
            ".plotly-graph-div",
            "ds => ds.map(d => { const s = d.querySelector('.main-svg'); const r = s.getBoundingClientRect();"
            " return {w: r.width, h: r.height}; })",
        )


def _open(browser, path):
    visit = Visit(browser, path)
    return visit


def test_index_opens_offline_and_links_every_unit(browser, shunhe_shared):
    v = _open(browser, shunhe_shared.index)
    try:
        links = v.page.eval_on_selector_all("table.unit-tree a", "as => as.map(a => a.getAttribute('href'))")
        assert len(links) == 45  # Shunhe: town + 6 communities + 38 branches
        assert v.errors == [] and v.blocked == []
        assert "顺河镇" in v.page.inner_text("body")
    finally:
        v.close()


def test_unit_page_charts_render_in_chinese(browser, shunhe_shared):
    page = shunhe_shared.out_dir / next(u.output for u in shunhe_shared.units if u.unit_id == "SH")
    v = _open(browser, page)
    try:
        charts = v.charts()
        # town: persons, events, trend, coverage, funnel, survey rates, targets
        assert len(charts) >= 6
        assert all(c["w"] > 200 and c["h"] > 150 for c in charts)
        text = v.page.inner_text("body")
        assert "目标" in text and "走访" in text
        assert v.errors == [] and v.blocked == [] and v.dialogs == []
    finally:
        v.close()


def test_clicking_a_child_opens_its_page(browser, shunhe_shared):
    page = shunhe_shared.out_dir / next(u.output for u in shunhe_shared.units if u.unit_id == "SH")
    v = _open(browser, page)
    try:
        link = v.page.locator("section, div").locator("table a", has_text="雨露").first
        link.click()
        v.page.wait_for_load_state("load")
        assert v.page.locator("h1").inner_text().startswith("雨露")
        # and its breadcrumb leads back to the town
        assert "顺河镇" in v.page.locator("nav.crumbs").inner_text()
        v.charts()
        assert v.errors == [] and v.blocked == []
    finally:
        v.close()


def test_self_contained_english_page(browser, weishi_en):
    page = weishi_en.out_dir / next(u.output for u in weishi_en.units if u.unit_id == "WS-T01")
    assert page.stat().st_size < 5.5 * 2**20
    v = _open(browser, page)
    try:
        charts = v.charts()
        assert len(charts) >= 4
        text = v.page.inner_text("body")
        assert "Person-times" in text or "person-times" in text.lower()
        assert "Visits" in text
        assert v.errors == [] and v.blocked == []
    finally:
        v.close()
