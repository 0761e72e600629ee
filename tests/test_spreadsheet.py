"""Spreadsheet safety: no text cell of kpis.csv can run as a formula; numbers, negative ones too, stay numbers."""

from __future__ import annotations

import csv
import io
import subprocess

import pandas as pd
import pytest

from analytics.cli import main
from analytics.spreadsheet import csv_bytes, csv_text, is_formula_like, safe_csv_frame, safe_csv_text

from builders import require_soffice

# Unit ids and indicator codes a hostile (or careless) spreadsheet could hold.
UNITS = (
    "unit_id,name,parent_id,kind\n"
    "=1+1,县,,county\n"
    "+T1,甲乡,=1+1,township\n"
    "-T2,乙乡,=1+1,township\n"
    "@SUM(A1),某村,+T1,village\n"
)
TARGETS = (
    "unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
    '+T1,"=HYPERLINK(""http://evil.example"",""x"")",100,万元,2012-01-01,2012-12-31,sum\n'
    "-T2,-cmd|' /C calc'!A0,100,万元,2012-01-01,2012-12-31,sum\n"
)
ACTUALS = (
    "unit_id,indicator,date,value\n"
    '+T1,"=HYPERLINK(""http://evil.example"",""x"")",2012-06-30,10\n'
    "-T2,-cmd|' /C calc'!A0,2012-06-30,20\n"
)
VISITS = "date,unit_id,kind,group,persons\n2012-03-01,@SUM(A1),visit,residents,5\n"


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+T1", "'+T1"), ("-T2", "'-T2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("T1", "T1"), ("", ""), ("乙乡", "乙乡"), (-3.5, -3.5), (0, 0), (None, None),
])
def test_safe_csv_text(value, expected):
    assert safe_csv_text(value) == expected


def test_is_formula_like():
    assert is_formula_like("=A1") and is_formula_like("-x") and not is_formula_like("'=A1")


def test_safe_csv_frame_keeps_numbers_and_dtypes():
    frame = pd.DataFrame({"=h": ["=a", "b"], "n": [-1.5, 2.0], "mixed": pd.Series([-7, "-x"], dtype=object)})
    safe = safe_csv_frame(frame)
    assert list(safe.columns) == ["'=h", "n", "mixed"]
    assert safe["'=h"].tolist() == ["'=a", "b"]
    assert safe["n"].dtype == frame["n"].dtype and safe["n"].tolist() == [-1.5, 2.0]
    assert safe["mixed"].tolist() == [-7, "'-x"]
    assert frame["=h"].tolist() == ["=a", "b"]  # the input is not changed
    assert csv_text(frame).splitlines() == ["'=h,n,mixed", "'=a,-1.5,-7", "b,2.0,'-x"]


def test_csv_bytes_of_text_columns_are_pandas_bytes():
    """A frame of text columns goes through Arrow's writer: the very bytes pandas writes, quoting and all."""
    import datetime as dt

    import numpy as np

    text = pd.Series(["a", 'say "hi"', "x,y", "two\nlines", "cr\rhere", "", None, "乙乡", " sp ", "=1+1"], dtype="str")
    mixed = pd.Series([1, 2.5, -0.0, np.float64(0.1), float("nan"), None, True, dt.date(2024, 6, 30), "1e-05",
                       pd.NaT], dtype=object)
    frame = pd.DataFrame({"text": text, "mixed": mixed, "ids": pd.Series([f"U{i}" for i in range(10)], dtype=object)})
    for encoding in ("utf-8-sig", "utf-8"):
        expected = io.BytesIO()
        safe_csv_frame(frame).to_csv(expected, index=False, encoding=encoding)
        assert csv_bytes(frame, encoding) == expected.getvalue()
    assert csv_bytes(frame.iloc[:0]) == "\ufefftext,mixed,ids\n".encode()
    # as a spreadsheet reads them back: a quoted field keeps its comma, quotes and line break
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:5]] == ["a", 'say "hi"', "x,y", "two\nlines"]
    assert rows[-1] == ["'=1+1", "", "U9"]


def _kpis_csv(make_campaign, tmp_path) -> str:
    folder = make_campaign({"units": UNITS, "targets": TARGETS, "actuals": ACTUALS, "visits": VISITS})
    out = tmp_path / "kpis.csv"
    assert main(["kpis", str(folder), "--as-of", "2012-06-30", "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8-sig")


def test_kpis_csv_from_formula_like_ids_and_indicators(make_campaign, tmp_path):
    text = _kpis_csv(make_campaign, tmp_path)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["unit_id", "unit_name", "metric", "key", "value"]
    numbers = 0
    for row in rows[1:]:
        for cell in row:
            try:
                float(cell)
                numbers += 1
                continue  # a number, written as one (e.g. a negative pace gap)
            except ValueError:
                pass
            assert not is_formula_like(cell), row
    assert ["'=1+1", "县", "persons", "", "5"] in rows
    assert ["'+T1", "甲乡", "completion", "'=HYPERLINK(\"http://evil.example\",\"x\")", "0.1"] in rows
    # -T2's pace gap: completion 20/100 = 20%, elapsed 182/366 = 49.73%: gap -29.73 points, a number.
    gap = next(r for r in rows if r[0] == "'-T2" and r[2] == "pace_gap")
    assert gap[3] == "'-cmd|' /C calc'!A0" and float(gap[4]) == pytest.approx(-29.73, abs=0.01)
    assert not gap[4].startswith("'")
    assert numbers > 10


def test_kpis_to_standard_output_is_safe_too(make_campaign, capsys):
    folder = make_campaign({"units": UNITS, "visits": VISITS})
    assert main(["kpis", str(folder), "--as-of", "2012-06-30"]) == 0
    out = capsys.readouterr().out
    assert "'@SUM(A1),某村,persons,,5" in out.splitlines()


@pytest.mark.libreoffice
def test_libreoffice_opens_kpis_csv_without_a_formula(make_campaign, tmp_path):
    """What a person sees: LibreOffice evaluates `=...` cells of a CSV it opens; ours have none."""
    require_soffice()
    import openpyxl

    _kpis_csv(make_campaign, tmp_path)
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(tmp_path), str(tmp_path / "kpis.csv")],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(tmp_path / "kpis.xlsx").active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    gaps = [row for row in sheet.iter_rows(values_only=True) if row[2] == "pace_gap"]
    assert gaps and all(isinstance(r[4], float) for r in gaps)
    assert any(r[4] < 0 for r in gaps)  # the negative gap stays a number
