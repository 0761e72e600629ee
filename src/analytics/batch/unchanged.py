"""The quick re-run: a batch with nothing to do, told from the output folder alone (no campaign read, no pandas).

It applies when the last batch finished clean (`Manifest.is_clean`) with this run's key (`run_key`), every unit's
page is current and records the key the manifest gives it, and index.html, kpis.csv, kpis.xlsx (and the shared
plotly.js) are in place. Then only manifest.json is written again. Otherwise the run goes the whole way (which
may still find every page up to date).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from analytics.batch.manifest import Manifest
from analytics.batch.options import BatchOptions
from analytics.batch.output import Output, OutputLock, cannot_write
from analytics.batch.result import BatchResult, UnitResult, status_counts
from analytics.report.layout import AssetMode, OutputLayout, PageState
from analytics.report.ondisk import PLOTLY_ASSET, page_input_key, plotly_js_bytes
from analytics.version import __version__

Progress = Callable[[UnitResult, int, int], None]


def run_key(options: BatchOptions, data_dir: Path) -> str:
    """A digest of everything a run's pages, index and downloads are made from, as far as it can be told
    without reading the campaign: the package version, the notebook, the options, and each file of the campaign
    folder by name, inode, size, modification and change time (any write changes the change time, so an edited
    file never keeps its digest; a file re-saved unchanged only sends the run the long way)."""
    digest = hashlib.sha256(json.dumps({
        "version": __version__, "data_dir": str(Path(data_dir).resolve()),
        "as_of": str(options.as_of) if options.as_of is not None else None, "language": options.language,
        "tolerance": options.tolerance, "assets": options.assets, "units": sorted(options.units or ()),
        "compare_to": options.compare_to,
        "notebook": hashlib.sha256(Path(options.notebook).read_bytes()).hexdigest(),
    }, sort_keys=True).encode())
    for entry in sorted(os.scandir(data_dir), key=lambda e: e.name):
        st = entry.stat()
        digest.update(f"{entry.name}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\n".encode())
    return digest.hexdigest()


def rerun_unchanged(options: BatchOptions, data_dir: Path, started: float,
                    progress: Progress | None) -> BatchResult | None:
    """The batch's result when nothing changed since the last clean run (only manifest.json written again);
    None: the run goes the whole way."""
    if options.force or options.out_dir is None:
        return None
    out_dir = Path(options.out_dir)
    previous = Manifest.load(out_dir)
    if not previous.run_key or not _folder_whole(previous, OutputLayout(out_dir), options):
        return None
    try:
        if previous.run_key != run_key(options, data_dir):
            return None
    except OSError:
        return None  # a folder that cannot be read: the whole way says so
    with OutputLock(out_dir):
        if Manifest.load(out_dir) != previous:
            return None  # another batch finished in between
        output = Output(out_dir)
        output.remove_stale_temp_files()
        lines = [dataclasses.replace(u, status=PageState.UP_TO_DATE, duration_s=0.0) for u in previous.units]
        wanted = set(options.units) if options.units else None
        results = [u for u in lines if wanted is None or u.unit_id in wanted]
        for i, r in enumerate(results, start=1):
            if progress:
                progress(r, i, len(results))
        doc = dataclasses.replace(previous, started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                  complete=True, duration_s=round(time.perf_counter() - started, 3),
                                  counts=status_counts(lines), units=lines)
        problems = []
        try:
            output.write(OutputLayout.MANIFEST, doc.dumps())
        except OSError as exc:
            problems.append(cannot_write(OutputLayout.MANIFEST, exc))
    return BatchResult(out_dir, results, 1 if problems else 0, OutputLayout(out_dir).index,
                       time.perf_counter() - started, [], problems, [])


def _folder_whole(previous: Manifest, layout: OutputLayout, options: BatchOptions) -> bool:
    """Whether the folder is as the last clean batch left it, whole, and holds every unit asked for."""
    if not previous.is_clean():
        return False
    for line in previous.units:
        if not line.status.current or not isinstance(line.output, str) or not line.input_key:
            return False
        if page_input_key(layout.root / line.output) != line.input_key:
            return False
    if options.units and not set(options.units) <= {line.unit_id for line in previous.units}:
        return False
    if not all((layout.root / name).is_file() for name in (OutputLayout.INDEX, OutputLayout.KPIS_CSV,
                                                           OutputLayout.KPIS_XLSX)):
        return False
    if options.assets == AssetMode.SHARED:
        asset = layout.root / OutputLayout.ASSETS / PLOTLY_ASSET
        if not asset.is_file() or asset.stat().st_size != len(plotly_js_bytes()):
            return False
    return True
