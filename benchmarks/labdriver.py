"""A real JupyterLab driven by headless Chromium: start a server, open a notebook, run it, watch the console.

Shared by the explorer's Lab benchmark (benchmarks/explore_lab.py) and its Lab test (tests/explore/test_lab_smoke.py).
The server runs with this interpreter, on a free port with a random token, with its runtime, data, settings,
workspace and checkpoint folders in a scratch directory and nothing that would reach the network (news, update
checks, the PyPI extension manager). It is always stopped, whatever happens.

On a 2-core machine shared with other JupyterLabs and Chromiums every step can take many times longer than
alone, so nothing here has an overall time budget: each step waits, with a generous limit (STEP_S), for a state
it can observe (the server answering, the kernel idle, every cell numbered).
"""

from __future__ import annotations

import contextlib
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
STEP_S = 300  # the longest wait for one observable state; on a quiet machine each takes seconds


class LabError(RuntimeError):
    """The server, the kernel or the page did not reach a state in time."""


@dataclass
class Lab:
    """A running server: its address, token and the folder it serves."""

    base: str
    token: str
    root: Path
    log: Path
    console: list[str] = field(default_factory=list)

    def api(self, path: str, body: dict | None = None) -> dict:
        """A call to the server's REST API (GET, or POST with a JSON body)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, method="POST" if data is not None else "GET",
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def notebook_kernel(self, notebook: str) -> str | None:
        """The id of the notebook's kernel when exactly one session holds the notebook and its kernel is idle with a
        client connected; else None."""
        sessions = [s for s in self.api("/api/sessions") if s["path"] == notebook]
        if len(sessions) != 1:
            return None
        kernel = sessions[0]["kernel"]
        return kernel["id"] if kernel.get("execution_state") == "idle" and kernel.get("connections", 0) >= 1 else None

    def kernel_memory_mb(self, kernel_id: str) -> float | None:
        """Resident memory of the kernel process now, and its peak (VmHWM) on Linux; None elsewhere."""
        return _kernel_rss(self.root, kernel_id)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settings(folder: Path, extra: dict[str, dict] | None = None) -> None:
    """User settings: no news or update notifications, the notebook's own kernel started without asking, no
    autosave; then `extra` (plugin id -> values)."""
    for plugin, values in {
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True},
        # Never save: the notebooks served are the repository's, committed without outputs.
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        **(extra or {}),
    }.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@contextlib.contextmanager
def jupyter_lab(root: Path, scratch: Path, env: dict[str, str] | None = None,
                settings: dict[str, dict] | None = None) -> Iterator[Lab]:
    """A JupyterLab server serving `root`, its own state in `scratch` (user settings added: `settings`, plugin path
    such as "@jupyter-widgets/jupyterlab-manager/plugin" -> values); stopped in every case."""
    port, token = _free_port(), secrets.token_hex(16)
    _settings(scratch / "settings", settings)
    environment = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        "JUPYTER_DATA_DIR": str(scratch / "data"),
        "JUPYTER_CONFIG_DIR": str(scratch / "config"),
        "JUPYTER_PLATFORM_DIRS": "1",
        **(env or {}),
    }
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly", f"--LabApp.user_settings_dir={scratch / 'settings'}",
        f"--LabApp.workspaces_dir={scratch / 'workspaces'}",
        # Lab saves a checkpoint of a notebook it opens; keep it out of the served folder.
        f"--FileCheckpoints.checkpoint_dir={scratch / 'checkpoints'}",
    ]
    log_path = scratch / "lab.log"
    log = log_path.open("w")
    server = subprocess.Popen(cmd, cwd=root, env=environment, stdout=log, stderr=subprocess.STDOUT)
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
                    raise LabError(f"JupyterLab did not start:\n{log_path.read_text()[-3000:]}") from None
                time.sleep(0.3)
        yield Lab(base, token, root, log_path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()


def in_own_thread(work: Callable[[], object]) -> object:
    """Run `work` in a new thread, return what it returned or re-raise what it raised.

    Playwright's sync API runs an event loop on its thread; another browser fixture of the same test session
    (tests/batch, tests/report) may hold one open on the main thread, and two cannot share it.
    """
    result: list[object] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="lab-browser")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0] if result else None


def watch_console(page, lab: Lab) -> None:
    """Collect the page's uncaught errors and console errors into lab.console."""
    page.on("pageerror", lambda e: lab.console.append(f"pageerror: {e}"))
    page.on("console", lambda m: lab.console.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)


def open_notebook(page, lab: Lab, notebook: str) -> str:
    """Open the notebook, let Lab start its kernel, and wait until that kernel is idle and connected (accepting a
    kernel dialog, if any); returns the kernel's id.

    Lab starts the kernel itself: a session created beforehand through the REST API was sometimes replaced by a
    new one while the page opened, leaving outputs of one kernel in front of the widget manager of the other.
    """
    step = STEP_S * 1000
    page.goto(f"{lab.base}/lab/tree/{notebook}?token={lab.token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=step)
    deadline = time.monotonic() + STEP_S
    while True:
        if page.query_selector(".jp-Dialog"):
            page.click(".jp-Dialog .jp-mod-accept")
        idle = page.query_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
        kernel_id = lab.notebook_kernel(notebook) if idle else None
        if kernel_id:
            return kernel_id
        if time.monotonic() > deadline:
            raise LabError(f"the notebook's kernel was not idle and connected within {STEP_S} s: "
                           f"{lab.api('/api/sessions')}")
        page.wait_for_timeout(300)


def run_all_cells(page, lab: Lab, kernel_id: str) -> None:
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
                server = lab.api(f"/api/kernels/{kernel_id}").get("execution_state")
                raise LabError(f"no progress running the cells for {STEP_S} s: {state}, kernel {server!r}")
            waiting = any("*" in p for p in state["prompts"]) or state["status"] != "idle"
            quiet_since = None if waiting else (quiet_since or time.monotonic())
            if quiet_since and time.monotonic() - quiet_since > 3:
                break  # nothing running, nothing queued, cells left unrun: run all again


def _kernel_rss(root: Path, kernel_id: str) -> float | None:
    """Peak resident memory (VmHWM) in MB of the process whose command line names the kernel's connection file."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            if kernel_id.encode() not in cmdline:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            continue
    return None


__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "STEP_S", "Lab", "LabError", "in_own_thread", "jupyter_lab",
           "open_notebook", "run_all_cells", "watch_console"]
