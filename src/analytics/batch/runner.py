"""Render every unit of a campaign: notebooks on warm kernels, HTML pages, index, kpis.csv and manifest.

The output folder's layout is `analytics.report.layout.OutputLayout`.
Every file is written atomically. A unit that fails does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from analytics import __version__
from analytics.batch.execution import Rendered, describe, render_unit
from analytics.batch.incremental import unit_input_keys
from analytics.batch.kernels import WarmKernel
from analytics.config import REPORT_NOTEBOOK, REPORTS_DIR, resolve_data_dir
from analytics.data.campaign import Campaign
from analytics.data.loading import load_campaign
from analytics.errors import UsageError
from analytics.fileio import write_text_atomic
from analytics.kpis import cached_kpi_table
from analytics.report.index import index_html
from analytics.report.layout import OutputLayout
from analytics.report.page import ASSET_MODES, page_input_key, write_shared_asset
from analytics.report.sections import HTML_ONLY_ENV

log = logging.getLogger(__name__)

LOCK_FILE = OutputLayout.LOCK


@dataclass
class BatchOptions:
    """What to render and how; the CLI and parameter files fill it in."""

    data_dir: Path
    out_dir: Path | None = None
    units: list[str] | None = None
    as_of: dt.date | None = None
    jobs: int = 1
    assets: str = "self_contained"
    language: str = "zh"
    tolerance: float = 1.0
    timeout: float = 600.0
    force: bool = False
    executor: str = "local"  # local (a pool of warm kernels here) or dask
    scheduler: str | None = None  # with dask: a scheduler address, or "local" for a LocalCluster
    notebook: Path = REPORT_NOTEBOOK

    def check(self) -> None:
        if self.assets not in ASSET_MODES:
            raise UsageError(f"assets must be one of {', '.join(ASSET_MODES)}, not {self.assets!r}")
        if self.language not in ("zh", "en"):
            raise UsageError(f"language must be zh or en, not {self.language!r}")
        if not 1 <= self.jobs <= 64:
            raise UsageError(f"jobs must be between 1 and 64, not {self.jobs}")
        if self.timeout <= 0:
            raise UsageError("timeout must be a positive number of seconds")
        if self.executor not in ("local", "dask"):
            raise UsageError(f"executor must be local or dask, not {self.executor!r}")
        if self.executor == "dask" and not self.scheduler:
            raise UsageError("the dask executor needs --scheduler ADDRESS (or --scheduler local)")
        if not Path(self.notebook).is_file():
            raise UsageError(f"notebook {self.notebook} does not exist")


@dataclass
class UnitResult:
    """One unit's line in the manifest."""

    unit_id: str
    name: str
    status: str  # rendered, failed, up_to_date
    output: str | None
    input_key: str
    duration_s: float = 0.0
    error: str | None = None
    notebook: str | None = None


@dataclass
class BatchResult:
    out_dir: Path
    units: list[UnitResult]
    exit_code: int
    index: Path
    duration_s: float
    kernel_peak_mb: list[float] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for u in self.units:
            out[u.status] = out.get(u.status, 0) + 1
        return out


class _OutputLock:
    """An exclusive lock on the output folder: a second batch on the same folder refuses at once."""

    def __init__(self, out_dir: Path):
        self.path = OutputLayout(out_dir).lock
        self.fh = None

    def __enter__(self) -> _OutputLock:
        self.fh = open(self.path, "a+")  # noqa: SIM115 - held for the whole batch
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.close()
            raise UsageError(f"another batch is writing to {self.path.parent}; wait for it to finish") from None
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(f"{os.getpid()}\n")
        self.fh.flush()
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def run_batch(options: BatchOptions, progress: Callable[[UnitResult, int, int], None] | None = None) -> BatchResult:
    """Render the campaign's units; raise CampaignDataError/UsageError before writing anything on bad input."""
    started = time.perf_counter()
    options.check()
    data_dir = resolve_data_dir(options.data_dir)
    campaign = load_campaign(data_dir)
    h = campaign.hierarchy
    wanted = _select_units(campaign, options.units)
    as_of = campaign.as_of(options.as_of)
    out_dir = Path(options.out_dir) if options.out_dir else REPORTS_DIR / campaign.meta.id
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write to output folder {out_dir}: {exc.strerror or exc}") from None
    notebook = nbformat.read(options.notebook, as_version=4)
    with _OutputLock(out_dir):
        _remove_stale_temp_files(out_dir)
        previous = _read_manifest(out_dir)
        params = {"as_of": as_of.isoformat(), "language": options.language, "tolerance": options.tolerance,
                  "assets": options.assets}
        keys = unit_input_keys(campaign, as_of, options.tolerance, Path(options.notebook).read_bytes(), params)
        if options.assets == "shared":
            write_shared_asset(out_dir)
        results: dict[str, UnitResult] = {}
        todo: list[str] = []
        for uid in wanted:
            output = OutputLayout.page_name(uid)
            # The page records the key it was made from: a batch killed before its manifest caught up
            # still skips the pages it finished.
            if not options.force and page_input_key(out_dir / output) == keys[uid]:
                results[uid] = UnitResult(uid, h.name[uid], "up_to_date", output, keys[uid])
            else:
                todo.append(uid)
        for uid in results:
            if progress:
                progress(results[uid], len(results), len(wanted))
        manifest_state = _ManifestWriter(out_dir, campaign, options, as_of, previous, wanted)
        for r in results.values():
            manifest_state.record(r)
        job = _Job(campaign, data_dir, notebook, options, as_of, out_dir, keys)
        done_count = [len(results)]

        def finished(result: UnitResult) -> None:
            results[result.unit_id] = result
            manifest_state.record(result)
            done_count[0] += 1
            if progress:
                progress(result, done_count[0], len(wanted))

        peaks: list[float] = []
        if todo and options.executor == "dask":
            from analytics.batch.dask import run_on_dask

            spec = {"cwd": str(Path(options.notebook).resolve().parent), "env": {HTML_ONLY_ENV: "1"},
                    "notebook": nbformat.writes(notebook), "parameters": job.parameters(""),
                    "language": options.language, "assets": options.assets, "timeout": options.timeout}
            run_on_dask(options.scheduler, options.jobs, spec, todo, {u: job.title(u) for u in todo}, keys,
                        lambda done: finished(job.store(done)))
        elif todo:
            peaks = _run_pool(job, todo, min(options.jobs, len(todo)), finished)
        ordered = [results[u] for u in wanted]
        kpis = cached_kpi_table(campaign, as_of, options.tolerance)
        write_text_atomic(OutputLayout(out_dir).kpis_csv, kpis.to_csv(index=False), encoding="utf-8-sig")
        all_results = {**{u: r for u, r in manifest_state.units.items()}, **{r.unit_id: r for r in ordered}}
        index = OutputLayout(out_dir).index
        write_text_atomic(index, index_html(campaign, all_results, as_of, options.language, options.tolerance))
        manifest_state.finish(time.perf_counter() - started)
    failed = any(r.status == "failed" for r in ordered)
    return BatchResult(out_dir, ordered, 1 if failed else 0, index, time.perf_counter() - started, peaks)


def _select_units(campaign: Campaign, units: list[str] | None) -> list[str]:
    h = campaign.hierarchy
    order = [u for u, _ in h.walk()]
    if not units:
        return order
    unknown = [u for u in units if u not in h.parent]
    if unknown:
        raise UsageError(f"unknown unit id(s): {', '.join(repr(u) for u in unknown)}")
    chosen = set(units)
    return [u for u in order if u in chosen]


@dataclass
class _Job:
    campaign: Campaign
    data_dir: Path
    notebook: nbformat.NotebookNode
    options: BatchOptions
    as_of: dt.date
    out_dir: Path
    keys: dict[str, str]

    def parameters(self, unit_id: str) -> dict[str, Any]:
        return {
            "data_dir": str(Path(self.data_dir).resolve()),
            "unit_id": unit_id,
            "as_of": self.as_of.isoformat(),
            "language": self.options.language,
            "tolerance": self.options.tolerance,
        }

    def title(self, unit_id: str) -> str:
        return f"{self.campaign.hierarchy.name[unit_id]} · {self.campaign.meta.title(self.options.language)}"

    def render(self, kernel: WarmKernel, unit_id: str) -> UnitResult:
        """Execute one unit on a local kernel and store its outcome."""
        done = render_unit(kernel, self.notebook, self.parameters(unit_id), self.title(unit_id),
                           self.options.language, self.options.assets, self.options.timeout, self.keys[unit_id])
        return self.store(done)

    def store(self, done: Rendered) -> UnitResult:
        """Write a unit's page (or its failed notebook) atomically and make its manifest line."""
        unit_id = done.unit_id
        name = self.campaign.hierarchy.name[unit_id]
        layout = OutputLayout(self.out_dir)
        output = layout.page_name(unit_id)
        failed_path = layout.failed_notebook_name(unit_id)
        if done.html is not None:
            write_text_atomic(self.out_dir / output, done.html)
            _remove(self.out_dir / failed_path)
            return UnitResult(unit_id, name, "rendered", output, self.keys[unit_id], done.duration_s)
        saved = None
        if done.failed_notebook is not None:
            write_text_atomic(self.out_dir / failed_path, done.failed_notebook)
            saved = failed_path
        _remove(self.out_dir / output)
        return UnitResult(unit_id, name, "failed", None, self.keys[unit_id], done.duration_s, done.error, saved)


def _remove_stale_temp_files(out_dir: Path) -> None:
    """Temp files of a batch that was killed mid-write (we hold the lock, so none is in use)."""
    for sub in OutputLayout(out_dir).folders():
        if sub.is_dir():
            for tmp in sub.glob(".*.tmp"):
                _remove(tmp)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _run_pool(job: _Job, todo: list[str], jobs: int, finished: Callable[[UnitResult], None]) -> list[float]:
    """Workers, each with its own warm kernel, take units from one queue; returns the kernels' peak MB."""
    work: queue.Queue[str] = queue.Queue()
    for uid in todo:
        work.put(uid)
    lock = threading.Lock()
    errors: list[BaseException] = []
    peaks: list[float] = []

    def worker() -> None:
        kernel = WarmKernel(cwd=Path(job.options.notebook).resolve().parent, env={HTML_ONLY_ENV: "1"})
        try:
            kernel.start()
            while True:
                try:
                    uid = work.get_nowait()
                except queue.Empty:
                    return
                result = job.render(kernel, uid)
                with lock:
                    finished(result)
        except BaseException as exc:  # noqa: BLE001 - surfaced after the pool ends
            errors.append(exc)
        finally:
            peak = kernel.peak_mb()
            if peak is not None:
                peaks.append(peak)
            kernel.shutdown()

    threads = [threading.Thread(target=worker, name=f"unit-worker-{i}", daemon=True) for i in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        # A worker that could not even start a kernel: mark what is left as failed, with the reason.
        reason = describe(errors[0])
        while not work.empty():
            uid = work.get_nowait()
            h = job.campaign.hierarchy
            finished(UnitResult(uid, h.name[uid], "failed", None, job.keys[uid], 0.0, f"kernel: {reason}"))
    return peaks


def _read_manifest(out_dir: Path) -> dict[str, dict]:
    path = OutputLayout(out_dir).manifest
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return {u["unit_id"]: u for u in doc.get("units", []) if isinstance(u, dict) and "unit_id" in u}
    except (OSError, ValueError, TypeError):
        return {}


class _ManifestWriter:
    """Keeps manifest.json current while the batch runs, so a killed batch leaves a true record."""

    def __init__(self, out_dir: Path, campaign: Campaign, options: BatchOptions, as_of: dt.date,
                 previous: dict[str, dict], wanted: list[str]):
        self.out_dir = out_dir
        self.head = {
            "campaign": campaign.meta.id,
            "data_dir": str(Path(options.data_dir)),
            "fingerprint": campaign.fingerprint,
            "package_version": __version__,
            "as_of": as_of.isoformat(),
            "language": options.language,
            "assets": options.assets,
            "tolerance": options.tolerance,
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        # Units rendered before and not part of this run keep their line.
        self.units: dict[str, UnitResult] = {}
        for uid, line in previous.items():
            if uid in campaign.hierarchy.parent and uid not in wanted:
                fields = {k: line.get(k) for k in UnitResult.__dataclass_fields__}
                self.units[uid] = UnitResult(**fields)
        self.order = [u for u, _ in campaign.hierarchy.walk()]
        self._last = 0.0

    def record(self, result: UnitResult) -> None:
        self.units[result.unit_id] = result
        now = time.monotonic()
        if now - self._last > 1.0:
            self._write(None)
            self._last = now

    def finish(self, duration: float) -> None:
        self._write(duration)

    def _write(self, duration: float | None) -> None:
        lines = [asdict(self.units[u]) for u in self.order if u in self.units]
        counts: dict[str, int] = {}
        for line in lines:
            counts[line["status"]] = counts.get(line["status"], 0) + 1
        doc = {**self.head, "complete": duration is not None, "duration_s": duration and round(duration, 3),
               "counts": counts, "units": lines}
        write_text_atomic(OutputLayout(self.out_dir).manifest, json.dumps(doc, ensure_ascii=False, indent=1))
