"""Returned files: found in RETURNED_DIR, read by the data layer's readers, matched to the office they belong to.

What counts as one return:
- an `.xlsx` workbook (a template filled in, or any workbook with table sheets);
- a CSV file named after its table (`visits.csv`, `城关镇-visits.csv`, `WS-T01_surveys.csv`);
- a folder holding table files as a campaign folder does (`城关镇/visits.csv`, `城关镇/surveys.csv`).

A return belongs to the office its marker names (a template's hidden marker sheet), else to the one office
whose units its rows name: the child of the root above them (the level templates are written for by
default). Two returns for one office, or for offices one of which holds the other, are refused, each naming
the other: which one is newer is not guessed.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from analytics.data.campaign import Campaign
from analytics.data.contract import TABLES, table_of_sheet
from analytics.data.habits import drop_totals_row
from analytics.data.marker import TEMPLATE_VERSION, TemplateMarker
from analytics.data.readers import RawTable, read_csv
from analytics.data.sources import table_sources
from analytics.data.workbook import read_workbook_with_marker
from analytics.errors import Note, Problem
from analytics.text.language import is_language

# Problems on a workbook as a whole that leave nothing to read; others (an extra sheet) are said and the
# tables are still read.
_FATAL_BOOK_CODES = {"xlsx.unreadable", "xlsx.encrypted", "xlsx.old_format", "xlsx.too_many_cells",
                     "xlsx.too_large_unpacked", "file.too_large", "file.two_workbooks"}
_OTHER_FORMATS = {".xls": "old Excel (.xls)", ".xlsm": "macro-enabled Excel (.xlsm)", ".xlsb": "binary Excel (.xlsb)",
                  ".ods": "OpenDocument (.ods)", ".et": "WPS (.et)", ".numbers": "Numbers (.numbers)"}
# "This table is now empty": a sheet or CSV file whose only data row holds one of these in one cell (any
# column, so that it can be typed in a template where the first column takes only listed values) and nothing
# else. A header-only table is a table not returned (its office keeps the campaign's rows); this marker is
# how an office says it has no rows of the table any more. Compared after NFKC, case-insensitively: "（无）"
# is "(无)", "(NONE)" is "(none)".
EMPTY_MARKERS = ("(none)", "(无)")
_CSV_TABLE = re.compile(r"(?:^|[-_ .])(" + "|".join(TABLES) + r")$", re.IGNORECASE)


@dataclass
class Returned:
    """One returned file (or folder of table files): its tables as read, and whose it is."""

    path: Path
    name: str  # relative to RETURNED_DIR, as the summary names it
    kind: str  # "xlsx", "csv" or "folder"
    raws: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # located in this file, as its office sees them
    notes: list[Note] = field(default_factory=list)
    marker: TemplateMarker | None = None
    office: str | None = None
    matched_by: str = ""  # "marker" or "units"
    refused: bool = False  # nothing of it is merged: unreadable, no office, or a second file for one office
    # table -> the problems that stop it being read (a header that cannot be read, a sheet that breaks):
    # its office keeps the campaign's rows of that table.
    unreadable: dict[str, list[Problem]] = field(default_factory=dict)
    totals_refused: dict[str, int] = field(default_factory=dict)  # table -> totals rows refused (rows left out)
    emptied: set[str] = field(default_factory=set)  # tables marked "now empty" (EMPTY_MARKERS): base rows removed
    empty_units: list[str] = field(default_factory=list)  # units named on "now empty" rows (whose file it is)

    @property
    def language(self) -> str:
        return self.marker.language if self.marker and is_language(self.marker.language) else ""


def find_returns(folder: Path) -> tuple[list[Returned], list[Note]]:
    """Every return in the folder, read (not yet matched), in name order; notes for files left unread."""
    returns: list[Returned] = []
    notes: list[Note] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        name = path.name
        if name.startswith("."):
            notes.append(Note.of(name, None, None, None, "collect.hidden_file"))
            continue
        if name.startswith("~$"):
            notes.append(Note.of(name, None, None, None, "file.excel_lock", book=name[2:]))
            continue
        suffix = path.suffix.lower()
        if path.is_symlink() and not path.exists():
            ret = Returned(path, name, "other", refused=True)
            ret.problems.append(Problem.of(name, None, None, None, "collect.dangling_link",
                                           target=str(path.readlink())))
            returns.append(ret)
        elif path.is_dir():
            returns.append(_guarded(path, name + "/", "folder", _read_folder))
        elif suffix == ".xlsx":
            returns.append(_guarded(path, name, "xlsx", _read_book))
        elif suffix == ".csv":
            returns.append(_read_loose_csv(path))
        elif suffix in _OTHER_FORMATS:
            ret = Returned(path, name, "other", refused=True)
            ret.problems.append(Problem.of(name, None, None, None, "collect.other_format", kind=_OTHER_FORMATS[suffix]))
            returns.append(ret)
        else:
            notes.append(Note.of(name, None, None, None, "collect.ignored_file"))
    for ret in returns:
        if not ret.refused:
            _drop_totals(ret)
            _empty_markers(ret)
    return returns, notes


def _is_empty_marker(row) -> bool:
    """One cell holds a marker; the others are empty, but for the unit_id cell (which may say whose it is)."""
    filled = [str(v).strip() for c, v in row.items() if c != "unit_id" and isinstance(v, str) and v.strip()]
    return len(filled) == 1 and unicodedata.normalize("NFKC", filled[0]).casefold() in EMPTY_MARKERS


def _empty_markers(ret: Returned) -> None:
    """A table whose only row is the "now empty" marker: no rows, and its office's campaign rows removed. The
    marker beside other rows is a problem on its row (which of the two was meant is not guessed)."""
    for name, raw in ret.raws.items():
        if name == "units":
            continue
        marked = [int(r) for r in raw.frame.index if _is_empty_marker(raw.frame.loc[r])]
        if not marked:
            continue
        if len(raw.frame) == 1:
            if "unit_id" in raw.frame.columns and str(raw.frame["unit_id"].iloc[0]).strip():
                ret.empty_units.append(str(raw.frame["unit_id"].iloc[0]).strip())
            raw.frame = raw.frame.iloc[0:0]
            ret.emptied.add(name)
        else:
            ret.problems.extend(Problem.of(raw.file, row, None, None, "collect.empty_marker_not_alone",
                                           marker=EMPTY_MARKERS[0]) for row in marked)


def _guarded(path: Path, name: str, kind: str, read) -> Returned:
    """read(path), or, when a workbook inside breaks while it is unpacked (a damaged deflate stream, a zip
    that ends early), the file refused as a whole with one problem naming it: the other files are merged."""
    try:
        return read(path)
    except (zlib.error, zipfile.BadZipFile, EOFError) as exc:
        ret = Returned(path, name, kind, refused=True)
        ret.problems.append(Problem.of(name, None, None, None, "xlsx.unreadable",
                                       detail=f"{type(exc).__name__}: {exc}"))
        return ret


def _read_book(path: Path) -> Returned:
    tables, problems, notes, marker = read_workbook_with_marker(path)
    ret = Returned(path, path.name, "xlsx", marker=marker)
    ret.notes.extend(n for n in notes if n.code != "xlsx.template_sheets")  # expected of a template: not news
    _take_tables(ret, tables, problems, book=path.name)
    return ret


def _read_loose_csv(path: Path) -> Returned:
    ret = Returned(path, path.name, "csv")
    match = _CSV_TABLE.search(unicodedata.normalize("NFKC", path.stem).strip())
    if match is None:
        ret.refused = True
        ret.problems.append(Problem.of(path.name, None, None, None, "collect.csv_no_table",
                                       example=f"{path.stem}-visits.csv"))
        return ret
    table = match.group(1).lower()
    raw, problems = read_csv(path, table)
    _take_tables(ret, {table: raw} if raw is not None else {}, problems, csv_tables={path.name: table})
    return ret


def _read_folder(folder: Path) -> Returned:
    ret = Returned(folder, folder.name + "/", "folder")
    csvs, book, problems = table_sources(folder)
    tables: dict[str, RawTable] = {}
    found: list[Problem] = list(problems)
    if book is not None:
        sheets, book_problems, notes, marker = read_workbook_with_marker(book)
        ret.marker = marker
        ret.notes.extend(n for n in notes if n.code != "xlsx.template_sheets")
        found.extend(book_problems)
        tables.update(sheets)
    for table, path in csvs.items():
        raw, csv_problems = read_csv(path, table)
        found.extend(csv_problems)
        if table in tables:
            found.append(Problem.of(path.name, None, None, None, "file.table_also_sheet", table=table, book=book.name))
        elif raw is not None:
            tables[table] = raw
    if not tables and not found:
        found.append(Problem.of(folder.name, None, None, None, "collect.no_tables"))
    _take_tables(ret, tables, found, book=book.name if book is not None else None,
                 csv_tables={p.name: t for t, p in csvs.items()})
    # Files of a folder are named with the folder, so that the summary says where each one is.
    prefix = folder.name + "/"
    for raw in ret.raws.values():
        raw.file = prefix + raw.file
        raw.notes = [_prefixed(n, prefix) for n in raw.notes]
    ret.problems = [_prefixed(p, prefix) for p in ret.problems]
    ret.unreadable = {t: [_prefixed(p, prefix) for p in ps] for t, ps in ret.unreadable.items()}
    ret.notes = [_prefixed(n, prefix) for n in ret.notes]
    return ret


def _prefixed(found, prefix: str):
    if found.code:
        return type(found).of(prefix + found.file, found.row, found.column, found.value, found.code, **found.params)
    return type(found)(prefix + found.file, found.row, found.column, found.value, found.rule)


def _take_tables(ret: Returned, tables: dict[str, RawTable], problems: list[Problem], book: str | None = None,
                 csv_tables: dict[str, str] | None = None) -> None:
    """Sort reading problems: fatal for the whole file, fatal for one table (its header or sheet), or about a
    row. A header-only table is a table not returned (as in a template: analytics.data.workbook), so its
    office keeps the campaign's rows of it, with a note; an empty sheet never wipes an office's rows."""
    files = {raw.file: name for name, raw in tables.items()}
    tables = dict(tables)
    for problem in problems:
        table = files.get(problem.file) or _sheet_table(problem.file, book) or (csv_tables or {}).get(problem.file)
        if problem.code == "table.no_rows" and table in tables:
            del tables[table]
            continue
        if problem.file == book and problem.code in _FATAL_BOOK_CODES:
            ret.refused = True
            ret.problems.append(problem)
        elif table is not None and (problem.row is None or table not in tables
                                    or problem.row <= tables[table].header_row):
            ret.unreadable.setdefault(table, []).append(problem)
            ret.problems.append(problem)
        else:
            ret.problems.append(problem)
    ret.raws = dict(tables)
    for raw in ret.raws.values():
        ret.notes.extend(raw.notes)


def _sheet_table(file: str, book: str | None) -> str | None:
    """The table of a problem located on "book.xlsx [Sheet]"."""
    if book is None or not (file.startswith(book + " [") and file.endswith("]")):
        return None
    return table_of_sheet(file[len(book) + 2:-1])


def _drop_totals(ret: Returned) -> None:
    """A totals row at the bottom: dropped with a note when it is the sums, refused otherwise (the data
    layer's rule, per file, since only a file knows its last row)."""
    for name, raw in ret.raws.items():
        before = len(raw.notes)
        found = drop_totals_row(raw)
        ret.problems.extend(found)
        if found:
            ret.totals_refused[name] = len(found)
        ret.notes.extend(raw.notes[before:])


# --- whose is it ---------------------------------------------------------------------------------------


def match_offices(returns: list[Returned], campaign: Campaign) -> None:
    """Set each return's office (by marker, else by its units); refuse those whose office cannot be told,
    and every return of an office that has more than one (or whose office holds another's)."""
    h = campaign.hierarchy
    for ret in returns:
        if ret.refused:
            continue
        marker = ret.marker
        if marker is not None and marker.office:
            problem = _marker_problem(ret, marker, campaign)
            if problem is not None:
                ret.refused = True
                ret.problems.append(problem)
                continue
            ret.office, ret.matched_by = marker.office, "marker"
            misfiled = _misfiled(ret, h)
            if misfiled is not None:
                ret.refused = True
                ret.problems.append(misfiled)
            continue
        offices: dict[str, int] = {}
        for name, raw in ret.raws.items():
            if name == "units" and len(ret.raws) > 1:
                continue  # the rows say whose the file is; a units sheet copied whole would say "everyone's"
            if "unit_id" in raw.frame.columns:
                for unit in raw.frame["unit_id"]:
                    if unit in h.parent:
                        office = _office_level(unit, h)
                        offices[office] = offices.get(office, 0) + 1
        for unit in ret.empty_units:
            if unit in h.parent:
                offices[_office_level(unit, h)] = offices.get(_office_level(unit, h), 0) + 1
        if len(offices) == 1:
            ret.office, ret.matched_by = next(iter(offices)), "units"
        elif not offices:
            ret.refused = True
            ret.problems.append(Problem.of(ret.name, None, None, None, "collect.office_none"))
        else:
            listed = ", ".join(f"{o} {h.name.get(o, '')} ({n})" for o, n in sorted(offices.items(),
                                                                                 key=lambda kv: (-kv[1], kv[0])))
            ret.refused = True
            ret.problems.append(Problem.of(ret.name, None, None, None, "collect.office_ambiguous", offices=listed))
    _refuse_conflicts(returns, campaign)


def _misfiled(ret: Returned, h) -> Problem | None:
    """A template none of whose rows (that name a unit of the campaign) lies in its marked office's subtree was
    filled in by another office: merging it would replace the marked office's rows with rows it refuses."""
    subtree = set(h.descendants(ret.office))
    offices: dict[str, int] = {}
    for name, raw in ret.raws.items():
        if name == "units" or "unit_id" not in raw.frame.columns:
            continue
        for unit in raw.frame["unit_id"]:
            unit = str(unit).strip()
            if unit in subtree:
                return None
            if unit in h.parent:
                office = _office_level(unit, h)
                offices[office] = offices.get(office, 0) + 1
    if not offices:
        return None
    listed = ", ".join(f"{h.name.get(o, o)} ({o})" for o, _n in sorted(offices.items(), key=lambda kv: (-kv[1], kv[0])))
    return Problem.of(ret.name, None, None, None, "collect.misfiled", office=ret.office,
                      office_name=h.name.get(ret.office, ret.office), owners=listed)


def _office_level(unit: str, h) -> str:
    """The child of a root at or above a unit (a root itself for a root)."""
    chain = h.ancestors(unit)
    return unit if len(chain) == 0 else (chain[1] if len(chain) > 1 else unit)


def _marker_problem(ret: Returned, marker: TemplateMarker, campaign: Campaign) -> Problem | None:
    if marker.version > TEMPLATE_VERSION or marker.version < 1:
        return Problem.of(ret.name, None, None, None, "collect.template_version", version=marker.version,
                          known=TEMPLATE_VERSION)
    if marker.campaign != campaign.meta.id:
        return Problem.of(ret.name, None, None, marker.campaign, "collect.other_campaign", marked=marker.campaign,
                          campaign=campaign.meta.id)
    if marker.office not in campaign.hierarchy.parent:
        return Problem.of(ret.name, None, None, marker.office, "collect.unknown_office", office=marker.office)
    return None


def _refuse_conflicts(returns: list[Returned], campaign: Campaign) -> None:
    h = campaign.hierarchy
    matched = [r for r in returns if not r.refused and r.office is not None]
    clashes: dict[int, list[Returned]] = {}
    for i, a in enumerate(matched):
        above_a = {a.office, *h.ancestors(a.office)}
        for b in matched[i + 1:]:
            if b.office in above_a or a.office in h.ancestors(b.office):
                clashes.setdefault(id(a), []).append(b)
                clashes.setdefault(id(b), []).append(a)
    for ret in matched:
        others = clashes.get(id(ret))
        if not others:
            continue
        ret.refused = True
        for other in others:
            code = "collect.same_office" if other.office == ret.office else "collect.overlapping_office"
            ret.problems.append(Problem.of(ret.name, None, None, None, code, office=ret.office,
                                           office_name=h.name.get(ret.office, ""), other=other.name,
                                           other_office=other.office, other_name=h.name.get(other.office, "")))
