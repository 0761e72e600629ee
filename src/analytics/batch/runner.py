"""Render every unit of a campaign: plan what to render, run it on warm kernels (or Dask), write the summary.

    run_batch(BatchOptions(data_dir=..., out_dir=..., jobs=2)) -> BatchResult

The jobs around it have their own modules: the output folder's lock, atomic writes and disk reserve
(`batch.output`), manifest.json (`batch.manifest`), the quick no-change re-run (`batch.unchanged`), the kernels
and worker threads (`batch.pool`), index.html and the KPI files (`batch.summary`).

Exit codes follow DOMAIN.md: bad input or options raise (UsageError, CampaignDataError) before anything is
written; after that nothing raises for an environment fault: a unit whose page cannot be written fails alone
with the OS's message, and a batch-level fault (index or kpis.csv not written, the output folder removed,
the campaign's files changed while it ran) is one of `BatchResult.problems`, exit 1.

One data fingerprint per folder: index.html, kpis.csv and the manifest are made from the campaign as loaded
at the start. A page records the input key it was made from; a page of a unit not rendered in this run whose
key differs from the current one (a run with --units after new data) is marked `stale` on the index and in
the manifest, never shown as current.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analytics.batch.manifest import Manifest, ManifestRecorder
from analytics.batch.options import BatchOptions, Executor
from analytics.batch.output import (
    RESERVE_BASE,
    RESERVE_PER_UNIT,
    Output,
    OutputLock,
    cannot_write,
    make_output_folder,
    output_folder,
)
from analytics.batch.pool import IMPORTING, KernelStarter, run_pool
from analytics.batch.result import BatchResult, UnitResult
from analytics.batch.unchanged import rerun_unchanged, run_key
from analytics.batch.warmup import campaign_source
from analytics.config import resolve_data_dir
from analytics.data.sources import in_cache
from analytics.report.layout import AssetMode, OutputLayout, PageState
from analytics.report.ondisk import HTML_ONLY_ENV, page_input_key
from analytics.version import __version__

if TYPE_CHECKING:
    from analytics.batch.execution import Rendered
    from analytics.batch.incremental import InputSnapshot
    from analytics.batch.summary import Downloads
    from analytics.batch.worker import UnitWorker
    from analytics.data.campaign import Campaign

__all__ = ["LOCK_FILE", "BatchOptions", "BatchResult", "UnitResult", "output_folder", "run_batch"]

log = logging.getLogger(__name__)

LOCK_FILE = OutputLayout.LOCK
Progress = Callable[[UnitResult, int, int], None]


def run_batch(options: BatchOptions, progress: Progress | None = None) -> BatchResult:
    """Render the campaign's units; raise CampaignDataError/UsageError before writing anything on bad input."""
    started = time.perf_counter()
    options.check()
    data_dir = resolve_data_dir(options.data_dir)
    quick = rerun_unchanged(options, data_dir, started, progress)
    if quick is not None:
        return quick
    kernels = _early_kernels(options, data_dir)
    try:
        return _run(options, progress, data_dir, kernels, started)
    finally:
        if kernels is not None:
            kernels.close()


def _early_kernels(options: BatchOptions, data_dir: Path) -> KernelStarter | None:
    """Workers started now, to boot while the campaign is read and validated, when this run is likely to render:
    --force, the campaign's files not in the validated-data cache (new or changed data), or an output folder
    without a manifest. Otherwise (a re-run on the same data) they start only once a unit is found to need it."""
    if options.executor != Executor.LOCAL:
        return None
    out = Path(options.out_dir) if options.out_dir is not None else None
    every_unit = options.force or (out is not None and not OutputLayout(out).manifest.is_file())
    if not every_unit and in_cache(data_dir):
        return None
    count = min(options.jobs, len(options.units or ()) or options.jobs)
    if not every_unit:
        # Changed data in a folder this program rendered: most likely a few pages to redo (one leaf and its
        # ancestors), which one worker renders sooner than two that both start and warm up on two cores
        # beside this process's own work; `_render` starts the others when many units turn out to need it.
        count = 1
    return KernelStarter(count, *_kernel_setting(options))


# Units to render from which a batch started with one early worker starts its other `--jobs` workers: below it,
# the one worker is done before another would have started and warmed up.
MORE_WORKERS_FROM = 100


def _kernel_setting(options: BatchOptions) -> tuple[Path, dict[str, str]]:
    """Where the kernels run and what they add to the environment."""
    return Path(options.notebook).resolve().parent, {HTML_ONLY_ENV: "1"}


@dataclass
class Run:
    """One batch past its checks, with the output folder locked: what every step reads, and what it has done."""

    options: BatchOptions
    data_dir: Path
    campaign: Campaign
    as_of: dt.date
    wanted: list[str]  # the units this run renders (or finds up to date), in tree order
    output: Output
    inputs: InputSnapshot  # the campaign's files before it was read
    run_key: str | None
    kernels: KernelStarter | None  # started early, or None
    started: float
    progress: Progress | None
    keys: dict[str, str] = field(default_factory=dict)  # unit -> input key
    results: dict[str, UnitResult] = field(default_factory=dict)  # the wanted units done so far
    others: dict[str, UnitResult] = field(default_factory=dict)  # the folder's other units, as it holds them
    problems: list[str] = field(default_factory=list)  # batch-level faults
    notes: list[str] = field(default_factory=list)  # what the run noticed and worked around (damaged snapshots)
    manifest: ManifestRecorder | None = None

    @functools.cached_property
    def notebook(self) -> str:
        """The report notebook's JSON text, read when the first unit is rendered (the workers read it with
        nbformat: this process imports none of the notebook machinery)."""
        return Path(self.options.notebook).read_text(encoding="utf-8")

    def parameters(self, unit_id: str) -> dict[str, Any]:
        return {
            "data_dir": str(Path(self.data_dir).resolve()),
            "unit_id": unit_id,
            "as_of": self.as_of.isoformat(),
            "language": self.options.language,
            "tolerance": self.options.tolerance,
            "compare_to": self.options.compare_to,
            # the folder's snapshots name the restated figures, as kpis.csv names them
            "reports_dir": str(self.output.root.resolve()),
        }

    def title(self, unit_id: str) -> str:
        return f"{self.campaign.hierarchy.name[unit_id]} · {self.campaign.meta.title(self.options.language)}"

    def result(self, unit_id: str, status: PageState, output: str | None = None, duration_s: float = 0.0,
               error: str | None = None, notebook: str | None = None) -> UnitResult:
        """A manifest line for one of this run's units, with its current input key."""
        return UnitResult(unit_id, self.campaign.hierarchy.name[unit_id], status, output, self.keys[unit_id],
                          duration_s, error, notebook)

    def finished(self, result: UnitResult) -> None:
        """One unit done (rendered, failed or up to date): recorded, and reported to `progress`."""
        self.results[result.unit_id] = result
        if self.manifest is not None:
            self.manifest.record(result)
        if self.progress:
            self.progress(result, len(self.results), len(self.wanted))

    def render(self, worker: UnitWorker, unit_id: str) -> UnitResult:
        """Render one unit on a local worker and store its outcome."""
        from analytics.batch.execution import render_unit

        done = render_unit(worker, self.notebook, self.parameters(unit_id), self.title(unit_id), self.options.language,
                           self.options.assets, self.options.timeout, self.keys[unit_id])
        return self.store(done)

    def store(self, done: Rendered) -> UnitResult:
        """Write a unit's page (or its failed notebook) atomically and make its manifest line.

        A page that cannot be written (disk full, `units` not a folder, output folder removed) fails this unit
        alone, with the OS's message; the batch goes on.
        """
        uid = done.unit_id
        page = OutputLayout.page_name(uid)
        failed_path = self.output.layout.failed_notebook_name(uid)
        if done.html is not None:
            try:
                self.output.write(page, done.html)
            except OSError as exc:
                self.output.discard(page)
                return self.result(uid, PageState.FAILED, None, done.duration_s, cannot_write(page, exc))
            self.output.discard(failed_path)
            return self.result(uid, PageState.RENDERED, page, done.duration_s)
        error, saved = done.error, None
        if done.failed_notebook is not None:
            try:
                self.output.write(failed_path, done.failed_notebook)
                saved = failed_path
            except OSError as exc:
                error = f"{error}; and {cannot_write(failed_path, exc)}"
        self.output.discard(page)
        return self.result(uid, PageState.FAILED, None, done.duration_s, error, saved)


def _run(options: BatchOptions, progress: Progress | None, data_dir: Path, kernels: KernelStarter | None,
         started: float) -> BatchResult:
    """Read and check the campaign, then run the batch with the output folder locked."""
    # Imported only past the quick re-run and the kernels' start: a re-run with nothing to do never loads pandas,
    # and the kernels boot while these load.
    from analytics.batch.incremental import InputSnapshot
    from analytics.data.loading import read_campaign
    from analytics.measures.change import comparison_date

    key = run_key(options, data_dir)
    inputs = InputSnapshot.take(data_dir)  # before loading: a change from here on is caught at the end
    campaign = read_campaign(data_dir)
    if options.as_of is None and campaign.meta.as_of is None:
        key = None  # as_of follows today's date: only the whole check can tell what is up to date
    wanted = _select_units(campaign, options.units)
    as_of = campaign.as_of(options.as_of)  # UsageError outside start … end + 366 days
    comparison_date(campaign, as_of, options.compare_to)  # UsageError: not start ≤ D < as_of
    out_dir = output_folder(options.out_dir, campaign.meta.id)
    make_output_folder(out_dir)
    if kernels is not None:
        # The campaign is in the validated-data cache now: the workers load it (and build its campaign-wide tables,
        # as pages read them from this output folder) while this process works out which units to render.
        kernels.load(campaign_source(data_dir, as_of.isoformat(), options.tolerance, options.compare_to, out_dir))
    with OutputLock(out_dir):
        output = Output(out_dir)
        output.remove_stale_temp_files()
        output.reserve(RESERVE_BASE + RESERVE_PER_UNIT * len(campaign.hierarchy.ids))
        try:
            return _run_locked(Run(options, data_dir, campaign, as_of, wanted, output, inputs, key, kernels, started,
                                   progress))
        finally:
            output.release()


def _select_units(campaign: Campaign, units: tuple[str, ...] | None) -> list[str]:
    order = [u for u, _ in campaign.hierarchy.walk()]
    if not units:
        return order
    chosen = set(campaign.check_units(units))
    return [u for u in order if u in chosen]


def _run_locked(run: Run) -> BatchResult:
    """The batch, with the output folder locked: nothing here raises for a fault of the environment."""
    with IMPORTING:  # early workers' threads may be importing too (see batch.pool.IMPORTING)
        from analytics.batch import summary

    previous = Manifest.load(run.output.root)
    todo = _plan(run, previous)
    peaks, downloads = _render(run, todo) if todo else ([], None)
    run.output.release()
    units = {**run.others, **run.results}
    if not run.problems and run.manifest is not None and summary.summary_current(previous, run.manifest.head, units,
                                                                                 run.output.layout):
        log.debug("index.html, kpis.csv and kpis.xlsx already show these data and pages: left as they are")
    else:
        run.problems += summary.write_summary(run.output, run.campaign, units, run.as_of, run.options, downloads,
                                              run.notes)
    return _finish(run, peaks)


def _plan(run: Run, previous: Manifest) -> list[str]:
    """The input keys, the folder's other units as it holds them, the wanted units already up to date (recorded
    as done); the units left to render."""
    from analytics.batch.incremental import unit_input_keys
    from analytics.batch.summary import write_shared_asset

    options, campaign = run.options, run.campaign
    from analytics.measures.change import comparison_date
    from analytics.report.comparison import history_files

    # Pages state the lights' thresholds and the figures restated since the previous period's snapshot.
    compared_with = comparison_date(campaign, run.as_of, options.compare_to)
    params = {"as_of": run.as_of.isoformat(), "language": options.language, "tolerance": options.tolerance,
              "compare_to": options.compare_to, "assets": options.assets, "reporting": repr(campaign.meta.reporting),
              "history": history_files(run.output.root, compared_with)}
    run.keys = unit_input_keys(campaign, run.as_of, options.tolerance, Path(options.notebook).read_bytes(), params)
    if options.assets == AssetMode.SHARED:
        run.problems += write_shared_asset(run.output)
    lines = previous.by_unit()
    chosen = set(run.wanted)
    run.others = {u: r for u in campaign.hierarchy.ids if u not in chosen
                  for r in [_on_disk(run, u, lines.get(u))] if r is not None}
    run.manifest = ManifestRecorder(run.output, _manifest_head(run), [u for u, _ in campaign.hierarchy.walk()],
                                    run.others)
    todo: list[str] = []
    for uid in run.wanted:
        page = OutputLayout.page_name(uid)
        # The page records the key it was made from: a batch killed before its manifest caught up
        # still skips the pages it finished.
        if not options.force and page_input_key(run.output.root / page) == run.keys[uid]:
            run.finished(run.result(uid, PageState.UP_TO_DATE, page))
        else:
            todo.append(uid)
    return todo


def _manifest_head(run: Run) -> Manifest:
    """The manifest's fields that say what this run is made from."""
    return Manifest(campaign=run.campaign.meta.id, data_dir=str(Path(run.options.data_dir or "")),
                    fingerprint=run.campaign.fingerprint, package_version=__version__,
                    as_of=run.as_of.isoformat(), language=run.options.language, assets=run.options.assets,
                    tolerance=run.options.tolerance,
                    started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), run_key=run.run_key)


def _on_disk(run: Run, uid: str, line: UnitResult | None) -> UnitResult | None:
    """A unit this run does not render, as the folder holds it: its page is current or stale, or it failed."""
    name = run.campaign.hierarchy.name[uid]
    page = OutputLayout.page_name(uid)
    recorded = page_input_key(run.output.root / page)
    if recorded is not None:
        status = PageState.UP_TO_DATE if recorded == run.keys[uid] else PageState.STALE
        return UnitResult(uid, name, status, page, recorded)
    if line is not None and line.status == PageState.FAILED:
        status = PageState.FAILED if line.input_key == run.keys[uid] else PageState.STALE
        return UnitResult(uid, name, status, None, str(line.input_key or ""), 0.0, line.error, line.notebook)
    return None


def _render(run: Run, todo: list[str]) -> tuple[list[float], Downloads | None]:
    """Render the units left, on Dask or on this process's warm kernels; the kernels' peak MB, and the KPI files
    built meanwhile."""
    options = run.options
    if options.executor == Executor.DASK:
        from analytics.batch.dask import run_on_dask

        cwd, env = _kernel_setting(options)
        spec = {"cwd": str(cwd), "env": env, "notebook": run.notebook, "parameters": run.parameters(""),
                "language": options.language, "assets": options.assets, "timeout": options.timeout}
        run_on_dask(options.scheduler, options.jobs, spec, todo, {u: run.title(u) for u in todo}, run.keys,
                    lambda done: run.finished(run.store(done)))
        return [], None
    with IMPORTING:  # the workers' start threads may be importing too
        from analytics.batch.papermilled import describe
        from analytics.batch.summary import Downloads

    downloads = Downloads(run.campaign, run.as_of, options)  # built while the kernels render
    starter = run.kernels or KernelStarter(min(options.jobs, len(todo)), *_kernel_setting(options))
    if len(todo) >= MORE_WORKERS_FROM:
        starter.ensure(min(options.jobs, len(todo)))
    try:
        peaks, left, error = run_pool(todo, min(starter.count, len(todo)), starter, run.render, run.finished)
    finally:
        if starter is not run.kernels:
            starter.close()
    for uid in left:  # no worker could even start a kernel: what is left fails, with the reason
        run.finished(run.result(uid, PageState.FAILED, error=f"kernel: {describe(error) if error else ''}"))
    return peaks, downloads


def _finish(run: Run, peaks: list[float]) -> BatchResult:
    """Check the inputs and the folder once more, write the manifest's last state; the batch's result."""
    from analytics.batch.incremental import InputSnapshot

    changed = InputSnapshot.take(run.data_dir, run.inputs).changed_since(run.inputs)
    if changed:
        run.problems.append(
            f"the campaign's files changed while the batch ran ({', '.join(changed)}): pages may disagree "
            "with index.html and kpis.csv; run the same command again"
        )
    out_dir = run.output.root
    if not run.output.present():
        run.problems.insert(0, f"the output folder {out_dir} was removed while the batch ran: its pages, "
                               "index.html, kpis.csv and manifest.json are gone; run the same command again")
    elif run.manifest is not None:
        try:
            run.manifest.finish(time.perf_counter() - run.started, run.problems, changed)
        except OSError as exc:
            run.problems.append(cannot_write(OutputLayout.MANIFEST, exc))
    ordered = [run.results[u] for u in run.wanted]
    failed = any(r.status == PageState.FAILED for r in ordered)
    stale = [u for u, r in run.others.items() if r.status == PageState.STALE]
    return BatchResult(out_dir, ordered, 1 if failed or run.problems else 0, run.output.layout.index,
                       time.perf_counter() - run.started, peaks, run.problems, stale, run.notes)
