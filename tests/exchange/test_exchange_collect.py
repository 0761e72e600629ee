"""collect (issue 14, parts 2 and 4): returned workbooks judged by the rules `validate` applies, good rows
merged, bad rows left out and located, habits noted, offices matched, exit codes, atomic and deterministic.

The tiny campaign (tests/exchange/conftest.py): C 县 ─ T1 甲乡 (V1, V2), T2 乙乡 (V3). T1 holds 3 visits,
survey S1 (100/90/80) with 2 responses, targets gdp 600 and rate 90 %, actuals gdp 300 and rate 85.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pytest

from analytics import load_campaign
from analytics.cli import main
from analytics.data.marker import MARKER_SHEET
from analytics.exchange.rows import table_text
from analytics.measures.kpis import kpi_table

from builders import write_workbook

# T1's rows in the campaign, per table: 3 visits, 1 survey, 2 targets, 2 actuals, 2 responses = 10.
T1_ROWS = {"visits": 3, "surveys": 1, "targets": 2, "actuals": 2, "responses": 2}


def _rows(folder, table: str) -> list[list[str]]:
    """A table of a campaign folder as sorted rows of canonical text."""
    campaign = load_campaign(folder, use_cache=False)
    if table not in campaign.present:
        return []
    return sorted(table_text(campaign.tables[table], table).values.tolist())


def _codes(result) -> list[str]:
    return [f.problem.code for f in result.findings]


def _cells(result) -> set[tuple[str, str]]:
    return {(f.problem.file, cell) for f in result.findings for cell in f.cells}


def _result(run, office: str):
    return next(r for r in run.result.returns if r.ret.office == office)


# --- the merge --------------------------------------------------------------------------------------


def test_unchanged_returns_merge_to_the_base_rows_with_exit_0(tiny, send, collect_tiny, tmp_path):
    send("T1")
    send("T2")
    run = collect_tiny()
    assert run.exit_code == 0 and run.result.silent == []
    assert [r.unchanged for r in run.result.returns] == [True, True]
    for table in ("units", "visits", "surveys", "targets", "actuals", "responses"):
        assert _rows(tmp_path / "merged", table) == _rows(tiny, table), table
    t1 = _result(run, "T1")
    assert {name: (t.base_rows, t.accepted, t.rejected) for name, t in t1.tables.items()} == {
        name: (n, n, 0) for name, n in T1_ROWS.items()}
    base = kpi_table(load_campaign(tiny), as_of=dt.date(2012, 6, 30)).sort_values(["unit_id", "metric", "key"])
    merged = kpi_table(load_campaign(tmp_path / "merged"), as_of=dt.date(2012, 6, 30)).sort_values(["unit_id", "metric", "key"])
    pd.testing.assert_frame_equal(base.reset_index(drop=True), merged.reset_index(drop=True))


def test_an_extended_office_replaces_its_rows_and_a_silent_one_keeps_its_own(tiny, send, collect_tiny, tmp_path):
    send("T1", lambda b: b["走访座谈"].append([dt.datetime(2012, 5, 1), "V2", "走访", "群众", 8, None, "回访"]))
    run = collect_tiny()
    assert run.exit_code == 0
    assert run.result.silent == ["T2"]
    t1 = _result(run, "T1")
    assert t1.unchanged is False and t1.rows_accepted == 11 and t1.rows_rejected == 0  # 10 rows + 1 new
    visits = _rows(tmp_path / "merged", "visits")
    assert len(visits) == 6  # the 5 of the campaign and T1's new one
    assert ["2012-05-01", "V2", "visit", "residents", "8", "", "回访"] in visits
    assert ["2012-03-04", "V3", "visit", "residents", "7", "", "=1+1"] in visits  # T2's, kept as it was


def test_a_row_of_a_unit_outside_the_subtree_is_left_out_and_located(send, collect_tiny, tmp_path):
    def edit(book):
        book["走访座谈"].append([dt.datetime(2012, 5, 1), "V3", "走访", "群众", 8])  # V3 is T2's
        book["走访座谈"].append([dt.datetime(2012, 5, 2), "X9", "走访", "群众", 9])  # no such unit
    send("T1", edit)
    run = collect_tiny()
    assert run.exit_code == 1
    t1 = _result(run, "T1")
    assert _codes(t1) == ["collect.outside_subtree", "rule.unknown_unit"]
    assert _cells(t1) == {("T1_甲乡.xlsx [走访座谈]", "B5"), ("T1_甲乡.xlsx [走访座谈]", "B6")}
    assert t1.findings[0].problem.text("zh").endswith("单位V3不是甲乡（T1）或其下级单位：本文件只能填写本单位及下级单位的数据")
    assert t1.tables["visits"].accepted == 3 and t1.tables["visits"].rejected == 2
    assert len(_rows(tmp_path / "merged", "visits")) == 5


def test_returned_over_issued_and_a_kind_outside_the_list_are_the_data_layers_messages(send, collect_tiny):
    def edit(book):
        book["问卷"]["E2"] = 120  # returned 120 > issued 100
        book["走访座谈"]["C2"] = "座谈"  # not a kind: 座谈会 is
    send("T1", edit)
    run = collect_tiny()
    t1 = _result(run, "T1")
    assert sorted(_codes(t1)) == ["collect.survey_left_out", "collect.survey_left_out", "rule.returned_gt_issued",
                                  "rule.unknown_code_hint"]
    by_code = {f.problem.code: f for f in t1.findings}
    assert by_code["rule.returned_gt_issued"].cells == ("E2", "D2")
    assert by_code["rule.returned_gt_issued"].problem.rule_text("zh") == "回收数不能大于发放数"
    assert by_code["rule.returned_gt_issued"].problem.column == "回收 (returned) and 发放 (issued)"
    assert by_code["rule.unknown_code_hint"].cells == ("C2",)
    # S1 is left out, so the two responses to it refer to a survey the merged campaign does not have: they
    # are left out in the next pass, as validate would refuse them.
    assert [f.cells for f in t1.findings if f.problem.code == "collect.survey_left_out"] == [("A2",), ("A3",)]
    assert t1.tables["surveys"].rejected == 1 and t1.tables["responses"].rejected == 2


def test_a_survey_id_another_office_already_uses_is_refused_as_validate_would(send, collect_tiny):
    send("T2", lambda b: b["问卷"].append(["S1", "V3", dt.datetime(2012, 5, 1), 10, 10, 10]))
    t2 = _result(collect_tiny(), "T2")
    assert _codes(t2) == ["collect.survey_id_taken"] and t2.findings[0].cells == ("A3",)


def test_responses_to_another_offices_survey_are_outside_the_subtree(send, collect_tiny):
    send("T1", lambda b: b["问卷评分"].append(["S2", "q1", 4]))  # S2 is T2's survey
    t1 = _result(collect_tiny(), "T1")
    assert _codes(t1) == ["collect.survey_outside_subtree"] and t1.findings[0].cells == ("A4",)


# --- habits -------------------------------------------------------------------------------------------


def test_title_rows_blank_rows_and_a_totals_row_equal_to_the_sums_are_read_with_notes(send, collect_tiny, tmp_path):
    def edit(book):
        ws = book["走访座谈"]
        ws.append(["合计", None, None, None, 35])  # 10 + 20 + 5 = 35
        ws.insert_rows(4)  # a blank row between the second and third visit
        ws.insert_rows(1)
        ws["A1"] = "甲乡调研情况统计表"
    send("T1", edit)
    run = collect_tiny()
    assert run.exit_code == 0
    t1 = _result(run, "T1")
    assert {n.code for n in t1.ret.notes} >= {"table.title_rows", "table.blank_rows", "table.totals_dropped"}
    assert t1.tables["visits"].accepted == 3 and t1.rows_rejected == 0
    assert len(_rows(tmp_path / "merged", "visits")) == 5


def test_a_totals_row_that_is_not_the_sums_is_a_problem_on_its_cell(send, collect_tiny):
    send("T1", lambda b: b["问卷"].append(["合计", None, None, 101, 90, 80]))  # issued: 100 above
    run = collect_tiny()
    t1 = _result(run, "T1")
    assert run.exit_code == 1
    assert _codes(t1) == ["table.totals_differ"] and t1.findings[0].cells == ("D3",)
    assert "issued: 101 written, 100 summed" in str(t1.findings[0].problem)
    assert t1.tables["surveys"].accepted == 1 and t1.tables["surveys"].rejected == 1  # the totals row


def test_merged_cells_fill_a_grouping_column_and_refuse_a_merged_figure_on_every_row(send, collect_tiny):
    def edit(book):
        ws = book["走访座谈"]
        ws["F3"] = None
        ws.merge_cells("F2:F3")  # team 组织科 over V1 and V2: read as each row's, with a note
        ws["E3"] = None
        ws.merge_cells("E2:E3")  # persons 10 over two visits: whose figure? Not guessed
    send("T1", edit)
    t1 = _result(collect_tiny(), "T1")
    assert "xlsx.merged_filled" in {n.code for n in t1.ret.notes}
    assert _codes(t1) == ["xlsx.merged_value_column", "xlsx.merged_value_column"]
    assert [f.cells for f in t1.findings] == [("E2",), ("E3",)]
    assert t1.tables["visits"].accepted == 1 and t1.tables["visits"].rejected == 2


def test_cells_merged_across_columns_leave_out_every_row_of_the_range(send, collect_tiny):
    def edit(book):
        ws = book["走访座谈"]
        ws["G2"] = ws["G3"] = None
        ws.merge_cells("F2:G3")  # team and topic of two visits in one merged block: not read
    send("T1", edit)
    t1 = _result(collect_tiny(), "T1")
    assert _codes(t1) == ["xlsx.merged_across_columns"] * 2
    assert [(f.problem.row, f.cells) for f in t1.findings] == [(2, ("F2", "G2")), (3, ("F3", "G3"))]
    assert t1.tables["visits"].accepted == 1 and t1.tables["visits"].rejected == 2


def test_percent_cells_are_read_under_measure_percent_and_refused_under_another(send, collect_tiny, tmp_path):
    def edit(book):
        ws = book["实际完成"]  # rows: T1 gdp 300 (万元), T1 rate 85 (%)
        ws["D3"] = 0.85
        ws["D3"].number_format = "0%"
        ws["D2"] = 0.3
        ws["D2"].number_format = "0%"
    send("T1", edit)
    t1 = _result(collect_tiny(), "T1")
    assert "xlsx.percent_read" in {n.code for n in t1.notes}
    assert [(f.problem.code, f.cells) for f in t1.findings] == [("xlsx.percent_other_measure", ("D2",))]
    assert ["T1", "rate", "2012-06-30", "85"] in _rows(tmp_path / "merged", "actuals")


def test_thousands_separators_are_noted_once_per_file(send, collect_tiny):
    send("T1", lambda b: b["走访座谈"].append([dt.datetime(2012, 5, 1), "V1", "走访", "群众", "1,200"]))
    send("T2", lambda b: b["走访座谈"].append([dt.datetime(2012, 5, 1), "V3", "走访", "群众", "2,000"]))
    run = collect_tiny()
    assert run.exit_code == 0
    for office, written in (("T1", "1,200"), ("T2", "2,000")):
        notes = [n for n in _result(run, office).notes if n.code == "cell.thousands_read"]
        assert [(n.file, n.row, n.value) for n in notes] == [(f"{_result(run, office).ret.name} [走访座谈]",
                                                              5 if office == "T1" else 3, written)]


# --- whose file ---------------------------------------------------------------------------------------


VISITS_HEAD = ["日期", "单位编码", "活动类型", "对象类别", "人次"]


def test_a_workbook_without_marker_belongs_to_the_office_of_its_units(returned, collect_tiny, tmp_path):
    write_workbook(returned / "甲乡.xlsx", {"visits": [VISITS_HEAD, ["2012-03-01", "V1", "走访", "群众", 10],
                                                     ["2012-05-01", "T1", "座谈会", "村干部", 4]]})
    run = collect_tiny()
    t1 = _result(run, "T1")
    assert (t1.ret.matched_by, t1.rows_accepted) == ("units", 2)
    # Only visits came back: T1's other tables keep the campaign's rows, each with a note.
    assert [n.code for n in t1.notes].count("collect.table_missing_kept") == 4
    assert len(_rows(tmp_path / "merged", "visits")) == 2 + 2  # T2's and C's visits, and T1's two
    assert len(_rows(tmp_path / "merged", "surveys")) == 3


def test_a_workbook_without_marker_holding_two_offices_is_not_guessed(returned, collect_tiny, tmp_path):
    write_workbook(returned / "mixed.xlsx", {"visits": [VISITS_HEAD, ["2012-03-01", "V1", "走访", "群众", 10],
                                                      ["2012-03-04", "V3", "走访", "群众", 7]]})
    write_workbook(returned / "nobody.xlsx", {"visits": [VISITS_HEAD, ["2012-03-01", "Q1", "走访", "群众", 10]]})
    run = collect_tiny()
    assert run.exit_code == 1 and run.result.silent == ["T1", "T2"]
    assert [(r.ret.name, _codes(r)) for r in run.result.returns] == [("mixed.xlsx", ["collect.office_ambiguous"]),
                                                                      ("nobody.xlsx", ["collect.office_none"])]
    assert "T1 甲乡 (1), T2 乙乡 (1)" in str(run.result.returns[0].findings[0].problem)


def test_two_files_for_one_office_are_both_refused_naming_each_other(send, collect_tiny, tiny, tmp_path):
    send("T1")
    send("T1", lambda b: b["走访座谈"].append([dt.datetime(2012, 5, 1), "V2", "走访", "群众", 8]), name="甲乡(2).xlsx")
    run = collect_tiny()
    assert run.exit_code == 1 and run.result.silent == ["T1", "T2"]
    texts = [str(f.problem) for r in run.result.returns for f in r.findings]
    assert texts == [
        "T1_甲乡.xlsx: is a second file for 甲乡 (T1), besides 甲乡(2).xlsx: keep one and collect again (which is "
        "newer is not guessed)",
        "甲乡(2).xlsx: is a second file for 甲乡 (T1), besides T1_甲乡.xlsx: keep one and collect again (which is "
        "newer is not guessed)"]
    assert _rows(tmp_path / "merged", "visits") == _rows(tiny, "visits")  # base rows kept


def test_a_template_of_another_campaign_is_refused(send, collect_tiny):
    send("T1", lambda b: b[MARKER_SHEET].cell(3, 2, "other"))
    run = collect_tiny()
    assert [_codes(r) for r in run.result.returns] == [["collect.other_campaign"]]


def test_the_units_sheet_is_the_campaigns_changes_there_are_problems_not_merged(send, collect_tiny, tmp_path, tiny):
    def edit(book):
        ws = book["单位"]
        ws.protection.sheet = False
        ws["B3"] = "一村（新）"  # V1's name
        ws.append(["V9", "九村", "T1", "village"])
    send("T1", edit)
    t1 = _result(collect_tiny(), "T1")
    assert [(f.problem.code, f.cells) for f in t1.findings] == [("collect.unit_row_changed", ("B3",)),
                                                                ("collect.unit_row_added", ("A5",))]
    assert t1.rows_accepted == 10
    assert _rows(tmp_path / "merged", "units") == _rows(tiny, "units")


def test_a_table_whose_header_cannot_be_read_keeps_the_offices_base_rows(send, collect_tiny, tmp_path, tiny):
    send("T1", lambda b: b["走访座谈"].cell(1, 5, "人数"))  # persons is 人次
    run = collect_tiny()
    t1 = _result(run, "T1")
    assert run.exit_code == 1
    assert sorted(_codes(t1)) == ["table.missing_column_hint", "table.unknown_column"]
    assert t1.tables["visits"].kept_base and "collect.table_unreadable_kept" in [n.code for n in t1.notes]
    assert _rows(tmp_path / "merged", "visits") == _rows(tiny, "visits")


def test_an_emptied_sheet_keeps_the_offices_rows_with_a_note(send, collect_tiny, tmp_path, tiny):
    send("T1", lambda b: b["走访座谈"].delete_rows(2, 3))
    run = collect_tiny()
    t1 = _result(run, "T1")
    assert run.exit_code == 0 and "collect.table_missing_kept" in [n.code for n in t1.notes]
    assert _rows(tmp_path / "merged", "visits") == _rows(tiny, "visits")


def test_csv_files_and_folders_of_csv_files_are_returns_too(returned, collect_tiny, tmp_path):
    (returned / "甲乡-visits.csv").write_text("日期,单位编码,活动类型,对象类别,人次\n2012-05-01,V1,走访,群众,6\n",
                                            encoding="utf-8")
    (returned / "乙乡").mkdir()
    (returned / "乙乡" / "surveys.csv").write_text(
        "问卷批次,单位编码,日期,发放,回收,有效\nS2,T2,2012-04-02,50,45,40\n", encoding="gb18030")
    (returned / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (returned / "notes.txt").write_text("hello")
    run = collect_tiny()
    by_name = {r.ret.name: r for r in run.result.returns}
    assert (by_name["甲乡-visits.csv"].ret.office, by_name["甲乡-visits.csv"].rows_accepted) == ("T1", 1)
    assert (by_name["乙乡/"].ret.office, by_name["乙乡/"].rows_accepted) == ("T2", 1)
    assert _codes(by_name["old.xls"]) == ["collect.other_format"]
    assert [n.code for n in run.result.notes] == ["collect.ignored_file"]
    assert ["S2", "T2", "2012-04-02", "50", "45", "40"] in _rows(tmp_path / "merged", "surveys")
    assert run.exit_code == 1  # old.xls could not be read


def test_base_rows_changed_after_the_template_are_noted_and_replaced(tiny, send, collect_tiny, tmp_path):
    send("T1")
    visits = (tiny / "visits.csv").read_text(encoding="utf-8").replace("V1,visit,residents,10", "V1,visit,residents,11")
    (tiny / "visits.csv").write_text(visits, encoding="utf-8")
    t1 = _result(collect_tiny(), "T1")
    assert t1.base_changed is True and "collect.base_changed" in [n.code for n in t1.notes]
    assert ["2012-03-01", "V1", "visit", "residents", "10", "组织科", "入户走访"] in _rows(tmp_path / "merged", "visits")


# --- the command: exit codes, folders, determinism ------------------------------------------------------


def test_collect_command_exit_codes_0_and_1(send, tiny, returned, tmp_path, capsys):
    send("T1")
    assert main(["collect", str(returned), "--campaign", str(tiny), "--out", str(tmp_path / "m")]) == 0
    out = capsys.readouterr().out
    assert "T1_甲乡.xlsx → T1 甲乡：采用10行，未采用0行，0个问题，0条说明 （未改动）" in out
    assert "T2 乙乡：未报送，保留活动中原有的数据" in out
    send("T2", lambda b: b["问卷"].cell(2, 5, 60))  # returned 60 > issued 50
    assert main(["collect", str(returned), "--campaign", str(tiny), "--out", str(tmp_path / "m"),
                 "--language", "en"]) == 1
    out = capsys.readouterr().out
    # T2 returned 5 rows (V3's visit, S2, a target, an actual, a response): S2 and its response left out.
    assert "T2_乙乡.xlsx → T2 乙乡: 3 rows accepted, 2 left out, 2 problems" in out
    assert (tmp_path / "m.collect" / "T2_乙乡.checked.xlsx").is_file()


def test_collect_command_exit_2_for_a_base_campaign_that_breaks_the_contract(make_campaign, returned, tmp_path,
                                                                             capsys):
    broken = make_campaign({"units": "unit_id,name,parent_id\nA,甲,B\nB,乙,A\n"})
    assert main(["collect", str(returned), "--campaign", str(broken), "--out", str(tmp_path / "m")]) == 2
    assert "上级单位关系形成了循环" in capsys.readouterr().err
    assert not (tmp_path / "m").exists() and not (tmp_path / "m.collect").exists()


@pytest.mark.parametrize(("out", "report", "says"), [
    ("returned/merged", None, "is inside RETURNED_DIR"),
    ("tiny/merged", None, "is inside --campaign"),
    ("existing", None, "exists and was not written by collect"),
    ("m", "m/report", "must be separate folders"),
    (".", None, "holds RETURNED_DIR"),
])
def test_collect_command_exit_2_for_folders_that_must_not_be_written(tiny, returned, tmp_path, capsys, file_hashes,
                                                                     monkeypatch, out, report, says):
    (tmp_path / "existing").mkdir()
    (tmp_path / "existing" / "keep.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    before = file_hashes(tmp_path)
    args = ["collect", "returned", "--campaign", "tiny", "--out", out] + (["--report", report] if report else [])
    assert main(args) == 2
    assert says in capsys.readouterr().err
    assert file_hashes(tmp_path) == before


def test_dry_run_writes_only_the_report(send, collect_tiny, tmp_path):
    send("T1", lambda b: b["问卷"].cell(2, 5, 120))
    run = collect_tiny(dry_run=True)
    assert run.merged_dir is None and not (tmp_path / "merged").exists()
    assert sorted(p.name for p in (tmp_path / "merged.collect").iterdir()) == ["T1_甲乡.checked.xlsx", "summary.csv",
                                                                              "summary.json"]
    assert json.loads((tmp_path / "merged.collect" / "summary.json").read_text(encoding="utf-8"))["dry_run"] is True


def test_the_same_inputs_give_byte_identical_tables_and_raw_folders_are_never_changed(
        tiny, returned, send, collect_tiny, tmp_path, file_hashes):
    send("T1", lambda b: b["走访座谈"].append([dt.datetime(2012, 5, 1), "V3", "走访", "群众", 8]))
    send("T2", lambda b: b["走访座谈"].append([dt.datetime(2012, 5, 1), "V3", "走访", "群众", 8]))
    raw_before = (file_hashes(tiny), file_hashes(returned))
    collect_tiny()
    first = file_hashes(tmp_path / "merged")
    report = (tmp_path / "merged.collect" / "summary.json").read_bytes()
    collect_tiny()  # into the same folder: replaced whole
    assert file_hashes(tmp_path / "merged") == first
    assert (tmp_path / "merged.collect" / "summary.json").read_bytes() == report
    collect_tiny(out=tmp_path / "again", report_dir=tmp_path / "again-report")
    assert file_hashes(tmp_path / "again") == first
    assert (file_hashes(tiny), file_hashes(returned)) == raw_before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no temporary folder left behind
    assert sorted(first) == [".collected-by-campaign-analytics", "actuals.csv", "campaign.yaml", "responses.csv",
                             "surveys.csv", "targets.csv", "units.csv", "visits.csv"]
    assert (tmp_path / "merged" / "campaign.yaml").read_bytes() == (tiny / "campaign.yaml").read_bytes()


def test_summary_json_counts_per_office_and_table(send, collect_tiny, tmp_path):
    send("T1", lambda b: b["问卷"].cell(2, 5, 120))
    collect_tiny()
    summary = json.loads((tmp_path / "merged.collect" / "summary.json").read_text(encoding="utf-8"))
    assert summary["format"] == "campaign-analytics collect summary" and summary["exit_code"] == 1
    # T1: 10 rows returned; S1 left out, and with it its 2 responses: 7 accepted, 3 left out, 3 problems; the
    # campaign's S1 and its 2 responses are removed (a note for each table).
    assert summary["totals"] == {"files": 1, "merged_files": 1, "rows_accepted": 7, "rows_rejected": 3,
                                 "problems": 3, "notes": 2}
    entry = summary["returns"][0]
    assert (entry["office"], entry["office_name"], entry["matched_by"], entry["checked"]) == (
        "T1", "甲乡", "marker", "T1_甲乡.checked.xlsx")
    assert entry["tables"]["surveys"] == {"base_rows": 1, "returned": 1, "accepted": 0, "rejected": 1,
                                          "kept_base": False, "removed": 1}
    assert [(p["file"], p["row"], p["code"]) for p in entry["problems"]] == [
        ("T1_甲乡.xlsx [问卷]", 2, "rule.returned_gt_issued"),
        ("T1_甲乡.xlsx [问卷评分]", 2, "collect.survey_left_out"), ("T1_甲乡.xlsx [问卷评分]", 3, "collect.survey_left_out")]
    problem = entry["problems"][0]
    assert problem["cells"] == ["E2", "D2"]
    assert problem["text"]["zh"].endswith("回收数不能大于发放数")
    assert summary["silent_offices"] == [{"office": "T2", "name": "乙乡"}]
    assert summary["merged_tables"] == {"units": 6, "visits": 5, "surveys": 2, "targets": 3, "actuals": 3,
                                        "responses": 1}
    shutil.rmtree(tmp_path / "merged")
