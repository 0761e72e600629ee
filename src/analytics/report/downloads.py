"""Downloads for people: kpis.xlsx (one row per unit, headers in the report's language) and kpis.csv (tidy long
form for machines, with each unit's name beside its code).

kpis.xlsx's first sheet has, per unit, the identity columns of `UNIT_COLUMNS` (name, code, parent, level, kind,
...), every key figure of `scorecard.FIGURES`, then for each indicator the `scorecard.PACE_FIELDS` (target,
actual, completion, gap, status). Its second sheet lists every grassroots unit without a visit (the full list
that pages cut at 50). Percentages are fractions under an Excel percent format, gaps are numbers of points,
counts are integers; text is stored as text cells, so a name like `=1+1` never runs (DOMAIN.md, "Spreadsheet
safety"). The header row is frozen and filters are on. To add a column, append a `Figure` to
scorecard.FIGURES (it goes to the index and the explorer too) or a `UnitColumn` to UNIT_COLUMNS here.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from analytics.data.campaign import Campaign
from analytics.labels import as_number, label, status_label
from analytics.report.scorecard import FIGURES, PACE_FIELDS, Scorecard, unit_kind_label
from analytics.spreadsheet import csv_text, put_text

# Excel number formats by figure format (scorecard.FORMATS and PACE_FIELDS' formats).
NUMBER_FORMATS = {
    "int": "#,##0",
    "percent": "0.0%",
    "points": "+0.00;-0.00;0.00",
    "number": "#,##0.00",
}


@dataclass(frozen=True)
class Sheet:
    """What a column's value may look at: the campaign, the scorecard and the report's language."""

    campaign: Campaign
    scorecard: Scorecard
    language: str


@dataclass(frozen=True)
class UnitColumn:
    """An identity column of a sheet: its header (a label key), its value for one unit from (Sheet, unit_id,
    the unit's row of Scorecard.units as a dict), its number format and width."""

    label: str
    value: Callable[[Sheet, str, dict], object]
    number_format: str | None = None
    width: int = 12


def _yes_no(s: Sheet, idle: object) -> str | None:
    return label("sheet.yes" if idle else "sheet.no", s.language) if s.scorecard.has_visits else None


UNIT_COLUMNS: list[UnitColumn] = [
    UnitColumn("col.name", lambda s, u, r: r["name"], width=24),
    UnitColumn("col.unit_id", lambda s, u, r: u, width=14),
    UnitColumn("col.parent", lambda s, u, r: s.campaign.hierarchy.name.get(r["parent_id"], ""), width=20),
    UnitColumn("col.parent_id", lambda s, u, r: r["parent_id"], width=14),
    UnitColumn("col.level", lambda s, u, r: int(r["level"]), "0", width=6),
    UnitColumn("col.kind", lambda s, u, r: unit_kind_label(s.campaign.meta, r["kind"], s.language), width=10),
    UnitColumn("col.no_activity", lambda s, u, r: _yes_no(s, r["no_activity"]), width=8),
    UnitColumn("col.progress", lambda s, u, r: status_label(r["worst"], s.language)
               if isinstance(r["worst"], str) else None, width=14),
]

# The second sheet: every leaf without a visit row of its own (rows of Scorecard.units too).
UNCOVERED_COLUMNS: list[UnitColumn] = [
    UnitColumn("col.name", lambda s, u, r: r["name"], width=24),
    UnitColumn("col.unit_id", lambda s, u, r: u, width=14),
    UnitColumn("col.parent", lambda s, u, r: s.campaign.hierarchy.name.get(r["parent_id"], ""), width=20),
    UnitColumn("col.level", lambda s, u, r: int(r["level"]), "0", width=6),
    UnitColumn("col.kind", lambda s, u, r: unit_kind_label(s.campaign.meta, r["kind"], s.language), width=10),
    UnitColumn("col.path", lambda s, u, r: " › ".join(s.campaign.hierarchy.name[a]
                                                       for a in s.campaign.hierarchy.ancestors(u)), width=40),
]


def _text_cell(ws, text: object, bold: bool = False) -> WriteOnlyCell:
    """A text cell that stays text (spreadsheet.put_text: never a formula, quote prefix on formula-like text)."""
    cell = WriteOnlyCell(ws)
    put_text(cell, str(text))
    if bold:
        cell.font = Font(bold=True)
    return cell


def _cell(ws, value: object, number_format: str | None = None) -> WriteOnlyCell:
    """A number under its format, text as text, nothing for a missing value."""
    if isinstance(value, str):
        return _text_cell(ws, value)
    number = as_number(value)
    cell = WriteOnlyCell(ws, value=None if number is None else (int(number) if number_format in ("0", "#,##0")
                                                                and float(number).is_integer() else number))
    if number_format and number is not None:
        cell.number_format = number_format
    return cell


def _sheet(wb: Workbook, title: str, headers: list[str], widths: list[int], rows) -> None:
    ws = wb.create_sheet(title)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2"  # the header row and the names stay in view
    header = []
    for h in headers:
        cell = _text_cell(ws, h, bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows(ws):
        ws.append(row)
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(headers)))}{count + 1}"


def kpis_xlsx(campaign: Campaign, sc: Scorecard, language: str) -> bytes:
    """The workbook's bytes: units with their figures and each indicator's pace; the uncovered grassroots units."""
    meta = campaign.meta
    wb = Workbook(write_only=True)
    measures = {}
    if len(sc.pace):
        measures = {i: m for i, m in zip(sc.pace["indicator"], sc.pace["measure"], strict=True) if isinstance(m, str)}
    headers = [label(c.label, language) for c in UNIT_COLUMNS] + [label(f.label, language) for f in FIGURES]
    widths = [c.width for c in UNIT_COLUMNS] + [11] * len(FIGURES)
    for code in sc.indicators:
        name = meta.indicator_label(code, language)
        for f in PACE_FIELDS:
            unit = f"（{measures[code]}）" if f.key in ("target", "actual") and measures.get(code) else ""
            if unit and language == "en":
                unit = f" ({measures[code]})"
            headers.append(f"{name} · {label(f.label, language)}{unit}")
            widths.append(14 if f.format == "status" else 12)
    figures = [(f, sc.units[f.key].tolist() if f.key in sc.units else [None] * len(sc.units)) for f in FIGURES]
    sheet = Sheet(campaign, sc, language)
    records = sc.units.to_dict("index")

    def unit_rows(ws):
        for i, uid in enumerate(sc.units.index):
            r = records[uid]
            row = [_cell(ws, c.value(sheet, uid, r), c.number_format) for c in UNIT_COLUMNS]
            for f, values in figures:
                value = values[i]
                if f.format == "text":
                    text = f.text(value, language)
                    row.append(_cell(ws, None if text == "—" else text))
                else:
                    row.append(_cell(ws, value, NUMBER_FORMATS[f.format]))
            mine = sc.pace_of(uid)
            for code in sc.indicators:
                t = mine.get(code)
                for f in PACE_FIELDS:
                    if t is None:
                        row.append(_cell(ws, None))
                    elif f.format == "status":
                        row.append(_cell(ws, status_label(t["status"], language)))
                    else:
                        row.append(_cell(ws, t[f.key], _pace_format(f.format, t[f.key])))
            yield row

    _sheet(wb, label("sheet.units", language), headers, widths, unit_rows)

    def uncovered_rows(ws):
        for uid in sc.uncovered:
            yield [_cell(ws, c.value(sheet, uid, records[uid]), c.number_format) for c in UNCOVERED_COLUMNS]

    _sheet(wb, label("sheet.uncovered", language), [label(c.label, language) for c in UNCOVERED_COLUMNS],
           [c.width for c in UNCOVERED_COLUMNS], uncovered_rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pace_format(fmt: str, value: object) -> str:
    """Targets and actuals: whole numbers without decimals; other figures by their format."""
    if fmt == "number":
        number = as_number(value)
        return "#,##0" if number is not None and float(number).is_integer() else "#,##0.00"
    return NUMBER_FORMATS[fmt]


def kpis_csv(campaign: Campaign, table: pd.DataFrame) -> str:
    """The KPI table as CSV text for kpis.csv: unit_id, unit_name, metric, key, value (spreadsheet-safe)."""
    out = table.copy()
    names = campaign.hierarchy.name
    out.insert(1, "unit_name", [names.get(u, "") for u in out["unit_id"]])
    return csv_text(out)


__all__ = ["NUMBER_FORMATS", "UNCOVERED_COLUMNS", "UNIT_COLUMNS", "Sheet", "UnitColumn", "kpis_csv", "kpis_xlsx"]
