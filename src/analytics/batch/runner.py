"""Render every unit of a campaign: notebooks on warm kernels, HTML pages, index, kpis.csv and manifest.

The output folder's layout is `analytics.report.layout.OutputLayout`. Every file is written atomically.
Exit codes follow docs/domain.md: bad input or options raise (UsageError, CampaignDataError) before anything is
written; after that nothing raises for an environment fault: a unit whose page cannot be written fails alone
with the OS's message, and a batch-level fault (index or kpis.csv not written, the output folder removed,
the campaign's files changed while it ran) is one of `BatchResult.problems`, exit 1.

The notebook machinery (papermill, nbclient, nbconvert, jupyter_client) is imported only when a unit must be
rendered: a re-run that finds every page up to date never loads it. When a run is likely to render (no
validated-data cache for the campaign's files, no manifest in the output folder, --force), its kernels start
in the background before the campaign is validated.

One data fingerprint per folder: index.html, kpis.csv and the manifest are made from the campaign as loaded
at the start. A page records the input key it was made from; a page of a unit not rendered in this run whose
key differs from the current one (a run with --units after new data) is marked `stale` on the index and in
the manifest, never shown as current.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import functools
import hashlib
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analytics import __version__
from analytics.batch.options import BatchOptions
from analytics.batch.pool import IMPORTING, KernelStarter
from analytics.config import REPORTS_DIR, resolve_data_dir
from analytics.errors import UsageError
from analytics.fileio import write_bytes_atomic
from analytics.report.layout import OutputLayout
from analytics.report.ondisk import HTML_ONLY_ENV, PLOTLY_ASSET, page_input_key, plotly_js_bytes
from analytics.report.parameters import check_units, read_campaign

if TYPE_CHECKING:
    import nbformat

    from analytics.batch.execution import Rendered
    from analytics.batch.incremental import InputSnapshot
    from analytics.batch.kernels import WarmKernel
    from analytics.data.campaign import Campaign

log = logging.getLogger(__name__)

LOCK_FILE = OutputLayout.LOCK
# Space set aside at the start and given back before index.html, kpis.csv, kpis.xlsx and manifest.json are
# written, so a disk that fills with pages still takes them: Shunhe's four take 3.8 KB per unit (index 0.7,
# kpis.csv 2.6, kpis.xlsx 0.3, manifest 0.3) plus the index's script and stylesheet (25 KB).
RESERVE_BASE, RESERVE_PER_UNIT = 64 * 1024, 5 * 1024


@dataclass
class UnitResult:
    """One unit's line in the manifest."""

    unit_id: str
    name: str
    status: str  # rendered, up_to_date, failed; stale: a page (or failure) from other inputs, not redone this run
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
    problems: list[str] = field(default_factory=list)  # batch-level faults (exit 1)
    stale: list[str] = field(default_factory=list)  # units of the folder whose page shows other inputs

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
        try:
            self.fh = open(self.path, "a+")  # noqa: SIM115 - held for the whole batch
        except OSError as exc:
            raise UsageError(f"cannot write to output folder {self.path.parent}: {exc.strerror or exc}") from None
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


class _Output:
    """Writes inside the output folder, and only there: never re-creates the folder if it is removed."""

    def __init__(self, root: Path):
        self.root = root
        self.layout = OutputLayout(root)
        st = os.stat(root)
        self._identity = (st.st_dev, st.st_ino)

    def present(self) -> bool:
        """Whether the folder the batch started in is still there (not removed, not replaced by another)."""
        try:
            st = os.stat(self.root)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self._identity

    def write(self, relative: str, content: str | bytes, encoding: str = "utf-8") -> None:
        if not self.present():
            raise FileNotFoundError(errno.ENOENT, "the output folder was removed", str(self.root))
        target = self.root / relative
        if target.parent != self.root:
            target.parent.mkdir(exist_ok=True)  # units/, failed/, assets/: one level, never the root itself
        data = content if isinstance(content, bytes) else content.encode(encoding)
        write_bytes_atomic(target, data, make_parents=False)

    def remove(self, relative: str) -> None:
        try:
            (self.root / relative).unlink()
        except (FileNotFoundError, NotADirectoryError):
            pass

    def reserve(self, nbytes: int) -> None:
        """Set disk space aside (a file of real blocks); without room for it the batch goes on without."""
        path = self.root / OutputLayout.RESERVE
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            try:
                os.posix_fallocate(fd, 0, nbytes)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning("could not set %d bytes aside in %s: %s", nbytes, self.root, describe(exc))
            self.release()

    def release(self) -> None:
        """Give the reserved space back (before the batch's last files are written)."""
        try:
            (self.root / OutputLayout.RESERVE).unlink()
        except OSError:
            pass

    def remove_stale_temp_files(self) -> None:
        """Temp files of a batch killed mid-write (we hold the lock, so none is in use); only in this folder."""
        for sub in self.layout.folders():
            # A subfolder that is a link may point anywhere: nothing is removed through it.
            if sub != self.root and (sub.is_symlink() or not sub.is_dir()):
                continue
            try:
                for tmp in sub.glob(".*.tmp"):
                    if tmp.is_file() and not tmp.is_symlink():
                        tmp.unlink()
            except OSError as exc:
                log.warning("could not remove temporary files in %s: %s", sub, describe(exc))


def cannot_write(relative: str, exc: OSError) -> str:
    """One line for a file the batch could not write, with the OS's own message."""
    where = f" ({exc.filename})" if exc.filename else ""
    return f"cannot write {relative}: {exc.strerror or exc}{where}"


def output_folder(out_dir: Path | None, campaign_id: str) -> Path:
    """The chosen output folder, or reports/<campaign id>, which must stay inside reports/."""
    if out_dir is not None:
        return Path(out_dir)
    try:
        return OutputLayout.inside(REPORTS_DIR, campaign_id).root
    except ValueError as exc:
        raise UsageError(f"campaign id {exc}; give an output folder with --out") from None


def run_batch(options: BatchOptions, progress: Callable[[UnitResult, int, int], None] | None = None) -> BatchResult:
    """Render the campaign's units; raise CampaignDataError/UsageError before writing anything on bad input."""
    started = time.perf_counter()
    options.check()
    data_dir = resolve_data_dir(options.data_dir)
    quick = _quick_rerun(options, data_dir, started, progress)
    if quick is not None:
        return quick
    kernels = _early_kernels(options, data_dir)
    try:
        return _run(options, progress, data_dir, kernels, started)
    finally:
        if kernels is not None:
            kernels.close()


def _run_key(options: BatchOptions, data_dir: Path) -> str:
    """A digest of everything a run's pages, index and downloads are made from, as far as it can be told
    without reading the campaign: the package version, the notebook, the options, and each file of the campaign
    folder by name, inode, size, modification and change time (any write changes the change time, so an edited
    file never keeps its digest; a file re-saved unchanged only sends the run the long way)."""
    digest = hashlib.sha256(json.dumps({
        "version": __version__, "data_dir": str(Path(data_dir).resolve()),
        "as_of": str(options.as_of) if options.as_of is not None else None, "language": options.language,
        "tolerance": options.tolerance, "assets": options.assets, "units": sorted(options.units or ()),
        "notebook": hashlib.sha256(Path(options.notebook).read_bytes()).hexdigest(),
    }, sort_keys=True).encode())
    for entry in sorted(os.scandir(data_dir), key=lambda e: e.name):
        st = entry.stat()
        digest.update(f"{entry.name}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\n".encode())
    return digest.hexdigest()


def _quick_rerun(options: BatchOptions, data_dir: Path, started: float, progress) -> BatchResult | None:
    """A re-run with nothing to do, told from the output folder alone (no campaign read, no pandas): the last
    batch finished without a problem, with this run's key (`_run_key`), every unit's page current and recording
    the key the manifest gives it, and index.html, kpis.csv, kpis.xlsx (and the shared plotly.js) in place. Then
    only manifest.json is written again. None: the run goes the whole way (which may still find every page
    up to date)."""
    if options.force or options.out_dir is None:
        return None
    out_dir = Path(options.out_dir)
    layout = OutputLayout(out_dir)
    previous = _read_manifest(out_dir)
    if not previous.get("run_key") or not _quick_ready(previous, layout, options):
        return None
    try:
        if previous["run_key"] != _run_key(options, data_dir):
            return None
    except OSError:
        return None  # a folder that cannot be read: the whole way says so
    with _OutputLock(out_dir):
        if _read_manifest(out_dir) != previous:
            return None  # another batch finished in between
        output = _Output(out_dir)
        output.remove_stale_temp_files()
        lines = [line for line in previous["units"]]
        wanted = set(options.units) if options.units else None
        results = []
        for line in lines:
            line.update(status="up_to_date", duration_s=0.0)
            if wanted is None or line["unit_id"] in wanted:
                results.append(UnitResult(**{f: line.get(f) for f in UnitResult.__dataclass_fields__}))
        for i, r in enumerate(results, start=1):
            if progress:
                progress(r, i, len(results))
        duration = time.perf_counter() - started
        counts = {"up_to_date": len(lines)}
        doc = {**previous, "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "complete": True,
               "duration_s": round(duration, 3), "counts": counts, "units": lines}
        problems = []
        try:
            output.write(OutputLayout.MANIFEST, json.dumps(doc, ensure_ascii=False, indent=1))
        except OSError as exc:
            problems.append(cannot_write(OutputLayout.MANIFEST, exc))
    return BatchResult(out_dir, results, 1 if problems else 0, layout.index, time.perf_counter() - started, [],
                       problems, [])


def _quick_ready(previous: dict[str, Any], layout: OutputLayout, options: BatchOptions) -> bool:
    """Whether the folder is as the last batch left it, whole: see `_quick_rerun`."""
    if not previous.get("complete") or previous.get("problems") or previous.get("inputs_changed"):
        return False
    for line in previous.get("units", []):
        if not isinstance(line, dict) or line.get("status") not in ("rendered", "up_to_date"):
            return False
        output, key = line.get("output"), line.get("input_key")
        if not isinstance(output, str) or not key or page_input_key(layout.root / output) != key:
            return False
    if options.units and not set(options.units) <= {line.get("unit_id") for line in previous["units"]}:
        return False
    files = [layout.root / name for name in (OutputLayout.INDEX, OutputLayout.KPIS_CSV, OutputLayout.KPIS_XLSX)]
    if not all(f.is_file() for f in files):
        return False
    if options.assets == "shared":
        asset = layout.root / OutputLayout.ASSETS / PLOTLY_ASSET
        if not asset.is_file() or asset.stat().st_size != len(plotly_js_bytes()):
            return False
    return True


def _early_kernels(options: BatchOptions, data_dir: Path) -> KernelStarter | None:
    """Kernels started now, to boot while the campaign is read and validated, when this run is likely to render:
    --force, the campaign's files not in the validated-data cache (new or changed data), or an output folder
    without a manifest. Otherwise (a re-run on the same data) they start only once a unit is found to need it."""
    if options.executor != "local":
        return None
    from analytics.data.sources import in_cache

    out = Path(options.out_dir) if options.out_dir is not None else None
    likely = options.force or (out is not None and not OutputLayout(out).manifest.is_file()) or not in_cache(data_dir)
    if not likely:
        return None
    return KernelStarter(min(options.jobs, len(options.units or ()) or options.jobs), *_kernel_setting(options))


def _kernel_setting(options: BatchOptions) -> tuple[Path, dict[str, str]]:
    """Where the kernels run and what they add to the environment."""
    return Path(options.notebook).resolve().parent, {HTML_ONLY_ENV: "1"}


def _run(options: BatchOptions, progress, data_dir: Path, kernels: KernelStarter | None,
         started: float) -> BatchResult:
    from analytics.batch.incremental import InputSnapshot

    run_key = _run_key(options, data_dir)
    inputs = InputSnapshot.take(data_dir)  # before loading: a change from here on is caught at the end
    campaign = read_campaign(data_dir)
    if options.as_of is None and campaign.meta.as_of is None:
        run_key = None  # as_of follows today's date: only the whole check can tell what is up to date
    h = campaign.hierarchy
    wanted = _select_units(campaign, options.units)
    as_of = campaign.as_of(options.as_of)  # UsageError outside start … end + 366 days
    if kernels is not None:
        from analytics.batch.warmup import campaign_source

        # The campaign is in the validated-data cache now: the kernels load it (and build its campaign-wide tables)
        # while this process works out which units to render.
        kernels.load(campaign_source(data_dir, as_of.isoformat(), options.tolerance))
    out_dir = output_folder(options.out_dir, campaign.meta.id)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write to output folder {out_dir}: {exc.strerror or exc}") from None
    with _OutputLock(out_dir):
        output = _Output(out_dir)
        output.remove_stale_temp_files()
        output.reserve(RESERVE_BASE + RESERVE_PER_UNIT * len(h.ids))
        try:
            result = _run_locked(options, progress, campaign, data_dir, inputs, wanted, as_of, output, started,
                                 kernels, run_key)
        finally:
            output.release()
    return result


def _run_locked(options: BatchOptions, progress, campaign: Campaign, data_dir: Path, inputs: InputSnapshot,
                wanted: list[str], as_of: dt.date, output: _Output, started: float,
                kernels: KernelStarter | None, run_key: str | None) -> BatchResult:
    """The batch, with the output folder locked: nothing here raises for a fault of the environment."""
    from analytics.batch.incremental import InputSnapshot, unit_input_keys

    h = campaign.hierarchy
    out_dir = output.root
    problems: list[str] = []
    params = {"as_of": as_of.isoformat(), "language": options.language, "tolerance": options.tolerance,
              "assets": options.assets}
    keys = unit_input_keys(campaign, as_of, options.tolerance, Path(options.notebook).read_bytes(), params)
    if options.assets == "shared":
        problems += _write_shared_asset(output)
    previous_doc = _read_manifest(out_dir)
    previous = {u["unit_id"]: u for u in previous_doc.get("units", []) if isinstance(u, dict) and "unit_id" in u}
    chosen = set(wanted)
    # Units of the folder outside this run: as their pages on disk show them (current or stale).
    others = {u: r for u in h.ids if u not in chosen
              for r in [_on_disk(campaign, u, keys[u], output.layout, previous.get(u))] if r is not None}
    results: dict[str, UnitResult] = {}
    todo: list[str] = []
    for uid in wanted:
        page = OutputLayout.page_name(uid)
        # The page records the key it was made from: a batch killed before its manifest caught up
        # still skips the pages it finished.
        if not options.force and page_input_key(out_dir / page) == keys[uid]:
            results[uid] = UnitResult(uid, h.name[uid], "up_to_date", page, keys[uid])
        else:
            todo.append(uid)
    for uid in results:
        if progress:
            progress(results[uid], len(results), len(wanted))
    manifest = _ManifestWriter(output, campaign, options, as_of, others, run_key)
    for r in results.values():
        manifest.record(r)
    job = _Job(campaign, data_dir, options, as_of, output, keys)
    done_count = [len(results)]

    def finished(result: UnitResult) -> None:
        results[result.unit_id] = result
        manifest.record(result)
        done_count[0] += 1
        if progress:
            progress(result, done_count[0], len(wanted))

    peaks: list[float] = []
    downloads: _Downloads | None = None
    if todo and options.executor == "dask":
        import nbformat

        from analytics.batch.dask import run_on_dask

        cwd, env = _kernel_setting(options)
        spec = {"cwd": str(cwd), "env": env, "notebook": nbformat.writes(job.notebook), "parameters": job.parameters(""),
                "language": options.language, "assets": options.assets, "timeout": options.timeout}
        run_on_dask(options.scheduler, options.jobs, spec, todo, {u: job.title(u) for u in todo}, keys,
                    lambda done: finished(job.store(done)))
    elif todo:
        with IMPORTING:  # the kernel threads may be importing jupyter_client too
            from analytics.batch.execution import prepare

        prepare()  # while the kernels start or warm up
        downloads = _Downloads(campaign, as_of, options)  # built while the kernels render
        peaks = _run_pool(job, todo, min(options.jobs, len(todo)), finished, kernels)
    ordered = [results[u] for u in wanted]
    output.release()
    if not problems and _summary_current(previous_doc, manifest, {**others, **results}, output.layout):
        log.debug("index.html, kpis.csv and kpis.xlsx already show these data and pages: left as they are")
    else:
        problems += _write_summary(output, campaign, {**others, **results}, as_of, options, downloads)
    changed = InputSnapshot.take(data_dir, inputs).changed_since(inputs)
    if changed:
        problems.append(
            f"the campaign's files changed while the batch ran ({', '.join(changed)}): pages may disagree "
            "with index.html and kpis.csv; run the same command again"
        )
    if not output.present():
        problems.insert(0, f"the output folder {out_dir} was removed while the batch ran: its pages, "
                           "index.html, kpis.csv and manifest.json are gone; run the same command again")
    else:
        try:
            manifest.finish(time.perf_counter() - started, problems, changed)
        except OSError as exc:
            problems.append(cannot_write(OutputLayout.MANIFEST, exc))
    failed = any(r.status == "failed" for r in ordered)
    stale = [u for u, r in others.items() if r.status == "stale"]
    return BatchResult(out_dir, ordered, 1 if failed or problems else 0, output.layout.index,
                       time.perf_counter() - started, peaks, problems, stale)


class _Downloads:
    """kpis.csv and kpis.xlsx, and the index's summary line, which do not depend on the pages, built in a thread
    while the kernels render (the summary took 0.3-0.6 s after the last page)."""

    def __init__(self, campaign: Campaign, as_of: dt.date, options: BatchOptions):
        # Imported here, not in the thread, and under pool.IMPORTING: modules imported by two threads at once can
        # meet half-initialised in a circular import.
        with IMPORTING:
            import analytics.kpis
            import analytics.report.downloads
            import analytics.report.index
            import analytics.report.scorecard  # noqa: F401

        self._built: dict[str, str | bytes] = {}
        self._error: BaseException | None = None
        self.summary = None  # report.index.index_summary_of, once built
        self._thread = threading.Thread(target=self._build, args=(campaign, as_of, options), name="downloads",
                                        daemon=True)
        self._thread.start()

    def _build(self, campaign: Campaign, as_of: dt.date, options: BatchOptions) -> None:
        try:
            self._built = _build_downloads(campaign, as_of, options)
        except BaseException as exc:  # noqa: BLE001 - raised where the files are written
            self._error = exc
            return
        try:
            from analytics.report.index import index_summary_of

            self.summary = index_summary_of(campaign, as_of, options.language, options.tolerance)
        except Exception:  # noqa: BLE001 - index_html builds it again, and says what is wrong
            self.summary = None

    def get(self) -> dict[str, str | bytes]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._built


def _build_downloads(campaign: Campaign, as_of: dt.date, options: BatchOptions) -> dict[str, str | bytes]:
    """kpis.csv's text and kpis.xlsx's bytes."""
    from analytics.kpis import cached_kpi_table
    from analytics.report.downloads import kpis_csv, kpis_xlsx
    from analytics.report.scorecard import campaign_scorecard

    kpis = cached_kpi_table(campaign, as_of, options.tolerance)
    return {OutputLayout.KPIS_CSV: kpis_csv(campaign, kpis),
            OutputLayout.KPIS_XLSX: kpis_xlsx(campaign, campaign_scorecard(campaign, as_of, options.tolerance),
                                              options.language)}


def _write_summary(output: _Output, campaign: Campaign, results: dict[str, UnitResult], as_of: dt.date,
                   options: BatchOptions, downloads: _Downloads | None = None) -> list[str]:
    """kpis.csv, kpis.xlsx and index.html, from the campaign as loaded at the start; what could not be written."""
    if not output.present():
        return []  # said once, by the caller
    from analytics.bulletin.build import write_run_bulletin
    from analytics.report.index import index_html

    built = downloads.get() if downloads is not None else _build_downloads(campaign, as_of, options)
    # After the downloads' thread: the bulletin reads the KPI table it memoised.
    problems = write_run_bulletin(campaign, as_of, options.language, options.tolerance, output.layout.root)
    for name, build, encoding in (
        (OutputLayout.KPIS_CSV, lambda: built[OutputLayout.KPIS_CSV], "utf-8-sig"),
        (OutputLayout.KPIS_XLSX, lambda: built[OutputLayout.KPIS_XLSX], ""),
        (OutputLayout.INDEX, lambda: index_html(campaign, results, as_of, options.language, options.tolerance,
                                                summary=downloads.summary if downloads is not None else None),
         "utf-8"),
    ):
        try:
            output.write(name, build(), encoding)
        except OSError as exc:
            problems.append(cannot_write(name, exc))
    return problems


def _write_shared_asset(output: _Output) -> list[str]:
    """assets/plotly.min.js once per folder (skipped when already there whole); a failure is a batch problem."""
    relative = f"{OutputLayout.ASSETS}/{PLOTLY_ASSET}"
    js = plotly_js_bytes()
    path = output.root / relative
    try:
        if path.is_file() and path.stat().st_size == len(js):
            return []
        output.write(relative, js)
    except OSError as exc:
        return [cannot_write(relative, exc)]
    return []


def _on_disk(campaign: Campaign, uid: str, key: str, layout: OutputLayout, line: dict | None) -> UnitResult | None:
    """A unit this run does not render, as the folder holds it: its page is current or stale, or it failed."""
    name = campaign.hierarchy.name[uid]
    page = OutputLayout.page_name(uid)
    recorded = page_input_key(layout.root / page)
    if recorded is not None:
        status = "up_to_date" if recorded == key else "stale"
        return UnitResult(uid, name, status, page, recorded)
    if line and line.get("status") == "failed":
        status = "failed" if line.get("input_key") == key else "stale"
        return UnitResult(uid, name, status, None, str(line.get("input_key") or ""), 0.0, line.get("error"),
                          line.get("notebook"))
    return None


def _select_units(campaign: Campaign, units: list[str] | None) -> list[str]:
    order = [u for u, _ in campaign.hierarchy.walk()]
    if not units:
        return order
    chosen = set(check_units(campaign, units))
    return [u for u in order if u in chosen]


@dataclass
class _Job:
    campaign: Campaign
    data_dir: Path
    options: BatchOptions
    as_of: dt.date
    output: _Output
    keys: dict[str, str]

    @functools.cached_property
    def notebook(self) -> nbformat.NotebookNode:
        """The report notebook, read when the first unit is rendered."""
        import nbformat

        return nbformat.read(self.options.notebook, as_version=4)

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
        from analytics.batch.execution import render_unit

        done = render_unit(kernel, self.notebook, self.parameters(unit_id), self.title(unit_id),
                           self.options.language, self.options.assets, self.options.timeout, self.keys[unit_id])
        return self.store(done)

    def store(self, done: Rendered) -> UnitResult:
        """Write a unit's page (or its failed notebook) atomically and make its manifest line.

        A page that cannot be written (disk full, `units` not a folder, output folder removed) fails this unit
        alone, with the OS's message; the batch goes on.
        """
        unit_id = done.unit_id
        name = self.campaign.hierarchy.name[unit_id]
        key = self.keys[unit_id]
        page = OutputLayout.page_name(unit_id)
        failed_path = self.output.layout.failed_notebook_name(unit_id)
        if done.html is not None:
            try:
                self.output.write(page, done.html)
            except OSError as exc:
                self._discard(page)
                return UnitResult(unit_id, name, "failed", None, key, done.duration_s, cannot_write(page, exc))
            self._discard(failed_path)
            return UnitResult(unit_id, name, "rendered", page, key, done.duration_s)
        error, saved = done.error, None
        if done.failed_notebook is not None:
            try:
                self.output.write(failed_path, done.failed_notebook)
                saved = failed_path
            except OSError as exc:
                error = f"{error}; and {cannot_write(failed_path, exc)}"
        self._discard(page)
        return UnitResult(unit_id, name, "failed", None, key, done.duration_s, error, saved)

    def _discard(self, relative: str) -> None:
        """Remove an out-of-date file of this unit; a folder that cannot be changed is reported elsewhere."""
        try:
            self.output.remove(relative)
        except OSError as exc:
            log.warning("could not remove %s: %s", relative, describe(exc))


def _run_pool(job: _Job, todo: list[str], jobs: int, finished: Callable[[UnitResult], None],
              kernels: KernelStarter | None) -> list[float]:
    """Workers, each with its own warm kernel, take units from one queue; returns the kernels' peak MB.

    The kernels are those started early (`kernels`), or started now.
    """
    work: queue.Queue[str] = queue.Queue()
    for uid in todo:
        work.put(uid)
    lock = threading.Lock()
    errors: list[BaseException] = []
    peaks: list[float] = []
    starter = kernels or KernelStarter(jobs, *_kernel_setting(job.options))

    def worker() -> None:
        kernel: WarmKernel | None = None
        try:
            kernel = starter.take()
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
            if kernel is not None:
                peak = kernel.peak_mb()
                if peak is not None:
                    peaks.append(peak)
                starter.release(kernel)

    threads = [threading.Thread(target=worker, name=f"unit-worker-{i}", daemon=True) for i in range(jobs)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        if starter is not kernels:
            starter.close()
    if errors:
        # A worker that could not even start a kernel: mark what is left as failed, with the reason.
        reason = describe(errors[0])
        while not work.empty():
            uid = work.get_nowait()
            h = job.campaign.hierarchy
            finished(UnitResult(uid, h.name[uid], "failed", None, job.keys[uid], 0.0, f"kernel: {reason}"))
    return peaks


def describe(exc: BaseException) -> str:
    """`analytics.batch.execution.describe` (which imports papermill), for this module's rare warnings."""
    from analytics.batch.execution import describe as text

    return text(exc)


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    """The folder's manifest.json as the last batch left it ({} when missing or unreadable)."""
    path = OutputLayout(out_dir).manifest
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) and isinstance(doc.get("units", []), list) else {}


# The manifest's head fields index.html, kpis.csv and kpis.xlsx are made from (with the units' lines).
_SUMMARY_HEAD = ("campaign", "data_dir", "fingerprint", "package_version", "as_of", "language", "assets", "tolerance")


def _summary_current(previous: dict[str, Any], manifest: _ManifestWriter, results: dict[str, UnitResult],
                     layout: OutputLayout) -> bool:
    """Whether index.html, kpis.csv and kpis.xlsx on disk already show what this run would write: the last batch
    finished without a problem on the same data, package version and options, and every unit's page is in the
    same state (a page rendered then and up to date now is the same page). A no-change re-run leaves them be."""
    if not previous.get("complete") or previous.get("problems") or previous.get("inputs_changed"):
        return False
    if any(previous.get(name) != manifest.head[name] for name in _SUMMARY_HEAD):
        return False
    if not all((layout.root / name).is_file() for name in (OutputLayout.INDEX, OutputLayout.KPIS_CSV,
                                                           OutputLayout.KPIS_XLSX)):
        return False

    def state(line: dict[str, Any]) -> tuple:
        status = "current" if line.get("status") in ("rendered", "up_to_date") else line.get("status")
        return status, line.get("output"), line.get("input_key"), line.get("error"), line.get("notebook")

    before = {line.get("unit_id"): state(line) for line in previous["units"] if isinstance(line, dict)}
    return before == {uid: state(asdict(r)) for uid, r in results.items()}


class _ManifestWriter:
    """Keeps manifest.json current while the batch runs, so a killed batch leaves a true record.

    Every unit of the folder has its line: those of this run as they finish, the others as the folder holds
    them (`up_to_date`, `stale` or an earlier failure). A write during the run that fails is retried at the end.
    """

    def __init__(self, output: _Output, campaign: Campaign, options: BatchOptions, as_of: dt.date,
                 others: dict[str, UnitResult], run_key: str | None = None):
        self.output = output
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
            "run_key": run_key,
        }
        self.units: dict[str, UnitResult] = dict(others)
        self.order = [u for u, _ in campaign.hierarchy.walk()]
        self._last = 0.0

    def record(self, result: UnitResult) -> None:
        self.units[result.unit_id] = result
        now = time.monotonic()
        if now - self._last > 1.0:
            self._last = now
            try:
                self._write(None, [], [])
            except OSError as exc:
                log.warning("%s (retried at the end)", cannot_write(OutputLayout.MANIFEST, exc))

    def finish(self, duration: float, problems: list[str], changed_inputs: list[str]) -> None:
        self._write(duration, problems, changed_inputs)

    def _write(self, duration: float | None, problems: list[str], changed_inputs: list[str]) -> None:
        lines = [asdict(self.units[u]) for u in self.order if u in self.units]
        counts: dict[str, int] = {}
        for line in lines:
            counts[line["status"]] = counts.get(line["status"], 0) + 1
        doc = {**self.head, "complete": duration is not None, "duration_s": duration and round(duration, 3),
               "counts": counts, "inputs_changed": changed_inputs, "problems": problems, "units": lines}
        self.output.write(OutputLayout.MANIFEST, json.dumps(doc, ensure_ascii=False, indent=1))
