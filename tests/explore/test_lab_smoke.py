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
