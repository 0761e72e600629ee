"""The top of every unit page answers first: who is behind, on what, by how much (headless Chromium, offline).

Checked against kpis.csv of the same folder: the at-a-glance block is the first section after the header, in
the DOM and on screen, and its sentence names exactly the indicators whose status is behind or missed. The
regulator's root shows its grassroots coverage below 100% with the unvisited sub-bureaus by name; a leaf with
no activity says so in one sentence, without empty sections.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analytics.batch import BatchOptions, run_batch

from builders import REGULATOR, OfflinePage

pytestmark = pytest.mark.browser

IDLE_LEAF = "CBRC-SH-S01"  # 浦东新区监管办事处: no visit by the end of the tour

# Landmarks in document order: the header, then each section heading, card row, table and chart.
LANDMARKS = """() => [...document.querySelectorAll('header.report-header, h2, .cards, table, .plotly-graph-div')]
  .map(e => e.matches('header') ? 'header' : e.tagName === 'H2' ? 'h2#' + e.id : e.className.split(' ')[0])"""


@pytest.fixture(scope="module")
def regulator_pages(tmp_path_factory, session_cache):
    """The regulator's root and a sub-bureau with no activity, in Chinese, plotly.js shared."""
    out = tmp_path_factory.mktemp("regulator_pages")
    return run_batch(BatchOptions(data_dir=REGULATOR, out_dir=out, units=["CBRC", IDLE_LEAF],
                                  assets="shared"))


def _kpis(folder: Path) -> dict[tuple[str, str, str], str]:
    with open(folder / "kpis.csv", encoding="utf-8-sig", newline="") as fh:
        return {(r["unit_id"], r["metric"], r["key"]): r["value"] for r in csv.DictReader(fh)}


def _pages(result) -> list[tuple[str, Path]]:
    return [(u.unit_id, result.out_dir / u.output) for u in result.units if u.output]


def _check_page(browser, uid: str, path: Path, kpis: dict) -> None:
    p = OfflinePage(browser, path, console=False)
    try:
        page = p.page
        landmarks = page.evaluate(LANDMARKS)
        assert landmarks[:2] == ["header", "h2#glance"], (uid, landmarks[:4])
        # on screen: right under the header, above the fold of a 1366 x 900 window
        header = page.locator("header.report-header").bounding_box()
        glance = page.locator("h2#glance").bounding_box()
        sentence = page.locator("p.glance-sentence").bounding_box()
        assert header["y"] + header["height"] <= glance["y"] < sentence["y"] < 900, uid
        named = page.locator("p.glance-sentence strong.indicator").evaluate_all(
            "ss => ss.map(s => [s.dataset.indicator, s.dataset.status])")
        # lagging: behind or missed, or below the target of a level indicator (docs/periods.md)
        lagging = {(k, v) for (u, m, k), v in kpis.items()
                   if u == uid and m == "status" and v in ("behind", "missed", "below")}
        assert {tuple(n) for n in named} == lagging, uid
        assert p.blocked == [] and p.errors == []
    finally:
        p.close()


def test_every_shunhe_page_answers_first(browser, shunhe_shared):
    kpis = _kpis(shunhe_shared.out_dir)
    pages = _pages(shunhe_shared)
    assert len(pages) == 45
    for uid, path in pages:
        _check_page(browser, uid, path, kpis)


def test_weishi_pages_answer_first_in_english_and_name_the_missed_target(browser, weishi_en):
    kpis = _kpis(weishi_en.out_dir)
    for uid, path in _pages(weishi_en):
        _check_page(browser, uid, path, kpis)
    root = next(path for uid, path in _pages(weishi_en) if uid == "WS")
    p = OfflinePage(browser, root, console=False)
    try:
        text = p.page.inner_text("p.glance-sentence")
        # 78 of 80 practical things at the end of the period: 97.50%, missed (未完成), 2.50 points short
        assert "Practical things done missed its target: 97.50% at the end of the period, 2.50 points short" in text
        assert p.page.locator("td .status", has_text="Missed").count() == 1  # the targets table
    finally:
        p.close()


def test_the_regulator_root_shows_its_grassroots_gap_and_the_unvisited_sub_bureaus(browser, regulator_pages):
    out = regulator_pages.out_dir
    kpis = _kpis(out)
    pages = dict(_pages(regulator_pages))
    _check_page(browser, "CBRC", pages["CBRC"], kpis)
    # sub-bureaus are the leaves: those without a visit row of their own have no events at all
    leaves = {u for (u, m, k) in kpis if m == "coverage" and k == "" and kpis[(u, m, k)] == ""}
    unvisited = {u for u in leaves if kpis[(u, "events", "")] == "0"}
    assert len(leaves) == 95 and len(unvisited) == 38
    from analytics import load_campaign

    names = load_campaign(REGULATOR).hierarchy.name
    p = OfflinePage(browser, pages["CBRC"], console=False)
    try:
        page = p.page
        cards = dict(zip(page.locator(".card-label").all_inner_texts(), page.locator(".card-value").all_inner_texts(),
                         strict=True))
        assert cards["覆盖率"] == "100.00%" and cards["基层覆盖率"] == "60.00%"  # 57 of 95
        assert "95个基层单位中38个没有走访记录（基层覆盖率60.00%）" in page.inner_text("p.glance-sentence")
        listed = page.locator(".coverage-figures + .named-list")
        assert "没有走访记录的基层单位 38" in listed.locator("h3").inner_text()
        linked = listed.locator("li a").all_inner_texts()
        assert sorted(linked) == sorted(names[u] for u in unvisited)
        assert "基层覆盖率" in page.inner_text(".coverage-figures") and "60.00%（57/95）" in page.inner_text(
            ".coverage-figures")
    finally:
        p.close()


def test_a_leaf_with_no_activity_says_so_in_one_sentence(browser, regulator_pages):
    path = dict(_pages(regulator_pages))[IDLE_LEAF]
    p = OfflinePage(browser, path, console=False)
    try:
        page = p.page
        assert page.inner_text("p.glance-sentence") == "截至2014年3月10日，浦东新区监管办事处无活动：没有走访记录。"
        headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.id)")
        assert headings[0] == "glance" and not {"visits", "kpi_cards", "children"} & set(headings)
        # no section left empty saying "no data": what the regulator's campaign lacks (ratings, commitments, the
        # appraisal) is named in one line at the end
        assert page.inner_text("p.not-recorded") == "本活动未记录：群众评议、公开承诺、考核评分。"
        assert page.inner_text("body").count("暂无数据") == 0
        assert p.blocked == [] and p.errors == []
    finally:
        p.close()
    assert path.stat().st_size < 400 * 1024
