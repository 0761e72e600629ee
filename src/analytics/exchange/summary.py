"""The summary of a collect run: per returned file (and office) the rows accepted and left out, every problem
and note; as JSON for scheduled runs, as CSV and console lines for people.

summary.json (format "campaign-analytics collect summary", version 1):

    {"format", "version", "campaign", "campaign_dir", "returned_dir", "merged_dir", "report_dir", "dry_run",
     "exit_code",                      0 every returned row accepted, 1 some rows or files left out
     "totals": {"files", "merged_files", "rows_accepted", "rows_rejected", "problems", "notes"},
     "returns": [{"file", "kind", "office", "office_name", "matched_by", "merged", "language",
                  "rows_accepted", "rows_rejected", "unchanged", "base_changed", "checked",
                  "tables": {table: {"base_rows", "returned", "accepted", "rejected", "kept_base",
                                     "removed"}},     removed: the office's campaign rows not merged as they were
                  "problems": [{"file", "row", "column", "value", "code", "params", "cells", "text": {zh, en}}],
                  "notes": [{"file", "row", "column", "value", "code", "params", "text": {zh, en}}]}],
     "silent_offices": [{"office", "name"}],     no file returned: the campaign's rows kept
     "unread_files": [note, ...],                files of RETURNED_DIR left unread
     "base_problems": [problem, ...],            base rows left out because of returned rows (normally none)
     "merged_tables": {table: rows}}

Everything in it follows from the inputs: no time stamps, so two runs on the same inputs give the same file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analytics.errors import Located
from analytics.exchange.collect import CollectResult, Finding, ReturnResult
from analytics.spreadsheet import csv_text
from analytics.text.labels import message
from analytics.text.language import rules_of

SUMMARY_FORMAT = "campaign-analytics collect summary"
SUMMARY_VERSION = 1
REMOVAL_NOTES = ("collect.rows_removed", "collect.table_emptied")  # said on the console too, not only counted


def _located(found: Located, cells: tuple[str, ...] | None = None) -> dict:
    data = found.to_dict()
    data.pop("rule", None)
    data["text"] = {"zh": found.text("zh"), "en": found.text("en")}
    if cells is not None:
        data["cells"] = list(cells)
    return data


def _finding(finding: Finding) -> dict:
    return _located(finding.problem, finding.cells)


def return_entry(result: ReturnResult, checked: str | None, campaign) -> dict:
    ret = result.ret
    names = campaign.hierarchy.name
    return {
        "file": ret.name, "kind": ret.kind, "office": ret.office, "office_name": names.get(ret.office) if ret.office
        else None, "matched_by": ret.matched_by or None, "merged": not ret.refused, "language": ret.language or None,
        "rows_accepted": result.rows_accepted, "rows_rejected": result.rows_rejected,
        "unchanged": result.unchanged, "base_changed": result.base_changed, "checked": checked,
        "tables": {name: {"base_rows": t.base_rows, "returned": t.returned, "accepted": t.accepted,
                          "rejected": t.rejected, "kept_base": t.kept_base, "removed": t.removed}
                   for name, t in sorted(result.tables.items())},
        "problems": [_finding(f) for f in result.findings],
        "notes": [_located(n) for n in result.all_notes],
    }


def summary_dict(result: CollectResult, *, campaign_dir: Path, returned_dir: Path, merged_dir: Path,
                 report_dir: Path, dry_run: bool, checked: dict[str, str]) -> dict:
    h = result.campaign.hierarchy
    entries = [return_entry(r, checked.get(r.ret.name), result.campaign) for r in result.returns]
    return {
        "format": SUMMARY_FORMAT, "version": SUMMARY_VERSION, "campaign": result.campaign.meta.id,
        "campaign_dir": str(campaign_dir), "returned_dir": str(returned_dir), "merged_dir": str(merged_dir),
        "report_dir": str(report_dir), "dry_run": dry_run, "exit_code": result.exit_code,
        "totals": {"files": len(result.returns), "merged_files": sum(1 for r in result.returns if not r.ret.refused),
                   "rows_accepted": sum(r.rows_accepted for r in result.returns),
                   "rows_rejected": sum(r.rows_rejected for r in result.returns),
                   "problems": result.problems, "notes": sum(len(e["notes"]) for e in entries)},
        "returns": entries,
        "silent_offices": [{"office": u, "name": h.name.get(u, "")} for u in result.silent],
        "unread_files": [_located(n) for n in result.notes],
        "base_problems": [_located(p) for p in result.base_problems],
        "merged_tables": {name: len(frame) for name, frame in result.merged.items() if len(frame)},
    }


def summary_json(summary: dict) -> bytes:
    return (json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def summary_csv(summary: dict, language: str) -> bytes:
    """One row per returned file and per silent office, for people (spreadsheet-safe text)."""
    say = lambda code: message(code, language)  # noqa: E731
    rows = []
    for e in summary["returns"]:
        rows.append({"file": e["file"], "office": e["office"] or "", "name": e["office_name"] or "",
                     "merged": e["merged"], "rows_accepted": e["rows_accepted"], "rows_rejected": e["rows_rejected"],
                     "problems": len(e["problems"]), "notes": len(e["notes"]),
                     "unchanged": say("collect.summary_unchanged") if e["unchanged"] else "",
                     "checked": e["checked"] or ""})
    for s in summary["silent_offices"]:
        rows.append({"file": "", "office": s["office"], "name": s["name"], "merged": False, "rows_accepted": 0,
                     "rows_rejected": 0, "problems": 0, "notes": 0, "unchanged": "", "checked": ""})
    columns = ["file", "office", "name", "merged", "rows_accepted", "rows_rejected", "problems", "notes", "unchanged",
               "checked"]
    return csv_text(pd.DataFrame(rows, columns=columns)).encode("utf-8-sig")


def summary_lines(summary: dict, language: str) -> list[str]:
    """What the console says: one line per file and per silent office, then where things went."""
    say = lambda code, **params: message(code, language, **params)  # noqa: E731
    lines = []
    for e in summary["returns"]:
        problems = len(e["problems"])
        if e["merged"]:
            line = say("collect.summary_return", file=e["file"], office=e["office"], name=e["office_name"],
                       accepted=e["rows_accepted"], rejected=e["rows_rejected"], problems=problems,
                       s="" if problems == 1 else "s", notes=len(e["notes"]))
            if e["unchanged"]:
                rules = rules_of(language)
                line += f" {rules.open_bracket}{say('collect.summary_unchanged')}{rules.close_bracket}"
        else:
            line = say("collect.summary_refused", file=e["file"], problems=problems, s="" if problems == 1 else "s")
        lines.append(line)
        for p in e["problems"][:5]:
            lines.append(f"  - {p['text'][language]}")
        for n in e["notes"]:
            if n["code"] in REMOVAL_NOTES:
                lines.append(f"  * {n['text'][language]}")
        if problems > 5:
            lines.append("  " + say("validate.more", count=problems - 5))
    for s in summary["silent_offices"]:
        lines.append(say("collect.summary_silent", office=s["office"], name=s["name"]))
    for n in summary["unread_files"]:
        lines.append(f"  * {n['text'][language]}")
    return lines
