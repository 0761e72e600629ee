"""Read a campaign's table files (CSV in UTF-8, UTF-8 with BOM or GB18030, or one .xlsx) as text frames.

Nothing here interprets values: every cell comes back as a stripped string (empty = missing), with the
frame's index set to the row number the user sees in a spreadsheet (header = row 1).
"""

from __future__ import annotations

import csv
import gc
import io
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analytics.data.contract import ENCODINGS, TABLES, alias_map
from analytics.errors import Problem

# Free-text columns people add to spreadsheets; tolerated and dropped.
IGNORED_HEADERS = frozenset({"note", "notes", "remark", "remarks", "备注", "说明"})
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class RawTable:
    """One table as read: text cells indexed by spreadsheet row, plus the header the user typed."""

    name: str
    file: str
    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)  # canonical -> header as written

    def shown(self, column: str) -> str:
        """Column name as the user wrote it, with the canonical name when they differ."""
        written = self.headers.get(column, column)
        return written if written == column else f"{written} ({column})"


def table_sources(folder: Path) -> tuple[dict[str, Path], Path | None, list[Problem]]:
    """Map table name -> CSV path, plus the workbook if there is one; problems for contradictions."""
    problems: list[Problem] = []
    csvs: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() == ".csv" and path.stem.lower() in TABLES:
            if path.stem.lower() in csvs:
                problems.append(Problem(path.name, None, None, None, f"a second file for table {path.stem}"))
            csvs[path.stem.lower()] = path
    books = sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith("~$")
    )
    if len(books) > 1:
        names = ", ".join(b.name for b in books)
        problems.append(Problem(folder.name, None, None, names, "more than one .xlsx workbook; keep one"))
    return csvs, (books[0] if books else None), problems


def decode(data: bytes, file: str) -> tuple[str | None, Problem | None]:
    """Text of a CSV file in one of the accepted encodings, detected rather than chosen by the user."""
    nul = False
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, None
        nul = True  # UTF-16 without a BOM (or binary) can pass as UTF-8: its NUL bytes give it away
    hint = " (it holds NUL bytes, as UTF-16 does)" if nul else ""
    return None, Problem(file, None, None, None, f"is not text in UTF-8 or GB18030{hint}; save it as CSV UTF-8")


def read_csv(path: Path, table: str) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV table; structural problems (encoding, empty, ragged rows, headers) are returned."""
    file = path.name
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, [Problem(file, None, None, None, f"is {size // 2**20} MB; the limit is 200 MB")]
    if size == 0:
        return None, [Problem(file, None, None, None, "is empty: it needs a header row and data rows")]
    text, problem = decode(path.read_bytes(), file)
    if problem:
        return None, [problem]
    try:
        with _collector_paused():
            rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # e.g. a cell over the field size limit: usually a quote that is never closed
        return None, [Problem(file, _failing_row(text), None, None, f"is not well-formed CSV from this row on ({exc}); "
                              'check for a quote (") that is not closed')]
    separator = _wrong_separator(rows)
    if separator:
        return None, [Problem(file, 1, None, None, f"is separated by {separator}, not commas; save it as CSV (comma-separated)")]
    with _collector_paused():
        return _from_rows(rows, table, file, ragged_check=True)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cycle collector while millions of cell strings are made: rows of text hold no cycles, and
    the collector's repeated passes over them took half the parse time of a 50 MB file."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _failing_row(text: str) -> int:
    """Spreadsheet row of the record the csv module refuses (records, not lines: cells may hold line breaks)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    row = 1
    try:
        for _ in reader:
            row += 1
    except csv.Error:
        pass
    return row


def _wrong_separator(rows: list[list[str]]) -> str | None:
    """The separator of a file whose whole header landed in one cell (saved with ; or tabs), else None."""
    cells = [c for c in rows[0] if c.strip()] if rows else []
    if len(cells) != 1:
        return None
    header = cells[0]
    for separator, shown in ((";", "semicolons"), ("\t", "tabs"), ("；", "semicolons")):
        if separator in header:
            return shown
    return None


def read_workbook(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read every table sheet of an .xlsx workbook; unknown sheets are reported."""
    file = path.name
    try:
        book = pd.read_excel(path, sheet_name=None, dtype=str, header=None, keep_default_na=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        return {}, [Problem(file, None, None, None, f"cannot be read as an .xlsx workbook ({type(exc).__name__})")]
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for sheet, frame in book.items():
        name = str(sheet).strip().lower()
        if name not in TABLES:
            problems.append(
                Problem(file, None, None, str(sheet), f"sheet is not a table name; use one of: {', '.join(TABLES)}")
            )
            continue
        rows = frame.astype(str).values.tolist()
        table, found = _from_rows(rows, name, f"{file} [{sheet}]", ragged_check=False)
        problems.extend(found)
        if table is not None:
            tables[name] = table
    return tables, problems


def _clean_header(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().strip("\ufeff").strip()


def _from_rows(rows: list[list[str]], table: str, file: str, ragged_check: bool) -> tuple[RawTable | None, list]:
    problems: list[Problem] = []
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows or not any(c.strip() for c in rows[0]):
        return None, [Problem(file, 1 if rows else None, None, None, "has no header row")]
    header = [_clean_header(h) for h in rows[0]]
    # Trailing empty header cells (spreadsheets often export them) are not columns.
    while header and not header[-1]:
        header.pop()
    width = len(header)
    body = rows[1:]
    if ragged_check:
        for i, row in enumerate(body, start=2):
            cells = len(row)
            if cells == width:
                continue
            extra = row[width:]
            if cells > width and any(c.strip() for c in extra):
                problems.append(Problem(file, i, None, None, f"has {cells} cells but the header has {width}"))
            elif 0 < cells < width and any(c.strip() for c in row):
                # A line break inside a cell of a short row: a quote opened there swallowed the rows after it.
                hint = '; a quote (") in it is not closed' if any("\n" in c for c in row) else ""
                problems.append(Problem(file, i, None, None, f"has {cells} cells but the header has {width}{hint}"))
    aliases = alias_map(table)
    canonical: list[str | None] = []
    headers: dict[str, str] = {}
    unknown: list[str] = []
    for position, written in enumerate(header, start=1):
        name = aliases.get(written) or aliases.get(written.lower())
        if name is None:
            if written.lower() not in IGNORED_HEADERS:
                unknown.append(written or f"(empty header in position {position})")
            canonical.append(None)
            continue
        if name in headers:
            problems.append(Problem(file, 1, written, None, f"repeats column {name} (also given as {headers[name]})"))
            canonical.append(None)
            continue
        headers[name] = written
        canonical.append(name)
    for col in TABLES[table]:
        if col.required and col.name not in headers:
            hint = f"; unrecognised headers: {', '.join(unknown)}" if unknown else ""
            problems.append(Problem(file, 1, col.name, None, f"missing column {col.name} (or {col.alias}){hint}"))
    for written in unknown:
        problems.append(Problem(file, 1, written, None, "is not a column of this table; fix its spelling or remove it"))
    keep = [(i, name) for i, name in enumerate(canonical) if name is not None]
    data = {name: _column(body, i) for i, name in keep}
    frame = pd.DataFrame(data, index=pd.RangeIndex(2, 2 + len(body)), dtype=object)
    blank = frame.eq("").all(axis=1) if len(frame.columns) else pd.Series(True, index=frame.index)
    frame = frame[~blank]
    if frame.empty and not problems:
        problems.append(Problem(file, None, None, None, "has a header but no data rows"))
    return RawTable(table, file, frame, headers), problems


def _column(body: list[list[str]], i: int) -> list[str]:
    """Cells of column i, stripped, "" for missing (a short row, or "nan" from a workbook's empty cell)."""
    try:
        cells = [r[i] for r in body]
        return ["" if v == "nan" else v.strip() for v in cells]
    except (IndexError, AttributeError):  # a short row, or a cell that is not text: the careful path
        return [_cell(r, i) for r in body]


def _cell(row: list[str], i: int) -> str:
    if i >= len(row):
        return ""
    value = row[i]
    return "" if value is None or value == "nan" else str(value).strip()
