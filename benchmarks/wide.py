"""Pages bounded at any width of the tree (issue 15, item 5): one unit with 100,000 children.

    python benchmarks/wide.py                        # 100,000 children, 200,000 visit rows
    python benchmarks/wide.py --children 20000 --visits 50000

A synthetic campaign (a root with `--children` villages; visits, a questionnaire batch for every other
village, a `sum` target per village) is rendered by `run` for the root only, with shared assets, as a user
would. Printed, each with its target beside it:
  - `campaign-analytics run --units R` as a process (load, KPIs, the root's page, index.html, kpis.csv and
    kpis.xlsx of every unit, the bulletin): its wall time and peak resident memory (the largest process: the
    CLI or its worker), the campaign's cache already built (a first run builds it, then this one is timed);
  - the root page: render time in its worker (the manifest's duration; the campaign's tables are built in the
    worker's warm-up, before this page), its size, and in this process the same sections cold (first page) and
    warm (the campaign's tables already computed, as for every later page of a batch);
  - the index of the whole campaign (100,001 units): its size, and in headless Chromium from file:// the time
    to interactive (navigation start until the rows are drawn and the page answers), then a search and a sort.
Separate from `make bench` (benchmarks/batch.py), whose table is the batch's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from batch import print_measures, write_surveys  # benchmarks/ is on sys.path when a script there runs

TARGETS = {"render": 5.0, "page_mb": 2.0, "tti": 3.0, "process_s": 10.0, "process_mb": 1000.0}


def synthesize_wide(folder: Path, children: int, visits: int, seed: int = 11) -> list[str]:
    """A root R with `children` villages (a fifth tagged advanced, a fifth lagging), `visits` visit rows, a
    questionnaire batch for every other village and a `sum` target with one actual per village."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "campaign.yaml").write_text(
        "id: wide\nname: {zh: 宽层级活动, en: Wide campaign}\nstart: 2024-01-01\nend: 2024-12-31\nas_of: 2024-09-30\n"
        "vocabulary:\n  indicators:\n    projects: {zh: 项目数, en: Projects}\n", encoding="utf-8")
    ids = [f"C{i:06d}" for i in range(children)]
    with open(folder / "units.csv", "w", encoding="utf-8") as fh:
        fh.write("unit_id,name,parent_id,kind,sector,tags\nR,宽县,,county,,\n")
        for i, uid in enumerate(ids):
            fh.write(f"{uid},单位{i},R,village,rural,{rng.choice(['advanced', 'lagging', '', '', ''])}\n")
    with open(folder / "visits.csv", "w", encoding="utf-8") as fh:
        fh.write("date,unit_id,kind,group,persons,team,topic\n")
        for i in range(visits):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 270))
            fh.write(f"{day},{rng.choice(ids)},{rng.choice(['seminar', 'visit', 'lecture'])},"
                     f"{rng.choice(['residents', 'staff'])},{rng.randint(1, 40)},组{i % 9},\n")
    write_surveys(folder, ids[::2], rng, digits=6)
    with open(folder / "targets.csv", "w", encoding="utf-8") as tf, open(folder / "actuals.csv", "w",
                                                                           encoding="utf-8") as af:
        tf.write("unit_id,indicator,target,measure,period_start,period_end,aggregation\n")
        af.write("unit_id,indicator,date,value\n")
        for uid in ids:
            tf.write(f"{uid},projects,{rng.randint(10, 40)},个,2024-01-01,2024-12-31,sum\n")
            af.write(f"{uid},projects,2024-06-28,{rng.randint(0, 30)}\n")
    return ids


def run_as_process(folder: Path, out: Path, unit: str) -> tuple[float, float, dict]:
    """`campaign-analytics run --units <unit>` in a fresh process: wall seconds, peak RSS (MB) of the largest
    process it ran (itself or its worker), and its manifest.json."""
    import json
    import os
    import subprocess

    command = [sys.executable, "-m", "analytics.cli", "run", "--data", str(folder), "--units", unit, "--out", str(out),
               "--assets", "shared", "--jobs", "1", "--force"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)  # ru_maxrss (KiB): the process or a child it waited for
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{errors}")
    return wall, usage.ru_maxrss / 1024, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def sections_in_process(folder: Path) -> tuple[float, float]:
    """Seconds for the root's report sections as HTML: first page of a process, then again (tables memoised)."""
    from analytics.data.loading import load_campaign
    from analytics.report.sections import UnitReport

    load_campaign(folder)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        report = UnitReport.load(folder, None)
        "".join(s.html() for s in report.sections())
        times.append(time.perf_counter() - start)
    return times[0], times[1]


def index_in_chromium(index: Path, query: str, runs: int) -> dict[str, float]:
    """Median seconds over `runs` fresh tabs: time to interactive, a search, a sort (each until rows are drawn)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    found: dict[str, list[float]] = {"tti": [], "search": [], "sort": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            tab = browser.new_page(viewport={"width": 1366, "height": 900})
            tab.goto(index.as_uri(), wait_until="commit")
            tab.wait_for_function("() => document.querySelectorAll('#scorecard tbody tr').length > 0",
                                  polling="raf", timeout=120_000)
            # The main thread answers this only once the drawing task is over: navigation start -> now.
            found["tti"].append(tab.evaluate("() => new Promise(r => setTimeout(() => r(performance.now()), 0))") / 1000)
            start = time.perf_counter()
            tab.fill("#sc-search", query)
            # the matches (单位4242 and 单位42420 … 单位42429) under their ancestors' rows, nothing else
            tab.wait_for_function("q => { const rows = [...document.querySelectorAll('#scorecard tbody tr')];"
                                  " return rows.length > 0 && rows.length <= 20 &&"
                                  " rows.some(tr => tr.textContent.includes(q)); }", arg=query, timeout=120_000)
            found["search"].append(time.perf_counter() - start)
            tab.fill("#sc-search", "")
            start = time.perf_counter()
            tab.click("#scorecard th[data-sort='0'] button")
            tab.wait_for_function("() => document.querySelector(\"#scorecard th[data-sort='0']\")"
                                  ".getAttribute('aria-sort') !== 'none'", timeout=120_000)
            tab.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
            found["sort"].append(time.perf_counter() - start)
            tab.close()
        browser.close()
    return {k: statistics.median(v) for k, v in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3, help="browser runs (median)")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic campaign and output")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-wide-"))
    import os

    os.environ.setdefault("CAMPAIGN_ANALYTICS_CACHE", str(work / "cache"))
    try:
        folder, out = work / "wide", work / "out"
        started = time.perf_counter()
        synthesize_wide(folder, args.children, args.visits)
        print(f"synthetic campaign: 1 root, {args.children:,} children, {args.visits:,} visits "
              f"({time.perf_counter() - started:.1f} s)", flush=True)
        run_as_process(folder, work / "first", "R")  # builds the campaign's cache, as any first command does
        wall, peak_mb, manifest = run_as_process(folder, out, "R")
        root = next(u for u in manifest["units"] if u["unit_id"] == "R")
        page = out / root["output"]
        kernel = root["duration_s"]
        print(f"run --units R as a process (load, KPIs, the root's page, index and kpis of {args.children + 1:,} "
              f"units): {wall:.1f} s, peak {peak_mb:,.0f} MB", flush=True)
        cold, warm = sections_in_process(folder)
        size_mb = page.stat().st_size / 1e6
        index = out / "index.html"
        index_mb = index.stat().st_size / 1e6
        csv_mb = (out / "kpis.csv").stat().st_size / 1e6
        xlsx_mb = (out / "kpis.xlsx").stat().st_size / 1e6
        browser = index_in_chromium(index, "单位4242", args.runs)
        rows = [
            ("run --units R as a process (s)", f"{wall:.1f}", f"≤ {TARGETS['process_s']:g}"),
            ("run --units R as a process: peak RSS (MB)", f"{peak_mb:,.0f}", f"≤ {TARGETS['process_mb']:,.0f}"),
            (f"kpis.csv / kpis.xlsx of {args.children + 1:,} units (MB)", f"{csv_mb:.0f} / {xlsx_mb:.0f}", ""),
            ("root page render in its worker (s)", f"{kernel:.2f}", f"≤ {TARGETS['render']:g}"),
            ("root sections in process: first page (s)", f"{cold:.2f}", ""),
            ("root sections in process: tables computed (s)", f"{warm:.2f}", f"≤ {TARGETS['render']:g}"),
            ("root page size, shared assets (MB)", f"{size_mb:.3f}", f"≤ {TARGETS['page_mb']:g}"),
            (f"index of {args.children + 1:,} units: size (MB)", f"{index_mb:.1f}", ""),
            ("index: time to interactive in Chromium (s)", f"{browser['tti']:.2f}", f"≤ {TARGETS['tti']:g}"),
            ("index: search, until rows drawn (s)", f"{browser['search']:.2f}", ""),
            ("index: sort by a column, until drawn (s)", f"{browser['sort']:.2f}", ""),
        ]
        print()
        print_measures(rows)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
