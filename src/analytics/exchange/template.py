"""Templates offices fill in: one .xlsx workbook per office (its subtree's rows pre-filled), or a blank one.

A template holds, in this order: the instructions sheet (说明 / Instructions) with one worked example row
and the office's units; one sheet per table, named as the table, headers in the chosen language, the
office's rows already in the campaign, cells formatted by type (dates as dates, counts as whole numbers,
text as text), drop-down lists and number checks as real data validations; the units sheet locked; and a
very hidden marker sheet (analytics.data.marker) naming the campaign, the office, the template version and
a digest of the pre-filled rows, with the drop-down lists beside it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from analytics.data.campaign import Campaign
from analytics.data.contract import AGGREGATIONS, TABLES, sheet_name
from analytics.data.marker import MARKER_SHEET, TEMPLATE_VERSION, TemplateMarker
from analytics.data.meta import CampaignMeta
from analytics.errors import UsageError
from analytics.exchange.rows import (
    code_choices,
    dtype_of,
    header_text,
    office_tables,
    rows_digest,
    shown_code,
    template_filename,
    template_tables,
)
from analytics.fileio import write_bytes_atomic
from analytics.spreadsheet import put_text, put_value
from analytics.text.labels import fmt_date, message
from analytics.text.language import is_language, rules_of
from analytics.version import __version__

# Rows below the pre-filled ones that carry the formats and checks, for the office's new rows.
EXTRA_ROWS = 1000
# docs/domain.md's measures with an English word; a campaign's own (targets, vocabulary.measures) are added.
COMMON_MEASURES = ("万元", "元", "亿元", "个", "件", "项", "篇", "条", "人", "人次", "次", "户", "套", "%")
_FORMATS = {"date": "yyyy-mm-dd", "int": "0", "number": "General", "text": "@", "tags": "@"}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
_BOLD = Font(bold=True)
# Width (in characters) of a date column: yyyy-mm-dd and a margin, so that a date never shows as "###".
DATE_WIDTH = 13
_AUTHOR = "campaign-analytics"


def instructions_sheet_name(language: str) -> str:
    return message("template.instructions_sheet", language)


@dataclass(frozen=True)
class _Context:
    """What one template is written for."""

    meta: CampaignMeta | None
    office: str | None
    office_name: str
    language: str
    subtree: list[str]  # unit ids, the office first, in the campaign's order
    names: dict[str, str]
    indicators: list[str]
    measures: list[str]
    deadline: dt.date | None = None
    contact: str = ""

    def say(self, code: str, **params) -> str:
        return message(code, self.language, **params)


# --- public API ----------------------------------------------------------------------------------------


def template_workbook(campaign: Campaign | None, office: str | None, language: str = "zh",
                      deadline: dt.date | None = None, contact: str = "") -> Workbook:
    """The template of one office (campaign and office given) or a blank one (both None); the instructions
    say to return it by `deadline` to `contact` when given (else to ask the campaign office)."""
    if not is_language(language):
        raise UsageError(f"language must be zh or en, not {language!r}")
    ctx = replace(_context(campaign, office, language), deadline=deadline, contact=(contact or "").strip())
    tables = template_tables(campaign)
    rows = office_tables(campaign, office) if campaign is not None and office is not None else {}
    book = Workbook()
    book.remove(book.active)
    guide = book.create_sheet(instructions_sheet_name(language))
    lists_sheet = book.create_sheet(MARKER_SHEET)
    lists = _write_lists(lists_sheet, ctx)
    for table in tables:
        ws = book.create_sheet(sheet_name(table, language), index=len(book.sheetnames) - 1)  # before the marker
        _write_table(ws, table, rows.get(table), ctx, lists)
    marker = TemplateMarker(
        campaign=ctx.meta.id if ctx.meta else "", office=office or "", language=language,
        rows_sha256=rows_digest(rows), version=TEMPLATE_VERSION, tables=tables, own_sheets=(guide.title,),
        program=f"campaign-analytics {__version__}",
    )
    for r, (key, value) in enumerate(marker.rows(), start=1):
        put_text(lists_sheet.cell(r, 1), key)
        put_text(lists_sheet.cell(r, 2), value)
    lists_sheet.sheet_state = "veryHidden"
    _write_instructions(guide, ctx, tables)
    book.active = 0
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_templates(campaign: Campaign, out_dir: Path, units: Iterable[str] | None = None,
                    language: str = "zh", deadline: dt.date | None = None, contact: str = "") -> list[Path]:
    """One template per unit named (default: every child of the root; a root gives the whole campaign),
    written atomically into out_dir; returns the paths in the order of the units."""
    h = campaign.hierarchy
    chosen = list(units) if units else [c for r in h.roots for c in h.children[r]] or list(h.roots)
    unknown = [u for u in chosen if u not in h.parent]
    if unknown:
        raise UsageError(f"--units: not a unit_id of campaign {campaign.meta.id}: {', '.join(unknown)}")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file; templates of offices go into a folder")
    paths = []
    for unit in dict.fromkeys(chosen):
        path = out_dir / template_filename(unit, h.name.get(unit, ""))
        write_bytes_atomic(path, workbook_bytes(template_workbook(campaign, unit, language, deadline, contact)))
        paths.append(path)
    return paths


def write_blank_template(path: Path, language: str = "zh", deadline: dt.date | None = None,
                         contact: str = "") -> Path:
    """An empty template for a new campaign, written atomically to path (an .xlsx file)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"--out {path}: a blank template is one .xlsx file; give a name ending in .xlsx")
    if path.is_dir():
        raise UsageError(f"--out {path} is a folder; a blank template is one .xlsx file")
    write_bytes_atomic(path, workbook_bytes(template_workbook(None, None, language, deadline, contact)))
    return path


# --- context -------------------------------------------------------------------------------------------


def _context(campaign: Campaign | None, office: str | None, language: str) -> _Context:
    if campaign is None:
        return _Context(None, None, "", language, [], {}, [], list(COMMON_MEASURES))
    h = campaign.hierarchy
    if office not in h.parent:
        raise UsageError(f"not a unit_id of campaign {campaign.meta.id}: {office}")
    subtree = h.descendants(office)
    order = h.position
    subtree.sort(key=order.__getitem__)
    targets = campaign.targets
    indicators = sorted({*targets["indicator"].dropna(), *campaign.meta.indicators})
    measures = list(dict.fromkeys([*COMMON_MEASURES, *sorted(set(targets["measure"].dropna())),
                                   *campaign.meta.measures]))
    return _Context(campaign.meta, office, h.name.get(office, office), language, subtree, dict(h.name), indicators,
                    measures)


# --- lists and marker sheet ---------------------------------------------------------------------------


def _write_lists(ws: Worksheet, ctx: _Context) -> dict[str, str]:
    """Write the drop-down lists in columns D onwards of the marker sheet; name -> absolute range."""
    lists = {
        "unit_id": ctx.subtree,
        "kind": code_choices(ctx.meta, "kind", ctx.language),
        "group": code_choices(ctx.meta, "group", ctx.language),
        "indicator": [shown_code(ctx.meta, "indicator", i, ctx.language) for i in ctx.indicators],
        "measure": ctx.measures,
        "aggregation": [shown_code(ctx.meta, "aggregation", a, ctx.language) for a in AGGREGATIONS],
    }
    refs: dict[str, str] = {}
    for offset, (name, values) in enumerate(lists.items()):
        column = 4 + offset
        put_text(ws.cell(1, column), name)
        for r, value in enumerate(values, start=2):
            put_text(ws.cell(r, column), value)
        if values:
            letter = get_column_letter(column)
            refs[name] = f"{quote_sheetname(MARKER_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    return refs


# --- table sheets -------------------------------------------------------------------------------------


def _write_table(ws: Worksheet, table: str, rows: pd.DataFrame | None, ctx: _Context, lists: dict[str, str]) -> None:
    columns = [c.name for c in TABLES[table]]
    for c, column in enumerate(columns, start=1):
        cell = ws.cell(1, c)
        put_text(cell, header_text(table, column, ctx.language))
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    count = 0 if rows is None else len(rows)
    if rows is not None:
        for r, record in enumerate(rows[columns].itertuples(index=False, name=None), start=2):
            for c, (column, value) in enumerate(zip(columns, record, strict=True), start=1):
                cell = ws.cell(r, c)
                put_value(cell, _cell_value(table, column, value, ctx))
                cell.number_format = _FORMATS[dtype_of(table, column)]
    last = count + 1 + (0 if table == "units" and ctx.meta is not None else EXTRA_ROWS)
    for c, column in enumerate(columns, start=1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].number_format = _FORMATS[dtype_of(table, column)]
        width = _width(ws, c, count + 1)
        if dtype_of(table, column) == "date":
            width = max(width, DATE_WIDTH)  # yyyy-mm-dd never shows as ###
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    _print_setup(ws, landscape=True)
    ws.print_title_rows = "1:1"
    if table == "units" and ctx.meta is not None:
        # The hierarchy is the campaign's: an office reads its unit rows, it does not change them.
        for row in ws.iter_rows(min_row=2, max_row=count + 1):
            for cell in row:
                cell.fill = _LOCKED_FILL
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # widening a column to read a name is fine
        put_comment(ws.cell(1, 1), ctx.say("template.units_locked_comment"))
        return
    for c, column in enumerate(columns, start=1):
        validation = _validation(table, column, ctx, lists)
        if validation is not None:
            letter = get_column_letter(c)
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)


def _cell_value(table: str, column: str, value: object, ctx: _Context) -> object:
    """A typed value as the template shows it: dates as dates, numbers as numbers, kinds and groups as
    labels in a Chinese template, text as text."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    dtype = dtype_of(table, column)
    if dtype == "date":
        return pd.Timestamp(value).to_pydatetime()
    if dtype == "int":
        return int(value)
    if dtype == "number":
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if (table == "visits" and column in ("kind", "group")) or column in ("indicator", "aggregation", "pacing", "tags"):
        return shown_code(ctx.meta, column, str(value), ctx.language)
    return str(value)


def _width(ws: Worksheet, column: int, last_row: int) -> float:
    longest = 0
    for (value,) in ws.iter_rows(min_row=1, max_row=min(last_row, 200), min_col=column, max_col=column,
                                 values_only=True):
        if value is not None:
            text = value.date().isoformat() if isinstance(value, dt.datetime) else str(value)
            longest = max(longest, sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))
    return min(max(longest + 2, 8), 48)


def _validation(table: str, column: str, ctx: _Context, lists: dict[str, str]) -> DataValidation | None:
    """The data validation of one column, or None for free text."""
    dtype = dtype_of(table, column)
    title = ctx.say("template.dv_title")
    if column == "unit_id" and table != "responses":
        ref = lists.get("unit_id") if ctx.meta is not None else _column_ref("units", "A", ctx.language)
        return _list(ref, "stop", title, ctx.say("template.dv_unit"), ctx.say("template.prompt_unit"))
    if table == "visits" and column in ("kind", "group"):
        return _list(lists.get(column), "stop", title, ctx.say("template.dv_list"), ctx.say(f"template.prompt_{column}"))
    if column == "indicator":
        ref = lists.get("indicator")
        if ctx.meta is None and table == "actuals":
            ref = _column_ref("targets", "B", ctx.language)  # a blank template: the indicators of its targets
        return _list(ref, "warning", title, ctx.say("template.dv_list_open"), ctx.say("template.prompt_indicator"))
    if column == "measure":
        return _list(lists.get("measure"), "warning", title, ctx.say("template.dv_list_open"),
                     ctx.say("template.prompt_measure"))
    if column == "aggregation":
        return _list(lists.get("aggregation"), "stop", title, ctx.say("template.dv_list"),
                     ctx.say("template.prompt_aggregation"))
    if dtype == "date":
        if ctx.meta is None:
            return _check("date", "greaterThan", "DATE(1900,1,1)", None, "stop", title, ctx.say("template.dv_date_any"),
                          ctx.say("template.prompt_date_any"))
        start, end = ctx.meta.start, ctx.meta.end
        return _check("date", "between", f"DATE({start.year},{start.month},{start.day})",
                      f"DATE({end.year},{end.month},{end.day})", "warning", title,
                      ctx.say("template.dv_date", start=start, end=end), ctx.say("template.prompt_date", start=start,
                                                                                 end=end))
    if column == "score":
        return _check("whole", "between", "1", "5", "stop", title, ctx.say("template.dv_score"),
                      ctx.say("template.prompt_score"))
    if dtype == "int":
        return _check("whole", "greaterThanOrEqual", "0", None, "stop", title, ctx.say("template.dv_whole"),
                      ctx.say("template.prompt_count"))
    if column == "target":
        return _check("decimal", "greaterThan", "0", None, "stop", title, ctx.say("template.dv_positive"),
                      ctx.say("template.prompt_target"))
    if dtype == "number":
        return _check("decimal", "greaterThanOrEqual", "0", None, "stop", title, ctx.say("template.dv_number"),
                      ctx.say("template.prompt_value"))
    return None


def _column_ref(table: str, letter: str, language: str) -> str:
    """The rows for new entries of one column of a table's sheet, as a list validation names them."""
    return f"{quote_sheetname(sheet_name(table, language))}!${letter}$2:${letter}${EXTRA_ROWS + 1}"


def _print_setup(ws: Worksheet, landscape: bool) -> None:
    """A4, fit to one page wide and as many pages down as it takes (fitToWidth written explicitly: Excel
    and LibreOffice read a missing one differently)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True


def _list(ref: str | None, style: str, title: str, error: str, prompt: str) -> DataValidation | None:
    if not ref:
        return None
    return DataValidation(type="list", formula1=ref, allow_blank=True,
                          showErrorMessage=True, errorStyle=style, errorTitle=title[:32], error=error[:255],
                          showInputMessage=bool(prompt), prompt=prompt[:255] or None)


def _check(kind: str, operator: str, first: str, second: str | None, style: str, title: str, error: str,
           prompt: str) -> DataValidation:
    return DataValidation(type=kind, operator=operator, formula1=first, formula2=second, allow_blank=True,
                          showErrorMessage=True, errorStyle=style, errorTitle=title[:32], error=error[:255],
                          showInputMessage=bool(prompt), prompt=prompt[:255] or None)


def put_comment(cell, text: str) -> None:
    """A cell comment (note) of the program's own, sized to show a few lines."""
    comment = Comment(text, _AUTHOR)
    comment.width = 300
    comment.height = 40 + 18 * (1 + len(text) // 24)
    cell.comment = comment


# --- instructions -------------------------------------------------------------------------------------


def _write_instructions(ws: Worksheet, ctx: _Context, tables: tuple[str, ...]) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    _print_setup(ws, landscape=False)
    ws.column_dimensions["A"].width = 14
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 16
    if ctx.meta is not None:
        title = ctx.say("template.title", campaign=ctx.meta.title(ctx.language), office=ctx.office,
                        office_name=ctx.office_name)
        lines = [ctx.say("template.intro", office=ctx.office, office_name=ctx.office_name),
                 _sheets_line(ctx, tables), ctx.say("template.units_locked")]
    else:
        title = ctx.say("template.title_blank")
        lines = [ctx.say("template.intro_blank"), _sheets_line(ctx, tables), ctx.say("template.units_blank")]
    lines += [ctx.say("template.lists"), ctx.say("template.habits"), ctx.say("template.empty"),
              ctx.say("template.return"), _due_line(ctx)]
    cell = ws.cell(1, 1)
    put_text(cell, title)
    cell.font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    row = 3
    for number, line in enumerate(lines, start=1):
        put_text(ws.cell(row, 1), f"{number}. {line}")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        ws.cell(row, 1).alignment = wrap
        ws.row_dimensions[row].height = 18 * (1 + len(line) // (45 if rules_of(ctx.language).wide_script else 90))
        row += 1
    row += 1
    put_text(ws.cell(row, 1), ctx.say("template.example"))
    ws.cell(row, 1).font = _BOLD
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
    row += 1
    columns = [c.name for c in TABLES["visits"]]
    for c, column in enumerate(columns, start=1):
        put_text(ws.cell(row, c), header_text("visits", column, ctx.language))
        ws.cell(row, c).font = _BOLD
        ws.cell(row, c).fill = _HEADER_FILL
    row += 1
    for c, value in enumerate(_example_row(ctx), start=1):
        put_value(ws.cell(row, c), value)
        if isinstance(value, dt.datetime):
            ws.cell(row, c).number_format = _FORMATS["date"]
    if ctx.subtree:
        row += 2
        put_text(ws.cell(row, 1), ctx.say("template.units_list"))
        ws.cell(row, 1).font = _BOLD
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        row += 1
        for c, column in enumerate(("unit_id", "name"), start=1):
            put_text(ws.cell(row, c), header_text("units", column, ctx.language))
            ws.cell(row, c).font = _BOLD
            ws.cell(row, c).fill = _HEADER_FILL
        for unit in ctx.subtree:
            row += 1
            put_text(ws.cell(row, 1), unit)
            put_text(ws.cell(row, 2), ctx.names.get(unit, ""))


def _due_line(ctx: _Context) -> str:
    """By when and to whom the workbook goes back (`template --deadline --contact`), or whom to ask."""
    deadline = fmt_date(ctx.deadline, ctx.language) if ctx.deadline else ""
    if deadline and ctx.contact:
        return ctx.say("template.due_both", deadline=deadline, contact=ctx.contact)
    if deadline:
        return ctx.say("template.due_deadline", deadline=deadline)
    if ctx.contact:
        return ctx.say("template.due_contact", contact=ctx.contact)
    return ctx.say("template.due_ask")


def _sheets_line(ctx: _Context, tables: tuple[str, ...]) -> str:
    separator = rules_of(ctx.language).comma
    return ctx.say("template.sheets", tables=separator.join(ctx.say(f"template.sheet_{t}") for t in tables))


def _example_row(ctx: _Context) -> list[object]:
    """One worked visits row: a seminar with village cadres, ten days into the campaign, at the office's first
    unit below it (the office itself when it has none)."""
    if ctx.meta is not None:
        day = min(ctx.meta.start + dt.timedelta(days=9), ctx.meta.end)
        unit = ctx.subtree[1] if len(ctx.subtree) > 1 else ctx.subtree[0]
    else:
        day, unit = dt.date(2024, 3, 15), ctx.say("template.example_unit")
    return [dt.datetime(day.year, day.month, day.day), unit, shown_code(ctx.meta, "kind", "seminar", ctx.language),
            shown_code(ctx.meta, "group", "village_cadres", ctx.language), 12, ctx.say("template.example_team"),
            ctx.say("template.example_topic")]
