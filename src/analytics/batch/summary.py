"""The folder's campaign-wide files: index.html, kpis.csv, kpis.xlsx, and the shared plotly.js.

They are made from the campaign as loaded at the start of the batch (one data fingerprint per folder). kpis.csv,
kpis.xlsx and the index's summary line do not depend on the pages: `Downloads` builds them in a thread while the
kernels render. A re-run whose manifest shows the same data and the same pages leaves them as they are
(`summary_current`).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from analytics.batch.manifest import Manifest, page_states
from analytics.batch.options import BatchOptions
from analytics.batch.output import Output, cannot_write, output_folder
from analytics.batch.result import UnitResult
from analytics.bulletin.build import write_run_bulletin
from analytics.data.campaign import Campaign
from analytics.measures.change import compared_kpis, comparison_date
from analytics.report.downloads import kpis_csv_bytes, kpis_xlsx
from analytics.report.history import Published, publish, published_kpis
from analytics.report.index import index_html, index_summary_of
from analytics.report.layout import OutputLayout
from analytics.report.ondisk import PLOTLY_ASSET, plotly_js_bytes
from analytics.report.scorecard import campaign_scorecard

SUMMARY_FILES = (OutputLayout.INDEX, OutputLayout.KPIS_CSV, OutputLayout.KPIS_XLSX)


def build_downloads(campaign: Campaign, as_of: dt.date, options: BatchOptions) -> dict[str, Any]:
    """kpis.csv's and kpis.xlsx's bytes, and the KPI table they publish (history.Published)."""
    table = compared_kpis(campaign, as_of, options.compare_to, options.tolerance)
    kpis = published_kpis(campaign, table, as_of, options.tolerance, output_folder(options.out_dir, campaign.meta.id),
                          previous_as_of=comparison_date(campaign, as_of, options.compare_to))
    return {OutputLayout.KPIS_CSV: kpis_csv_bytes(campaign, kpis.table), OutputLayout.HISTORY: kpis,
            OutputLayout.KPIS_XLSX: kpis_xlsx(campaign, campaign_scorecard(campaign, as_of, options.tolerance),
                                              options.language, kpis.table, options.tolerance)}


class Downloads:
    """kpis.csv and kpis.xlsx, and the index's summary line, built in a thread while the kernels render (the
    summary took 0.3-0.6 s after the last page)."""

    def __init__(self, campaign: Campaign, as_of: dt.date, options: BatchOptions):
        self._built: dict[str, Any] = {}
        self._error: BaseException | None = None
        self.summary = None  # report.index.index_summary_of, once built
        self._thread = threading.Thread(target=self._build, args=(campaign, as_of, options), name="downloads",
                                        daemon=True)
        self._thread.start()

    def _build(self, campaign: Campaign, as_of: dt.date, options: BatchOptions) -> None:
        try:
            self._built = build_downloads(campaign, as_of, options)
        except BaseException as exc:  # noqa: BLE001 - raised where the files are written
            self._error = exc
            return
        try:
            self.summary = index_summary_of(campaign, as_of, options.language, options.tolerance,
                                            self._built[OutputLayout.HISTORY].table, options.compare_to)
        except Exception:  # noqa: BLE001 - index_html builds it again, and says what is wrong
            self.summary = None

    def get(self) -> dict[str, Any]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._built


def write_summary(output: Output, campaign: Campaign, results: dict[str, UnitResult], as_of: dt.date,
                  options: BatchOptions, downloads: Downloads | None = None,
                  notes: list[str] | None = None) -> list[str]:
    """kpis.csv, kpis.xlsx and index.html, from the campaign as loaded at the start, then the snapshot of what
    kpis.csv published (history/); what could not be written. Damaged snapshots are added to `notes`."""
    if not output.present():
        return []  # said once, by the caller
    problems, written = [], set()
    built = downloads.get() if downloads is not None else build_downloads(campaign, as_of, options)

    def write(name: str, build, encoding: str) -> None:
        try:
            output.write(name, build(), encoding)
            written.add(name)
        except OSError as exc:
            problems.append(cannot_write(name, exc))

    # The KPI files first, their bytes let go once written (kpis.csv of 100,000 units: 158 MB) before the
    # bulletin's figures are worked out.
    for name, encoding in ((OutputLayout.KPIS_CSV, "utf-8-sig"), (OutputLayout.KPIS_XLSX, "")):
        write(name, lambda n=name: built.pop(n), encoding)
    # After the downloads' thread: the bulletin reads the KPI table it published. Before the index, which links
    # to it.
    problems += write_run_bulletin(campaign, as_of, options.language, options.tolerance, output.layout.root,
                                   built[OutputLayout.HISTORY].table)
    write(OutputLayout.INDEX, lambda: index_html(campaign, results, as_of, options.language, options.tolerance,
                                                 summary=downloads.summary if downloads is not None else None,
                                                 table=built[OutputLayout.HISTORY].table,
                                                 compare_to=options.compare_to), "utf-8")
    if notes is not None:
        notes += built[OutputLayout.HISTORY].notes
    if OutputLayout.KPIS_CSV in written:
        problems += write_snapshot(output, built[OutputLayout.HISTORY])
    return problems


def write_snapshot(output: Output, published: Published) -> list[str]:
    """What kpis.csv now publishes, as the next version in history/ (none when the latest holds the same table)."""
    try:
        if output.present():
            publish(published, output.root)
    except OSError as exc:
        return [cannot_write(f"{OutputLayout.HISTORY}/{published.as_of.isoformat()}", exc)]
    return []


def write_shared_asset(output: Output) -> list[str]:
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


def summary_current(previous: Manifest, head: Manifest, results: dict[str, UnitResult], layout: OutputLayout) -> bool:
    """Whether index.html, kpis.csv and kpis.xlsx on disk already show what this run would write: the last batch
    finished clean on the same data, package version and options, and every unit's page is in the same state.
    A no-change re-run leaves them be."""
    if not previous.is_clean() or previous.summary_head() != head.summary_head():
        return False
    if not all((layout.root / name).is_file() for name in SUMMARY_FILES):
        return False
    return page_states(previous.units) == page_states(list(results.values()))
