"""The bad-input catalogue (tests/bad_inputs/): every defect is refused with exit 2, a located message, no report;
every accepted habit and data-quality finding is said in `validate`'s output, with exit 0.

Each case folder holds one tiny campaign with exactly one defect or habit and an expected.yaml saying the exit
code, how many problems, notes and findings `validate` must list, and where the one this case is about points
(file, row, column, words). `validate` and `run` go through analytics.cli.main for every case, and through a
real `python -m analytics` process for a few; a 50 MB file is built here rather than committed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from analytics import CampaignDataError, load_campaign
from analytics.cli import main

from builders import BAD_INPUTS

VALID = BAD_INPUTS / "_valid"
CASES = sorted(p for p in BAD_INPUTS.iterdir() if (p / "expected.yaml").is_file())


def _exit(case: Path) -> int:
    return yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))["exit"]


REFUSED = [c for c in CASES if _exit(c) == 2]
ACCEPTED = [c for c in CASES if _exit(c) == 0]
REPORT_FILES = ("index.html", "units", "manifest.json", "kpis.csv")
EXPECTED_KEYS = {"defect", "exit", "shown", "problems", "notes", "findings", "file", "row", "column", "contains"}
# One per kind of source: a CSV cell, a workbook, campaign.yaml.
SUBPROCESS_CASES = ("chinese_numeral_persons", "xlsx_missing_units_sheet", "broken_campaign_yaml")


def _expected(case: Path) -> dict:
    return yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _location(expected: dict) -> str:
    """How the message must begin: "file, row N, column C" with only the parts the defect has."""
    parts = [expected["file"]]
    if expected["row"] is not None:
        parts.append(f"row {expected['row']}")
    if expected["column"] is not None:
        parts.append(f"column {expected['column']}")
    return ", ".join(parts)


def _check_refusal(output: str, expected: dict) -> list[str]:
    """The contract for a refused campaign, on everything the command printed; returns the problem lines."""
    assert "Traceback" not in output, output
    problems = [line[4:] for line in output.splitlines() if line.startswith("  - ")]
    n = expected["problems"]
    assert len(problems) == n, output
    assert f"{n} problem{'s' if n != 1 else ''} in campaign data" in output, output
    where = _location(expected)
    assert any(p.startswith(where + ":") and expected["contains"] in p for p in problems), (
        f"no problem starting {where!r} containing {expected['contains']!r}:\n{output}"
    )
    # One defect is in one file: nothing is blamed on another.
    assert all(p.startswith(expected["file"]) for p in problems), output
    return problems


def _assert_no_report(out: Path) -> None:
    if out.exists():
        left = sorted(p.name for p in out.iterdir())
        assert not set(left) & set(REPORT_FILES), left


def test_the_catalogue_documents_itself():
    assert len(CASES) >= 90  # issue 12: at least 90 distinct defects and habits
    readme = (BAD_INPUTS / "README.md").read_text(encoding="utf-8")
    for case in CASES:
        expected = _expected(case)
        assert set(expected) == EXPECTED_KEYS, case.name
        if expected["exit"] == 2:
            assert expected["shown"] == "problem" and expected["problems"] >= 1, case.name
        else:
            assert expected["exit"] == 0 and expected["problems"] == 0, case.name
            assert expected["shown"] in ("note", "finding") and expected["notes"] + expected["findings"] >= 1, case.name
        assert f"| `{case.name}` |" in readme, case.name
    assert (VALID / "campaign.yaml").is_file() and (VALID / "units.csv").is_file()


def test_make_cases_reproduces_the_committed_catalogue(tmp_path, monkeypatch):
    """The folders are generated, byte for byte, by make_cases.py (xlsx included); none is edited by hand."""
    spec = importlib.util.spec_from_file_location("make_cases", BAD_INPUTS / "make_cases.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_cases", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    module.write_catalogue(tmp_path)

    def tree(root: Path) -> dict[str, str]:
        folders = [VALID.name, *(c.name for c in CASES)] if root == BAD_INPUTS else None
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and (folders is None or p.parent.name in folders or p.name == "README.md")
            and p.parent.name != "__pycache__"
        }

    assert tree(tmp_path) == tree(BAD_INPUTS)


def test_the_valid_base_passes(capsys, tmp_path):
    assert main(["validate", str(VALID)]) == 0
    out = capsys.readouterr().out
    assert "ok: the campaign meets the data contract" in out
    assert "  * " not in out and "  ! " not in out  # no note, no finding
    out = tmp_path / "kpis.csv"
    assert main(["kpis", str(VALID), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8-sig").startswith("unit_id,unit_name,metric,key,value")


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_validate_refuses_the_defect(case, capsys):
    before = _hashes(case)
    assert main(["validate", str(case)]) == 2
    captured = capsys.readouterr()
    assert "ok: the campaign" not in captured.out
    _check_refusal(captured.out + captured.err, _expected(case))
    assert _hashes(case) == before  # raw files are never modified


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_every_problem_reads_in_chinese_too(case):
    """Each problem carries a message code, so `validate --language zh` (and issue 14's cell comments) say it in
    Chinese, not in English."""
    with pytest.raises(CampaignDataError) as info:
        load_campaign(case, use_cache=False)
    for problem in info.value.problems:
        assert problem.code, str(problem)
        assert problem.rule_text("zh") != problem.rule_text("en"), str(problem)


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.name for c in ACCEPTED])
def test_validate_accepts_the_habit_and_says_so(case, capsys, tmp_path):
    expected = _expected(case)
    before = _hashes(case)
    assert main(["validate", str(case)]) == 0
    out = capsys.readouterr().out
    assert "Traceback" not in out and "ok: the campaign meets the data contract" in out
    notes = [line[4:] for line in out.splitlines() if line.startswith("  * ")]
    findings = [line[4:] for line in out.splitlines() if line.startswith("  ! ")]
    assert (len(notes), len(findings)) == (expected["notes"], expected["findings"]), out
    lines = notes if expected["shown"] == "note" else findings
    where = _location(expected)
    assert any(line.startswith(where + ":") and expected["contains"] in line for line in lines), (
        f"no {expected['shown']} starting {where!r} containing {expected['contains']!r}:\n{out}")
    # The figures are computed from what was read.
    assert main(["kpis", str(case), "--out", str(tmp_path / "kpis.csv")]) == 0
    capsys.readouterr()
    assert _hashes(case) == before


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_run_refuses_the_defect_and_writes_no_report(case, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--data", str(case), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    _check_refusal(captured.out + captured.err, _expected(case))
    _assert_no_report(out)


@pytest.mark.parametrize("case", SUBPROCESS_CASES)
def test_the_real_command_refuses_the_defect(case, tmp_path):
    folder = BAD_INPUTS / case
    expected = _expected(folder)
    out = tmp_path / "out"
    commands = (["validate", str(folder)], ["run", "--data", str(folder), "--out", str(out)])
    # Both at once: most of each process's time is importing pandas, pandera and (for run) nbformat.
    processes = [
        subprocess.Popen([sys.executable, "-m", "analytics", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=tmp_path)
        for args in commands
    ]
    lines = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 2, stdout + stderr
        lines.append(_check_refusal(stdout + stderr, expected))
    assert lines[0] == lines[1]  # run refuses with the very messages validate gives
    _assert_no_report(out)


def test_a_50_mb_file_with_one_defect_near_its_end(tmp_path, capsys):
    """A visits.csv padded to 50 MB (built here, not committed) with Chinese numerals 20 rows before its end."""
    folder = tmp_path / "big"
    shutil.copytree(VALID, folder)
    header = "date,unit_id,kind,group,persons,team,topic\n"
    good = "2012-03-01,T1,seminar,village_cadres,12,一组,产业发展调研\n"
    bad = "2012-03-02,V1,visit,residents,三十,一组,产业发展调研\n"
    rows = (50 * 2**20 - len(header.encode())) // len(good.encode()) + 1
    (folder / "visits.csv").write_bytes((header + good * (rows - 20) + bad + good * 19).encode("utf-8"))
    assert (folder / "visits.csv").stat().st_size >= 50 * 2**20
    expected = {"problems": 1, "file": "visits.csv", "row": rows - 18, "column": "persons",
                "contains": "Chinese numerals are not read"}
    out = tmp_path / "out"
    for args in (["validate", str(folder)], ["run", "--data", str(folder), "--out", str(out)]):
        started = time.perf_counter()
        assert main(args) == 2
        elapsed = time.perf_counter() - started
        captured = capsys.readouterr()
        _check_refusal(captured.out + captured.err, expected)
        assert elapsed < 60, f"{args[0]} took {elapsed:.0f} s to refuse a 50 MB file"
    _assert_no_report(out)


def test_an_unclosed_quote_early_in_a_long_file(tmp_path, capsys):
    """The rest of the file becomes one cell, over the csv module's field limit: one located problem, no traceback."""
    folder = tmp_path / "quote"
    shutil.copytree(VALID, folder)
    header = "date,unit_id,kind,group,persons,team,topic\n"
    good = "2012-03-01,T1,seminar,village_cadres,12,一组,产业发展调研\n"
    quoted = '2012-03-02,V1,visit,residents,30,"一组,产业发展调研\n'
    (folder / "visits.csv").write_bytes((header + good + quoted + good * 4000).encode("utf-8"))
    expected = {"problems": 1, "file": "visits.csv", "row": 3, "column": None, "contains": "is not well-formed CSV"}
    out = tmp_path / "out"
    for args in (["validate", str(folder)], ["run", "--data", str(folder), "--out", str(out)]):
        assert main(args) == 2
        captured = capsys.readouterr()
        _check_refusal(captured.out + captured.err, expected)
    _assert_no_report(out)


def test_run_leaves_an_earlier_report_untouched(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "units").mkdir(parents=True)
    earlier = {"index.html": "<p>earlier</p>", "manifest.json": "{}", "kpis.csv": "unit_id,metric,key,value\n",
               "units/C.html": "<p>C</p>"}
    for name, text in earlier.items():
        (out / name).write_text(text, encoding="utf-8")
    before = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert main(["run", "--data", str(BAD_INPUTS / "dangling_parent"), "--out", str(out)]) == 2
    capsys.readouterr()
    assert {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before


# --- issue 24: what the catalogue's folders cannot show (outputs, pages, parameter files) -----------------------


def _valid_copy(tmp_path: Path, name: str = "campaign") -> Path:
    folder = tmp_path / name
    shutil.copytree(VALID, folder)
    return folder


def _kpis(folder: Path, tmp_path: Path, capsys) -> list[str]:
    out = tmp_path / f"{folder.name}.csv"
    assert main(["kpis", str(folder), "--out", str(out)]) == 0
    capsys.readouterr()
    return out.read_text(encoding="utf-8-sig").splitlines()


def test_rows_dated_before_the_start_are_not_counted(tmp_path, capsys):
    """DOMAIN.md's window. visit_before_start adds 600 persons at T2 on 2011-12-31: C keeps 12 + 30 + 8 + 5 = 55
    persons in 4 events and T2 8 persons. commitment_due_before_start: of K1 (due 2011-11-30, never done) and K2
    (due 2012-05-31, done 2012-05-20) only K2 is due at T1: due 1, kept 1, overdue 0, fulfilment 1 ÷ 1."""
    visits = _kpis(BAD_INPUTS / "visit_before_start", tmp_path, capsys)
    assert {"C,某县,persons,,55", "C,某县,events,,4", "T2,乙乡,persons,,8", "T2,乙乡,events,,1"} <= set(visits)
    commitments = _kpis(BAD_INPUTS / "commitment_due_before_start", tmp_path, capsys)
    assert {"T1,甲乡,commitments_due,,1", "T1,甲乡,commitments_kept,,1", "T1,甲乡,commitments_overdue,,0",
            "T1,甲乡,commitment_fulfilment,,1.0"} <= set(commitments)


def test_an_appraisal_item_keyed_by_a_kind_label_is_scored_as_its_code(tmp_path, capsys):
    """events: 座谈会 is the kind the visits table reads as seminar: accepted, and scored as events:seminar (T1's
    seminar and T2's 座谈会: 2 events at C, full_at 2 → 60 points of 60)."""
    folder = _valid_copy(tmp_path)
    with (folder / "campaign.yaml").open("a", encoding="utf-8") as fh:
        fh.write("appraisal:\n  items:\n    - {metric: coverage, weight: 40, full_at: 1.0}\n"
                 "    - {metric: events, key: 座谈会, weight: 60, full_at: 2}\n"
                 "  grades: {excellent: 90, good: 80, pass: 60}\n")
    assert main(["validate", str(folder)]) == 0, capsys.readouterr().out
    out = tmp_path / "kpis.csv"
    assert main(["kpis", str(folder), "--out", str(out)]) == 0
    capsys.readouterr()
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert "C,某县,appraisal_item,events:seminar,60.0" in rows


def test_rating_count_is_written_as_a_whole_number(tmp_path, capsys):
    """Three ratings of Q1 (T1): rating_count 3, not 3.0, beside a mean of (5 + 4 + 3) / 3 = 4."""
    folder = _valid_copy(tmp_path)
    (folder / "responses.csv").write_text("survey_id,question,score,respondent\nQ1,q1,5,R1\nQ1,q1,4,R2\nQ1,q1,3,R3\n",
                                          encoding="utf-8")
    out = tmp_path / "kpis.csv"
    assert main(["kpis", str(folder), "--out", str(out)]) == 0
    capsys.readouterr()
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert "T1,甲乡,rating_count,,3" in rows and "T1,甲乡,rating_count,q1,3" in rows
    assert "T1,甲乡,rating_mean,,4.0" in rows
    assert not [r for r in rows if ",rating_count," in r and r.endswith(".0")]


def test_an_english_page_names_a_measure_without_an_english_word_in_words(tmp_path):
    """A target in 担 (no English word): the page says so in English, never the raw key untranslated_measures."""
    from analytics.report.sections import UnitReport

    folder = _valid_copy(tmp_path)
    targets = (folder / "targets.csv").read_text(encoding="utf-8")
    (folder / "targets.csv").write_text(targets.replace("万元", "担"), encoding="utf-8")
    html = UnitReport.load(folder, "T1", language="en").targets().html()
    assert "Measures shown as written (no English name): 担" in html
    assert "untranslated_measures" not in html


@pytest.mark.parametrize("case", ["repeated_key", "nul_in_value"])
def test_a_bad_parameter_file_is_one_message(case, tmp_path, capsys):
    out = tmp_path / "out"
    head = f"data_dir: {VALID}\nout: {out}\n"
    text, words = {
        "repeated_key": (head + "language: en\nlanguage: zh\n", "language is given twice (lines 3 and 4); keep one"),
        "nul_in_value": (f'data_dir: "{VALID}\\0x"\nout: {out}\n',
                         "the value of data_dir holds a NUL character (\\0), which no path or name can hold"),
    }[case]
    params = tmp_path / "params.yaml"
    params.write_text(text, encoding="utf-8")
    assert main(["run", str(params)]) == 2
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output and f"{params}: {words}" in output, output
    _assert_no_report(out)


def test_a_fifo_as_the_parameter_file_is_refused_without_waiting(tmp_path):
    """Reading a named pipe would wait for a writer forever: refused at once (a real process, with a timeout)."""
    import os

    fifo = tmp_path / "params.yaml"
    os.mkfifo(fifo)
    process = subprocess.run([sys.executable, "-m", "analytics", "run", str(fifo)], capture_output=True, text=True,
                             timeout=120, cwd=tmp_path)
    assert process.returncode == 2, process.stdout + process.stderr
    assert "Traceback" not in process.stderr
    assert f"{fifo}: is a named pipe (FIFO), not a regular file; give a YAML parameter file" in process.stderr
