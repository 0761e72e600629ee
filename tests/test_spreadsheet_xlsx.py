"""Spreadsheet safety in XLSX cells (analytics.spreadsheet.put_text / put_value): text from data files is
stored as a text cell whatever it says, numbers and dates as themselves."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from openpyxl import Workbook, load_workbook

from analytics.spreadsheet import put_text, put_value

from builders import require_soffice

HOSTILE = ["=1+1", '=HYPERLINK("http://evil.example","x")', "+T1", "-cmd|' /C calc'!A0", "@SUM(A1)", "#N/A",
           "#DIV/0!", "\tx"]


def _saved_and_loaded(tmp_path, values, put):
    book = Workbook()
    ws = book.active
    for r, value in enumerate(values, start=1):
        put(ws.cell(r, 1), value)
    book.save(tmp_path / "cells.xlsx")
    return load_workbook(tmp_path / "cells.xlsx").active


def test_put_text_stores_formula_like_and_error_like_text_as_text(tmp_path):
    ws = _saved_and_loaded(tmp_path, HOSTILE, put_text)
    cells = [ws.cell(r, 1) for r in range(1, len(HOSTILE) + 1)]
    assert [c.value for c in cells] == HOSTILE
    assert {c.data_type for c in cells} == {"s"}
    # Formula-like text also gets the quote prefix, so editing the cell in Excel keeps it text.
    assert [c.quotePrefix for c in cells] == [True, True, True, True, True, False, False, True]


def test_put_text_shows_control_characters_xml_cannot_hold(tmp_path):
    ws = _saved_and_loaded(tmp_path, ["a\x01b", "line\nbreak"], put_text)
    assert [ws["A1"].value, ws["A2"].value] == ["a\ufffdb", "line\nbreak"]


def test_put_value_keeps_numbers_and_dates_and_leaves_missing_values_empty(tmp_path):
    values = [-3.5, 0, 12, dt.datetime(2012, 6, 30), None, float("nan"), True, "-2"]
    ws = _saved_and_loaded(tmp_path, values, put_value)
    got = [ws.cell(r, 1).value for r in range(1, len(values) + 1)]
    assert got == [-3.5, 0, 12, dt.datetime(2012, 6, 30), None, None, "TRUE", "-2"]
    assert ws["A1"].data_type == "n" and ws["A8"].data_type == "s"


@pytest.mark.libreoffice
def test_libreoffice_keeps_every_hostile_text_a_text(tmp_path):
    require_soffice()
    _saved_and_loaded(tmp_path, HOSTILE, put_text)
    out = tmp_path / "out"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                           "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out),
                           str(tmp_path / "cells.xlsx")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = (out / "cells.csv").read_text(encoding="utf-8").splitlines()
    # Had LibreOffice evaluated a cell, =1+1 would read 2 and the error-like texts an error code.
    assert lines[0] == "=1+1" and lines[4] == "@SUM(A1)" and lines[5] == "#N/A"
