"""A real JupyterLab: open notebooks/explore.ipynb in headless Chromium, run all cells, use the dashboard.

The server and the page are driven by benchmarks/labdriver.py (shared with the Lab benchmark, `make bench-lab`):
the server runs with this interpreter on a free port with a random token, its state in a temporary directory,
nothing reaching the network, no autosave, and is always stopped. On a 2-core machine shared with other
JupyterLabs and Chromiums every step can take many times longer than alone, so the test has no overall time
budget: each step waits, with a generous limit, for a state it can observe.

What the page shows is checked against a second explorer in this process (the same code on the same folder, the
same changes made through its Python API): every visible chart's traces and the panel's text must be the same.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time

import pytest

from builders import EXPLORE_NOTEBOOK, REPO_ROOT, WEISHI

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))  # labdriver and explore_lab are scripts' modules, not a package

import explore_lab  # noqa: E402
import labdriver  # noqa: E402

from analytics.explore import CampaignExplorer  # noqa: E402

pytestmark = [pytest.mark.lab, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]

ERROR_OUTPUTS = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
# Lab's own debugger panel logs this when a kernel's first reply is slow; it is not the dashboard's.
LAB_NOISE = ("Could not restore the debugger state",)


@pytest.fixture
def chromium() -> str:
    """Chromium's path; skipped without it, unless REQUIRE_BROWSER=1."""
    if labdriver.CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium not installed")
    return labdriver.CHROMIUM


def test_explorer_runs_in_jupyterlab(chromium, tmp_path, cache_dir):
    notebook_before = hashlib.sha256(EXPLORE_NOTEBOOK.read_bytes()).hexdigest()
    mirror = CampaignExplorer.from_folder(WEISHI)
    with labdriver.jupyter_lab(REPO_ROOT, tmp_path, env={"CAMPAIGN_ANALYTICS_CACHE": str(cache_dir)}) as lab:
        labdriver.in_own_thread(lambda: _use_the_dashboard(lab, mirror))
        errors = [line for line in lab.console if not any(noise in line for noise in LAB_NOISE)]
    # No error in the browser's console (once: "Error setting state: Cannot set properties of undefined
    # (setting 'selected')", from a multi-select whose echoed selection ran past its narrowed options).
    assert errors == []
    # Nothing is saved: the notebook stays committed without outputs.
    assert hashlib.sha256(EXPLORE_NOTEBOOK.read_bytes()).hexdigest() == notebook_before


def _use_the_dashboard(lab: labdriver.Lab, mirror: CampaignExplorer) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=labdriver.CHROMIUM, args=labdriver.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            labdriver.watch_console(page, lab)
            _check_dashboard(page, lab, mirror)
        finally:
            browser.close()


def _shows(page, mirror: CampaignExplorer, what: str) -> None:
    """Wait until every visible chart and the panel show what the mirror shows."""
    want = explore_lab.expected_view(mirror)
    try:
        page.wait_for_function("(want) => window.__caSame(want)", arg=want, polling=200,
                               timeout=labdriver.STEP_S * 1000)
    except Exception:  # noqa: BLE001 - the difference says more than the timeout
        pytest.fail(f"{what}: the page does not show what the explorer shows:\n"
                    f"{explore_lab._difference(page, want)}")


def _change(page, mirror: CampaignExplorer, change: explore_lab.Change) -> None:
    change.mirror(mirror)
    page.evaluate(f"() => {{ {change.js}; }}")
    _shows(page, mirror, f"after changing {change.control}")


def _check_dashboard(page, lab: labdriver.Lab, mirror: CampaignExplorer) -> None:
    started = time.monotonic()
    kernel_id = labdriver.open_notebook(page, lab, "notebooks/explore.ipynb")
    labdriver.run_all_cells(page, lab, kernel_id)
    print(f"cells run after {time.monotonic() - started:.1f} s")
    page.evaluate(f"() => {{ {explore_lab.FINGERPRINT_JS} }}")
    # Every chart is drawn with its data from the start (the first two once came up empty).
    _shows(page, mirror, "the dashboard as drawn")
    assert page.locator(".campaign-explorer").count() == 1
    assert page.locator(".campaign-explorer .ca-kpi-panel h3").first.inner_text() == "尉氏县"
    errors = [t for t in page.locator(ERROR_OUTPUTS).all_inner_texts() if "Error" in t or "Traceback" in t]
    assert errors == []
    print(f"dashboard drawn after {time.monotonic() - started:.1f} s")

    # At 1,600 px the six charts sit side by side, two or three a row, none wider than the notebook.
    page.wait_for_function("() => { const boxes = ['persons', 'events'].map(n => document.querySelector("
                           "`.campaign-explorer .ca-chart-${n} .js-plotly-plot`)?.getBoundingClientRect()); "
                           "return boxes.every(b => b && b.width > 0) && Math.abs(boxes[0].top - boxes[1].top) < 2 "
                           "&& boxes[1].left > boxes[0].right; }",
                           timeout=labdriver.STEP_S * 1000)
    explorer = page.locator(".campaign-explorer").bounding_box()
    for name in ("persons", "events", "trend", "coverage", "funnel", "targets"):
        box = page.locator(f".campaign-explorer .ca-chart-{name} .js-plotly-plot").bounding_box()
        assert box["x"] + box["width"] <= explorer["x"] + explorer["width"] + 1, name

    # Kinds and groups are checkboxes: none ticked looks unticked, not disabled.
    assert page.locator(".campaign-explorer .ca-kinds input[type=checkbox]:checked").count() == len(mirror.kinds.options)
    assert page.locator(".campaign-explorer .ca-kinds input[type=checkbox]:disabled").count() == 0

    # A person picks a unit, unticks a kind, ticks it again, compares units, and goes back.
    changes = explore_lab.changes(mirror)
    t01 = mirror.index.order.index("WS-T01")
    _change(page, mirror, explore_lab.Change("unit", explore_lab._select(".ca-unit select", t01),
                                             lambda m: setattr(m.unit, "value", "WS-T01")))
    assert page.locator(".campaign-explorer .ca-kpi-panel h3").first.inner_text() == "城关镇"
    kinds = changes["kinds"]
    _change(page, mirror, kinds())
    _change(page, mirror, changes["groups all/none"]())
    _change(page, mirror, changes["groups all/none"]())
    _change(page, mirror, changes["compare"]())
    # Compare mode shows the comparison only.
    step = labdriver.STEP_S * 1000
    page.locator(".campaign-explorer .ca-chart-persons").wait_for(state="hidden", timeout=step)
    # ... drawn at its size, with the controls still there (a Layout shared with the hidden sections once
    # collapsed the whole explorer, leaving an empty output while the chart held its data).
    compare_plot = page.locator(".campaign-explorer .ca-chart-compare .js-plotly-plot")
    compare_plot.wait_for(state="visible", timeout=step)
    box = compare_plot.bounding_box()
    assert box["height"] >= 200 and box["width"] >= 400, box
    assert page.locator(".campaign-explorer .ca-unit select").is_visible()
    assert page.locator(".campaign-explorer .ca-chart-compare .xtick").count() > 0
    _change(page, mirror, changes["compare_metric"]())
    _change(page, mirror, changes["compare"]())
    page.locator(".campaign-explorer .ca-chart-persons .js-plotly-plot").wait_for(state="visible", timeout=step)
    page.locator(".campaign-explorer .ca-chart-compare .js-plotly-plot").wait_for(state="hidden", timeout=step)
    print(f"changes shown after {time.monotonic() - started:.1f} s")
    errors = [t for t in page.locator(ERROR_OUTPUTS).all_inner_texts() if "Error" in t or "Traceback" in t]
    assert errors == []
    assert page.locator(".campaign-explorer .ca-panel .error").count() == 0
    _check_layout_on_shunhe(page, mirror)


# Layout is read once it has settled: the boxes measured are the same for SETTLED_FRAMES animation frames in a row
# (a state, not a time: on a busy machine frames come slower, and the wait with them).
SETTLED_FRAMES = 10
SETTLED = """([selectors, frames]) => {
  const key = JSON.stringify(selectors.map((s) => [...document.querySelectorAll(s)].map((e) => {
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height, e.scrollWidth]; })));
  const s = window.__caSettled;
  if (!s || s.key !== key) { window.__caSettled = { key, frames: 0 }; return false; }
  return ++s.frames >= frames; }"""
# The sentence at a glance, whole, inside the explorer (it once wrapped at the width of the table below it and was
# clipped mid-sentence).
SENTENCE = """() => { const e = document.querySelector('.campaign-explorer').getBoundingClientRect();
  const p = document.querySelector('.campaign-explorer .ca-kpi-panel .glance-sentence');
  const r = p.getBoundingClientRect();
  let box = p.parentElement, clipped = null;
  for (; box && box !== document.body; box = box.parentElement) {  // an ancestor the sentence overflows, hidden
    const b = box.getBoundingClientRect(), style = getComputedStyle(box);
    // (below a scrolling box is only further down the notebook; past a side is cut off or needs scrolling sideways)
    const across = style.overflowX !== 'visible' && (r.left < b.left - 1 || r.right > b.right + 1);
    const down = ['hidden', 'clip'].includes(style.overflowY) && r.bottom > b.bottom + 1;
    if (across || down) { clipped = box.className; break; }
  }
  return { text: p.innerText, width: r.width, right: r.right, explorerRight: e.right, scrollWidth: p.scrollWidth,
           clientWidth: p.clientWidth, clipped }; }"""
# The unit table's first row: its cells under the given headers.
TABLE_ROW = """(headers) => { const t = document.querySelector('.campaign-explorer .ca-kpi-panel table.scorecard-static');
  const names = [...t.querySelectorAll('thead th')].map((th) => th.innerText.trim());
  const cells = [...t.querySelector('tbody tr').children].map((td) => td.innerText.trim());
  return Object.fromEntries(headers.map((h) => [h, names.includes(h) ? cells[names.indexOf(h)] : null])); }"""
# Each chart of a section: the text of the nearest heading above it and the gap (px) between them.
HEADINGS = """(charts) => charts.map((chart) => {
  const c = document.querySelector(`.campaign-explorer .ca-chart-${chart} .js-plotly-plot`);
  if (!c) return null;
  const top = c.getBoundingClientRect().top;
  const above = [...document.querySelectorAll('.campaign-explorer .ca-section h3')]
    .map((h) => [h.innerText.trim(), top - h.getBoundingClientRect().bottom]).filter(([, gap]) => gap >= 0)
    .sort((a, b) => a[1] - b[1]);
  return above.length ? above[0] : null; })"""
COMPARE_TABLE = """() => { const e = document.querySelector('.campaign-explorer').getBoundingClientRect();
  const t = document.querySelector('.campaign-explorer .ca-kpi-panel table.compare');
  return { share: t.getBoundingClientRect().width / e.width,
    badgeLines: [...t.querySelectorAll('.grade')].map((b) => b.getClientRects().length),
    nameHeights: [...t.querySelectorAll('tbody td:first-child')].map((td) => td.getBoundingClientRect().height),
    lineHeight: parseFloat(getComputedStyle(t).lineHeight) }; }"""
# The explorer's own text (charts left out: plotly writes numbers there), where a Chinese page has no ASCII colon.
OWN_TEXT = """() => { const e = document.querySelector('.campaign-explorer').cloneNode(true);
  e.querySelectorAll('.js-plotly-plot, style').forEach((x) => x.remove());
  return e.innerText; }"""


def _settled(page, *selectors: str) -> None:
    """Wait until the boxes of `selectors` have stopped moving."""
    page.evaluate("() => { window.__caSettled = null; }")
    page.wait_for_function(SETTLED, arg=[list(selectors), SETTLED_FRAMES], polling="raf",
                           timeout=labdriver.STEP_S * 1000)


def _check_layout_on_shunhe(page, mirror: CampaignExplorer) -> None:
    """Shunhe (ratings, commitments, an appraisal) at 1,600 and 1,366 px: the sentence whole, the unit table's score,
    grade and rank those of the sentence, every chart right below its heading, full-width colons, and a compare
    table whose grades and names are not crushed."""
    step = labdriver.STEP_S * 1000
    keys = [v for _, v in mirror.campaign_picker.options]
    shunhe = next(k for k in keys if k.endswith("shunhe_2012"))
    _change(page, mirror, explore_lab.Change(
        "campaign", explore_lab._select(".ca-campaign-picker select", keys.index(shunhe)),
        lambda m: setattr(m.campaign_picker, "value", shunhe)))
    assert page.locator(".campaign-explorer .ca-kpi-panel h3").first.inner_text() == "顺河镇"
    panel = (".campaign-explorer", ".campaign-explorer .ca-kpi-panel .glance-sentence")
    for width in (1600, 1366):
        page.set_viewport_size({"width": width, "height": 1000})
        page.locator(panel[1]).scroll_into_view_if_needed(timeout=step)
        _settled(page, *panel)
        sentence = page.evaluate(SENTENCE)
        assert sentence["text"].endswith("考核得分80.94分，等次良好。"), sentence
        assert sentence["width"] > 0 and sentence["right"] <= sentence["explorerRight"] + 1, (width, sentence)
        assert sentence["scrollWidth"] <= sentence["clientWidth"] + 1 and sentence["clipped"] is None, (width, sentence)
    # The unit table gives the sentence's score and grade (they once read "—"); the root has no rank.
    columns = ["考核得分", "等次", "同级排名"]
    assert page.evaluate(TABLE_ROW, columns) == {"考核得分": "80.94", "等次": "良好", "同级排名": "—"}
    # Each chart under its own heading (下级单位承诺兑现对比 once sat below another chart); the comparisons of the
    # units below right under theirs, the other two after their heading's table, as on the unit's page.
    charts = {"chart-rating-distribution": "分问题评议结果", "chart-ratings-children": "下级单位评议对比",
              "chart-commitments-children": "下级单位承诺兑现对比", "chart-appraisal-items": "分项得分",
              "chart-appraisal-children": "下级单位考核排名"}
    _settled(page, *(f".campaign-explorer .ca-chart-{c} .js-plotly-plot" for c in charts))
    found = page.evaluate(HEADINGS, list(charts))
    assert [f and f[0] for f in found] == list(charts.values()), found
    assert all(gap < 60 for (_, gap), chart in zip(found, charts, strict=True) if chart.endswith("-children")), found
    # Colons on a Chinese page are full width: "编码：SH", "统计期间：…", control labels.
    window = page.locator(".campaign-explorer .ca-kpi-panel .window").inner_text()
    assert "编码：SH" in window, window
    text = page.evaluate(OWN_TEXT)
    assert ":" not in text, [line for line in text.splitlines() if ":" in line]
    # A unit with siblings: score, grade and rank in its row as in its sentence (70.61, 合格, 6th of 6).
    _change(page, mirror, explore_lab.Change(
        "unit", explore_lab._select(".ca-unit select", mirror.index.order.index("SH-C01")),
        lambda m: setattr(m.unit, "value", "SH-C01")))
    sentence = page.locator(".campaign-explorer .ca-kpi-panel .glance-sentence").inner_text()
    assert sentence.endswith("考核得分70.61分，等次合格，在同级6个单位中排第6名。"), sentence
    assert page.evaluate(TABLE_ROW, columns) == {"考核得分": "70.61", "等次": "合格", "同级排名": "6"}
    _change(page, mirror, explore_lab.Change(
        "unit", explore_lab._select(".ca-unit select", 0), lambda m: setattr(m.unit, "value", m.index.order[0])))
    # Compare mode: the table across the explorer, each grade on one line (never 合/格), a name on at most two.
    changes = explore_lab.changes(mirror)
    for width in (1600, 1366):
        page.set_viewport_size({"width": width, "height": 1000})
        if not mirror.compare.value:
            _change(page, mirror, changes["compare"]())
        page.locator(".campaign-explorer .ca-kpi-panel table.compare").wait_for(state="visible", timeout=step)
        _settled(page, ".campaign-explorer", ".campaign-explorer .ca-kpi-panel table.compare")
        table = page.evaluate(COMPARE_TABLE)
        assert table["share"] >= 0.9, (width, table)  # across the explorer, not squeezed beside the controls
        assert table["badgeLines"] and all(n == 1 for n in table["badgeLines"]), (width, table)
        assert all(h <= 2.5 * table["lineHeight"] for h in table["nameHeights"]), (width, table)
    _change(page, mirror, changes["compare"]())
