"""The explorer as it is felt: in a real JupyterLab in headless Chromium, from a control changed in the page until
every chart shown (and the panel) holds the new data.

    .venv/bin/python benchmarks/explore_lab.py                      # the largest sample, then 1,000 units / 1M rows
    .venv/bin/python benchmarks/explore_lab.py --skip-big --repeat 9
    .venv/bin/python benchmarks/explore_lab.py --screenshots /tmp/shots   # PNGs of the dashboard as measured

How: a copy of notebooks/explore.ipynb pointed at the campaign is opened in JupyterLab and run. For each change
(a unit picked in the list, a kind, group or indicator ticked, all/none, a date typed, the language, compare
mode and what it compares), the same change is first made on a second explorer in this process (a "mirror", the
same code on the same folder), which says what each visible chart and the panel must show afterwards. The page
then records `performance.now()`, makes the change the way a person's click or typing does (the input's own DOM
events), and polls every animation frame until each visible chart's traces (their number, and the count and
sum of their x and y values) and the panel's text equal the mirror's; the time is from the change to that frame.
A change that would show nothing new is skipped. The kernel's peak memory (VmHWM) is read from /proc.

Bytes: every frame the page receives on its websockets from Run All until the dashboard is drawn is counted, and
so are the copies of plotly's widget bundle among them (as text, a FigureWidget's `_esm`, or gzipped and base64,
the explorer's one PlotlyScript; each found by a run of its text); "bytes of plotly.js" is the copies times their
sizes. The notebook is then saved from Lab's File menu with Jupyter widgets' "save
widget state" setting on, and its size on disk is the saved notebook's size.

The large campaign is written to a temporary folder by benchmarks/batch.py's generator and validated once
(cold load, not timed here). Targets are those of issue 15.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import itertools
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import labdriver as lab_

from analytics.config import EXPLORE_NOTEBOOK, RAW_DATA_DIR
from analytics.explore.plotly_script import bundle_source, plotly_script
from analytics.explore.state import EVALUATION_FIGURES, UNIT_FIGURES
from analytics.explore.widgets import CampaignExplorer, discover_campaigns

TARGET_MEDIAN_S, TARGET_MAX_S = 0.150, 0.400  # issue 25: any control -> charts redrawn
TARGET_KERNEL_MB = 600  # issue 15: largest kernel at 1M rows
TARGET_PLOTLY_MB, TARGET_NOTEBOOK_MB = 6.0, 10.0  # issue 25: plotly.js on first draw; the saved notebook
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SAVE_WIDGET_STATE = {"@jupyter-widgets/jupyterlab-manager/plugin": {"saveState": True}}
WAIT_S = lab_.STEP_S  # the longest wait for one change to show (--wait)

# Summary of a list of values, the same in Python and in the page: [count, sum of the finite numbers].
FINGERPRINT_JS = """
(() => {
  const decode = (v) => {
    if (v && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v) && v.bdata !== undefined) {
      const bytes = Uint8Array.from(atob(v.bdata), (c) => c.charCodeAt(0)).buffer;
      const types = {f8: Float64Array, f4: Float32Array, i4: Int32Array, i2: Int16Array, i1: Int8Array,
                     u4: Uint32Array, u2: Uint16Array, u1: Uint8Array};
      if (types[v.dtype]) return Array.from(new types[v.dtype](bytes));
      if (v.dtype === "i8") return Array.from(new BigInt64Array(bytes), Number);
      if (v.dtype === "u8") return Array.from(new BigUint64Array(bytes), Number);
      return [];
    }
    return v == null ? [] : Array.from(v);
  };
  const summary = (v) => {
    const values = decode(v);
    let sum = 0;
    for (const x of values) if (typeof x === "number" && isFinite(x)) sum += x;
    return [values.length, sum];
  };
  window.__caChart = (selector) => {
    const gd = document.querySelector(selector + " .js-plotly-plot");
    if (!gd || !gd.data) return null;
    return gd.data.map((t) => [t.type || "scatter", ...summary(t.x), ...summary(t.y)]);
  };
  window.__caPanel = () => {
    const el = document.querySelector(".campaign-explorer .ca-kpi-panel");
    return el ? el.textContent.replace(/\\s+/g, "") : null;
  };
  window.__caSame = (expected) => {
    for (const [selector, want] of Object.entries(expected.charts)) {
      const got = window.__caChart(selector);
      if (!got || got.length !== want.length) return false;
      for (let i = 0; i < want.length; i++) {
        const [type, nx, sx, ny, sy] = want[i];
        const g = got[i];
        const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
        if (g[0] !== type || g[1] !== nx || g[3] !== ny || !close(g[2], sx) || !close(g[4], sy)) return false;
      }
    }
    return window.__caPanel() === expected.panel;
  };
})();
"""


def _summary(values) -> list[float]:
    if values is None:
        return [0, 0.0]
    values = list(values)
    total = 0.0
    for v in values:
        if isinstance(v, int | float) and not isinstance(v, bool) and v == v and abs(v) != float("inf"):
            total += float(v)
        elif hasattr(v, "item") and isinstance(v.item(), int | float):  # numpy scalars
            x = float(v.item())
            total += x if x == x and abs(x) != float("inf") else 0.0
    return [len(values), total]


def expected_view(ex: CampaignExplorer) -> dict:
    """What the page must show for the mirror's state: each visible chart's traces summarised, the panel's text."""
    if ex.compare.value:
        shown = {"compare": ex.figures["compare"]}
    else:
        shown = {name: ex.figures[name] for name in UNIT_FIGURES}
        shown.update({div: ex.evaluation_figures[div] for divs in EVALUATION_FIGURES.values() for div in divs
                      if ex._evaluation_boxes[div].layout.display != "none"})
    charts = {f".campaign-explorer .ca-chart-{name}": [[t.type, *_summary(t.x), *_summary(t.y)] for t in fig.data]
              for name, fig in shown.items()}
    panel = re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]*>", "", ex.kpi_panel.value)))
    return {"charts": charts, "panel": panel}


@dataclass
class Change:
    """One change made by a person: `js` does it in the page, `mirror` does the same to the mirror explorer."""

    control: str
    js: str
    mirror: Callable[[CampaignExplorer], None]


def _click(selector: str, n: int = 0) -> str:
    return f"document.querySelectorAll({json.dumps(selector)})[{n}].click()"


def _select(selector: str, index: int) -> str:
    return (f"(() => {{ const s = document.querySelector({json.dumps(selector)}); s.selectedIndex = {index}; "
            "s.dispatchEvent(new Event('change', {bubbles: true})); })()")


def _date(selector: str, day: dt.date) -> str:
    return (f"(() => {{ const d = document.querySelector({json.dumps(selector)}); d.value = '{day.isoformat()}'; "
            "d.dispatchEvent(new Event('change', {bubbles: true})); })()")


def _toggle(ex: CampaignExplorer, control: str, code: str) -> None:
    c = getattr(ex, control)
    c.value = tuple(v for _, v in c.options if (v in c.value) != (v == code))


def changes(ex: CampaignExplorer) -> dict[str, Callable[[], Change]]:
    """Per control, an endless supply of changes a person makes, starting from the explorer's state."""
    index = ex.index
    meta = index.meta
    span = (meta.end - meta.start).days
    # Units of every depth in turn, every other one the root (its subtree holds every row: the worst case).
    root = index.order[0]
    by_depth: dict[int, list[str]] = {}
    for u in index.order:
        by_depth.setdefault(index.depth[u], []).append(u)
    mixed = [u for group in itertools.zip_longest(*reversed(by_depth.values())) for u in group if u not in (None, root)]
    units = itertools.cycle([u for other in mixed[:40] for u in (other, root)] or [root])

    def unit() -> Change:
        u = next(units)
        return Change("unit", _select(".ca-unit select", index.order.index(u)), lambda m: setattr(m.unit, "value", u))

    def choice(control: str) -> Callable[[], Change]:
        codes = itertools.cycle(range(len(getattr(ex, control).options)))
        selector = f".campaign-explorer .ca-{control} input[type=checkbox]"

        def make() -> Change:
            i = next(codes)
            code = getattr(ex, control).options[i][1]
            return Change(control, _click(selector, i), lambda m: _toggle(m, control, code))
        return make

    def all_none(control: str) -> Callable[[], Change]:
        flips = itertools.cycle([1, 0])  # none, then all
        selector = f".campaign-explorer .ca-{control} button"

        def make() -> Change:
            n = next(flips)
            values = () if n else tuple(v for _, v in getattr(ex, control).options)
            return Change(f"{control} all/none", _click(selector, n), lambda m: setattr(getattr(m, control), "value",
                                                                                        values))
        return make

    def date(control: str, days: itertools.cycle) -> Callable[[], Change]:
        def make() -> Change:
            day = meta.start + dt.timedelta(days=next(days))
            return Change(control, _date(f".campaign-explorer .ca-{control.replace('_', '-')} input[type=date]", day),
                          lambda m: setattr(getattr(m, control), "value", day))
        return make

    languages = itertools.cycle([1, 0])

    def language() -> Change:
        n = next(languages)
        return Change("language", _click(".campaign-explorer .ca-language button", n),
                      lambda m: setattr(m.language, "value", ("zh", "en")[n]))

    def compare() -> Change:
        return Change("compare", _click(".campaign-explorer .ca-compare input[type=checkbox]"),
                      lambda m: setattr(m.compare, "value", not m.compare.value))

    metrics = itertools.cycle(range(1, len(index.compare_metrics())))

    def compare_metric() -> Change:
        i = next(metrics)
        return Change("compare_metric", _select(".ca-compare-metric select", i),
                      lambda m: setattr(m.compare_metric, "value", m.compare_metric.options[i][1]))

    return {
        "unit": unit,
        "kinds": choice("kinds"),
        "groups": choice("groups"),
        "indicators": choice("indicators"),
        "groups all/none": all_none("groups"),
        "start": date("start", itertools.cycle(range(span // 6, span // 2, 9))),
        "end": date("end", itertools.cycle(range(span - 3, span // 2, -11))),
        "as_of": date("as_of", itertools.cycle(range(span // 3, span, 13))),
        "language": language,
        "compare": compare,
        "compare_metric": compare_metric,
    }


def measure(page, mirror: CampaignExplorer, change: Change) -> float | None:
    """Seconds from the change in the page until it shows what the mirror shows; None when nothing would change."""
    before = expected_view(mirror)
    change.mirror(mirror)
    after = expected_view(mirror)
    if after == before:
        return None
    page.evaluate(f"() => {{ window.__caT0 = performance.now(); {change.js}; }}")
    try:
        handle = page.wait_for_function("(want) => window.__caSame(want) ? performance.now() - window.__caT0 : false",
                                        arg=after, polling="raf", timeout=WAIT_S * 1000)
    except Exception as exc:
        raise lab_.LabError(f"after changing {change.control}, the page did not show what the explorer shows:\n"
                            f"{_difference(page, after)}") from exc
    return handle.json_value() / 1000


def _difference(page, want: dict) -> str:
    """What the page shows that differs from what it should."""
    lines = []
    for selector, charts in want["charts"].items():
        got = page.evaluate("(s) => window.__caChart(s)", selector)
        if got != charts:
            lines.append(f"{selector}: page {got}, expected {charts}")
    panel = page.evaluate("() => window.__caPanel()")
    if panel != want["panel"]:
        at = next((i for i, (a, b) in enumerate(zip(panel or "", want["panel"], strict=False)) if a != b), None)
        lines.append(f"panel differs at {at}: page {(panel or '')[at:at + 80]!r}, expected {want['panel'][at:at + 80]!r}")
    return "\n".join(lines) or "(now the same)"


def drive(page, mirror: CampaignExplorer, repeat: int) -> dict[str, list[float]]:
    """Each kind of change `repeat` times (compare mode's own controls with compare mode on)."""
    times: dict[str, list[float]] = {}
    supply = changes(mirror)
    for name, make in supply.items():
        if name == "compare_metric" and not mirror.compare.value:
            measure(page, mirror, supply["compare"]())
        tried = 0
        while len(times.get(name, [])) < repeat and tried < 4 * repeat:
            tried += 1
            seconds = measure(page, mirror, make())
            if seconds is not None:
                times.setdefault(name, []).append(seconds)
        if name in ("compare", "compare_metric") and mirror.compare.value:
            measure(page, mirror, supply["compare"]())  # back to one unit
    return times


class Frames:
    """Bytes the page receives on its websockets (the kernel's messages), and the copies of plotly's bundle in them."""

    def __init__(self, page) -> None:
        source, gzipped = bundle_source(), plotly_script().gzipped
        middle = len(gzipped) // 2
        # (marker, size of one copy as it travels): the bundle as JSON text, and gzipped as base64 text
        self.forms = [(_marker(source), len(json.dumps(source, ensure_ascii=False).encode())),
                      (gzipped[middle:middle + 64].encode(), len(gzipped))]
        self.received, self.found = 0, [0] * len(self.forms)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        self.received += len(data)
        for i, (marker, _) in enumerate(self.forms):
            self.found[i] += data.count(marker)

    @property
    def copies(self) -> int:
        return sum(self.found)

    @property
    def plotly_bytes(self) -> int:
        return sum(n * size for n, (_, size) in zip(self.found, self.forms, strict=True))

    def reset(self) -> None:
        self.received, self.found = 0, [0] * len(self.forms)


def _marker(source: str, length: int = 64) -> bytes:
    """A run of the bundle's text that JSON writes as it is (no quote, backslash, control or non-ASCII character)."""
    run = 0
    for i, ch in enumerate(source):
        run = run + 1 if " " <= ch <= "~" and ch not in "\\\"" else 0
        if run == length and i > 1000:
            return source[i - length + 1:i + 1].encode()
    raise ValueError("no plain run of text in plotly's bundle")


def save_notebook(page, root: Path, notebook: str) -> int:
    """Save the notebook from Lab's File menu (widget state included); its size on disk in bytes, once written."""
    path = root / notebook
    page.click("#jp-MainMenu .lm-MenuBar-itemLabel:text-is('File')")
    page.click(".lm-Menu-item .lm-Menu-itemLabel:text-is('Save Notebook')")
    deadline = time.monotonic() + WAIT_S
    while True:
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if WIDGET_STATE in saved.get("metadata", {}).get("widgets", {}):
                return path.stat().st_size
        except (OSError, ValueError):
            pass  # being written
        if time.monotonic() > deadline:
            raise lab_.LabError(f"the notebook was not saved with its widget state within {WAIT_S:.0f} s")
        time.sleep(0.5)


def report_bytes(plotly_bytes: int, copies: int, received: int, notebook_bytes: int) -> None:
    mb = 1e6
    for name, value, target, note in (
        ("bytes of plotly.js on first draw", plotly_bytes / mb, TARGET_PLOTLY_MB,
         f"{copies} cop{'y' if copies == 1 else 'ies'}; {received / mb:.2f} MB received in all"),
        ("saved notebook size", notebook_bytes / mb, TARGET_NOTEBOOK_MB, "widget state saved"),
    ):
        print(f"  {name:<34}{value:>8.2f} MB   target <= {target:.0f} MB: {'met' if value <= target else 'NOT met'}"
              f"   ({note})")


def report(title: str, times: dict[str, list[float]], kernel_mb: float | None, memory_target: bool) -> None:
    print(f"\n{title}")
    print(f"  {'change':<20}{'n':>4}{'median ms':>12}{'max ms':>10}")
    for name, values in times.items():
        print(f"  {name:<20}{len(values):>4}{statistics.median(values) * 1000:>12.0f}{max(values) * 1000:>10.0f}")
    every = [t for values in times.values() for t in values]
    median, worst = statistics.median(every), max(every)
    print(f"  {'every change':<20}{len(every):>4}{median * 1000:>12.0f}{worst * 1000:>10.0f}"
          f"   target median <= {TARGET_MEDIAN_S * 1000:.0f} / max <= {TARGET_MAX_S * 1000:.0f} ms: "
          f"{'met' if median <= TARGET_MEDIAN_S and worst <= TARGET_MAX_S else 'NOT met'}")
    if kernel_mb is not None:
        flag = f"   target <= {TARGET_KERNEL_MB} MB: {'met' if kernel_mb <= TARGET_KERNEL_MB else 'NOT met'}" \
            if memory_target else ""
        print(f"  kernel peak memory {kernel_mb:.0f} MB{flag}")


def notebook_for(folder: Path, root: Path) -> str:
    """A copy of the explorer notebook under root, its parameters cell pointing at folder; its path under root."""
    nb = json.loads(EXPLORE_NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = f"data_dir = {json.dumps(str(folder))}\nlanguage = \"zh\"\n"
    (root / "explore.ipynb").write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return "explore.ipynb"


def run(folder: Path, title: str, args, scratch: Path, memory_target: bool) -> None:
    root = scratch / "root"
    root.mkdir(parents=True, exist_ok=True)
    notebook = notebook_for(folder, root)
    started = time.perf_counter()
    mirror = CampaignExplorer.from_folder(folder)
    print(f"\n{title}: {len(mirror.index.order)} units, {len(mirror.index.campaign.visits):,} visit rows "
          f"(mirror ready in {time.perf_counter() - started:.1f} s)")
    sys.stdout.flush()
    with lab_.jupyter_lab(root, scratch / "lab", env={"CAMPAIGN_ANALYTICS_CACHE": str(scratch / "cache")},
                          settings=SAVE_WIDGET_STATE) as lab:
        def work():
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=lab_.CHROMIUM, args=lab_.CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": args.width, "height": 1000})
                    lab_.watch_console(page, lab)
                    frames = Frames(page)
                    kernel_id = lab_.open_notebook(page, lab, notebook)
                    t0 = time.perf_counter()
                    frames.reset()
                    lab_.run_all_cells(page, lab, kernel_id)
                    page.evaluate(f"() => {{ {FINGERPRINT_JS} }}")
                    want = expected_view(mirror)
                    try:
                        page.wait_for_function("(want) => window.__caSame(want)", arg=want, polling=200,
                                               timeout=WAIT_S * 1000)
                    except Exception as exc:
                        raise lab_.LabError(f"the dashboard does not show what the explorer shows:\n"
                                            f"{_difference(page, want)}") from exc
                    print(f"  dashboard drawn {time.perf_counter() - t0:.1f} s after Run All")
                    drawn = (frames.plotly_bytes, frames.copies, frames.received)
                    notebook_bytes = save_notebook(page, root, notebook)
                    if args.screenshots:
                        page.screenshot(path=str(Path(args.screenshots) / f"{folder.name}-start.png"), full_page=True)
                    times = drive(page, mirror, args.repeat)
                    if args.screenshots:
                        page.screenshot(path=str(Path(args.screenshots) / f"{folder.name}-end.png"), full_page=True)
                    return times, lab.kernel_memory_mb(kernel_id), (*drawn, notebook_bytes)
                finally:
                    browser.close()

        times, kernel_mb, sizes = lab_.in_own_thread(work)
        errors = [line for line in lab.console if "Could not restore the debugger state" not in line]
    report(title, times, kernel_mb, memory_target)
    report_bytes(*sizes)
    if errors:
        print("  browser console errors:\n    " + "\n    ".join(errors))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="units of the large campaign")
    parser.add_argument("--rows", type=int, default=1_000_000, help="visit rows of the large campaign")
    parser.add_argument("--repeat", type=int, default=5, help="changes measured per control")
    parser.add_argument("--width", type=int, default=1600, help="browser window width")
    parser.add_argument("--skip-samples", action="store_true", help="only the large campaign")
    parser.add_argument("--skip-big", action="store_true", help="only the largest sample")
    parser.add_argument("--screenshots", help="folder for PNGs of the dashboard")
    parser.add_argument("--wait", type=float, default=lab_.STEP_S, help="seconds allowed for one change to show")
    args = parser.parse_args(argv)
    global WAIT_S
    WAIT_S = args.wait
    if lab_.CHROMIUM is None:
        raise SystemExit("Chromium is needed (apt-get install chromium)")
    if args.screenshots:
        Path(args.screenshots).mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="explore-lab-"))
    os.environ["CAMPAIGN_ANALYTICS_CACHE"] = str(scratch / "cache")  # the mirror's and the kernel's, not data/processed
    try:
        if not args.skip_samples:
            folders = discover_campaigns(RAW_DATA_DIR)
            from analytics import load_campaign

            largest = max(folders, key=lambda f: (len(load_campaign(f).visits), len(load_campaign(f).units)))
            run(largest, f"largest sample ({largest.name}) in JupyterLab, window {args.width} px", args,
                scratch / "sample", memory_target=False)
        if not args.skip_big:
            import batch

            folder = scratch / "big" / "campaign"
            started = time.perf_counter()
            batch.synthesize(folder, args.units, args.rows)
            print(f"\nlarge campaign written in {time.perf_counter() - started:.1f} s")
            run(folder, f"{args.units:,} units / {args.rows:,} visit rows in JupyterLab, window {args.width} px",
                args, scratch / "big", memory_target=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
