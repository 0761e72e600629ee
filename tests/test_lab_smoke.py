"""A real JupyterLab: open notebooks/explore.ipynb in headless Chromium, run all cells, use the dashboard.

The server runs with this interpreter, on a free port with a random token, with its runtime, data, settings,
workspace and checkpoint folders in a temporary directory and nothing that would reach the network (news, update
checks, the PyPI extension manager). It is always stopped, whatever happens.

On a 2-core machine shared with other JupyterLabs and Chromiums every step can take many times longer than
alone, so the test has no overall time budget: each step waits, with a generous limit (STEP_S), for a state it
can observe (the server answering, the kernel idle as the server reports it, every cell numbered, the charts'
SVGs in the page). The kernel is started through the server's REST API before the page opens, so the notebook
attaches to a session that exists instead of racing Lab's own kernel start-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
STEP_S = 300  # the longest wait for one observable state; on a quiet machine each takes seconds
ERROR_OUTPUTS = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settings(folder: Path) -> None:
    """User settings: no news or update notifications, the notebook's own kernel started without asking."""
    for plugin, values in {
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True},
    }.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@pytest.fixture
def lab(tmp_path: Path, cache_dir: Path):
    """A JupyterLab server on the repository root: yields (base url, token); stopped in every case."""
    port, token = _free_port(), secrets.token_hex(16)
    _settings(tmp_path / "settings")
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "CAMPAIGN_ANALYTICS_CACHE": str(cache_dir),
    }
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}", "--allow-root",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly", f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        # Lab saves a checkpoint of a notebook it opens; keep it out of the repository.
        f"--FileCheckpoints.checkpoint_dir={tmp_path / 'checkpoints'}",
    ]
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STEP_S
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"JupyterLab did not start:\n{(tmp_path / 'lab.log').read_text()[-3000:]}")
                time.sleep(0.3)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()


@pytest.fixture
def chromium() -> str:
    """Chromium's path; skipped without it, unless REQUIRE_BROWSER=1."""
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium not installed")
    return CHROMIUM


def _in_own_thread(work) -> None:
    """Run `work` in a new thread and re-raise what it raised.

    Playwright's sync API runs an event loop on its thread; another browser fixture of the same test session
    (tests/reports) may hold one open on the main thread, and two cannot share it.
    """
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="lab-smoke-browser")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _api(base: str, token: str, path: str, body: dict | None = None) -> dict:
    """A call to the server's REST API (GET, or POST with a JSON body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base}{path}", data=data, method="POST" if data is not None else "GET",
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def _start_kernel(base: str, token: str) -> str:
    """A session for the notebook with its python3 kernel, started by the server before the page opens.

    (The server reports `starting` until a client asks the kernel something; the page's indicator turning
    idle is the observable sign that the kernel is up and connected.)
    """
    session = _api(base, token, "/api/sessions", {"path": "notebooks/explore.ipynb", "type": "notebook",
                                                  "name": "explore.ipynb", "kernel": {"name": "python3"}})
    kernel_id = session["kernel"]["id"]
    assert _api(base, token, f"/api/kernels/{kernel_id}")["id"] == kernel_id
    return kernel_id


def _run_all_cells(page, base: str, token: str, kernel_id: str) -> None:
    """Run > Run All Cells, until every code cell has run.

    A run that Lab receives while it is still settling the kernel's connection can leave cells unrun (prompt
    `[ ]`, kernel idle, nothing queued); the menu command is then given again. Re-running is harmless. The
    limit is on progress, not on the whole: it restarts whenever another cell gets its number.
    """
    prompts = "[...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim())"
    indicator = "document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status')"
    while True:
        page.click("#jp-MainMenu .lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-item:has-text('Run All Cells')")
        quiet_since = None
        last_change, last = time.monotonic(), None
        while True:
            page.wait_for_timeout(500)
            state = page.evaluate(f"() => ({{prompts: {prompts}, status: {indicator}}})")
            if all(p[1:-2].isdigit() for p in state["prompts"]):
                return
            if state != last:
                last_change, last = time.monotonic(), state
            if time.monotonic() - last_change > STEP_S:
                server = _api(base, token, f"/api/kernels/{kernel_id}").get("execution_state")
                pytest.fail(f"no progress running the cells for {STEP_S} s: {state}, kernel {server!r}")
            waiting = any("*" in p for p in state["prompts"]) or state["status"] != "idle"
            quiet_since = None if waiting else (quiet_since or time.monotonic())
            if quiet_since and time.monotonic() - quiet_since > 3:
                break  # nothing running, nothing queued, cells left unrun: run all again


def test_explorer_runs_in_jupyterlab(chromium, lab):
    notebook_before = hashlib.sha256(NOTEBOOK.read_bytes()).hexdigest()
    kernel_id = _start_kernel(*lab)
    _in_own_thread(lambda: _use_the_dashboard(chromium, *lab, kernel_id))
    # Lab may mark the notebook modified, but nothing is saved: it stays committed without outputs.
    assert hashlib.sha256(NOTEBOOK.read_bytes()).hexdigest() == notebook_before


def _use_the_dashboard(chromium: str, base: str, token: str, kernel_id: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            _check_dashboard(browser.new_page(viewport={"width": 1400, "height": 1000}), base, token, kernel_id)
        finally:
            browser.close()


def _check_dashboard(page, base: str, token: str, kernel_id: str) -> None:
    started = time.monotonic()
    step = STEP_S * 1000
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))

    page.goto(f"{base}/lab/tree/notebooks/explore.ipynb?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=step)
    # The page attaches to the session's kernel, already idle; a kernel dialog, if any, is accepted.
    page.wait_for_function(
        "() => document.querySelector('.jp-Dialog') || "
        "document.querySelector(\".jp-Notebook-ExecutionIndicator[data-status='idle']\")",
        timeout=step,
    )
    if page.query_selector(".jp-Dialog"):
        page.click(".jp-Dialog .jp-mod-accept")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=step)

    _run_all_cells(page, base, token, kernel_id)
    print(f"cells run after {time.monotonic() - started:.1f} s")

    # Controls and every chart of the dashboard are drawn.
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6",
        timeout=step,
    )
    assert page.locator(".campaign-explorer").count() == 1
    assert page.locator(".jupyter-widgets").count() > 10
    assert page.locator(".widget-dropdown").count() >= 2  # campaign and compare metric
    assert page.locator(".widget-select select").count() >= 1  # the unit picker
    panel = page.locator(".campaign-explorer .ca-panel h3").first
    assert panel.inner_text() == "尉氏县"
    errors = [t for t in page.locator(ERROR_OUTPUTS).all_inner_texts() if "Error" in t or "Traceback" in t]
    assert errors == []
    charts_before = page.locator(".js-plotly-plot").count()
    print(f"dashboard drawn after {time.monotonic() - started:.1f} s")

    # Picking a unit in the browser updates the panel and the charts in place (same widgets, new numbers).
    picker = page.locator(".campaign-explorer .widget-select select").first
    options = picker.locator("option").all_inner_texts()
    picker.select_option(index=next(i for i, text in enumerate(options) if text.endswith("(WS-T01)")))
    page.wait_for_function(
        "() => [...document.querySelectorAll('.campaign-explorer .ca-panel h3')].some(h => h.textContent === '城关镇')",
        timeout=step,
    )
    print(f"unit picked in the browser, panel updated after {time.monotonic() - started:.1f} s")
    page.wait_for_timeout(500)
    assert page.locator(".js-plotly-plot").count() == charts_before
    errors = [t for t in page.locator(ERROR_OUTPUTS).all_inner_texts() if "Error" in t or "Traceback" in t]
    assert errors == [] and page_errors == []
    assert page.locator(".campaign-explorer .ca-panel .error").count() == 0
