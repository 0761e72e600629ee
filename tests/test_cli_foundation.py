"""The validate and kpis commands through analytics.cli.main, plus one run of the installed command."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics.cli import main

from builders import REPO_ROOT, SAMPLES, SHUNHE

UNITS_CSV = "unit_id,name,parent_id\nA,县,\nB,甲乡,A\nC,乙乡,A\nD,某村,B\n"  # A -> B, C; B -> D

BAD_SURVEYS = {
    "units": UNITS_CSV,
    "surveys": "survey_id,unit_id,date,issued,returned,valid\nQ1,A,2012-03-01,10,9,8\nQ2,B,2012-03-02,10,12,8\n",
}


@pytest.mark.parametrize("folder", SAMPLES, ids=[s.name for s in SAMPLES])
def test_validate_accepts_each_sample(folder, capsys):
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{folder.name}: ")
    assert "ok: the campaign meets the data contract" in out


def test_validate_reports_returned_above_issued_with_exit_2(make_campaign, capsys):
    folder = make_campaign(BAD_SURVEYS)
    assert main(["validate", str(folder)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "surveys.csv, row 3, column returned and issued" in captured.err
    assert "returned must not exceed issued" in captured.err
    assert "Traceback" not in captured.err


def test_kpis_out_writes_a_tidy_csv(tmp_path, capsys):
    out = tmp_path / "kpis.csv"
    assert main(["kpis", str(SHUNHE), "--as-of", "2012-06-30", "--out", str(out)]) == 0
    assert f"to {out}" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == "unit_id,unit_name,metric,key,value"
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    figures = {(m, k): v for u, _name, m, k, v in table.itertuples(index=False) if u == "SH"}
    assert round(float(figures[("completion", "gdp")]), 4) == 0.5841  # 208526 / 357000
    assert figures[("status", "general_budget_revenue")] == "on_pace"
    assert figures[("persons", "")] != ""


def test_kpis_as_of_changes_the_figures(make_campaign, capsys):
    folder = make_campaign(
        {"units": UNITS_CSV, "visits": "date,unit_id,kind,group,persons\n2012-03-01,D,visit,residents,5\n"
         "2012-09-01,C,visit,residents,7\n"}
    )

    def persons_at_root(as_of: str) -> int:
        assert main(["kpis", str(folder), "--as-of", as_of]) == 0
        table = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False, dtype=str)
        assert list(table.columns) == ["unit_id", "unit_name", "metric", "key", "value"]
        row = table[(table["unit_id"] == "A") & (table["metric"] == "persons") & (table["key"] == "")]
        return int(row["value"].item())

    assert persons_at_root("2012-06-30") == 5
    assert persons_at_root("2012-12-31") == 12  # 5 + 7


@pytest.mark.parametrize("as_of", ["2012-13-01", "yesterday", "2012-02-30"])
def test_kpis_rejects_a_bad_as_of(as_of, capsys):
    assert main(["kpis", str(SHUNHE), "--as-of", as_of]) == 2
    err = capsys.readouterr().err
    assert "is not a date as YYYY-MM-DD" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["validate", "kpis"])
def test_a_missing_folder_exits_2(tmp_path, command, capsys):
    missing = tmp_path / "no-such-campaign"
    assert main([command, str(missing)]) == 2
    err = capsys.readouterr().err
    assert "is not a folder" in err and "no-such-campaign" in err
    assert "Traceback" not in err


def test_version(capsys):
    assert main(["--version"]) == 0
    assert "campaign-analytics" in capsys.readouterr().out


def test_the_installed_command_exits_2_without_a_traceback(make_campaign):
    folder = make_campaign(BAD_SURVEYS)
    script = Path(sys.executable).parent / "campaign-analytics"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "analytics"]
    done = subprocess.run(
        [*command, "validate", str(folder)], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert "surveys.csv, row 3, column returned and issued" in done.stderr
    assert "Traceback" not in done.stderr
