"""readers: bytes -> text frames indexed by spreadsheet row; structure problems, never value checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from analytics.data.csvfile import decode
from analytics.data.readers import read_csv
from analytics.data.sources import table_sources
from analytics.data.workbook import read_workbook


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding, newline="")
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_decode_accepts_the_three_spreadsheet_encodings(encoding):
    text = "单位编码,单位名称\nA,尉氏县\n"
    decoded, problem = decode(text.encode(encoding), "units.csv")
    assert problem is None
    assert decoded == text  # the BOM is stripped, GB18030 is recognised


def test_decode_rejects_bytes_that_are_neither_utf8_nor_gb18030():
    decoded, problem = decode(b"unit_id\n\xff\xfe\x80\n", "units.csv")
    assert decoded is None
    assert problem.file == "units.csv"
    assert "UTF-8 or GB18030" in problem.rule


def test_read_csv_indexes_rows_as_a_spreadsheet_shows_them(tmp_path):
    # Header is row 1; row 3 is blank and dropped, but row 4 keeps its number.
    path = _write(tmp_path / "units.csv", "unit_id,name,parent_id\nA, Root ,\n,,\nB,Kid,A\n")
    raw, problems = read_csv(path, "units")
    assert problems == []
    assert list(raw.frame.index) == [2, 4]
    assert raw.frame.loc[2, "name"] == "Root"  # cells are stripped
    assert raw.frame.loc[2, "parent_id"] == ""  # empty = missing, as text
    assert raw.frame.loc[4, "parent_id"] == "A"


def test_read_csv_maps_chinese_headers_and_remembers_what_was_written(tmp_path):
    path = _write(tmp_path / "visits.csv", "日期,单位编码,活动类型,对象类别,人次\n2012-03-01,A,走访,群众,5\n", "gb18030")
    raw, problems = read_csv(path, "visits")
    assert problems == []
    assert list(raw.frame.columns) == ["date", "unit_id", "kind", "group", "persons"]
    assert raw.headers["persons"] == "人次"
    assert raw.shown("persons") == "人次 (persons)"
    assert raw.frame.loc[2, "kind"] == "走访"  # labels are normalised later, by validation


def test_read_csv_tolerates_note_columns_trailing_empty_headers_and_fullwidth_header(tmp_path):
    # "ｕｎｉｔ＿ｉｄ" is full-width; NFKC turns it into unit_id. 备注 is a free-text column people add.
    path = _write(tmp_path / "units.csv", "ｕｎｉｔ＿ｉｄ,name,parent_id,备注,,\nA,Root,,顶层,,\n")
    raw, problems = read_csv(path, "units")
    assert problems == []
    assert list(raw.frame.columns) == ["unit_id", "name", "parent_id"]


def test_read_csv_reports_ragged_rows_with_their_row_number(tmp_path):
    path = _write(tmp_path / "units.csv", "unit_id,name,parent_id\nA,Root,\nB,Kid,A,surplus\n")
    _, problems = read_csv(path, "units")
    assert [(p.file, p.row) for p in problems] == [("units.csv", 3)]
    assert "4 cells but the header has 3" in problems[0].rule


def test_read_csv_reports_an_empty_file_and_a_header_only_file(tmp_path):
    empty = tmp_path / "units.csv"
    empty.write_bytes(b"")
    raw, problems = read_csv(empty, "units")
    assert raw is None and "is empty" in problems[0].rule

    header_only = _write(tmp_path / "visits.csv", "date,unit_id,kind,group,persons\n\n")
    _, problems = read_csv(header_only, "visits")
    assert [p.rule for p in problems] == ["has a header but no data rows"]


def test_table_sources_finds_csvs_and_one_workbook_ignoring_excel_lock_files(tmp_path):
    for name in ("units.csv", "visits.csv", "notes.csv", "book.xlsx", "~$book.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    csvs, book, problems = table_sources(tmp_path)
    assert set(csvs) == {"units", "visits"}  # notes.csv is not a table
    assert book == tmp_path / "book.xlsx"
    assert problems == []


def test_table_sources_reports_two_workbooks(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    _, _, problems = table_sources(tmp_path)
    assert len(problems) == 1 and "more than one .xlsx" in problems[0].rule


def test_read_workbook_reads_sheets_and_reports_unknown_ones(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    ws.append(["unit_id", "name", "parent_id"])
    ws.append(["A", "Root", None])
    wb.create_sheet("Sheet2").append(["x"])
    wb.save(tmp_path / "book.xlsx")
    tables, problems = read_workbook(tmp_path / "book.xlsx")
    assert set(tables) == {"units"}
    assert tables["units"].frame.loc[2, "unit_id"] == "A"
    assert tables["units"].frame.loc[2, "parent_id"] == ""
    assert len(problems) == 1
    assert problems[0].file == "book.xlsx" and problems[0].value == "Sheet2"


def test_read_workbook_reports_a_damaged_file(tmp_path):
    (tmp_path / "book.xlsx").write_bytes(b"not a zip file")
    tables, problems = read_workbook(tmp_path / "book.xlsx")
    assert tables == {}
    assert "cannot be read as an .xlsx workbook" in problems[0].rule


def test_csv_whitespace_is_what_str_strip_strips():
    from analytics.data.csvfile import WHITESPACE

    assert WHITESPACE == "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def test_read_csv_strips_cells_as_str_strip_does_in_ascii_and_other_columns(tmp_path):
    # unit_id is all ASCII (trimmed with the ASCII whitespace only); name holds Chinese and the wide spaces.
    names = ["\u3000甲\u3000", "\x1c乙\x1f", "\xa0丙 \u2003", "丁\u200b"]  # U+200B (zero width) is not whitespace
    rows = [f"{uid},{name},\n" for uid, name in zip([" A", "B\t", "\x0bC\x0c", "D"], names, strict=True)]
    path = _write(tmp_path / "units.csv", "unit_id,name,parent_id\n" + "".join(rows))
    raw, problems = read_csv(path, "units")
    assert problems == []
    assert list(raw.frame["unit_id"]) == ["A", "B", "C", "D"]
    assert list(raw.frame["name"]) == [n.strip() for n in names] == ["甲", "乙", "丙", "丁\u200b"]


def test_read_csv_reads_a_line_break_inside_a_quoted_cell(tmp_path):
    path = _write(tmp_path / "units.csv", 'unit_id,name,parent_id\r\nA,"Root\r\nline two",\r\nB,Kid,A\r\n')
    raw, problems = read_csv(path, "units")
    assert problems == []
    assert list(raw.frame["name"]) == ["Root\r\nline two", "Kid"]
