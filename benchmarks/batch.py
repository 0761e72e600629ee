"""Batch benchmark: what a user waits for, as whole processes, and the batch against its own floor.

    python benchmarks/batch.py                  # 200 units / 200,000 visit rows; validate at 1,000,000 rows
    python benchmarks/batch.py --big            # the same again at 1,000 units / 1,000,000 visit rows
    python benchmarks/batch.py --repeat 9       # more runs per process figure (medians are printed)

Measures, on synthetic campaigns (written to a temporary folder, with their own validated-data cache):

  in this process
  (a) naive loop: `papermill` CLI, then `jupyter nbconvert --to campaign_report` CLI, per unit (a sample)
  (b) `run_batch` with --jobs 1          (c) with --jobs 2
  (d) in-process floor: the same report sections and figure builders, plotly `to_html`, one file per unit
  (e) a re-run with nothing changed      (f) a re-run after one leaf unit's rows changed

  as processes, started from the shell the way a user starts them (`campaign-analytics ...`, --jobs 2,
  --assets shared), each the median of several runs with its wall time, CPU time (user + system, the
  process and the workers it started) and peak memory (the largest resident set of the process or of
  any process it started and waited for, i.e. a worker when that is larger)
  run, cold            no validated-data cache, empty output folder: every unit rendered
  run, no change       the same command again
  run, one leaf        after one leaf's visit rows changed: the leaf and its two ancestors re-rendered
  validate, cold       no validated-data cache
  validate, warm       the cache filled by the run before
  make report          what `make report` runs: `run parameters/<sample>.yaml` for the three samples in turn,
                       into an empty folder with an empty cache (the sum of the three processes)

and prints every row of issue 25's targets table with the target beside it. Rows this script does not
measure (the explorer, pages of 100,000 children) say which command or item does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

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
    write_surveys(folder, pool, rng, digits=5)
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


def write_surveys(folder: Path, unit_ids: list[str], rng: random.Random, digits: int) -> None:
    """surveys.csv: one questionnaire batch per unit (20-200 issued, at least half returned, half of those valid)."""
    with open(folder / "surveys.csv", "w", encoding="utf-8") as fh:
        fh.write("survey_id,unit_id,date,issued,returned,valid\n")
        for i, uid in enumerate(unit_ids):
            issued = rng.randint(20, 200)
            returned = rng.randint(issued // 2, issued)
            fh.write(f"S{i:0{digits}d},{uid},2024-03-01,{issued},{returned},{rng.randint(returned // 2, returned)}\n")


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


# ---------------------------------------------------------------------------------------------------------
# In this process


def naive(folder: Path, units: list[str], work: Path) -> float:
    """papermill CLI then `jupyter nbconvert --to campaign_report` CLI per unit, as a cron job would.

    The package's exporter, not nbconvert's plain `--to html`, is the fair baseline: it makes the same page
    the batch makes (outputs only, plotly.js inline, every chart drawn offline). Seconds per unit.
    """
    nb = ROOT / "notebooks" / "unit_report.ipynb"
    papermill = [sys.executable, "-m", "papermill"]
    nbconvert = [str(BIN / "jupyter"), "nbconvert"] if (BIN / "jupyter").exists() else [
        sys.executable, "-m", "jupyter", "nbconvert"]
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for uid in units:
        out = work / f"{uid}.ipynb"
        subprocess.run([*papermill, str(nb), str(out), "-p", "data_dir", str(folder), "-p", "unit_id", uid,
                        "-k", "python3", "--no-progress-bar"], check=True, capture_output=True)
        subprocess.run([*nbconvert, "--to", "campaign_report", str(out)], check=True, capture_output=True)
    return (time.perf_counter() - start) / len(units)


def floor(folder: Path, units: list[str], work: Path) -> float:
    """The same sections in this process, figures written with plotly's to_html; seconds per unit."""
    from analytics.batch.warmup import campaign_tables
    from analytics.report.page import plotly_tag, report_css
    from analytics.report.sections import UnitReport

    work.mkdir(parents=True, exist_ok=True)
    # the campaign and its campaign-wide tables loaded outside the timing, as the workers' warm-up does
    campaign_tables(str(Path(folder).resolve()), UnitReport.load(folder, units[0]).as_of.isoformat(), 1.0)
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


# ---------------------------------------------------------------------------------------------------------
# Whole processes


@dataclass
class Timing:
    """Runs of one command: wall seconds, CPU seconds (user + system, with waited-for children), peak MB."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    def text(self) -> str:
        n = len(self.wall)
        spread = f", {min(self.wall):.2f}–{max(self.wall):.2f}" if n > 1 else ""
        return (f"{self.median:6.2f} s  (median of {n}{spread}; CPU {statistics.median(self.cpu):.2f} s; "
                f"peak {statistics.median(self.peak):.0f} MB)")


def command(*args: str) -> list[str]:
    """`campaign-analytics ARGS` as the installed console script (what a user types)."""
    script = BIN / "campaign-analytics"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "analytics", *args]


TIME = Path("/usr/bin/time")


def timed(argv: list[str], repeat: int, before: Callable[[], None] | None = None) -> Timing:
    """Run a command `repeat` times (calling `before` first each time); its exit status must be 0.

    Peak memory and CPU come from GNU time, which forks the command from its own small process: a child forked
    from this (large) process would inherit this process's peak resident set as its own ru_maxrss.
    """
    timing = Timing()
    for _ in range(repeat):
        if before is not None:
            before()
        with tempfile.NamedTemporaryFile() as err, tempfile.NamedTemporaryFile(mode="r") as usage:
            wrapped = [str(TIME), "-f", "%M %U %S", "-o", usage.name, *argv] if TIME.exists() else argv
            started = time.perf_counter()
            proc = subprocess.run(wrapped, stdout=subprocess.DEVNULL, stderr=err, check=False)
            wall = time.perf_counter() - started
            if proc.returncode != 0:
                err.seek(0)
                raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{err.read().decode(errors='replace')}")
            fields = usage.read().split()[-3:] if TIME.exists() else []
        if len(fields) == 3:
            kib, user, system = int(fields[0]), float(fields[1]), float(fields[2])
        else:
            kib, user, system = 0, math.nan, math.nan
        timing.wall.append(wall)
        timing.cpu.append(user + system)
        timing.peak.append(kib / 1024)
    return timing


def processes(data: Path, leaf: str, work: Path, cache: Path, repeat: int, cold_repeat: int,
              runs: bool = True) -> dict[str, Timing]:
    """Whole-process timings on one campaign folder (see the module doc)."""
    out = work / "out_process"
    run = command("run", "--data", str(data), "--out", str(out), "--jobs", "2", "--assets", "shared")
    validate = command("validate", str(data))

    def no_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def nothing_at_all() -> None:
        no_cache()
        shutil.rmtree(out, ignore_errors=True)

    found: dict[str, Timing] = {}
    if runs:
        found["run, cold"] = timed(run, cold_repeat, nothing_at_all)
        found["run, no change"] = timed(run, repeat)
        found["run, one leaf changed"] = timed(run, repeat, lambda: change_one_leaf(data, leaf))
    found["validate, cold"] = timed(validate, repeat, no_cache)
    found["validate, warm"] = timed(validate, repeat)
    return found


def make_report(work: Path, repeat: int) -> Timing:
    """What `make report` runs, timed as one: `run` of every parameters/*.yaml (the three samples) in turn, each a
    process, into an empty folder and with an empty validated-data cache (a first `make report`, the venv and its
    byte-code present). The sum of the processes' wall times, CPU and the largest peak, per repetition."""
    total = Timing()
    for _ in range(repeat):
        out, cache = work / "make_report", work / "make_report_cache"
        wall = cpu = peak = 0.0
        for path in sorted((ROOT / "parameters").glob("*.yaml")):
            shutil.rmtree(out / path.stem, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            argv = ["env", f"CAMPAIGN_ANALYTICS_CACHE={cache}",
                    *command("run", str(path), "--out", str(out / path.stem))]
            one = timed(argv, 1)
            wall, cpu, peak = wall + one.wall[0], cpu + one.cpu[0], max(peak, one.peak[0])
        total.wall.append(wall)
        total.cpu.append(cpu)
        total.peak.append(peak)
    return total


# ---------------------------------------------------------------------------------------------------------
# One campaign, every figure


def measure(data: Path, ids: list[str], work: Path, cache: Path, args: argparse.Namespace,
            naive_sample: int) -> dict[str, object]:
    """Every figure of one campaign: in-process rows, process rows, memory and page sizes."""
    figures: dict[str, object] = {"units": len(ids)}
    sample = [ids[0], ids[1], ids[-1]][:naive_sample]
    if sample:
        figures["a"] = naive(data, sample, work)
        figures["a_sample"] = len(sample)
    res_b, tb = batch(data, work / "out_b", jobs=1)
    figures["b"], figures["b_total"] = tb / len(ids), tb
    res_c, tc = batch(data, work / "out_c", jobs=2)
    figures["c"], figures["c_total"] = tc / len(ids), tc
    floor_units = ids[: args.floor_sample] if args.floor_sample else ids  # every unit, as the batch renders them
    figures["d"], figures["d_sample"] = floor(data, floor_units, work / "floor"), len(floor_units)
    res_e, te = batch(data, work / "out_c", jobs=2, force=False)
    figures["e"], figures["e_skipped"] = te, sum(u.status == "up_to_date" for u in res_e.units)
    change_one_leaf(data, ids[-1])
    res_f, tf = batch(data, work / "out_c", jobs=2, force=False)
    figures["f"], figures["f_redone"] = tf, [u.unit_id for u in res_f.units if u.status == "rendered"]
    figures["kernel_mb"] = max(res_b.kernel_peak_mb + res_c.kernel_peak_mb, default=float("nan"))
    shared = sorted((res_c.out_dir / u.output).stat().st_size for u in res_c.units if u.output)
    res_sc, _ = batch(data, work / "out_sc", jobs=1, assets="self_contained", units=[ids[1]])
    figures["page_shared"] = (shared[len(shared) // 2], shared[-1])
    figures["page_self_contained"] = (res_sc.out_dir / res_sc.units[0].output).stat().st_size
    figures["processes"] = processes(data, ids[-1], work, cache, args.repeat, args.cold_repeat)
    return figures


def print_campaign(title: str, f: dict) -> None:
    rows: list[tuple[str, str]] = []
    if "a" in f:
        rows.append(("(a) naive papermill + nbconvert --to campaign_report, s/unit",
                     f"{f['a']:.3f}  (sample of {f['a_sample']})"))
    rows.append(("(b) run_batch --jobs 1, s/unit", f"{f['b']:.3f}  ({f['b_total']:.1f} s for {f['units']} units)"))
    rows.append(("(c) run_batch --jobs 2, s/unit", f"{f['c']:.3f}  ({f['c_total']:.1f} s)"))
    rows.append(("(d) in-process floor (to_html), s/unit", f"{f['d']:.3f}  (sample of {f['d_sample']})"))
    rows.append(("(e) no-change re-run in this process, s",
                 f"{f['e']:.2f} = {f['e'] / f['c_total']:.1%} of (c); {f['e_skipped']} up to date"))
    rows.append(("(f) one leaf changed, re-run in this process, s", f"{f['f']:.2f}; re-rendered {f['f_redone']}"))
    if "a" in f:
        rows.append(("ratio a/b, a/c", f"{f['a'] / f['b']:.1f}, {f['a'] / f['c']:.1f}"))
    rows.append(("ratio b/d", f"{f['b'] / f['d']:.2f}"))
    rows.append(("peak memory: largest worker, MB", f"{f['kernel_mb']:.0f}"))
    rows.append(("page size, shared (median / max), KB",
                 f"{f['page_shared'][0] / 1024:.0f} / {f['page_shared'][1] / 1024:.0f}"))
    rows.append(("page size, self_contained (a township), MB", f"{f['page_self_contained'] / 2**20:.2f}"))
    for name, timing in f["processes"].items():
        rows.append((f"process: {name}", timing.text()))
    _table(title, rows)


def print_measures(rows: list[tuple[str, str, str]], note: str = "") -> None:
    """Rows of (measure, figure, target), aligned under a header line that ends with `note`."""
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'figure':>8}  target{note}")
    for measure, figure, target in rows:
        print(f"{measure.ljust(width)}  {figure:>8}  {target}")


def _table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n{title}")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")


# ---------------------------------------------------------------------------------------------------------
# Issue 25's targets


@dataclass
class Target:
    measure: str
    was: str
    target: str
    value: str = "not measured"
    ratio: str = ""  # measured ÷ target
    met: str = ""


def _judge(row: Target, measured: float | None, limit: float, at_least: bool = False, text: str = "") -> None:
    if measured is None:
        return
    row.value = text
    row.ratio = f"{measured / limit:.2f}"
    ok = measured >= limit if at_least else measured <= limit
    row.met = "yes" if ok else "NO"


def targets(small: dict, big: dict | None, wide_validate: dict[str, Timing] | None) -> list[Target]:
    """Issue 25's table, with this run's figures where this script measures them."""
    rows = [
        Target("(d) in-process floor, 200 units / 200k rows", "0.146 s/unit", "≤ 0.030 s/unit"),
        Target("(b) run_batch --jobs 1", "0.347 s/unit", "≤ 0.060 s/unit"),
        Target("(c) --jobs 2", "0.178 s/unit", "≤ 0.035 s/unit"),
        Target("a/c", "33×", "≥ 150×"),
        Target("cold run of 200 units, as a process", "36.7 s", "≤ 10 s"),
        Target("naive per unit ÷ (cold run of 200 units ÷ 200), same run", "37–38×", "≥ 120×"),
        Target("make report (three samples) from no reports folder", "64–72 s", "≤ 25 s"),
        Target("one leaf changed, as a process", "3.58 s", "≤ 1.5 s"),
        Target("nothing changed, as a process", "0.11 s", "≤ 0.2 s"),
        Target("run --units R, 100,000 children, as a process", "49 s", "≤ 10 s, ≤ 1 GB", "see make bench-wide"),
        Target("cold validate, 1M rows: time / peak", "2.11 s / 466 MB", "≤ 1.5 s / ≤ 400 MB"),
        Target("explorer: plotly.js bytes on first draw; saved notebook", "~65 MB", "≤ 6 MB; ≤ 10 MB",
               "see make bench-lab"),
        Target("explorer in real JupyterLab, any control: median / max", "107 / 536 ms", "≤ 150 / 400 ms",
               "see make bench-lab"),
    ]
    per_unit = {"d": (0, 0.030), "b": (1, 0.060), "c": (2, 0.035)}
    for key, (i, limit) in per_unit.items():
        if key in small:
            _judge(rows[i], small[key], limit, text=f"{small[key]:.3f} s/unit")
    if "a" in small:
        ac = small["a"] / small["c"]
        _judge(rows[3], ac, 150, at_least=True, text=f"{ac:.0f}×")
    p = small["processes"]
    if "run, cold" in p:
        cold = p["run, cold"].median
        _judge(rows[4], cold, 10, text=f"{cold:.1f} s")
        if "a" in small:
            ratio = small["a"] / (cold / small["units"])
            _judge(rows[5], ratio, 120, at_least=True, text=f"{ratio:.0f}×")
    if "make report" in p:
        t = p["make report"].median
        _judge(rows[6], t, 25, text=f"{t:.1f} s")
    if "run, no change" in p:
        t = p["run, one leaf changed"].median
        _judge(rows[7], t, 1.5, text=f"{t:.2f} s")
        t = p["run, no change"].median
        _judge(rows[8], t, 0.2, text=f"{t:.2f} s")
    if wide_validate:
        cold = wide_validate["validate, cold"]
        t, mb = cold.median, statistics.median(cold.peak)
        rows[10].value = f"{t:.2f} s / {mb:.0f} MB"
        rows[10].ratio = f"{t / 1.5:.2f} / {mb / 400:.2f}"
        rows[10].met = "yes" if t <= 1.5 and mb <= 400 else "NO"
    return rows


def print_targets(rows: list[Target]) -> None:
    head = ("measure", "before", "target", "measured", "÷ target", "met")
    table = [head, *[(r.measure, r.was, r.target, r.value, r.ratio, r.met) for r in rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(head))]
    print("\nissue 25 targets (this machine, this run)")
    for line in table:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


# ---------------------------------------------------------------------------------------------------------


def machine() -> str:
    """CPU count, memory and load average, so figures from a busy machine read as such."""
    try:
        mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        gib = f"{int(mem) / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        gib = "? GiB"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs, {gib}, load average {load}, Python {sys.version.split()[0]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--visits", type=int, default=200_000)
    parser.add_argument("--big", action="store_true", help="also every figure at --big-units / --big-visits")
    parser.add_argument("--big-units", type=int, default=1000)
    parser.add_argument("--big-visits", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per process figure (the median is shown)")
    parser.add_argument("--cold-repeat", type=int, default=3, help="runs of the cold `run` process")
    parser.add_argument("--naive-sample", type=int, default=3, help="units for the naive loop (0 = skip)")
    parser.add_argument("--floor-sample", type=int, default=0,
                        help="units for the floor, from the top of the file (townships first); 0 = every unit")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temp dir)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ca-bench-"))
    cache = work / "cache"
    os.environ["CAMPAIGN_ANALYTICS_CACHE"] = str(cache)  # the processes inherit it
    print(f"machine: {machine()}")
    started = time.perf_counter()

    data = work / "synthetic"
    shutil.rmtree(data, ignore_errors=True)
    t0 = time.perf_counter()
    ids = synthesize(data, args.units, args.visits)
    print(f"synthetic campaign: {len(ids)} units, {args.visits:,} visit rows in {data} "
          f"({time.perf_counter() - t0:.1f} s to write)")
    small = measure(data, ids, work / "small", cache, args, args.naive_sample)
    small["processes"]["make report"] = make_report(work, args.cold_repeat)
    print_campaign(f"{len(ids)} units, {args.visits:,} visit rows", small)

    big_data = work / "synthetic_big"
    shutil.rmtree(big_data, ignore_errors=True)
    t0 = time.perf_counter()
    big_ids = synthesize(big_data, args.big_units, args.big_visits)
    print(f"\nsynthetic campaign: {len(big_ids)} units, {args.big_visits:,} visit rows in {big_data} "
          f"({time.perf_counter() - t0:.1f} s to write)")
    if args.big:
        big = measure(big_data, big_ids, work / "big", cache, args, min(args.naive_sample, 1))
        print_campaign(f"{len(big_ids)} units, {args.big_visits:,} visit rows", big)
        wide_validate = big["processes"]
    else:
        wide_validate = processes(big_data, big_ids[-1], work / "big", cache, args.repeat, args.cold_repeat,
                                  runs=False)
        # The worker's peak at 1M rows without the whole --big run: the root (the widest page), a township, a leaf.
        res_k, _ = batch(big_data, work / "big" / "out_kernel", jobs=1, units=[big_ids[0], big_ids[1], big_ids[-1]])
        big = {"kernel_mb": max(res_k.kernel_peak_mb, default=float("nan"))}
        _table(f"{len(big_ids)} units, {args.big_visits:,} visit rows (validate, and 3 units for the worker's "
               "memory; --big for every figure)",
               [*[(f"process: {name}", t.text()) for name, t in wide_validate.items()],
                ("peak memory: worker (root, township, leaf), MB", f"{big['kernel_mb']:.0f}")])
    print(f"\nbenchmark process peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"{time.perf_counter() - started:.0f} s in all")
    print_targets(targets(small, big, wide_validate))
    print(f"\nmachine at the end: {machine()}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
