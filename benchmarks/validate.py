"""Cold `campaign-analytics validate` of a large campaign, as a process (issue 25): wall time and peak RSS.

    python benchmarks/validate.py                          # 1,000 units, 1,000,000 visit rows, median of 3
    python benchmarks/validate.py --units 200 --visits 200000 --runs 5

The campaign is benchmarks/batch.py's `synthesize`. Each run is a fresh process with an empty cache (its own
CAMPAIGN_ANALYTICS_CACHE folder), so it reads and checks every CSV as a first `validate` does. Printed: the median
wall time and the median peak resident memory of the process (os.wait4's ru_maxrss), each with its target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from batch import print_measures, synthesize  # benchmarks/ is on sys.path when a script there runs

TARGETS = {"seconds": 1.5, "peak_mb": 400.0}


def validate_once(folder: Path, cache: Path) -> tuple[float, float, int]:
    """One `validate` in a fresh process with an empty cache: wall seconds, peak RSS in MB, exit status."""
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "CAMPAIGN_ANALYTICS_CACHE": str(cache)}
    command = [sys.executable, "-m", "analytics.cli", "validate", str(folder)]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, process.returncode  # ru_maxrss: KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="cold runs (median)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        folder = work / "campaign"
        synthesize(folder, args.units, args.visits)
        times, peaks = [], []
        for _ in range(args.runs):
            wall, peak, code = validate_once(folder, work / "cache")
            if code != 0:
                print(f"validate exited {code}", file=sys.stderr)
                return 1
            times.append(wall)
            peaks.append(peak)
        name = f"cold validate, {args.units:,} units / {args.visits:,} rows, as a process"
        rows = [(f"{name}: time (s)", f"{statistics.median(times):.2f}", f"≤ {TARGETS['seconds']:g}"),
                (f"{name}: peak RSS (MB)", f"{statistics.median(peaks):.0f}", f"≤ {TARGETS['peak_mb']:g}")]
        print_measures(rows, f"   (median of {args.runs}; runs: {', '.join(f'{t:.2f} s' for t in times)})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
