"""Lighter pages: self-contained sample pages ≤ 1.5 MB each with every chart drawn offline by the vendored bundle;
a shared-assets folder carries that one small bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.batch import BatchOptions, run_batch
from analytics.report.page import plotly_bundle, plotly_js

from builders import REGULATOR

pytestmark = pytest.mark.browser
MAX_PAGE = 1_500_000  # bytes: issue 11's 1.5 MB


@pytest.fixture(scope="module")
def regulator_zh(tmp_path_factory, session_cache):
    """The regulator's root (30 bureaus), a bureau and a sub-bureau, in Chinese, each page self-contained."""
    out = tmp_path_factory.mktemp("regulator_zh")
    return run_batch(BatchOptions(data_dir=REGULATOR, out_dir=out, units=["CBRC", "CBRC-SH", "CBRC-SH-S01"],
                                  assets="self_contained"))


def _charts_drawn_offline(browser, page: Path) -> list[dict]:
    """Open a page from file:// with every other request blocked; each chart's declared and drawn trace types."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    blocked: list[str] = []
    errors: list[str] = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                  else (blocked.append(route.request.url), route.abort()))
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        tab.goto(page.as_uri(), wait_until="load")
        tab.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                              ".every(d => d._fullData && d.querySelector('.main-svg'))", timeout=30000)
        # A trace type the bundle lacks is not an error in plotly.js: it silently becomes a scatter. So compare the
        # type each trace declares with the type plotly.js drew it as, and count the drawn traces.
        charts = tab.eval_on_selector_all(".plotly-graph-div", """ds => ds.map(d => ({
            id: d.id, declared: d.data.map(t => t.type || 'scatter'), drawn: d._fullData.map(t => t.type),
            traces: d.querySelectorAll('.cartesianlayer .trace, .pielayer .trace').length}))""")
        assert blocked == [] and errors == [], (page.name, blocked, errors)
        return charts
    finally:
        context.close()


def test_bundle_registers_exactly_the_traces_it_is_recorded_with(browser, tmp_path):
    page = tmp_path / "bundle.html"
    page.write_text('<html><head><script src="plotly.js"></script></head><body></body></html>', encoding="utf-8")
    (tmp_path / "plotly.js").write_text(plotly_js(), encoding="utf-8")
    tab = browser.new_page()
    try:
        tab.goto(page.as_uri(), wait_until="load")
        assert sorted(tab.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")) == plotly_bundle()["traces"]
        assert tab.evaluate("Plotly.version") == plotly_bundle()["version"]
    finally:
        tab.close()


@pytest.mark.parametrize("batch", ["shunhe_en", "weishi_en", "regulator_zh"])
def test_self_contained_sample_pages_are_light_and_draw_every_chart_offline(browser, request, batch):
    result = request.getfixturevalue(batch)
    assert len(result.units) == 3 and all(u.status == "rendered" for u in result.units)
    drawn = 0
    for unit in result.units:
        page = result.out_dir / unit.output
        assert page.stat().st_size <= MAX_PAGE, (page.name, page.stat().st_size)
        charts = _charts_drawn_offline(browser, page)
        assert len(charts) == page.read_text(encoding="utf-8").count('class="plotly-graph-div"'), unit.unit_id
        drawn += len(charts)
        for chart in charts:
            assert chart["drawn"] == chart["declared"], (unit.unit_id, chart)
            assert chart["traces"] >= len(chart["declared"]), (unit.unit_id, chart)
    assert drawn >= 10  # each root alone has 7 or more (persons, events, trend, coverage, funnel, rates, targets)


def test_shared_assets_folder_carries_one_small_bundle(shunhe_shared):
    assets = sorted((shunhe_shared.out_dir / "assets").iterdir())
    assert [a.name for a in assets] == ["plotly.min.js"]
    assert assets[0].read_text(encoding="utf-8") == plotly_js()
    assert assets[0].stat().st_size < 1_300_000
