"""Reading .xlsx workbooks: refused before loading when encrypted, old-format or too large; then each table
sheet as text rows, with what text cannot carry kept beside it (merged ranges, percent formats, number cells).

openpyxl's read-only mode reads the cells (as pandas did before, at the same speed); merged ranges, hidden
sheets and the declared dimensions come from the workbook's XML directly, since read-only mode skips them.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

from analytics.data.contract import TABLES, table_of_sheet
from analytics.data.marker import MARKER_SHEET, TemplateMarker
from analytics.data.readers import MAX_FILE_BYTES, RawTable, table_from_rows
from analytics.errors import Note, Problem

# A workbook is refused before it is loaded when its sheets declare more cells than this, or unpack to more
# XML than this: a 952 KB file holding 32 million cells was still being read after 5 minutes. Two million
# cells (200,000 rows of 10 columns) load in well under a minute; larger tables belong in CSV files.
MAX_WORKBOOK_CELLS = 2_000_000
MAX_WORKBOOK_XML_BYTES = 300 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


@dataclass
class _Sheet:
    name: str
    path: str  # the sheet's XML file inside the zip
    hidden: bool


def read_workbook(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read every table sheet of an .xlsx workbook; unknown sheets are reported."""
    tables, problems, _notes = read_workbook_with_notes(path)
    return tables, problems


def read_workbook_with_notes(path: Path) -> tuple[dict[str, RawTable], list[Problem], list[Note]]:
    """read_workbook, plus notes on the workbook as a whole (hidden sheets that are not tables, left unread).

    Problems on the workbook itself (unreadable, encrypted, too large) have no sheet name as value; notes on
    a table's cells travel on its RawTable.
    """
    tables, problems, notes, _marker = read_workbook_with_marker(path)
    return tables, problems, notes


def read_workbook_with_marker(path: Path) -> tuple[dict[str, RawTable], list[Problem], list[Note],
                                                   TemplateMarker | None]:
    """read_workbook_with_notes, plus the template marker when the workbook is one of the program's templates
    (see analytics.data.marker): its marker sheet and the sheets it names are the program's own, not read."""
    file = path.name
    refusal = _refuse_before_loading(path)
    if refusal is not None:
        return {}, [refusal], [], None
    sheets = _sheets(path)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        return {}, [Problem.of(file, None, None, None, "xlsx.unreadable", detail=_failure(exc))], [], None
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    notes: list[Note] = []
    marker: TemplateMarker | None = None
    try:
        marker = _template_marker(book)
        own: set[str] = set()
        if marker is not None:
            own = {MARKER_SHEET, *(s for s in marker.own_sheets if table_of_sheet(s) is None)}
            shown = [s for s in book.sheetnames if s in own and s != MARKER_SHEET]
            notes.append(Note.of(file, None, None, None, "xlsx.template_sheets", sheets=", ".join(shown) or "—",
                                 office=marker.office or "—", campaign=marker.campaign or "—"))
        for ws in book.worksheets:
            sheet = str(ws.title)
            if sheet in own:
                continue
            info = sheets.get(sheet)
            hidden = info.hidden if info else False
            name = table_of_sheet(sheet)
            if name is None:
                if hidden:
                    notes.append(Note.of(file, None, None, sheet, "xlsx.hidden_sheet_ignored", sheet=sheet))
                else:
                    problems.append(Problem.of(file, None, None, sheet, "xlsx.unknown_sheet", tables=", ".join(TABLES)))
                continue
            where = f"{file} [{sheet}]"
            declared = ws.max_row if ws.max_row is not None and ws.max_column is not None else None
            ref = _declared_ref(ws) if declared is not None else None
            ws.reset_dimensions()  # read every row the sheet holds, whatever its <dimension> says
            rows, formats, numbers = _sheet_rows(ws)
            merges, hidden_rows = _sheet_extras(path, info.path) if info else ([], [])
            table, found = table_from_rows(rows, name, where, merges=merges, percent_formats=formats,
                                      numeric_cells=numbers)
            if table is not None:
                last = _last_filled(rows)
                if declared is not None and last > declared:
                    table.notes.append(Note.of(where, None, None, None, "xlsx.dimension_understated", ref=ref,
                                               last=last))
                read = sorted(r for r in hidden_rows if r in table.frame.index)
                if read:
                    table.notes.append(Note.of(where, read[0], None, None, "xlsx.hidden_rows_read", count=len(read),
                                               rows=_row_list(read)))
            if marker is not None and table is not None and [p.code for p in found] == ["table.no_rows"]:
                # A template offers every table: a sheet left with its header only is a table not used.
                notes.append(Note.of(where, None, None, None, "xlsx.template_sheet_empty", table=name))
                continue
            problems.extend(found)
            if table is not None:
                if hidden:
                    table.notes.insert(0, Note.of(where, None, None, None, "xlsx.hidden_sheet_read", sheet=sheet,
                                                  table=name))
                tables[name] = table
    except Exception as exc:  # a sheet that breaks half-way (damaged XML or deflate stream inside a valid zip)
        return {}, [Problem.of(file, None, None, None, "xlsx.unreadable", detail=_failure(exc))], [], None
    finally:
        book.close()
    return tables, problems, notes, marker


def _failure(exc: Exception) -> str:
    """What broke, for the message: a damaged deflate stream is named as such, anything else by its type."""
    if isinstance(exc, zlib.error):
        return "damaged compressed data"
    return type(exc).__name__


def _template_marker(book) -> TemplateMarker | None:
    """The marker of a template workbook (a sheet named MARKER_SHEET whose first row says so), else None."""
    if MARKER_SHEET not in book.sheetnames:
        return None
    rows = []
    for row in book[MARKER_SHEET].iter_rows(min_row=1, max_row=40, max_col=2, values_only=True):
        rows.append([_cell_text(v) for v in row])
    return TemplateMarker.from_rows(rows)


def _refuse_before_loading(path: Path) -> Problem | None:
    """A workbook that cannot or must not be loaded, said before openpyxl sees it: encrypted, old .xls under
    an .xlsx name, not a zip, or declaring more cells (or XML) than MAX_WORKBOOK_CELLS (MAX_WORKBOOK_XML_BYTES)."""
    file = path.name
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return Problem.of(file, None, None, None, "file.too_large", mb=size // 2**20, limit=200)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        # Encrypted OOXML is stored in an OLE container with an EncryptedPackage stream; other OLE files
        # under this name are old binary workbooks.
        data = path.read_bytes()
        return Problem.of(file, None, None, None, "xlsx.encrypted" if _ENCRYPTED_STREAM in data else "xlsx.old_format")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return Problem.of(file, None, None, None, "xlsx.unreadable", detail=type(exc).__name__)
    with archive:
        sheets = {s.path: s.name for s in _sheets_from(archive).values()}
        cells = 0
        unpacked = 0
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            sheet = sheets.get(info.filename, info.filename.rsplit("/", 1)[-1])
            unpacked += info.file_size
            if unpacked > MAX_WORKBOOK_XML_BYTES:
                return Problem.of(file, None, None, None, "xlsx.too_large_unpacked", sheet=sheet,
                                  mb=info.file_size // 2**20, limit=MAX_WORKBOOK_XML_BYTES // 2**20)
            ref = _declared_dimension(archive, info)
            if ref is None:
                continue
            cells += _cells_in(ref)
            if cells > MAX_WORKBOOK_CELLS:
                return Problem.of(file, None, None, None, "xlsx.too_many_cells", sheet=sheet, ref=ref,
                                  cells=f"{_cells_in(ref):,}", limit=f"{MAX_WORKBOOK_CELLS:,}")
    return None


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _declared_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """The `<dimension ref="A1:G100"/>` a sheet declares near its start, without reading the rest."""
    try:
        with archive.open(info) as fh:
            head = fh.read(4096)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error):
        return None
    match = _DIMENSION.search(head)
    return match.group(1).decode() if match else None


def _cells_in(ref: str) -> int:
    first, _, last = ref.partition(":")
    if not last:
        return 1
    (c1, r1), (c2, r2) = _coordinate(first), _coordinate(last)
    return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)


def _coordinate(ref: str) -> tuple[int, int]:
    """'AB12' -> (column number, row number), both from 1."""
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    column = 0
    for ch in letters.upper():
        column = column * 26 + (ord(ch) - 64)
    return column, int(digits or 0)


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _sheets(path: Path) -> dict[str, _Sheet]:
    try:
        with zipfile.ZipFile(path) as archive:
            return _sheets_from(archive)
    except (zipfile.BadZipFile, OSError, zlib.error, EOFError):
        return {}


def _sheets_from(archive: zipfile.ZipFile) -> dict[str, _Sheet]:
    """Sheet name -> its XML path and whether it is hidden, from xl/workbook.xml and its relationships."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, zlib.error, EOFError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    out: dict[str, _Sheet] = {}
    for s in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
        target = target.lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        name = s.get("name", "")
        out[name] = _Sheet(name, target, s.get("state", "visible") in ("hidden", "veryHidden"))
    return out


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
_ROW = re.compile(rb"<(?:\w+:)?row\s([^>]*)>")
_ROW_NUMBER = re.compile(rb"\br=\"([0-9]+)\"")
_ROW_HIDDEN = re.compile(rb"\bhidden=\"(?:1|true)\"")


def _sheet_extras(path: Path, sheet_path: str) -> tuple[list[tuple[int, int, int, int]], list[int]]:
    """Merged ranges of a sheet as (first row, last row, first column, last column), from 1, and its hidden rows.

    openpyxl's read-only mode does not load them; merges sit after the cells in the sheet's XML, so the XML
    is streamed through once (a few hundred MB at most, see MAX_WORKBOOK_XML_BYTES).
    """
    out: list[tuple[int, int, int, int]] = []
    hidden: set[int] = set()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(sheet_path) as fh:
            tail = b""
            while chunk := fh.read(1 << 20):
                data = tail + chunk
                for match in _MERGE.finditer(data):
                    first, last = match.group(1).decode().split(":")
                    (c1, r1), (c2, r2) = _coordinate(first), _coordinate(last)
                    out.append((min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)))
                for match in _ROW.finditer(data):
                    attrs = match.group(1)
                    number = _ROW_NUMBER.search(attrs)
                    if number and _ROW_HIDDEN.search(attrs):
                        hidden.add(int(number.group(1)))
                tail = data[-200:]  # a tag cut by the chunk boundary is found whole next time (duplicates dropped)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error):
        return sorted(set(out)), sorted(hidden)
    return sorted(set(out)), sorted(hidden)


def _declared_ref(ws) -> str:
    """The range a read-only sheet's <dimension> declares, as 'A1:G10'."""
    first = f"{_letters(ws.min_column or 1)}{ws.min_row or 1}"
    last = f"{_letters(ws.max_column)}{ws.max_row}"
    return first if first == last else f"{first}:{last}"


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _last_filled(rows: list[list[str]]) -> int:
    """The spreadsheet row of the last row with a filled cell (0 for none)."""
    for i in range(len(rows), 0, -1):
        if any(c.strip() for c in rows[i - 1]):
            return i
    return 0


def _row_list(rows: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown if len(rows) <= limit else f"{shown} … ({len(rows) - limit} more)"


def _sheet_rows(ws) -> tuple[list[list[str]], dict[tuple[int, int], tuple[str, str]], set[tuple[int, int]]]:
    """Every row of a sheet as text cells, plus (row, column) -> (shown, number) for percent-formatted numbers
    and the (row, column) of every number cell."""
    rows: list[list[str]] = []
    percent: dict[tuple[int, int], tuple[str, str]] = {}
    numbers: set[tuple[int, int]] = set()
    for r, row in enumerate(ws.iter_rows(), start=1):
        cells: list[str] = []
        for c, cell in enumerate(row, start=1):
            value = getattr(cell, "value", None)
            if isinstance(value, int | float) and not isinstance(value, bool):
                numbers.add((r, c))
                fmt = getattr(cell, "number_format", "General") or "General"
                if _is_percent_format(fmt):
                    percent[(r, c)] = _percent_texts(value, fmt)
            cells.append(_cell_text(value))
        rows.append(cells)
    return rows, percent, numbers


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold (dates as YYYY-MM-DD, whole floats without .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _is_percent_format(fmt: str) -> bool:
    """A number format that multiplies by 100 and shows %: '0%', '0.0%'; not a literal "%" or \\%."""
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt)
    return "%" in plain


def _percent_texts(value: float | int, fmt: str) -> tuple[str, str]:
    """(the cell as shown, '85%'; the number it stands for in percent, '85'), exact in decimal."""
    try:
        hundred = Decimal(repr(value)) * 100
    except InvalidOperation:
        return f"{value}", f"{value}"
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt.split(";")[0])
    decimals = len(section.split(".", 1)[1].split("%")[0].replace(",", "")) if "." in section else 0
    shown = f"{hundred:.{min(decimals, 10)}f}%"
    number = format(hundred.normalize(), "f")
    return shown, number
