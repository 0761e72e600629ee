"""Write the bad-input catalogue: one tiny valid campaign, then one folder per defect (deterministic).

Run from the repository root (re-runnable; every run gives byte-identical files)::

    .venv/bin/python tests/bad_inputs/make_cases.py

Each case folder holds the campaign files with exactly one defect and an ``expected.yaml`` saying what
``campaign-analytics validate`` must report: ``problems`` (how many messages), and where the one this
case is about points: ``file``, ``row`` (spreadsheet row, header = 1; null for a whole-file defect),
``column`` (null when the defect has none) and ``contains`` (words of the rule). ``_valid/`` is the
defect-free base and must pass. ``README.md`` (the table of cases) is written from the same list.
tests/test_bad_inputs.py runs every case through ``validate`` and ``run``.
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import io
import random
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
VALID = "_valid"
EXPECTED = "expected.yaml"
WORKBOOK = "campaign.xlsx"
FIXED_XLSX_TIME = dt.datetime(2012, 1, 1, 0, 0, 0)

META = """\
id: bad_inputs_base
name: {zh: 坏输入目录基准活动, en: Bad-input catalogue base campaign}
start: 2012-01-01
end: 2012-12-31
as_of: 2012-06-30
vocabulary:
  indicators:
    gdp: {zh: 地区生产总值, en: GDP}
    five_good_share: {zh: 五好党组织比例, en: Five-good share}
"""

# The base campaign, each table as [header, row 2, row 3, ...]: list index + 1 = spreadsheet row.
BASE: dict[str, list[list[str]]] = {
    "units": [
        ["unit_id", "name", "parent_id", "kind", "sector", "tags"],
        ["C", "某县", "", "county", "", ""],
        ["T1", "甲乡", "C", "township", "rural", "advanced"],
        ["T2", "乙乡", "C", "township", "rural", "lagging"],
        ["V1", "某村", "T1", "village", "rural", ""],
    ],
    "visits": [
        ["date", "unit_id", "kind", "group", "persons", "team", "topic"],
        ["2012-03-01", "T1", "seminar", "village_cadres", "12", "一组", "产业发展"],
        ["2012-03-02", "V1", "visit", "residents", "30", "一组", ""],
        ["2012-04-10", "T2", "座谈会", "群众", "8", "二组", ""],
        ["2012-05-15", "C", "lecture", "township_leaders", "5", "", ""],
    ],
    "surveys": [
        ["survey_id", "unit_id", "date", "issued", "returned", "valid"],
        ["Q1", "T1", "2012-03-05", "100", "95", "90"],
        ["Q2", "T2", "2012-03-06", "80", "80", "75"],
        ["Q3", "V1", "2012-04-01", "40", "38", "38"],
    ],
    "targets": [
        ["unit_id", "indicator", "target", "measure", "period_start", "period_end", "aggregation"],
        ["T1", "gdp", "1000", "万元", "2012-01-01", "2012-12-31", "sum"],
        ["T2", "gdp", "800", "万元", "2012-01-01", "2012-12-31", "sum"],
        ["C", "five_good_share", "90", "%", "2012-01-01", "2012-12-31", "none"],
    ],
    "actuals": [
        ["unit_id", "indicator", "date", "value"],
        ["T1", "gdp", "2012-06-30", "520"],
        ["T2", "gdp", "2012-06-30", "400"],
        ["C", "five_good_share", "2012-06-30", "85"],
    ],
}


@dataclass
class Draft:
    """A campaign being written: campaign.yaml text, tables as rows, and files that replace a table's CSV."""

    meta: str | None = META
    tables: dict[str, list[list[str]]] = field(default_factory=lambda: copy.deepcopy(BASE))
    raw: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes written as they are
    workbook: list[str] | None = None  # tables written as sheets of campaign.xlsx instead of CSV
    sheet_names: dict[str, str] = field(default_factory=dict)  # table -> sheet title, to misname one
    # Workbook details: cells typed as numbers ((table, "E3") -> value), number formats, merged ranges,
    # extra sheets and hidden sheets.
    cells: dict[tuple[str, str], object] = field(default_factory=dict)
    formats: dict[tuple[str, str], str] = field(default_factory=dict)
    merges: dict[str, list[str]] = field(default_factory=dict)
    extra_sheets: dict[str, list[list[str]]] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)
    dimension: str | None = None  # a declared <dimension ref> for every sheet, to claim more cells than written
    dimension_sheet: str | None = None  # the one sheet given `dimension` (every sheet when None)
    hidden_rows: dict[str, list[int]] = field(default_factory=dict)  # table -> spreadsheet rows hidden
    damaged_sheet: str | None = None  # a sheet whose deflate stream is damaged inside an intact zip

    def set(self, table: str, row: int, column: str, value: str) -> None:
        """Set one cell by spreadsheet row and canonical header."""
        self.tables[table][row - 1][self.tables[table][0].index(column)] = value

    def drop_column(self, table: str, column: str) -> None:
        i = self.tables[table][0].index(column)
        for row in self.tables[table]:
            del row[i]


@dataclass(frozen=True)
class Case:
    name: str
    defect: str  # what is wrong, for README.md
    apply: Callable[[Draft], None]
    file: str
    row: int | None
    column: str | None
    contains: str
    problems: int = 1
    exit: int = 2  # DOMAIN.md's exit code for `validate`: 2 refused, 0 accepted (a habit noted, or a finding)
    shown: str = "problem"  # which line of `validate` the location and words are on: problem, note or finding
    notes: int = 0  # for accepted cases: how many notes and findings `validate` prints
    findings: int = 0


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _workbook_bytes(sheets: dict[str, list[list[str]]], draft: Draft | None = None) -> bytes:
    """An .xlsx with one sheet per entry; fixed properties and zip timestamps give identical bytes."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    d = draft or Draft()
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append([v if v != "" else None for v in row])
        table = next((t for t in d.tables if d.sheet_names.get(t, t) == title), title)
        for (t, ref), value in d.cells.items():
            if t == table:
                ws[ref] = value
        for (t, ref), fmt in d.formats.items():
            if t == table:
                ws[ref].number_format = fmt
        for ref in d.merges.get(table, []):
            ws.merge_cells(ref)
        for r in d.hidden_rows.get(table, []):
            ws.row_dimensions[r].hidden = True
        if title in d.hidden:
            ws.sheet_state = "hidden"
    wb.properties.creator = "tests/bad_inputs/make_cases.py"
    wb.properties.created = FIXED_XLSX_TIME
    wb.properties.modified = FIXED_XLSX_TIME
    numbered = {f"xl/worksheets/sheet{i}.xml": title for i, title in enumerate(sheets, start=1)}
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # unlike save_workbook, keeps properties.modified
    stamp = FIXED_XLSX_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\2", data)
            if d.dimension and info.filename.startswith("xl/worksheets/") and (
                    d.dimension_sheet is None or numbered.get(info.filename) == d.dimension_sheet):
                data = re.sub(rb'<dimension ref="[A-Z0-9:]+"', b'<dimension ref="' + d.dimension.encode() + b'"', data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_XLSX_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)
    data = out.getvalue()
    if d.damaged_sheet is not None:
        data = _damage_deflate(data, next(n for n, t in numbered.items() if t == d.damaged_sheet))
    return data


def _damage_deflate(data: bytes, member: str) -> bytes:
    """The workbook with the middle of one member's compressed bytes overwritten: the zip's directory and every
    other member intact, that member's deflate stream broken (as a bad sector or a cut transfer leaves it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    header = info.header_offset
    name_len, extra_len = int.from_bytes(data[header + 26:header + 28], "little"), \
        int.from_bytes(data[header + 28:header + 30], "little")
    start = header + 30 + name_len + extra_len
    middle = start + info.compress_size // 3
    return data[:middle] + b"\xff" * 16 + data[middle + 16:]


def write_draft(draft: Draft, folder: Path) -> None:
    """Write a draft campaign into an empty folder."""
    folder.mkdir(parents=True)
    if draft.meta is not None:
        (folder / "campaign.yaml").write_bytes(draft.meta.encode("utf-8"))
    in_book = draft.workbook or []
    for table, rows in draft.tables.items():
        if table not in in_book and f"{table}.csv" not in draft.raw:
            (folder / f"{table}.csv").write_bytes(_csv_text(rows).encode("utf-8"))
    if in_book:
        sheets = {draft.sheet_names.get(t, t): draft.tables[t] for t in in_book if t in draft.tables}
        sheets.update(draft.extra_sheets)
        (folder / WORKBOOK).write_bytes(_workbook_bytes(sheets, draft))
    for name, data in draft.raw.items():
        (folder / name).write_bytes(data)


# ---------------------------------------------------------------------------------------------------
# The defects. Each function changes the valid base in exactly one way.


def _drop(table: str, column: str) -> Callable[[Draft], None]:
    return lambda d: d.drop_column(table, column)


def _cell(table: str, row: int, column: str, value: str) -> Callable[[Draft], None]:
    return lambda d: d.set(table, row, column, value)


def _duplicate_column(d: Draft) -> None:
    for row in d.tables["surveys"]:
        row.append("发出" if row[0] == "survey_id" else row[3])


def _empty_header(d: Draft) -> None:
    for i, row in enumerate(d.tables["units"]):
        row.insert(2, "" if i == 0 else f"备{i}")


def _misspell(d: Draft) -> None:
    d.tables["visits"][0][3] = "grop"


def _empty_column(d: Draft) -> None:
    for row in d.tables["visits"][1:]:
        row[2] = ""


def _header_only(table: str) -> Callable[[Draft], None]:
    return lambda d: d.tables.__setitem__(table, d.tables[table][:1])


def _zero_bytes(table: str) -> Callable[[Draft], None]:
    return lambda d: d.raw.__setitem__(f"{table}.csv", b"")


def _utf16(d: Draft) -> None:
    d.raw["visits.csv"] = _csv_text(d.tables["visits"]).encode("utf-16")  # with its BOM, as Excel's "Unicode text"


def _workbook_named_csv(d: Draft) -> None:
    # A workbook saved under a .csv name: zip bytes, neither UTF-8 nor GB18030.
    d.raw["units.csv"] = _workbook_bytes({"units": d.tables["units"]})


def _utf16le_ascii(d: Draft) -> None:
    # No BOM and only ASCII: every other byte is NUL, which UTF-8 would accept.
    d.raw["actuals.csv"] = _csv_text(d.tables["actuals"]).encode("utf-16-le")


def _semicolons(d: Draft) -> None:
    d.raw["visits.csv"] = _csv_text(d.tables["visits"]).replace(",", ";").encode("utf-8")


def _random_bytes(d: Draft) -> None:
    d.raw["actuals.csv"] = random.Random(6).randbytes(4096)


def _as_workbook(d: Draft) -> None:
    d.workbook = list(d.tables)


def _workbook_without_units(d: Draft) -> None:
    del d.tables["units"]
    d.workbook = list(d.tables)


def _workbook_empty_units_sheet(d: Draft) -> None:
    d.tables["units"] = []
    d.workbook = list(d.tables)


def _workbook_renamed_sheet(d: Draft) -> None:
    d.workbook = list(d.tables)
    d.sheet_names["visits"] = "走访记录"


def _damaged_workbook(d: Draft) -> None:
    d.workbook = list(d.tables)
    d.raw[WORKBOOK] = _workbook_bytes(d.tables)[:600]  # truncated download


def _in_workbook(change: Callable[[Draft], None]) -> Callable[[Draft], None]:
    def apply(d: Draft) -> None:
        _as_workbook(d)
        change(d)

    return apply


def _add_row(table: str, row: list[str]) -> Callable[[Draft], None]:
    return lambda d: d.tables[table].append(row)


def _ragged_long(d: Draft) -> None:
    # An unquoted comma in the topic: one cell too many.
    d.tables["visits"][2] = ["2012-03-02", "V1", "visit", "residents", "30", "一组", "产业", "发展"]


def _unclosed_quote(d: Draft) -> None:
    # The quote opened in row 3's team cell is never closed: the rest of the file becomes one cell.
    text = _csv_text(d.tables["visits"])
    d.raw["visits.csv"] = text.replace("V1,visit,residents,30,一组", 'V1,visit,residents,30,"一组').encode("utf-8")


def _meta(text: str) -> Callable[[Draft], None]:
    return lambda d: setattr(d, "meta", text)


def _no_meta(d: Draft) -> None:
    d.meta = None


# --- habits and defects of issue 12 (silent wrong figures, strict campaign.yaml, files left unread) ---------


def _typed_workbook(d: Draft) -> None:
    """Every table as a sheet of campaign.xlsx, with figures stored as numbers as Excel stores them."""
    _as_workbook(d)
    for table, rows in d.tables.items():
        header = rows[0]
        for r, row in enumerate(rows[1:], start=2):
            for c, value in enumerate(row):
                if header[c] in ("persons", "issued", "returned", "valid", "target", "value") and value:
                    d.cells[(table, f"{chr(65 + c)}{r}")] = float(value) if "." in value else int(value)


def _book_with(**changes) -> Callable[[Draft], None]:
    """A typed workbook with cells, formats, merges, extra or hidden sheets set."""
    def apply(d: Draft) -> None:
        _typed_workbook(d)
        for key, value in changes.items():
            if key == "clear":  # cells emptied, as Excel empties the cells a merge covers
                for table, row, column in value:
                    d.set(table, row, column, "")
                    d.cells.pop((table, f"{chr(65 + d.tables[table][0].index(column))}{row}"), None)
            elif key == "rows":
                for table, row in value:
                    d.tables[table].append(row)
            elif isinstance(getattr(d, key), list):
                getattr(d, key).extend(value)
            elif getattr(d, key) is None or isinstance(value, str):
                setattr(d, key, value)
            else:
                getattr(d, key).update(value)
    return apply


def _add_second_village(d: Draft) -> None:
    d.tables["units"].append(["V2", "另村", "", "village", "rural", ""])


def _merged_parent(d: Draft) -> None:
    _add_second_village(d)  # V2's parent cell is empty under the merged T1 of V1 (rows 5-6)
    _typed_workbook(d)
    d.merges["units"] = ["C5:C6"]


def _yaml_pad(d: Draft) -> None:
    d.meta = META + "# padding line for a file over one megabyte\n" * 25_000  # 1.1 MB


def _lock_file(d: Draft) -> None:
    _typed_workbook(d)
    d.raw["~$campaign.xlsx"] = bytes(165)  # Excel writes one while the workbook is open


def _ole(stream: str) -> bytes:
    """The start of an OLE compound file naming one stream, as Excel's encrypted or .xls files are."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + stream.encode("utf-16-le") + bytes(64)


def _encrypted(d: Draft) -> None:
    d.workbook = list(d.tables)
    d.raw[WORKBOOK] = _ole("EncryptedPackage")


def _old_renamed(d: Draft) -> None:
    d.workbook = list(d.tables)
    d.raw[WORKBOOK] = _ole("Workbook")


def _huge_dimension(d: Draft) -> None:
    _typed_workbook(d)
    d.dimension = "A1:AF1000000"  # 32 million cells declared, a few written


def _raw_file(name: str, data: bytes) -> Callable[[Draft], None]:
    return lambda d: d.raw.__setitem__(name, data)


def _renamed_table(old: str, new: str) -> Callable[[Draft], None]:
    def apply(d: Draft) -> None:
        d.raw[new] = _csv_text(d.tables[old]).encode("utf-8")
        d.tables.pop(old)
    return apply


def _two_workbooks(d: Draft) -> None:
    d.raw["second.xlsx"] = _workbook_bytes({"surveys": d.tables["surveys"]})
    d.workbook = ["visits"]


def _also_in_workbook(d: Draft) -> None:
    d.workbook = ["units"]
    d.raw["units.csv"] = _csv_text(d.tables["units"]).encode("utf-8")


def _title_row(d: Draft) -> None:
    d.raw["visits.csv"] = ("某县调研情况统计表,,,,,,\n" + _csv_text(d.tables["visits"])).encode("utf-8")


def _blank_row(d: Draft) -> None:
    rows = d.tables["visits"]
    d.raw["visits.csv"] = _csv_text(rows[:3] + [[""] * 7] + rows[3:]).encode("utf-8")


def _totals(persons: str) -> Callable[[Draft], None]:
    return lambda d: d.tables["visits"].append(["合计", "", "", "", persons, "", ""])


def _no_target_table(d: Draft) -> None:
    del d.tables["targets"]


def _yaml(old: str, new: str) -> Callable[[Draft], None]:
    def apply(d: Draft) -> None:
        assert old in d.meta, old
        d.meta = d.meta.replace(old, new)
    return apply


APPRAISAL = """\
appraisal:
  items:
    - {metric: coverage, weight: 40, full_at: 1.0}
    - {metric: events, key: seminar, weight: 60, full_at: 2}
  grades: {excellent: 90, good: 80, pass: 60}
"""


def _appraisal(old: str, new: str) -> Callable[[Draft], None]:
    def apply(d: Draft) -> None:
        assert old in APPRAISAL, old
        d.meta = META + APPRAISAL.replace(old, new)
    return apply


def _gbk_yaml(d: Draft) -> None:
    d.raw["campaign.yaml"] = META.encode("gb18030")


def _responses(*rows: list[str]) -> Callable[[Draft], None]:
    return lambda d: d.tables.__setitem__("responses", [["survey_id", "question", "score", "respondent"], *rows])


def _drop_row(table: str, row: int) -> Callable[[Draft], None]:
    return lambda d: d.tables[table].pop(row - 1)



CASES: list[Case] = [
    # columns
    Case("missing_column_visits_persons", "visits.csv has no persons column", _drop("visits", "persons"),
         "visits.csv", 1, "persons", "missing column persons"),
    Case("missing_column_units_name", "units.csv has no name column", _drop("units", "name"),
         "units.csv", 1, "name", "missing column name"),
    Case("duplicate_column_surveys_issued", "surveys.csv gives issued twice (issued and 发出)", _duplicate_column,
         "surveys.csv", 1, "发出", "repeats column issued"),
    Case("empty_header_units", "units.csv has a column with values but an empty header", _empty_header,
         "units.csv", 1, "(empty header in position 3)", "is not a column of this table"),
    Case("empty_column_visits_kind", "the required kind column of visits.csv is empty in every row", _empty_column,
         "visits.csv", None, "kind", "is empty in every row"),
    Case("misspelled_column_visits_group", "visits.csv header grop instead of group (reported as the unknown "
         "header and as the missing column)", _misspell, "visits.csv", 1, "grop", "is not a column of this table",
         problems=2),
    # whole files
    Case("header_only_units", "units.csv has a header and no rows", _header_only("units"),
         "units.csv", None, None, "has a header but no data rows"),
    Case("header_only_surveys", "surveys.csv has a header and no rows", _header_only("surveys"),
         "surveys.csv", None, None, "has a header but no data rows"),
    Case("empty_file_units", "units.csv is 0 bytes", _zero_bytes("units"),
         "units.csv", None, None, "is empty"),
    Case("empty_file_visits", "visits.csv is 0 bytes", _zero_bytes("visits"),
         "visits.csv", None, None, "is empty"),
    Case("missing_column_units_unit_id", "units.csv has no unit_id column", _drop("units", "unit_id"),
         "units.csv", 1, "unit_id", "missing column unit_id"),
    Case("semicolon_separated_visits", "visits.csv saved with ; as the separator", _semicolons,
         "visits.csv", 1, None, "is separated by semicolons"),
    Case("unclosed_quote_visits", 'a quote (") opened in visits.csv row 3 is never closed', _unclosed_quote,
         "visits.csv", 3, None, 'has 6 cells but the header has 7; a quote (") in it is not closed'),
    Case("encoding_utf16_visits", "visits.csv saved as UTF-16 with BOM", _utf16,
         "visits.csv", None, None, "is not text in UTF-8 or GB18030"),
    Case("encoding_utf16le_no_bom_actuals", "actuals.csv (ASCII only) saved as UTF-16 without BOM", _utf16le_ascii,
         "actuals.csv", None, None, "is not text in UTF-8 or GB18030"),
    Case("binary_units_workbook_as_csv", "units.csv is really an .xlsx workbook (zip bytes)", _workbook_named_csv,
         "units.csv", None, None, "is not text in UTF-8 or GB18030"),
    Case("binary_actuals_random_bytes", "actuals.csv is 4 KB of random bytes", _random_bytes,
         "actuals.csv", None, None, "is not text in UTF-8 or GB18030"),
    # workbooks
    Case("xlsx_missing_units_sheet", "campaign.xlsx holds every table but units, and there is no units.csv",
         _workbook_without_units, WORKBOOK, None, None, "no units sheet"),
    Case("xlsx_empty_units_sheet", "campaign.xlsx has a units sheet with nothing in it", _workbook_empty_units_sheet,
         f"{WORKBOOK} [units]", None, None, "has no header row"),
    Case("xlsx_renamed_sheet", "campaign.xlsx names the visits sheet 走访记录", _workbook_renamed_sheet,
         WORKBOOK, None, None, "sheet is not a table name"),
    Case("xlsx_damaged", "campaign.xlsx is truncated (the only source of every table)", _damaged_workbook,
         WORKBOOK, None, None, "cannot be read as an .xlsx workbook"),
    Case("xlsx_negative_persons", "campaign.xlsx, sheet visits, row 3: persons -30",
         _in_workbook(_cell("visits", 3, "persons", "-30")), f"{WORKBOOK} [visits]", 3, "persons", "must be 0 or more"),
    # units hierarchy
    Case("duplicate_unit_id", "units.csv gives unit T2 twice", _add_row("units", ["T2", "丙乡", "C", "township", "", ""]),
         "units.csv", 6, "unit_id", "repeats a value that must be unique"),
    Case("dangling_parent", "V1's parent T9 is not a unit", _cell("units", 5, "parent_id", "T9"),
         "units.csv", 5, "parent_id", "is not a unit_id in units"),
    Case("cycle_units", "T1's parent is V1, whose parent is T1", _cell("units", 3, "parent_id", "V1"),
         "units.csv", 3, "parent_id", "parents form a cycle"),
    Case("own_parent", "T2 is its own parent", _cell("units", 4, "parent_id", "T2"),
         "units.csv", 4, "parent_id", "cannot be its own parent"),
    # visits
    Case("unknown_unit_visits", "a visit at unit T9, which is not in units", _cell("visits", 4, "unit_id", "T9"),
         "visits.csv", 4, "unit_id", "is not a unit_id in units"),
    Case("unknown_visit_kind", "visit kind 调研, not a known kind", _cell("visits", 2, "kind", "调研"),
         "visits.csv", 2, "kind", "is not a known visit kind"),
    Case("unknown_group", "group 学生, not a known group", _cell("visits", 5, "group", "学生"),
         "visits.csv", 5, "group", "is not a known group"),
    Case("negative_persons", "persons -5", _cell("visits", 3, "persons", "-5"),
         "visits.csv", 3, "persons", "must be 0 or more"),
    Case("fractional_persons", "persons 2.5", _cell("visits", 3, "persons", "2.5"),
         "visits.csv", 3, "persons", "must be a whole number"),
    Case("chinese_numeral_persons", "persons written 三十", _cell("visits", 3, "persons", "三十"),
         "visits.csv", 3, "persons", "Chinese numerals are not read"),
    Case("non_numeric_persons", "persons written 30人", _cell("visits", 3, "persons", "30人"),
         "visits.csv", 3, "persons", "must be a whole number written in digits"),
    Case("huge_persons", "persons 99999999999999999999", _cell("visits", 2, "persons", "99999999999999999999"),
         "visits.csv", 2, "persons", "is too large to be a count"),
    Case("impossible_date_visits", "visit date 2012-02-30", _cell("visits", 2, "date", "2012-02-30"),
         "visits.csv", 2, "date", "is not a valid date"),
    Case("date_out_of_range_visits", "visit date 0001-01-01 (a database's empty date)",
         _cell("visits", 5, "date", "0001-01-01"), "visits.csv", 5, "date", "is outside the dates this program handles"),
    Case("empty_cell_visits_unit_id", "one visit without a unit_id", _cell("visits", 4, "unit_id", ""),
         "visits.csv", 4, "unit_id", "is empty; a value is required"),
    Case("ragged_row_too_many_cells", "an unquoted comma gives visits.csv row 3 eight cells for seven columns",
         _ragged_long, "visits.csv", 3, None, "has 8 cells but the header has 7"),
    # surveys
    Case("surveys_valid_gt_returned", "valid 40 > returned 38", _cell("surveys", 4, "valid", "40"),
         "surveys.csv", 4, "valid and returned", "valid must not exceed returned"),
    Case("surveys_returned_gt_issued", "returned 85 > issued 80", _cell("surveys", 3, "returned", "85"),
         "surveys.csv", 3, "returned and issued", "returned must not exceed issued"),
    Case("duplicate_survey_id", "survey batch Q2 given twice", _cell("surveys", 4, "survey_id", "Q2"),
         "surveys.csv", 4, "survey_id", "repeats a value that must be unique"),
    # targets and actuals
    Case("zero_target", "target 0", _cell("targets", 3, "target", "0"),
         "targets.csv", 3, "target", "must be greater than 0"),
    Case("negative_target", "target -800", _cell("targets", 3, "target", "-800"),
         "targets.csv", 3, "target", "must be greater than 0"),
    Case("non_numeric_target", "target written 一千", _cell("targets", 2, "target", "一千"),
         "targets.csv", 2, "target", "Chinese numerals are not read"),
    Case("overflowing_target", "target 1e400", _cell("targets", 4, "target", "1e400"),
         "targets.csv", 4, "target", "is too large to be a number"),
    Case("reversed_period_targets", "period_start 2012-12-31 after period_end 2012-01-01",
         lambda d: (d.set("targets", 2, "period_start", "2012-12-31"), d.set("targets", 2, "period_end", "2012-01-01")),
         "targets.csv", 2, "period_start and period_end", "period_start must not be after period_end"),
    Case("impossible_date_targets", "period_end 2012-02-30", _cell("targets", 3, "period_end", "2012-02-30"),
         "targets.csv", 3, "period_end", "is not a valid date"),
    Case("unknown_aggregation", "aggregation average", _cell("targets", 2, "aggregation", "average"),
         "targets.csv", 2, "aggregation", "is not a known aggregation"),
    Case("mixed_aggregation", "indicator gdp summed for T1 but not for T2", _cell("targets", 3, "aggregation", "none"),
         "targets.csv", 2, "aggregation", "indicator mixes sum and none"),
    Case("negative_actual", "actual value -1", _cell("actuals", 3, "value", "-1"),
         "actuals.csv", 3, "value", "must be 0 or more"),
    Case("excel_error_actual", "actual value #DIV/0! (a spreadsheet formula error)", _cell("actuals", 2, "value", "#DIV/0!"),
         "actuals.csv", 2, "value", "must be a number written in digits"),
    # campaign.yaml
    Case("broken_campaign_yaml", "campaign.yaml has an unclosed mapping on line 2 (invalid YAML)",
         _meta(META.replace("en: Bad-input catalogue base campaign}", "en: Bad-input catalogue base campaign")),
         "campaign.yaml", 3, None, "is not valid YAML"),
    Case("campaign_start_after_end", "campaign.yaml start 2012-12-31 after end 2012-01-01",
         _meta(META.replace("start: 2012-01-01\nend: 2012-12-31", "start: 2012-12-31\nend: 2012-01-01")),
         "campaign.yaml", None, "start, end", "start must not be after end"),
    Case("campaign_impossible_date", "campaign.yaml end 2012-02-30", _meta(META.replace("end: 2012-12-31", "end: 2012-02-30")),
         "campaign.yaml", None, None, "holds an impossible date"),
    Case("campaign_label_collision", "campaign.yaml adds kind talk with the zh label 座谈会 of seminar",
         _meta(META + "  kinds:\n    talk: {zh: 座谈会, en: Talk}\n"),
         "campaign.yaml", None, "vocabulary.kinds.talk", "label already belongs to code seminar"),
    Case("missing_campaign_yaml", "no campaign.yaml", _no_meta,
         "campaign.yaml", None, None, "is missing"),
    # --- issue 12: merged and percent-formatted workbook cells
    Case("xlsx_merged_parent_id", "campaign.xlsx: parent_id T1 merged over V1 and V2 (C5:C6): read as T1 in both rows",
         _merged_parent, f"{WORKBOOK} [units]", 5, "parent_id", "merged cells C5:C6 read as 'T1' in each of rows 5–6",
         exit=0, shown="note", notes=1),
    Case("xlsx_merged_persons", "campaign.xlsx: persons merged over visits rows 2-3 (E2:E3): one figure for two rows?",
         _book_with(merges={"visits": ["E2:E3"]}, clear=[("visits", 3, "persons")]), f"{WORKBOOK} [visits]", 2,
         "persons", "merged cells E2:E3 span rows 2–3 in a column of figures"),
    Case("xlsx_merged_survey_id", "campaign.xlsx: survey_id merged over rows 3-4 (A3:A4), a column that must be unique",
         _book_with(merges={"surveys": ["A3:A4"]}, clear=[("surveys", 4, "survey_id")]), f"{WORKBOOK} [surveys]", 3,
         "survey_id", "in a column whose values must differ from row to row"),
    Case("xlsx_merged_across_columns", "campaign.xlsx: kind and group of visits row 3 merged into one cell (C3:D3)",
         _book_with(merges={"visits": ["C3:D3"]}, clear=[("visits", 3, "group")]), f"{WORKBOOK} [visits]", 3,
         "kind, group", "span several columns"),
    Case("xlsx_merged_header", "campaign.xlsx: the persons header merged with the cell below it (E1:E2)",
         _book_with(merges={"visits": ["E1:E2"]}, clear=[("visits", 2, "persons")]), f"{WORKBOOK} [visits]", 1, None,
         "merged cells E1:E2 in the header row"),
    Case("xlsx_percent_under_percent_measure", "campaign.xlsx: the five-good share formatted 0% (shows 85%, holds 0.85) "
         "under measure %: read as 85", _book_with(cells={("actuals", "D4"): 0.85}, formats={("actuals", "D4"): "0%"}),
         f"{WORKBOOK} [actuals]", 4, "value", "a percent cell (shown 85%) read as 85 under measure %",
         exit=0, shown="note", notes=1),
    Case("xlsx_percent_under_other_measure", "campaign.xlsx: gdp actual formatted 0.0% under measure 万元",
         _book_with(cells={("actuals", "D2"): 0.52}, formats={("actuals", "D2"): "0.0%"}), f"{WORKBOOK} [actuals]", 2,
         "value", "a percent cell (shown 52.0%) under measure 万元"),
    Case("xlsx_percent_count", "campaign.xlsx: a persons cell formatted as a percent",
         _book_with(formats={("visits", "E3"): "0%"}), f"{WORKBOOK} [visits]", 3, "persons",
         "a percent cell (shown 3000%) in a column of counts"),
    Case("xlsx_date_as_number", "campaign.xlsx: a visit date typed as the number 41000 (an unformatted Excel serial)",
         _book_with(cells={("visits", "A3"): 41000}), f"{WORKBOOK} [visits]", 3, "date", "is a number, not a date"),
    Case("percent_sign_csv", "actuals.csv: the five-good share written 85%", _cell("actuals", 4, "value", "85%"),
         "actuals.csv", 4, "value", "is written with a percent sign; write the figure without it (85 under measure %)"),
    # ambiguous numbers and dates
    Case("compact_date", "visit date written 20120301 (digits only)", _cell("visits", 2, "date", "20120301"),
         "visits.csv", 2, "date", "is a string of digits, not a date"),
    Case("day_month_date", "visit date written 02/03/2012 (2 March or 3 February?)", _cell("visits", 3, "date", "02/03/2012"),
         "visits.csv", 3, "date", "could be day/month or month/day"),
    Case("decimal_comma_actual", "actual value written 5,2 (a decimal comma?)", _cell("actuals", 2, "value", "5,2"),
         "actuals.csv", 2, "value", "a comma here may be a decimal comma or a thousands separator; write 5.2 or 52"),
    Case("thousands_separator", "persons written 1,030 (a thousands separator): read as 1030",
         _cell("visits", 3, "persons", "1,030"), "visits.csv", 3, "persons",
         "thousands separators read in 1 cell of this column, e.g. 1,030 as 1030", exit=0, shown="note", notes=1),
    # indicators, measures, references
    Case("indicator_case_actuals", "an actual for indicator gDp where the targets say gdp (a code written in other "
         "letters: not a label of the vocabulary either)",
         _cell("actuals", 2, "indicator", "gDp"), "actuals.csv", 2, "indicator",
         "indicator gDp has no target; the targets write it gdp"),
    Case("indicator_unknown_actuals", "an actual for indicator revenue, which no target has",
         _cell("actuals", 3, "indicator", "revenue"), "actuals.csv", 3, "indicator",
         "indicator revenue has no target; targets have: five_good_share, gdp"),
    Case("actuals_without_targets", "actuals.csv but no targets table", _no_target_table,
         "actuals.csv", None, None, "has rows but there are no targets"),
    Case("mixed_measures_children", "T2's gdp target in 元 while T1's is in 万元; both are summed into C",
         _cell("targets", 3, "measure", "元"), "targets.csv", 3, "measure",
         "targets of indicator gdp summed into C use different measures: 元 here, 万元 in row 2"),
    Case("duplicate_actual_key", "the same actual (T1, gdp, 2012-06-30) given twice",
         _add_row("actuals", ["T1", "gdp", "2012-06-30", "530"]), "actuals.csv", 5, "unit_id, indicator, date",
         "repeats an earlier row's key"),
    Case("unit_id_case", "a visit at unit t1 where units say T1", _cell("visits", 2, "unit_id", "t1"),
         "visits.csv", 2, "unit_id", "is not a unit_id in units; did you mean T1?"),
    Case("parent_by_name", "V1's parent written as the name 甲乡 instead of the id T1", _cell("units", 5, "parent_id", "甲乡"),
         "units.csv", 5, "parent_id", "it is the name of unit T1; write its unit_id"),
    Case("kind_case", "visit kind written SEMINAR (neither the code nor a label: the English label is Seminar)",
         _cell("visits", 2, "kind", "SEMINAR"), "visits.csv", 2, "kind", "did you mean seminar?"),
    Case("unknown_sector", "sector farm, not a known sector", _cell("units", 3, "sector", "farm"),
         "units.csv", 3, "sector", "is not a known sector"),
    # issue 14's habits: title, blank and totals rows
    Case("title_row_above_header", "visits.csv starts with a title line above the header", _title_row,
         "visits.csv", 1, None, "1 title line above the header (row 2) not read as data", exit=0, shown="note", notes=1),
    Case("blank_separator_row", "a blank row between the visits rows", _blank_row,
         "visits.csv", 4, None, "1 blank row between the data rows skipped", exit=0, shown="note", notes=1),
    Case("totals_row_matching", "a 合计 row under the visits equal to their sum (55)", _totals("55"),
         "visits.csv", 6, None, "a totals row (合计) equal to the sums of the rows above is not read as data",
         exit=0, shown="note", notes=1),
    Case("totals_row_not_matching", "a 合计 row under the visits that says 56 where the rows add up to 55", _totals("56"),
         "visits.csv", 6, "persons", "persons: 56 written, 55 summed"),
    # data-quality findings (exit 0, listed)
    Case("actual_not_counted", "an actual of gdp for V1, which has no gdp target, own or summed",
         _add_row("actuals", ["V1", "gdp", "2012-06-30", "10"]), "actuals.csv", 5, None,
         "V1 has no target of gdp, own or summed from its units below: this actual is not counted",
         exit=0, shown="finding", findings=1),
    Case("no_actual_reported", "T2's gdp target has no actual by as_of", _drop_row("actuals", 3),
         "targets.csv", 3, None, "no actual reported for gdp on or before 2012-06-30", exit=0, shown="finding", findings=1),
    Case("decreasing_actual", "T1's cumulative gdp falls from 600 (March) to 520 (June)",
         _add_row("actuals", ["T1", "gdp", "2012-03-31", "600"]), "actuals.csv", 2, None,
         "cumulative gdp falls from 600 (2012-03-31, row 5) to 520 (2012-06-30)", exit=0, shown="finding", findings=1),
    Case("visit_outside_period", "a visit dated 2013-01-05, after the campaign's end",
         _add_row("visits", ["2013-01-05", "T2", "visit", "residents", "6", "", ""]), "visits.csv", 6, None,
         "2013-01-05 is outside 2012-01-01–2012-12-31", exit=0, shown="finding", findings=1),
    Case("visit_before_start", "a visit of 600 persons dated 2011-12-31, the day before the campaign's start",
         _add_row("visits", ["2011-12-31", "T2", "visit", "residents", "600", "", ""]), "visits.csv", 6, None,
         "2011-12-31 is before the campaign's start 2012-01-01: this row is not counted",
         exit=0, shown="finding", findings=1),
    Case("commitment_due_before_start", "a commitment due 2011-11-30, before the campaign's start, never done",
         lambda d: d.tables.__setitem__("commitments", [["commitment_id", "unit_id", "text", "due", "done"],
                                                        ["K1", "T1", "修路", "2011-11-30", ""],
                                                        ["K2", "T1", "建站", "2012-05-31", "2012-05-20"]]),
         "commitments.csv", 2, None, "2011-11-30 is before the campaign's start 2012-01-01: this row is not counted",
         exit=0, shown="finding", findings=1),
    # files left unread, workbooks refused before loading
    Case("xls_beside_csv", "an old units.xls lies beside units.csv", _raw_file("units.xls", _ole("Workbook")),
         "units.xls", None, None, "is an old-format Excel workbook (.xls) and is not read", exit=0, shown="note", notes=1),
    Case("xls_only_source", "visits saved as visits.xls only", lambda d: (d.tables.pop("visits"),
         d.raw.__setitem__("visits.xls", _ole("Workbook"))), "visits.xls", None, None,
         "the only file for table visits, and cannot be read; save it as visits.csv"),
    Case("copy_named_file", "visits (1).csv, a browser's second download, beside visits.csv",
         _raw_file("visits (1).csv", b"date,unit_id,kind,group,persons\n"), "visits (1).csv", None, None,
         "is not read: its name is not visits.csv", exit=0, shown="note", notes=1),
    Case("copy_only_source", "surveys saved only as surveys - 副本.csv", _renamed_table("surveys", "surveys - 副本.csv"),
         "surveys - 副本.csv", None, None, "looks like the surveys table but is not read under this name; rename it surveys.csv"),
    Case("xlsx_hidden_extra_sheet", "campaign.xlsx has a hidden sheet 旧数据 besides the tables",
         _book_with(extra_sheets={"旧数据": [["x"]]}, hidden=["旧数据"]), WORKBOOK, None, None,
         "hidden sheet 旧数据 is not a table and is not read", exit=0, shown="note", notes=1),
    Case("excel_lock_file", "Excel's lock file ~$campaign.xlsx: the workbook is open", _lock_file,
         "~$campaign.xlsx", None, None, "is Excel's lock file: campaign.xlsx is open in Excel", exit=0, shown="note", notes=1),
    Case("xlsx_encrypted", "campaign.xlsx is protected by a password (an encrypted OLE container)", _encrypted,
         WORKBOOK, None, None, "is protected by a password (encrypted) and cannot be read"),
    Case("xlsx_old_format_renamed", "campaign.xlsx is really an old .xls workbook", _old_renamed,
         WORKBOOK, None, None, "is an old-format .xls workbook under an .xlsx name"),
    Case("xlsx_huge_dimensions", "campaign.xlsx sheets declare A1:AF1000000 (32 million cells)", _huge_dimension,
         WORKBOOK, None, None, "declares 32,000,000 cells (A1:AF1000000); the limit is 2,000,000 cells per workbook"),
    Case("two_workbooks", "two .xlsx workbooks in one folder", _two_workbooks,
         "two_workbooks", None, None, "more than one .xlsx workbook; keep one"),
    Case("table_in_csv_and_workbook", "units given both as units.csv and as a sheet of campaign.xlsx", _also_in_workbook,
         "units.csv", None, None, "table units is also a sheet of campaign.xlsx"),
    Case("two_files_one_table", "units.csv and Units.csv", _raw_file("Units.csv", _csv_text(BASE["units"]).encode()),
         "units.csv", None, None, "a second file for table units"),
    # --- issue 24: workbooks that hide or understate rows, or hold a damaged part
    Case("xlsx_dimension_understated", "campaign.xlsx: the visits sheet declares A1:G3 (2 rows) but holds 4 rows",
         _book_with(dimension="A1:G3", dimension_sheet="visits"), f"{WORKBOOK} [visits]", None, None,
         "the sheet declares its size as A1:G3 but holds rows up to row 5: every row is read",
         exit=0, shown="note", notes=1),
    Case("xlsx_hidden_rows", "campaign.xlsx: visits rows 3 and 4 hidden", _book_with(hidden_rows={"visits": [3, 4]}),
         f"{WORKBOOK} [visits]", 3, None, "2 hidden rows read as data (rows 3, 4)", exit=0, shown="note", notes=1),
    Case("xlsx_hidden_table_sheet", "campaign.xlsx: the visits sheet is hidden", _book_with(hidden=["visits"]),
         f"{WORKBOOK} [visits]", None, None, "hidden sheet visits is read as the visits table",
         exit=0, shown="note", notes=1),
    Case("xlsx_damaged_deflate", "campaign.xlsx: the visits sheet's compressed data is damaged inside an intact zip",
         _book_with(damaged_sheet="visits"), WORKBOOK, None, None,
         "cannot be read as an .xlsx workbook (damaged compressed data)"),
    # --- issue 24: rows that would count twice or look like another's
    Case("duplicate_response", "respondent R1 answers question q1 of survey Q1 twice (rows 2 and 4)",
         _responses(["Q1", "q1", "5", "R1"], ["Q1", "q1", "4", "R2"], ["Q1", "q1", "5", "R1"]), "responses.csv", 4,
         "survey_id, respondent, question", "respondent R1 answers question q1 of survey Q1 again: rows 2 and 4"),
    Case("unit_id_invisible_character", "units.csv gives T2 and T2 followed by a zero-width space (U+200B)",
         _add_row("units", ["T2\u200b", "丙乡", "C", "township", "", ""]), "units.csv", 6, "unit_id",
         "looks the same as the unit_id T2 in row 4 but differs by invisible characters (U+200B)"),
    # campaign.yaml, strict
    Case("yaml_unknown_key", "campaign.yaml says as-of instead of as_of", _yaml("as_of:", "as-of:"),
         "campaign.yaml", None, "as-of", "did you mean as_of?"),
    Case("yaml_unknown_nested_key", "campaign.yaml says vocabulary.indicator instead of indicators",
         _yaml("  indicators:", "  indicator:"), "campaign.yaml", None, "vocabulary.indicator",
         "did you mean vocabulary.indicators?"),
    Case("yaml_id_path", "campaign.yaml id ../../../elsewhere (it names the output folder)",
         _yaml("id: bad_inputs_base", "id: ../../../elsewhere"), "campaign.yaml", None, "id",
         "must be 1 to 64 ASCII letters, digits, _ or -"),
    Case("yaml_date_range", "campaign.yaml start 1899-12-31", _yaml("start: 2012-01-01", "start: 1899-12-31"),
         "campaign.yaml", None, "start", "must be between 1900-01-01 and 2100-12-31"),
    Case("yaml_as_of_range", "campaign.yaml as_of 3012-06-30", _yaml("as_of: 2012-06-30", "as_of: 3012-06-30"),
         "campaign.yaml", None, "as_of", "must be between start 2012-01-01 and end + 366 days (2014-01-01)"),
    Case("yaml_timezone", "campaign.yaml timezone Beijing (not an IANA name)", _yaml("as_of: 2012-06-30\n",
         "as_of: 2012-06-30\ntimezone: Beijing\n"), "campaign.yaml", None, "timezone", "is not an IANA time zone name"),
    Case("yaml_satisfaction_min", "campaign.yaml satisfaction_min 6", _yaml("as_of: 2012-06-30\n",
         "as_of: 2012-06-30\nsatisfaction_min: 6\n"), "campaign.yaml", None, "satisfaction_min",
         "must be a whole number from 1 to 5"),
    Case("yaml_name_one_language", "campaign.yaml name without en",
         _yaml("name: {zh: 坏输入目录基准活动, en: Bad-input catalogue base campaign}", "name: {zh: 坏输入目录基准活动}"),
         "campaign.yaml", None, "name", "must be a mapping with zh and en"),
    Case("yaml_duplicate_key", "campaign.yaml gives as_of twice (YAML would keep the second in silence)",
         _yaml("as_of: 2012-06-30\n", "as_of: 2012-06-30\nas_of: 2012-12-31\n"), "campaign.yaml", 6, "as_of",
         "is given twice (lines 5 and 6)"),
    Case("yaml_alias", "campaign.yaml uses a YAML anchor and alias", _yaml("as_of: 2012-06-30\n",
         "as_of: &day 2012-06-30\n"), "campaign.yaml", 5, None, "uses a YAML anchor (&day)"),
    Case("yaml_appraisal_exponent_as_text", "campaign.yaml appraisal weight 1e308, which YAML reads as text",
         _appraisal("weight: 40,", "weight: 1e308,"), "campaign.yaml", None, "appraisal.items[1].weight",
         "item 1 (coverage): weight 1e308 is read as text, not a number: YAML needs a decimal point and a sign in an "
         "exponent (write 1.0e+308)"),
    Case("yaml_appraisal_weights_just_over", "campaign.yaml appraisal weights 40.000001 and 60 (100.000001)",
         _appraisal("weight: 40,", "weight: 40.000001,"), "campaign.yaml", None, "appraisal.items",
         "value '40.000001 + 60 = 100.000001': weights must add up to 100"),
    Case("yaml_too_large", "campaign.yaml padded past 1 MB", _yaml_pad,
         "campaign.yaml", None, None, "campaign.yaml is limited to 1 MB"),
    Case("yaml_not_utf8", "campaign.yaml saved in GB18030", _gbk_yaml,
         "campaign.yaml", None, None, "is not UTF-8 text"),
]


def _expected(case: Case) -> dict:
    return {
        "defect": case.defect,
        "exit": case.exit,
        "shown": case.shown,
        "problems": case.problems if case.exit else 0,
        "notes": case.notes,
        "findings": case.findings,
        "file": case.file,
        "row": case.row,
        "column": case.column,
        "contains": case.contains,
    }


def _readme() -> str:
    lines = [
        "# Bad-input catalogue",
        "",
        "Small campaign folders, each the valid base `_valid/` (4 units, 4 visits, 3 surveys, 3 targets,",
        "3 actuals) with exactly one defect or real-world habit. `tests/test_bad_inputs.py` runs every folder",
        "through `campaign-analytics validate DIR`. A defect (exit 2) must also stop",
        "`campaign-analytics run --data DIR --out OUT`: no traceback, the number of problems below, one of them",
        "naming the file, row and column shown, and no report written. An accepted habit or a data-quality",
        "finding (exit 0) must be said in `validate`'s output: the notes (`  * `) and findings (`  ! `) below,",
        "one of them at the place shown; `kpis` must work on it. `_valid/` must exit 0 with neither.",
        "The test also builds, from `_valid/`, a 50 MB",
        "visits.csv with one defect near its end and a visits.csv whose unclosed quote swallows more than the",
        "csv module's field limit (neither is committed).",
        "",
        "Each folder's `expected.yaml` holds the same expectations. Do not edit the folders by hand:",
        "change `make_cases.py` and run `.venv/bin/python tests/bad_inputs/make_cases.py`.",
        "",
        "| case | defect or habit | exit | shown as | problems | notes | findings | file | row | column | words |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in CASES:
        e = _expected(c)
        cells = [f"`{c.name}`", c.defect, str(c.exit), c.shown, str(e["problems"]), str(c.notes), str(c.findings),
                 c.file, "" if c.row is None else str(c.row), c.column or "", c.contains]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def write_catalogue(out: Path = HERE) -> None:
    """Write _valid/, every case folder and README.md under out, replacing folders written before."""
    names = {c.name for c in CASES}
    assert len(names) == len(CASES), "case names must be unique"
    out.mkdir(parents=True, exist_ok=True)
    # Remove folders this script wrote before (they hold expected.yaml) so a renamed case leaves nothing behind.
    for old in out.iterdir():
        if old.is_dir() and (old.name == VALID or (old / EXPECTED).exists()):
            shutil.rmtree(old)
    write_draft(Draft(), out / VALID)
    for case in CASES:
        draft = Draft()
        case.apply(draft)
        folder = out / case.name
        write_draft(draft, folder)
        text = yaml.safe_dump(_expected(case), allow_unicode=True, sort_keys=False, width=200)
        (folder / EXPECTED).write_bytes(text.encode("utf-8"))
    (out / "README.md").write_bytes(_readme().encode("utf-8"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write (default: beside this script)")
    out = parser.parse_args(argv).out
    write_catalogue(out)
    print(f"wrote {VALID}/ and {len(CASES)} cases under {out}")


if __name__ == "__main__":
    main()
