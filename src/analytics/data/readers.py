"""Read a campaign's table files (CSV in UTF-8, UTF-8 with BOM or GB18030; the rows of an .xlsx sheet, which
analytics.data.workbook reads) as text frames.

Nothing here interprets values: every cell comes back as a stripped string (empty = missing), with the
frame's index set to the row number the user sees in a spreadsheet (header = row 1, or the row below a title).
What a workbook shows but a string cannot carry is kept beside the text: percent-formatted cells
(`RawTable.percent`), and cells refused where they are read (`RawTable.refused`: a figure merged over rows, a
number in a date column). Habits read with certainty (a title above the header, blank separator rows, merged
cells in a grouping column, a hidden sheet) become `Note`s.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.data.contract import TABLES, alias_map
from analytics.data.csvfile import Records, Text, read_records, utf8_bytes
from analytics.errors import Note, Problem

__all__ = ["RawTable", "ignored_files", "read_csv", "table_from_rows"]

# Free-text columns people add to spreadsheets; tolerated and dropped.
IGNORED_HEADERS = frozenset({"note", "notes", "remark", "remarks", "备注", "说明"})
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_TITLE_ROWS = 2
# Words that mark a totals row (compared without spaces, case or width: "合 计" and "TOTAL" count).
TOTAL_WORDS = frozenset({"合计", "小计", "总计", "共计", "总合计", "total", "totals", "grandtotal"})


@dataclass
class RawTable:
    """One table as read: text cells indexed by spreadsheet row, plus the header the user typed."""

    name: str
    file: str
    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)  # canonical -> header as written
    # (row, canonical column) -> (as the workbook shows it, "85%"; the number it stands for, "85")
    percent: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)
    # (row, canonical column) -> the problem of a cell refused where it was read; None for the other cells
    # of a refused merged range (reported once, on its first row).
    refused: dict[tuple[int, str], Problem | None] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    header_row: int = 1  # spreadsheet row of the header (below any title lines)
    positions: dict[str, int] = field(default_factory=dict)  # canonical -> column number (A = 1) in the file
    # row -> the file it came from, when one table gathers rows of several files (collecting returned
    # workbooks): notes on habits are then made per file, not once for the whole column.
    row_sources: dict[int, str] | None = None

    def source_of_row(self, row: int) -> str:
        """The file a row came from (the table's own file unless row_sources says otherwise)."""
        return self.file if self.row_sources is None else self.row_sources.get(row, self.file)

    def shown(self, column: str) -> str:
        """Column name as the user wrote it, with the canonical name when they differ."""
        written = self.headers.get(column, column)
        return written if written == column else f"{written} ({column})"


# ---------------------------------------------------------------------------------------------------
# Which files hold the tables, and which are ignored


_OTHER_FORMATS = {".xls": "old Excel (.xls)", ".xlsm": "macro-enabled Excel (.xlsm)", ".xlsb": "binary Excel (.xlsb)",
                  ".ods": "OpenDocument (.ods)", ".et": "WPS (.et)", ".numbers": "Numbers (.numbers)",
                  ".txt": "text (.txt)", ".tsv": "tab-separated (.tsv)"}
# "visits (1).csv", "visits - 副本.csv", "visits copy.csv", "副本visits.csv": a copy saved beside the original.
_COPY_SUFFIX = re.compile(r"^(?:副本\s*[-_ ]*)?(?P<stem>.+?)(?:\s*\(\d+\)|\s*[-_ ]\s*(?:副本|copy|拷贝)(?:\s*\(\d+\))?|\s+copy)$",
                          re.IGNORECASE)


def ignored_files(folder: Path, sources: set[str]) -> tuple[list[Problem], list[Note]]:
    """Files in the folder the program does not read, each named with what to do.

    A file that looks like a table the folder has no other source for (`units.xls` alone, `visits (1).csv`
    without visits.csv) is a problem: its rows would be missing without a word. Beside the real source it is a
    note (an old copy). `sources` holds the tables that have a CSV file or a sheet.
    """
    problems: list[Problem] = []
    notes: list[Note] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        name, suffix = path.name, path.suffix.lower()
        if name.startswith("~$"):
            notes.append(Note.of(name, None, None, None, "file.excel_lock", book=name[2:]))
            continue
        stem = path.stem.strip()
        table = stem.lower() if stem.lower() in TABLES else None
        if suffix == ".csv" and table is None:
            match = _COPY_SUFFIX.match(stem)
            copied = match.group("stem").strip().lower() if match else None
            if copied in TABLES:
                expected = f"{copied}.csv"
                if copied in sources:
                    notes.append(Note.of(name, None, None, None, "file.ignored_copy", expected=expected, table=copied))
                else:
                    problems.append(Problem.of(name, None, None, None, "file.copy_only_source", expected=expected,
                                               table=copied))
            continue
        if suffix not in _OTHER_FORMATS:
            continue
        kind = _OTHER_FORMATS[suffix]
        if table is not None and table not in sources:
            code = "file.old_excel_only_source" if suffix == ".xls" else "file.other_format_only_source"
            problems.append(Problem.of(name, None, None, None, code, table=table, kind=kind))
        elif suffix == ".xls":
            notes.append(Note.of(name, None, None, None, "file.ignored_old_excel"))
        elif table is not None or suffix not in (".txt", ".tsv"):
            notes.append(Note.of(name, None, None, None, "file.ignored_other_format", kind=kind))
    return problems, notes


# ---------------------------------------------------------------------------------------------------
# CSV


def read_csv(path: Path, table: str) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV table; structural problems (encoding, empty, ragged rows, headers) are returned.

    The cells are read into Arrow text columns (analytics.data.csvfile), never one Python object per cell.
    """
    file = path.name
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, [Problem.of(file, None, None, None, "file.too_large", mb=size // 2**20, limit=200)]
    if size == 0:
        return None, [Problem.of(file, None, None, None, "file.empty")]
    data, problem = utf8_bytes(path.read_bytes(), file)
    if problem:
        return None, [problem]
    source = Text(data)
    del data  # the reader lets go of the bytes once it has the columns
    found = read_records(source, file, (lambda rows: _header_row(rows, table), lambda row: len(_header_cells(row))))
    del source
    if isinstance(found, Problem):
        return None, [found]
    separator = _wrong_separator([found.first])
    if separator:
        return None, [Problem.of(file, 1, None, None, "csv.separator", separator=separator)]
    return _from_records(found, table, file)


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


# ---------------------------------------------------------------------------------------------------
# Rows -> RawTable


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _clean_header(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().strip("\ufeff").strip()


def _header_row(rows: list[list[str]], table: str) -> int:
    """Index of the header row: 0, or the row below up to two title lines (one filled cell that is not a
    column name, or blank) when that row holds more known column names than the first."""
    aliases = alias_map(table)

    def known(row: list[str]) -> int:
        return sum(1 for c in row if (h := _clean_header(c)) and (h in aliases or h.lower() in aliases))

    first = known(rows[0]) if rows else 0
    for i in range(min(MAX_TITLE_ROWS, len(rows) - 1)):
        filled = [c for c in rows[i] if c.strip()]
        if len(filled) > 1 or (filled and known(rows[i])):
            return 0
        below = rows[i + 1]
        if known(below) > first and known(below) >= 2:
            return i + 1
    return 0


def _header_cells(row: list[str]) -> list[str]:
    """The header record's cells as column names: cleaned, without trailing empty cells (spreadsheets often
    export them; they are not columns)."""
    header = [_clean_header(h) for h in row]
    while header and not header[-1]:
        header.pop()
    return header


def _map_header(header: list[str], table: str, file: str, header_row: int,
                column_empty: Callable[[int], bool]) -> tuple[list[str | None], dict[str, str], list[Problem]]:
    """Canonical column per header position (None: not read), the headers as written, and the header's problems.

    `column_empty(i)` says whether the body has nothing in position i (0-based): an unnamed empty column is
    not a column at all.
    """
    problems: list[Problem] = []
    aliases = alias_map(table)
    canonical: list[str | None] = []
    headers: dict[str, str] = {}
    unknown: list[str] = []
    for position, written in enumerate(header, start=1):
        name = aliases.get(written) or aliases.get(written.lower())
        if name is None:
            empty_column = not written and column_empty(position - 1)
            if written.lower() not in IGNORED_HEADERS and not empty_column:
                unknown.append(written or _empty_header(position))
            canonical.append(None)
            continue
        if name in headers:
            problems.append(Problem.of(file, header_row, written, None, "table.repeated_column", name=name,
                                       other=headers[name]))
            canonical.append(None)
            continue
        headers[name] = written
        canonical.append(name)
    for col in TABLES[table]:
        if col.required and col.name not in headers:
            if unknown:
                problems.append(Problem.of(file, header_row, col.name, None, "table.missing_column_hint",
                                           name=col.name, alias=col.alias, unknown=", ".join(unknown)))
            else:
                problems.append(Problem.of(file, header_row, col.name, None, "table.missing_column", name=col.name,
                                           alias=col.alias))
    for written in unknown:
        problems.append(Problem.of(file, header_row, written, None, "table.unknown_column"))
    return canonical, headers, problems


def _title_note(rows: list[list[str]], top: int, file: str) -> Note:
    title = " ".join(c.strip() for r in rows[:top] for c in r if c.strip())
    return Note.of(file, 1, None, None, "table.title_rows", count=top, header=top + 1, title=title)


def _from_records(records: Records, table: str, file: str) -> tuple[RawTable | None, list[Problem]]:
    """A CSV table from its records (analytics.data.csvfile): text columns backed by Arrow."""
    rows, top = records.head, records.top
    if not rows or not any(c.strip() for c in rows[top]):
        return None, [Problem.of(file, 1 if rows else None, None, None, "table.no_header")]
    notes = [_title_note(rows, top, file)] if top else []
    header = _header_cells(rows[top])
    first_row = top + 2
    body = records.body
    canonical, headers, problems = _map_header(header, table, file, top + 1,
                                               lambda i: bool(pc.all(pc.equal(body[i], ""), min_count=0).as_py()))
    problems = [*records.ragged, *problems]
    keep = [(i, name) for i, name in enumerate(canonical) if name is not None]
    index = pd.RangeIndex(first_row, first_row + records.rows)
    if keep:
        frame = pa.table([body[i] for i, _ in keep], names=[name for _, name in keep]).to_pandas()
        frame.index = index
    else:
        frame = pd.DataFrame(index=index, dtype=object)
    raw = RawTable(table, file, frame, headers, notes=notes, header_row=top + 1,
                   positions={name: i + 1 for i, name in keep})
    if keep:
        blank = np.ones(records.rows, dtype=bool)
        for i, _ in keep:
            blank &= pc.equal(body[i], "").to_numpy(zero_copy_only=False)
        if blank.any():
            rows_blank = index[blank]
            notes.append(Note.of(file, int(rows_blank[0]), None, None, "table.blank_rows", count=len(rows_blank)))
            raw.frame = frame[~blank]
    else:
        raw.frame = frame.iloc[:0]
    if raw.frame.empty and not problems:
        problems.append(Problem.of(file, None, None, None, "table.no_rows"))
    return raw, problems


def table_from_rows(rows: list[list[str]], table: str, file: str,
                    merges: list[tuple[int, int, int, int]] | None = None,
                    percent_formats: dict[tuple[int, int], tuple[str, str]] | None = None,
                    numeric_cells: set[tuple[int, int]] | None = None) -> tuple[RawTable | None, list]:
    """A workbook sheet's table from its rows (cells of any type; None = empty), with merged ranges, percent
    formats and numbers in date columns as the sheet holds them."""
    notes: list[Note] = []
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    top = _header_row(rows, table) if rows else 0
    if not rows or not any(c.strip() for c in rows[top]):
        return None, [Problem.of(file, 1 if rows else None, None, None, "table.no_header")]
    if top:
        notes.append(_title_note(rows, top, file))
    header = _header_cells(rows[top])
    first_row = top + 2  # spreadsheet row of the first data row
    body = rows[top + 1:]
    canonical, headers, problems = _map_header(
        header, table, file, top + 1,
        lambda i: not any(i < len(r) and r[i].strip() for r in body))
    keep = [(i, name) for i, name in enumerate(canonical) if name is not None]
    data = {name: _column(body, i) for i, name in keep}
    frame = pd.DataFrame(data, index=pd.RangeIndex(first_row, first_row + len(body)), dtype=object)
    by_position = {i + 1: name for i, name in keep}
    raw = RawTable(table, file, frame, headers, notes=notes, header_row=top + 1,
                   positions={name: position for position, name in by_position.items()})
    if merges:
        problems.extend(_apply_merges(raw, merges, by_position, top + 1))
    if percent_formats:
        for (r, c), texts in percent_formats.items():
            name = by_position.get(c)
            if name is not None and r >= first_row:
                raw.percent[(r, name)] = texts
    if numeric_cells:
        dates = {c: name for c, name in by_position.items() if _dtype(table, name) == "date"}
        for r, c in sorted(numeric_cells):
            name = dates.get(c)
            if name is not None and r >= first_row and (r, name) not in raw.refused:
                raw.refused[(r, name)] = Problem.of(file, r, raw.shown(name), raw.frame.at[r, name],
                                                    "xlsx.date_is_number")
    blank = raw.frame.eq("").all(axis=1) if len(raw.frame.columns) else pd.Series(True, index=raw.frame.index)
    if blank.any() and len(raw.frame.columns):
        rows_blank = [int(r) for r in raw.frame.index[blank]]
        notes.append(Note.of(file, rows_blank[0], None, None, "table.blank_rows", count=len(rows_blank)))
    raw.frame = raw.frame[~blank]
    if raw.frame.empty and not problems:
        problems.append(Problem.of(file, None, None, None, "table.no_rows"))
    return raw, problems


def _empty_header(position: int) -> str:
    from analytics.text.labels import message

    return message("table.empty_header", "en", position=position)


# Columns whose value, merged over rows, is read as filling each row (as the workbook shows it): the ones that
# group rows. Figures are never filled: each row needs its own. Values that must differ per row never either.
_UNIQUE_COLUMNS = {("units", "unit_id"), ("surveys", "survey_id"), ("commitments", "commitment_id")}


def _dtype(table: str, column: str) -> str:
    return next((c.dtype for c in TABLES[table] if c.name == column), "text")


def _merge_rule(table: str, column: str) -> str:
    """'fill', 'figure' or 'unique' for a column merged over rows."""
    if (table, column) in _UNIQUE_COLUMNS:
        return "unique"
    return "figure" if _dtype(table, column) in ("int", "number") else "fill"


def _apply_merges(raw: RawTable, merges: list[tuple[int, int, int, int]], by_position: dict[int, str],
                  header_row: int) -> list[Problem]:
    """Fill grouping columns merged over rows; refuse merged figures, merged unique values and merges across
    columns, each once with its range named."""
    problems: list[Problem] = []
    frame = raw.frame
    for r1, r2, c1, c2 in merges:
        ref = f"{_column_letters(c1)}{r1}:{_column_letters(c2)}{r2}"
        if r2 < header_row:
            continue  # a title above the header, merged across the columns
        columns = [by_position[c] for c in range(c1, c2 + 1) if c in by_position]
        if r1 <= header_row:
            if c2 > c1 or r2 > r1:
                problems.append(Problem.of(raw.file, header_row, None, ref, "xlsx.merged_header", range=ref))
                for r in range(header_row + 1, r2 + 1):
                    for c in columns:
                        raw.refused.setdefault((r, c), None)  # emptied by the merge: said once, above
            continue
        if not columns:
            continue  # a merge in a column that is not read (a note column)
        if c2 > c1 and r1 in frame.index and _is_total_word(frame.at[r1, columns[0]]):
            continue  # "合计" merged across the first columns of a totals row: habits.drop_totals_row reads it
        if c2 > c1:
            shown = ", ".join(raw.shown(c) for c in columns)
            problems.append(Problem.of(raw.file, r1, shown, ref, "xlsx.merged_across_columns", range=ref,
                                       columns=shown))
            for r in range(r1, r2 + 1):
                for c in columns:
                    raw.refused.setdefault((r, c), None)
            continue
        column = columns[0]
        rule = _merge_rule(raw.name, column)
        value = frame.at[r1, column] if r1 in frame.index else ""
        if rule == "fill":
            if value == "":
                continue
            for r in range(r1 + 1, r2 + 1):
                if r in frame.index:
                    frame.at[r, column] = value
            raw.notes.append(Note.of(raw.file, r1, raw.shown(column), None, "xlsx.merged_filled", range=ref,
                                     text=value, first=r1, last=r2))
            continue
        if rule == "unique":
            # The first row keeps the value it shows; the rows merged under it are reported once, here.
            problems.append(Problem.of(raw.file, r1, raw.shown(column), value or None, "xlsx.merged_unique_column",
                                       range=ref, first=r1, last=r2))
            for r in range(r1 + 1, r2 + 1):
                raw.refused.setdefault((r, column), None)
            continue
        # A figure merged over rows: one figure for all of them, or each row's? Not guessed.
        raw.refused[(r1, column)] = Problem.of(raw.file, r1, raw.shown(column), value or None,
                                               "xlsx.merged_value_column", range=ref, first=r1, last=r2)
        for r in range(r1 + 1, r2 + 1):
            raw.refused.setdefault((r, column), None)
    return problems


def _is_total_word(value: object) -> bool:
    return unicodedata.normalize("NFKC", str(value)).replace(" ", "").strip().casefold() in TOTAL_WORDS


def _column(body: list[list[str]], i: int) -> list[str]:
    """Cells of column i, stripped, "" for missing (a short row)."""
    try:
        cells = [r[i] for r in body]
        return [v.strip() for v in cells]
    except (IndexError, AttributeError):  # a short row, or a cell that is not text: the careful path
        return [_cell(r, i) for r in body]


def _cell(row: list[str], i: int) -> str:
    if i >= len(row):
        return ""
    value = row[i]
    return "" if value is None else str(value).strip()
