"""`collect` end to end: check the folders, judge the returns, write the merged campaign and the report.

Every usage problem (a folder that is missing, an output inside an input, an output folder that collect did
not write) is found before anything is written. The merged folder and the report folder are each written
to a temporary sibling and renamed into place; raw folders are only read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from analytics.data.campaign import Campaign
from analytics.data.loading import load_campaign
from analytics.errors import UsageError
from analytics.exchange.checked import checked_name, checked_workbook_bytes
from analytics.exchange.collect import MERGED_MARK, CollectResult, collect, write_merged
from analytics.exchange.folders import folder_replaced
from analytics.exchange.summary import SUMMARY_FORMAT, summary_csv, summary_dict, summary_json
from analytics.fileio import write_bytes_atomic

SUMMARY_JSON = "summary.json"
SUMMARY_CSV = "summary.csv"


@dataclass
class CollectRun:
    result: CollectResult
    summary: dict
    merged_dir: Path | None  # None on a dry run
    report_dir: Path

    @property
    def exit_code(self) -> int:
        return self.result.exit_code


def default_report_dir(merged_dir: Path) -> Path:
    """MERGED_DIR.collect, beside the merged folder."""
    merged_dir = Path(merged_dir) if Path(merged_dir).name else Path(merged_dir).resolve()
    return merged_dir.with_name(merged_dir.name + ".collect")


def run_collect(returned_dir: Path, campaign_dir: Path, merged_dir: Path, report_dir: Path | None = None,
                dry_run: bool = False, language: str = "zh") -> CollectRun:
    """Collect returned_dir into merged_dir (unless dry_run) and write the report; see the module doc.

    Raises UsageError for bad folders and CampaignDataError for a base campaign that breaks the contract
    (both exit 2), before writing anything.
    """
    returned_dir, campaign_dir, merged_dir = Path(returned_dir), Path(campaign_dir), Path(merged_dir)
    for option, folder in (("--out", merged_dir), ("--report", report_dir)):
        if folder is not None and not Path(folder).resolve().name:
            raise UsageError(f"{option} {folder} is the root folder: choose a new folder for it")
    report_dir = Path(report_dir) if report_dir is not None else default_report_dir(merged_dir)
    check_folders(returned_dir, campaign_dir, merged_dir, report_dir)
    campaign: Campaign = load_campaign(campaign_dir)
    result = collect(returned_dir, campaign)
    checked: dict[str, bytes] = {}
    for r in result.returns:
        if r.ret.kind == "xlsx" and r.findings and r.ret.path.is_file() and not _unopenable(r):
            checked[checked_name(r.ret.name)] = checked_workbook_bytes(r, r.ret.language or language,
                                                                       campaign.meta.id)
    names = {r.ret.name: checked_name(r.ret.name) for r in result.returns if checked_name(r.ret.name) in checked}
    summary = summary_dict(result, campaign_dir=campaign_dir, returned_dir=returned_dir, merged_dir=merged_dir,
                           report_dir=report_dir, dry_run=dry_run, checked=names)
    files = {SUMMARY_JSON: summary_json(summary), SUMMARY_CSV: summary_csv(summary, language), **checked}
    # The report is written first (under a temporary name), the merged folder next, and the report renamed
    # into place last: a report that cannot be written leaves the merged folder as it was, and a merged folder
    # is never replaced without its report.
    with folder_replaced(report_dir) as temp:
        for name, data in sorted(files.items()):
            write_bytes_atomic(temp / name, data)
        if not dry_run:
            write_merged(result, merged_dir)
    return CollectRun(result, summary, None if dry_run else merged_dir, report_dir)


def _unopenable(result) -> bool:
    """A workbook the reader refused as a whole (encrypted, damaged, too large) gets no checked copy."""
    return result.ret.refused and any(f.problem.code.startswith(("xlsx.", "file.")) and f.problem.row is None
                                      for f in result.findings)


def check_folders(returned_dir: Path, campaign_dir: Path, merged_dir: Path, report_dir: Path) -> None:
    """Usage errors, before anything is read or written: missing inputs, outputs inside (or holding) inputs
    or each other, output folders that collect did not write."""
    if not returned_dir.is_dir():
        raise UsageError(f"RETURNED_DIR {returned_dir} is not a folder")
    if not campaign_dir.is_dir():
        raise UsageError(f"--campaign {campaign_dir} is not a folder")
    inputs = {"RETURNED_DIR": returned_dir.resolve(), "--campaign": campaign_dir.resolve()}
    outputs = {"--out": merged_dir.resolve(), "--report": report_dir.resolve()}
    for out_name, out in outputs.items():
        for in_name, folder in inputs.items():
            if out == folder or folder in out.parents:
                raise UsageError(f"{out_name} {out} is inside {in_name} {folder}: raw folders are never written to")
            if out in folder.parents:
                raise UsageError(f"{out_name} {out} holds {in_name} {folder}: choose a folder outside it")
    merged, report = outputs["--out"], outputs["--report"]
    if merged == report or merged in report.parents or report in merged.parents:
        raise UsageError(f"--report {report} and --out {merged} must be separate folders")
    if merged.exists() and not (merged.is_dir() and (merged / MERGED_MARK).is_file()):
        raise UsageError(f"--out {merged} exists and was not written by collect: choose a new folder "
                         "(collect replaces only a folder it wrote)")
    if report.exists() and not _is_report(report):
        raise UsageError(f"--report {report} exists and is not a collect report: choose a new folder")


def _is_report(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    if not any(folder.iterdir()):
        return True
    try:
        return json.loads((folder / SUMMARY_JSON).read_text(encoding="utf-8")).get("format") == SUMMARY_FORMAT
    except (OSError, ValueError, AttributeError):
        return False

