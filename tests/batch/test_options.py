"""Options declared once: the schema's rules, the parameter-file reader, the click options, BatchOptions, the docs table."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from analytics.batch.options import RUN_OPTIONS, BatchOptions, read_parameters
from analytics.cli import cli, main
from analytics.errors import UsageError
from analytics.options import Option, OptionValueError
from analytics.report.parameters import NOTEBOOK_PARAMETERS, check_notebook_parameters

from builders import REPO_ROOT, SHUNHE


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "params.yaml"
    path.write_bytes(text.encode(encoding))
    return path


# -- one rule per option ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["0.5", 0.5, 0, "nan", float("nan"), "inf", float("inf"), -3, "ten", True])
def test_timeout_must_be_a_finite_number_of_at_least_one_second(value):
    with pytest.raises(OptionValueError, match="^timeout must be"):
        RUN_OPTIONS["timeout"].parse(value)


@pytest.mark.parametrize(("value", "expected"), [("1", 1.0), (1, 1.0), ("600", 600.0), (2.5, 2.5)])
def test_timeout_accepts_seconds(value, expected):
    assert RUN_OPTIONS["timeout"].parse(value) == expected


@pytest.mark.parametrize("value", ["nan", float("nan"), "-5", -5, "inf", "abc", [1]])
def test_tolerance_must_be_finite_and_not_negative(value):
    with pytest.raises(OptionValueError, match="tolerance must be"):
        NOTEBOOK_PARAMETERS["tolerance"].parse(value)


def test_tolerance_zero_and_numbers_from_text():
    assert NOTEBOOK_PARAMETERS["tolerance"].parse("0") == 0.0
    assert NOTEBOOK_PARAMETERS["tolerance"].parse(2) == 2.0


@pytest.mark.parametrize("value", ["2012-02-30", "20120630", "2012-6-30", "30/06/2012", "yesterday", "2012-13-01",
                                   dt.datetime(2012, 6, 30, 12, 0)])
def test_as_of_is_a_real_calendar_date_written_as_iso(value):
    with pytest.raises(OptionValueError, match="as_of"):
        NOTEBOOK_PARAMETERS["as_of"].parse(value)


def test_as_of_parses_iso_text_and_dates():
    assert NOTEBOOK_PARAMETERS["as_of"].parse("2012-06-30") == dt.date(2012, 6, 30)
    assert NOTEBOOK_PARAMETERS["as_of"].parse(dt.date(2012, 6, 30)) == dt.date(2012, 6, 30)


def test_language_is_checked_against_labels_languages():
    assert NOTEBOOK_PARAMETERS["language"].choices == ("zh", "en")
    with pytest.raises(OptionValueError, match="language must be one of zh, en, not 'fr'"):
        NOTEBOOK_PARAMETERS["language"].parse("fr")


def test_jobs_range_and_type():
    jobs = RUN_OPTIONS["jobs"]
    assert jobs.parse("3") == 3
    for bad in (0, 65, True, 1.5, "two"):
        with pytest.raises(OptionValueError, match="jobs must be"):
            jobs.parse(bad)


def test_units_list_from_text_list_or_number():
    units = RUN_OPTIONS["units"]
    assert units.parse("A, B,,C") == ["A", "B", "C"]
    assert units.parse(["A,B", "C", 7]) == ["A", "B", "C", "7"]
    assert units.parse(12) == ["12"]
    with pytest.raises(OptionValueError):
        units.parse({"a": 1})


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="kind must be one of"):
        Option("x", "colour", "a colour")


# -- the parameter-file reader -------------------------------------------------------------------------------------
def test_reads_every_key_in_its_type(tmp_path):
    path = _write(tmp_path, "data_dir: data/raw/weishi\nout: /tmp/x\nunits: [WS, WS-T01]\nas_of: 2010-05-15\n"
                            "jobs: 2\nassets: shared\nlanguage: en\ntolerance: 2\ntimeout: 30\nforce: true\n"
                            "executor: local\nscheduler: null\n")
    assert read_parameters(path) == {
        "data_dir": Path("data/raw/weishi"), "out": Path("/tmp/x"), "units": ["WS", "WS-T01"],
        "as_of": dt.date(2010, 5, 15), "jobs": 2, "assets": "shared", "language": "en", "tolerance": 2.0,
        "timeout": 30.0, "force": True, "executor": "local",
    }


def test_an_empty_file_gives_no_parameters(tmp_path):
    assert read_parameters(_write(tmp_path, "# nothing yet\n")) == {}


@pytest.mark.parametrize(("text", "message"), [
    ("as_of: 2012-02-30\n", "as_of: '2012-02-30' is not a date as YYYY-MM-DD (day is out of range for month)"),
    ("as-of: 2012-06-30\n", "unknown key 'as-of' (did you mean as_of?)"),
    ("tolerance: nan\n", "tolerance must be"),
    ("tolerance: -5\n", "tolerance must be a finite number of percentage points, 0 or more"),
    ("timeout: 0.5\n", "timeout must be 1 or more, not 0.5"),
    ("timeout: .inf\n", "timeout must be a finite number"),
    ("jobs: yes\n", "jobs must be a whole number, not True"),
    ("language: fr\n", "language must be one of zh, en"),
    ("- a\n- b\n", "must be a mapping of parameter names to values"),
    ("a: &x 1\nb: *x\n", "aliases are not allowed here"),
    ("data_dir: [unclosed\n", "not valid YAML (line 2, column 1)"),
])
def test_a_bad_parameter_file_is_one_clear_usage_error(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        read_parameters(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_gbk_parameter_file_is_refused_with_what_to_do(tmp_path):
    path = _write(tmp_path, "# 尉氏县参数\ndata_dir: data/raw/weishi\n", encoding="gbk")
    with pytest.raises(UsageError, match=r"not UTF-8 \(byte 0x[0-9a-f]{2} at offset \d+\); save the parameter file as UTF-8"):
        read_parameters(path)


def test_a_utf8_file_with_bom_and_chinese_comment_is_fine(tmp_path):
    path = _write(tmp_path, "\ufeff# 尉氏县参数\nlanguage: zh\n")
    assert read_parameters(path) == {"language": "zh"}


def test_a_huge_parameter_file_is_refused_unread(tmp_path):
    path = _write(tmp_path, "# " + "x" * 1_000_001 + "\n")
    with pytest.raises(UsageError, match="over 1 MB"):
        read_parameters(path)


@pytest.mark.parametrize(("argv", "message"), [
    (["--timeout", "0.5"], "timeout must be 1 or more, not 0.5"),
    (["--timeout", "nan"], "timeout must be a finite number"),
    (["--timeout", "inf"], "timeout must be a finite number"),
    (["--tolerance", "nan"], "tolerance must be"),
    (["--tolerance", "-5"], "tolerance must be a finite number of percentage points, 0 or more"),
    (["--as-of", "2012-02-30"], "is not a date as YYYY-MM-DD"),
    (["--jobs", "0"], "jobs must be between 1 and 64"),
    (["--language", "fr"], "language must be one of zh, en"),
])
def test_run_refuses_a_bad_option_before_anything_runs(tmp_path, capsys, argv, message):
    out = tmp_path / "out"
    assert main(["run", "--data", str(SHUNHE), "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "2011-12-31", "2014-01-02"])
def test_as_of_outside_the_campaigns_range_is_refused(tmp_path, capsys, as_of):
    # Shunhe runs 2012-01-01 .. 2012-12-31: as_of may be 2012-01-01 .. 2014-01-01 (end + 366 days: 2013 has 365).
    out = tmp_path / "out"
    assert main(["run", "--data", str(SHUNHE), "--out", str(out), "--as-of", as_of]) == 2
    err = capsys.readouterr().err
    assert f"as_of {as_of} is outside 2012-01-01 … 2014-01-01 (start to end + 366 days)" in err
    assert "Traceback" not in err and not out.exists()
    assert main(["kpis", str(SHUNHE), "--as-of", as_of]) == 2
    assert f"as_of {as_of} is outside 2012-01-01 … 2014-01-01" in capsys.readouterr().err


def test_the_last_day_of_the_range_is_accepted(capsys):
    assert main(["kpis", str(SHUNHE), "--as-of", "2014-01-01"]) == 0
    assert capsys.readouterr().out.startswith("unit_id,unit_name,metric,key,value")


def test_run_refuses_a_bad_parameter_file_with_exit_2(tmp_path, capsys):
    path = _write(tmp_path, f"data_dir: {SHUNHE}\nas_of: 2012-02-30\n")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {path}: as_of: '2012-02-30' is not a date as YYYY-MM-DD (day is out of range for month)"


def test_run_refuses_an_unknown_unit_with_the_notebooks_message(tmp_path, capsys):
    assert main(["run", "--data", str(SHUNHE), "--out", str(tmp_path / "o"), "--units", "SH,NOPE"]) == 2
    assert f"unknown unit id(s) 'NOPE': not in the units table of {SHUNHE}" in capsys.readouterr().err


def test_unit_report_load_checks_its_parameters_like_the_command_line():
    from analytics.report import UnitReport

    with pytest.raises(UsageError, match=f"unknown unit id\\(s\\) 'NOPE': not in the units table of {re.escape(str(SHUNHE))}"):
        UnitReport.load(SHUNHE, "NOPE")
    with pytest.raises(UsageError, match="tolerance must be a number, not 'abc'"):
        UnitReport.load(SHUNHE, "SH", tolerance="abc")
    with pytest.raises(UsageError, match="as_of 2099-01-01 is outside 2012-01-01 … 2014-01-01"):
        UnitReport.load(SHUNHE, "SH", as_of="2099-01-01")
    report = UnitReport.load(SHUNHE, "SH", tolerance="2")
    assert report.tolerance == 2.0


# -- everything made from the one schema --------------------------------------------------------------------------
def test_check_notebook_parameters_fills_the_defaults():
    assert check_notebook_parameters(data_dir="x") == {
        "data_dir": Path("x"), "unit_id": None, "as_of": None, "language": "zh", "tolerance": 1.0, "compare_to": None,
        "reports_dir": None,
    }


def test_batch_options_fields_and_defaults_come_from_the_schema():
    options = BatchOptions(data_dir=SHUNHE)
    for option in RUN_OPTIONS.values():
        if option.name != "data_dir":
            assert getattr(options, option.field) == option.default
    assert options.out_dir is None and options.timeout == 600.0
    with pytest.raises(UsageError, match="timeout must be 1 or more, not 0.5"):
        BatchOptions(data_dir=SHUNHE, timeout=0.5)
    with pytest.raises(UsageError, match="the dask executor needs --scheduler"):
        BatchOptions(data_dir=SHUNHE, executor="dask")
    with pytest.raises(UsageError, match="give a parameter file or --data DIR"):
        BatchOptions()
    assert BatchOptions.from_values({"data_dir": "d", "out": "o"}).out_dir == Path("o")


def test_the_run_command_has_exactly_the_schemas_options():
    params = {p.name: p for p in cli.commands["run"].params if p.name != "params_file"}
    assert list(params) == list(RUN_OPTIONS)
    for name, option in RUN_OPTIONS.items():
        assert params[name].opts == [option.cli_flag]


def test_docs_run_options_table_is_the_schemas():
    page = (REPO_ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    table = RUN_OPTIONS.markdown_table()
    assert table in page, (
        "docs/commands.md's run options table differs from RUN_OPTIONS; paste the output of\n"
        "  python -c 'from analytics.batch.options import RUN_OPTIONS; print(RUN_OPTIONS.markdown_table())'"
    )
