"""`<name>.checked.xlsx`: a returned workbook with its problems marked where they are.

A copy of the office's own workbook (its sheets, values, formats and drop-downs as they were) in which every
cell a problem names is filled red and carries a comment saying the rule in the office's language (the
data layer's message, e.g. "回收数不能大于发放数"), plus a first sheet listing every problem with a link to
its cell, then the habits accepted (notes). The copy keeps or gains the template marker, which names the
problems sheet as the program's own: the office can correct the copy and send it back as it is.
"""

from __future__ import annotations

import hashlib
import io

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from analytics.data.marker import MARKER_SHEET, TemplateMarker
from analytics.exchange.collect import Finding, ReturnResult, finding_order
from analytics.exchange.template import put_comment
from analytics.spreadsheet import put_text, put_value
from analytics.text.labels import message

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LINK_FONT = Font(color="0563C1", underline="single")
_MAX_SHEET_TITLE = 31


_MAX_NAME_BYTES = 255  # a file name's limit on the usual file systems (ext4, APFS, NTFS counts 255 UTF-16 units)


def checked_name(ret_name: str) -> str:
    """`<name>.checked.xlsx` for a returned workbook `<name>.xlsx`; a name too long for the file system is
    shortened, keeping its start and adding 8 hex digits of the whole name (two long names stay two names)."""
    stem = ret_name[:-5] if ret_name.lower().endswith(".xlsx") else ret_name
    name = f"{stem}.checked.xlsx"
    if len(name.encode("utf-8")) <= _MAX_NAME_BYTES:
        return name
    tail = f"~{hashlib.sha256(ret_name.encode('utf-8')).hexdigest()[:8]}.checked.xlsx"
    room = _MAX_NAME_BYTES - len(tail.encode("utf-8"))
    while len(stem.encode("utf-8")) > room:
        stem = stem[:-1]
    return stem + tail


def checked_workbook_bytes(result: ReturnResult, language: str, campaign_id: str = "") -> bytes:
    """The checked copy of a returned workbook as bytes (see the module doc)."""
    ret = result.ret
    book = load_workbook(ret.path, keep_links=False)
    sheets = _sheet_titles(result, book.sheetnames)
    marks: dict[tuple[str, str], list[str]] = {}
    listed: list[tuple[Finding, str | None, str | None]] = []  # finding, sheet, first cell
    for finding in _ordered(result.findings):
        problem = finding.problem
        sheet = sheets.get(problem.file)
        cells = list(finding.cells)
        if sheet is not None and problem.row is not None and not cells:
            cells = [_cell_of_text(book[sheet], problem.row, problem.column) or f"A{problem.row}"]
        for cell in cells if sheet is not None else []:
            rule = problem.rule_text(language)
            texts = marks.setdefault((sheet, cell), [])
            if rule not in texts:
                texts.append(rule)
        listed.append((finding, sheet, cells[0] if cells and sheet is not None else None))
    shown: dict[tuple[str, str], list[str]] = {}
    for (sheet, cell), rules in marks.items():
        # A cell under a merged range shows as the range's first cell: the mark and comment go there.
        at = _visible_cell(book[sheet], cell)
        texts = shown.setdefault((sheet, at), [])
        texts.extend(r for r in rules if r not in texts)
    for (sheet, cell), rules in shown.items():
        target = book[sheet][cell]
        target.fill = BAD_FILL
        put_comment(target, "\n".join(rules))
    title = _problems_title(message("checked.sheet", language), book.sheetnames)
    ws = book.create_sheet(title, index=0)
    _write_list(ws, result, listed, language)
    _mark_as_own(book, title, ret, campaign_id)
    book.active = 0
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ordered(findings: list[Finding]) -> list[Finding]:
    """Findings in file, row, column order (file-wide ones first), each once."""
    seen: set[tuple] = set()
    out = []
    for f in sorted(findings, key=finding_order):
        key = (f.problem.file, f.problem.row, f.problem.column, f.problem.rule)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _sheet_titles(result: ReturnResult, titles: list[str]) -> dict[str, str]:
    """file label as problems name it ("book.xlsx [visits]") -> the sheet's title in the workbook."""
    out: dict[str, str] = {}
    book = result.ret.path.name
    for title in titles:
        out[f"{book} [{title}]"] = title
    return out


def _visible_cell(ws, coordinate: str) -> str:
    for merged in ws.merged_cells.ranges:
        if coordinate in merged:
            return merged.start_cell.coordinate
    return coordinate


def _cell_of_text(ws, row: int, text: str | None) -> str | None:
    """The cell of a row holding a text (a header the program does not know), if any."""
    if not text:
        return None
    for cell in ws[row]:
        if cell.value is not None and str(cell.value).strip() == text.strip():
            return cell.coordinate
    return None


def _problems_title(wanted: str, titles: list[str]) -> str:
    title, n = wanted, 2
    while title in titles:
        title = f"{wanted} ({n})"[:_MAX_SHEET_TITLE]
        n += 1
    return title


def _write_list(ws, result: ReturnResult, listed, language: str) -> None:
    say = lambda code, **params: message(code, language, **params)  # noqa: E731
    count = len(listed)
    wrap = Alignment(wrap_text=True, vertical="top")
    lines = [say("checked.title", file=result.ret.name, count=count), say("checked.intro"),
             say("checked.rows", accepted=result.rows_accepted, rejected=result.rows_rejected)]
    for r, line in enumerate(lines, start=1):
        _line(ws, r, line, wrap)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    headers = ["checked.col_no", "checked.col_sheet", "checked.col_cell", "checked.col_row", "checked.col_column",
               "checked.col_value", "checked.col_problem"]
    top = 5
    for c, code in enumerate(headers, start=1):
        cell = ws.cell(top, c)
        put_text(cell, say(code))
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for i, (finding, sheet, first) in enumerate(listed, start=1):
        problem = finding.problem
        r = top + i
        ws.cell(r, 1).value = i
        put_text(ws.cell(r, 2), sheet or problem.file)
        if sheet is not None and first is not None:
            link = ws.cell(r, 3)
            link.hyperlink = Hyperlink(ref="", location=f"{quote_sheetname(sheet)}!{first}", display=first)
            put_text(link, first)
            link.font = _LINK_FONT
        elif problem.row is None:
            put_text(ws.cell(r, 3), say("checked.whole_file"))
        put_value(ws.cell(r, 4), problem.row)
        put_value(ws.cell(r, 5), problem.column)
        put_value(ws.cell(r, 6), None if problem.value is None else str(problem.value))
        put_text(ws.cell(r, 7), problem.rule_text(language))
        ws.cell(r, 7).alignment = wrap
    notes = result.all_notes
    if notes:
        r = top + count + 2
        _line(ws, r, say("checked.notes"), wrap)
        ws.cell(r, 1).font = Font(bold=True)
        for note in notes:
            r += 1
            _line(ws, r, note.text(language), wrap)
    for letter, width in zip("ABCDEFG", (6, 14, 9, 6, 18, 18, 70), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(top + 1, 1)


def _line(ws, row: int, text: str, wrap: Alignment) -> None:
    """A line of text across the list's seven columns."""
    put_text(ws.cell(row, 1), text)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
    ws.cell(row, 1).alignment = wrap
    ws.row_dimensions[row].height = 16 * (1 + len(text) // 90)


def _mark_as_own(book, title: str, ret, campaign_id: str) -> None:
    """Name the problems sheet in the marker (adding one to a workbook that had none), so that the reader
    takes it for the program's own when the corrected copy comes back."""
    marker = ret.marker or TemplateMarker(campaign=campaign_id, office="")
    own = tuple(dict.fromkeys([*marker.own_sheets, title]))
    updated = TemplateMarker(marker.campaign, marker.office, marker.language, marker.rows_sha256, marker.version,
                             marker.tables, own, marker.program)
    if MARKER_SHEET in book.sheetnames:
        ws = book[MARKER_SHEET]
        for row in ws.iter_rows(min_row=1, max_row=40, max_col=2):
            for cell in row:
                cell.value = None
    else:
        ws = book.create_sheet(MARKER_SHEET)
        ws.sheet_state = "veryHidden"
    for r, (key, value) in enumerate(updated.rows(), start=1):
        put_text(ws.cell(r, 1), key)
        put_text(ws.cell(r, 2), value)
