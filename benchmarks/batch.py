"""Batch rendering benchmark: naive papermill+nbconvert loop vs our warm-kernel batch vs the in-process floor.

    python benchmarks/batch.py                       # 200 units, 200,000 visit rows
    python benchmarks/batch.py --units 1000 --visits 1000000 --naive-sample 2

Measures, on one synthetic campaign:
  (a) naive loop: `papermill` CLI + `jupyter nbconvert --to html` CLI per unit, on a sample of units
  (b) `run_batch` with --jobs 1          (c) with --jobs 2
  (d) in-process floor: the same report sections and figure builders, plotly `to_html`, one file per unit
  (e) a re-run with nothing changed      (f) a re-run after one leaf unit's rows changed
and prints seconds per unit, the ratios a/b, a/c, b/d, peak memory per process and page sizes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

KINDS = ["seminar", "visit", "inspection", "lecture", "service"]
GROUPS = ["township_leaders", "village_cadres", "residents", "staff", "enterprise_staff", "graduate_officials"]


def synthesize(folder: Path, units: int, visits: int, seed: int = 7) -> list[str]:
    """Write a campaign of `units` units (root, ~sqrt(n) townships, villages) and `visits` visit rows."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "campaign.yaml").write_text(
        "id: synthetic\nname: {zh: 合成调研活动, en: Synthetic campaign}\nstart: 2024-01-01\nend: 2024-12-31\n"
        "as_of: 2024-09-30\nvocabulary:\n  indicators:\n    projects: {zh: 项目数, en: Projects}\n",
        encoding="utf-8",
    )
    towns = max(1, round((units - 1) ** 0.5))
    rows = ["unit_id,name,parent_id,kind,sector,tags"]
    ids = ["R"]
    rows.append("R,合成县,,county,,")
    leaves = []
    for t in range(towns):
        tid = f"T{t:03d}"
        ids.append(tid)
        rows.append(f"{tid},第{t + 1}镇,R,township,,")
    n = len(ids)
    while n < units:
        t = n % towns
        vid = f"T{t:03d}-V{n:05d}"
        tag = rng.choice(["advanced", "lagging", "", "", ""])
        rows.append(f"{vid},村{n},T{t:03d},village,rural,{tag}")
        ids.append(vid)
        leaves.append(vid)
        n += 1
    (folder / "units.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    start = dt.date(2024, 1, 1)
    pool = leaves or ids
    with open(folder / "visits.csv", "w", encoding="utf-8") as fh:
        fh.write("date,unit_id,kind,group,persons,team,topic\n")
        for i in range(visits):
            day = start + dt.timedelta(days=rng.randrange(0, 300))
            fh.write(f"{day},{rng.choice(pool)},{rng.choice(KINDS)},{rng.choice(GROUPS)},{rng.randint(1, 40)},"
                     f"组{i % 9},主题{i % 13}\n")
    with open(folder / "surveys.csv", "w", encoding="utf-8") as fh:
        fh.write("survey_id,unit_id,date,issued,returned,valid\n")
        for i, uid in enumerate(pool):
            issued = rng.randint(20, 200)
            returned = rng.randint(issued // 2, issued)
            fh.write(f"S{i:05d},{uid},2024-03-01,{issued},{returned},{rng.randint(returned // 2, returned)}\n")
    with open(folder / "targets.csv", "w", encoding="utf-8") as tf, open(folder / "actuals.csv", "w",
                                                                           encoding="utf-8") as af:
        tf.write("unit_id,indicator,target,measure,period_start,period_end,aggregation\n")
        af.write("unit_id,indicator,date,value\n")
        for t in range(towns):
            tid = f"T{t:03d}"
            tf.write(f"{tid},projects,{rng.randint(10, 40)},个,2024-01-01,2024-12-31,sum\n")
            for month in range(1, 10):
                af.write(f"{tid},projects,2024-{month:02d}-28,{month * rng.randint(1, 3)}\n")
    return ids


def change_one_leaf(folder: Path, leaf: str) -> None:
    """Bump persons on the first visit row of one leaf unit (a new CSV, same other rows)."""
    path = folder / "visits.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines[1:], start=1):
        cells = line.split(",")
        if cells[1] == leaf:
            cells[4] = str(int(cells[4]) + 1)
            lines[i] = ",".join(cells)
            break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def naive(folder: Path, units: list[str], work: Path) -> float:
    """papermill CLI then nbconvert CLI per unit, as a cron job would; returns seconds per unit."""
    nb = ROOT / "notebooks" / "unit_report.ipynb"
    bindir = Path(sys.executable).parent
    papermill = [sys.executable, "-m", "papermill"]
    nbconvert = [str(bindir / "jupyter"), "nbconvert"] if (bindir / "jupyter").exists() else [
        sys.executable, "-m", "jupyter", "nbconvert"]
    start = time.perf_counter()
    for uid in units:
        out = work / f"{uid}.ipynb"
        subprocess.run([*papermill, str(nb), str(out), "-p", "data_dir", str(folder), "-p", "unit_id", uid,
                        "-k", "python3", "--no-progress-bar"], check=True, capture_output=True)
        subprocess.run([*nbconvert, "--to", "html", "--no-input", str(out)], check=True, capture_output=True)
    return (time.perf_counter() - start) / len(units)


def floor(folder: Path, units: list[str], work: Path) -> float:
    """The same sections in this process, figures written with plotly's to_html; seconds per unit."""
    from analytics.report.page import plotly_tag, report_css
    from analytics.report.sections import UnitReport

    work.mkdir(parents=True, exist_ok=True)
    UnitReport.load(folder, units[0])  # load (and cache) the campaign outside the timing, as the kernels do
    start = time.perf_counter()
    for uid in units:
        report = UnitReport.load(folder, uid)
        body = "\n".join(s.html() for s in report.sections())
        page = (f"<!DOCTYPE html><html><head><meta charset=utf-8><style>{report_css()}</style>"
                f"{plotly_tag('shared')}</head><body><main class=report>{body}</main></body></html>")
        (work / f"{uid}.html").write_text(page, encoding="utf-8")
    return (time.perf_counter() - start) / len(units)


def batch(folder: Path, out: Path, jobs: int, force: bool = True, assets: str = "shared", units=None):
    from analytics.batch.runner import BatchOptions, run_batch

    start = time.perf_counter()
    result = run_batch(BatchOptions(data_dir=folder, out_dir=out, jobs=jobs, force=force, assets=assets,
                                    units=units))
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--visits", type=int, default=200_000)
    parser.add_argument("--naive-sample", type=int, default=3, help="units for the naive loop (0 = skip)")
    parser.add_argument("--floor-sample", type=int, default=50)
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temp dir)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ca-bench-"))
    os.environ["CAMPAIGN_ANALYTICS_CACHE"] = str(work / "cache")
    data = work / "synthetic"
    shutil.rmtree(data, ignore_errors=True)
    t0 = time.perf_counter()
    ids = synthesize(data, args.units, args.visits)
    print(f"synthetic campaign: {len(ids)} units, {args.visits:,} visit rows in {data} "
          f"({time.perf_counter() - t0:.1f} s to write)")
    rows: list[tuple[str, str]] = []
    sample = [ids[0], ids[1], ids[-1]][: args.naive_sample] if args.naive_sample else []
    a = naive(data, sample, work) if sample else float("nan")
    if sample:
        rows.append(("(a) naive papermill + nbconvert CLI, s/unit", f"{a:.3f}  (sample of {len(sample)})"))
    res_b, tb = batch(data, work / "out_b", jobs=1)
    b = tb / len(ids)
    rows.append(("(b) batch --jobs 1, s/unit", f"{b:.3f}  ({tb:.1f} s for {len(ids)} units)"))
    res_c, tc = batch(data, work / "out_c", jobs=2)
    c = tc / len(ids)
    rows.append(("(c) batch --jobs 2, s/unit", f"{c:.3f}  ({tc:.1f} s)"))
    floor_units = ids[: args.floor_sample]
    d = floor(data, floor_units, work / "floor")
    rows.append(("(d) in-process floor (to_html), s/unit", f"{d:.3f}  (sample of {len(floor_units)})"))
    res_e, te = batch(data, work / "out_c", jobs=2, force=False)
    skipped = sum(u.status == "up_to_date" for u in res_e.units)
    rows.append(("(e) no-change re-run, s", f"{te:.2f} = {te / tc:.1%} of (c); {skipped} up to date"))
    leaf = ids[-1]
    change_one_leaf(data, leaf)
    res_f, tf = batch(data, work / "out_c", jobs=2, force=False)
    redone = [u.unit_id for u in res_f.units if u.status == "rendered"]
    rows.append(("(f) re-run after one leaf changed, s", f"{tf:.2f}; re-rendered {redone}"))
    if sample:
        rows.append(("ratio a/b", f"{a / b:.1f}  (target: -)"))
        rows.append(("ratio a/c", f"{a / c:.1f}  (target >= 25)"))
    rows.append(("ratio b/d", f"{b / d:.2f}  (target <= 3)"))
    runner_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kernel_mb = max(res_b.kernel_peak_mb + res_c.kernel_peak_mb, default=float("nan"))
    rows.append(("peak memory: runner process, MB", f"{runner_mb:.0f}"))
    rows.append(("peak memory: largest kernel, MB", f"{kernel_mb:.0f}"))
    shared = sorted((res_c.out_dir / u.output).stat().st_size for u in res_c.units if u.output)
    res_sc, _ = batch(data, work / "out_sc", jobs=1, assets="self_contained", units=[ids[1]])
    sc = (res_sc.out_dir / res_sc.units[0].output).stat().st_size
    rows.append(("page size, shared (median / max), KB", f"{shared[len(shared) // 2] / 1024:.0f} / "
                                                         f"{shared[-1] / 1024:.0f}"))
    rows.append(("page size, self_contained (a township), MB", f"{sc / 2**20:.2f}"))
    width = max(len(k) for k, _ in rows)
    print()
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
