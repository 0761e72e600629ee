"""Comparison benchmark (issue 21): the KPI table with and without the previous period's rows.

    python benchmarks/comparisons.py                  # 1,000 units / 1,000,000 visit rows
    python benchmarks/comparisons.py --units 200 --visits 200000 --repeat 9

On the batch benchmark's synthetic campaign (benchmarks/batch.py `synthesize`, written to a temporary folder with
its own validated-data cache), loaded once; each figure is the median of `--repeat` runs on an empty memo (so
nothing computed by one run serves the next):

  without   analytics.measures.kpis.kpi_table at as_of (what kpis.csv held before)
  with      analytics.measures.change.compared_kpis: the same table at as_of and at the previous as_of, lights,
            ranks, changes and the rows added in the period

  floor     what the comparison rows need at the previous as_of and no more: the target figures
            (campaign_pace) and the rolled totals (rolled_totals) at that date, added to `without`

and, as processes (warm validated-data cache), the `campaign-analytics kpis` command (CSV written to a file) and a
`campaign-analytics run` of the root's page with the index, kpis.csv, kpis.xlsx, the bulletin and the snapshot of
every unit, each with `--compare-to none` and with the default comparison: what a user waits for. Prints each ratio with / without
against issue 21's target (at most 1.3).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from batch import synthesize  # benchmarks/ is on sys.path when a script there runs

TARGET_RATIO = 1.3


def _timed(run, repeat: int, campaign) -> list[float]:
    times = []
    for _ in range(repeat):
        campaign.memo.clear()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        os.environ["CAMPAIGN_ANALYTICS_CACHE"] = str(Path(tmp) / "cache")
        from analytics import load_campaign
        from analytics.measures.change import compared_kpis
        from analytics.measures.kpis import campaign_pace, kpi_table, rolled_totals
        from analytics.measures.periods import previous_as_of

        folder = Path(tmp) / "synthetic"
        started = time.perf_counter()
        synthesize(folder, args.units, args.visits)
        campaign = load_campaign(folder)
        as_of = campaign.as_of()
        print(f"campaign: {args.units:,} units, {args.visits:,} visit rows, as_of {as_of} "
              f"(written and loaded in {time.perf_counter() - started:.1f} s)")
        rows = {"without": len(kpi_table(campaign, as_of)), "with": len(compared_kpis(campaign, as_of))}
        without = _timed(lambda: kpi_table(campaign, as_of), args.repeat, campaign)
        with_ = _timed(lambda: compared_kpis(campaign, as_of), args.repeat, campaign)
        a, b = statistics.median(without), statistics.median(with_)
        print(f"KPI table without comparisons: median {a * 1000:,.0f} ms (min {min(without) * 1000:,.0f}) "
              f"for {rows['without']:,} rows")
        print(f"KPI table with comparisons:    median {b * 1000:,.0f} ms (min {min(with_) * 1000:,.0f}) "
              f"for {rows['with']:,} rows")
        _ratio("KPI table", a, b)
        previous = previous_as_of(as_of, campaign.meta.reporting.period)

        def floor() -> None:
            kpi_table(campaign, as_of)
            campaign_pace(campaign, previous)
            rolled_totals(campaign, campaign.hierarchy.ids, previous)

        lean = statistics.median(_timed(floor, args.repeat, campaign))
        print(f"floor (table + pace and rollup at {previous}): median {lean * 1000:,.0f} ms")
        _ratio("floor", a, lean)
        cli = [str(Path(sys.executable).parent / "campaign-analytics"), "kpis", str(folder), "--out",
               str(Path(tmp) / "kpis.csv")]
        subprocess.run(cli, check=True, capture_output=True)  # warm the validated-data cache and the OS's
        process = {}
        for name, extra in (("without", ["--compare-to", "none"]), ("with", [])):
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                subprocess.run(cli + extra, check=True, capture_output=True)
                times.append(time.perf_counter() - started)
            process[name] = statistics.median(times)
            print(f"`campaign-analytics kpis` {name} comparisons: median {process[name]:.2f} s (min {min(times):.2f})")
        _ratio("kpis command", process["without"], process["with"])
        # A run as a process: the root's page, the index, kpis.csv/xlsx, the bulletin and the snapshot of 1,000
        # units, into a fresh folder each time (no earlier snapshot, so no restatement to recompute).
        root = campaign.hierarchy.roots[0]
        run = {}
        for name, extra in (("without", ["--compare-to", "none"]), ("with", [])):
            times = []
            for i in range(args.repeat):
                out = Path(tmp) / f"run-{name}-{i}"
                started = time.perf_counter()
                subprocess.run([cli[0], "run", "--data", str(folder), "--units", root, "--out", str(out),
                                "--assets", "shared", *extra], check=True, capture_output=True)
                times.append(time.perf_counter() - started)
            run[name] = statistics.median(times)
            print(f"`campaign-analytics run --units {root}` {name} comparisons: median {run[name]:.2f} s "
                  f"(min {min(times):.2f})")
        _ratio("run command", run["without"], run["with"])


def _ratio(what: str, without: float, with_: float) -> None:
    ratio = with_ / without
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"{what}: ratio with / without {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
