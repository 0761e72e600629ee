"""The appraisal section of campaign.yaml and the responses/commitments tables: every rule, with where it broke."""

from __future__ import annotations

import pytest
import yaml
from openpyxl import Workbook

from analytics import CampaignDataError, load_campaign
from analytics.data.appraisal import AppraisalItem, parse_appraisal

GOOD = {
    "items": [
        {"metric": "completion", "key": "gdp", "weight": 30, "full_at": 1.0},
        {"metric": "coverage", "weight": 20, "full_at": 1.0},
        {"metric": "survey_effective_rate", "weight": 20, "full_at": 0.9},
        {"metric": "satisfaction", "weight": 20, "full_at": 0.95},
        {"metric": "commitment_fulfilment", "weight": 10, "full_at": 1.0},
    ],
    "grades": {"excellent": 90, "good": 80, "pass": 60},
}


def _with(change) -> dict:
    spec = yaml.safe_load(yaml.safe_dump(GOOD))
    change(spec)
    return spec


def test_the_domain_example_parses():
    spec, problems = parse_appraisal(GOOD)
    assert problems == []
    assert spec.items[0] == AppraisalItem(metric="completion", weight=30, full_at=1.0, key="gdp")
    assert [i.code for i in spec.items] == ["completion:gdp", "coverage", "survey_effective_rate", "satisfaction",
                                            "commitment_fulfilment"]
    assert spec.thresholds == (("excellent", 90.0), ("good", 80.0), ("pass", 60.0))
    # a grade applies when score >= its threshold
    assert [spec.grade(s) for s in (90.0, 89.99, 80.0, 60.0, 59.99)] == ["excellent", "good", "good", "pass", "fail"]


def _set(path, value):
    def change(spec):
        target = spec
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


CASES = [
    ("weights-not-100", _set(("items", 4, "weight"), 5), "appraisal.items", "weights must add up to 100",
     "30 + 20 + 20 + 20 + 5 = 95"),
    ("weight-zero", _set(("items", 1, "weight"), 0), "appraisal.items[2].weight",
     "item 2 (coverage): weight must be a number greater than 0", None),
    ("weight-negative", _set(("items", 0, "weight"), -30), "appraisal.items[1].weight",
     "item 1 (completion): weight must be a number greater than 0", None),
    ("weight-text", _set(("items", 0, "weight"), "thirty"), "appraisal.items[1].weight",
     "weight must be a number greater than 0", None),
    ("full-at-zero", _set(("items", 2, "full_at"), 0), "appraisal.items[3].full_at",
     "item 3 (survey_effective_rate): full_at must be a number greater than 0", None),
    ("full-at-missing", lambda s: s["items"][3].pop("full_at"), "appraisal.items[4].full_at",
     "item 4 (satisfaction): full_at is required", None),
    ("unknown-metric", _set(("items", 1, "metric"), "coverge"), "appraisal.items[2].metric",
     "item 2 (coverge): is not a metric that can be scored; did you mean coverage?", None),
    ("non-numeric-metric", _set(("items", 1, "metric"), "status"), "appraisal.items[2].metric",
     "is not a metric where higher is better", None),
    ("unknown-item-key", _set(("items", 2, "wieght"), 1), "appraisal.items[3].wieght",
     "item 3 (survey_effective_rate): is not a key of an item; did you mean weight?", None),
    ("completion-without-key", lambda s: s["items"][0].pop("key"), "appraisal.items[1].key",
     "item 1 (completion): key is required", None),
    ("key-on-coverage", _set(("items", 1, "key"), "x"), "appraisal.items[2].key",
     "item 2 (coverage): coverage takes no key", None),
    ("repeated-item", _set(("items", 4), {"metric": "coverage", "weight": 10, "full_at": 1}), "appraisal.items[5]",
     "item 5 (coverage): repeats item 2", None),
    ("unknown-section-key", _set(("grade",), {}), "appraisal.grade",
     "is not a key of appraisal; did you mean grades?", None),
    ("thresholds-out-of-order", _set(("grades", "good"), 95), "appraisal.grades",
     "thresholds must be in order: excellent > good > pass", "excellent 90, good 95, pass 60"),
    ("unknown-grade", _set(("grades", "excelent"), 95), "appraisal.grades.excelent",
     "is not a grade; did you mean excellent?", None),
    ("grade-missing", lambda s: s["grades"].pop("pass"), "appraisal.grades.pass", "is required", None),
    ("grade-above-100", _set(("grades", "excellent"), 120), "appraisal.grades.excellent",
     "must be a score from 0 to 100", None),
    ("no-items", lambda s: s.pop("items"), "appraisal.items", "is required", None),
]


@pytest.mark.parametrize(("change", "column", "rule", "value"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_bad_appraisal_is_one_problem_naming_the_item(change, column, rule, value):
    spec, problems = parse_appraisal(_with(change))
    assert spec is None
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.file, p.row, p.column) == ("campaign.yaml", None, column)
    assert rule in p.rule
    if value is not None:
        assert p.value == value


def test_every_problem_of_an_item_is_reported_at_once():
    spec, problems = parse_appraisal({"items": [{"metric": "nope", "weight": -1, "full_at": "x", "wat": 1}],
                                      "grades": {"excellent": 50, "good": 60, "pass": 70}})
    assert spec is None
    assert {p.column for p in problems} == {"appraisal.items[1].metric", "appraisal.items[1].weight",
                                            "appraisal.items[1].full_at", "appraisal.items[1].wat",
                                            "appraisal.grades"}


# --------------------------------------------------------------------------- through load_campaign

META = "id: t\nname: {zh: 测试, en: Test}\nstart: 2012-01-01\nend: 2012-12-31\n"
UNITS = "unit_id,name,parent_id\nA,县,\nB,甲乡,A\nC,乙乡,A\n"
SURVEYS = "survey_id,unit_id,date,issued,returned,valid\nQ1,B,2012-03-01,10,9,8\n"
RESPONSES = "survey_id,question,score\nQ1,满意度,5\n"
TARGETS = "unit_id,indicator,target,period_start,period_end,aggregation\nB,gdp,5,2012-01-01,2012-12-31,sum\n"


def _error(make_campaign, tables, meta=META) -> CampaignDataError:
    with pytest.raises(CampaignDataError) as info:
        load_campaign(make_campaign({"units": UNITS, **tables}, meta=meta))
    return info.value


def _appraisal_yaml(items: str) -> str:
    return META + f"appraisal:\n  items: {items}\n  grades: {{excellent: 90, good: 80, pass: 60}}\n"


def test_a_bad_appraisal_is_a_contract_error_exiting_2(make_campaign, capsys):
    from analytics.cli import main

    meta = _appraisal_yaml("[{metric: coverage, weight: 60, full_at: 1}, {metric: satisfaction, weight: 30, "
                           "full_at: 0.9}]")
    folder = make_campaign({"units": UNITS}, meta=meta)
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "campaign.yaml, column appraisal.items: value '60 + 30 = 90': weights must add up to 100" in err
    assert "Traceback" not in err


KEY_CASES = [
    ("indicator-not-in-targets", "[{metric: completion, key: GDP, weight: 100, full_at: 1}]", {"targets": TARGETS},
     "item 1 (completion:GDP): is not an indicator in targets; did you mean gdp?"),
    ("no-targets-table", "[{metric: completion, key: gdp, weight: 100, full_at: 1}]", {},
     "item 1 (completion:gdp): there is no targets table to take it from"),
    ("question-not-in-responses", "[{metric: satisfaction, key: 满意, weight: 100, full_at: 1}]",
     {"surveys": SURVEYS, "responses": RESPONSES},
     "item 1 (satisfaction:满意): is not a question in responses; did you mean 满意度?"),
    ("unknown-visit-kind", "[{metric: events, key: seminr, weight: 100, full_at: 3}]", {},
     "item 1 (events:seminr): is not a visit kind in visits; did you mean seminar?"),
]


@pytest.mark.parametrize(("items", "tables", "rule"), [c[1:] for c in KEY_CASES], ids=[c[0] for c in KEY_CASES])
def test_item_keys_must_name_what_the_campaign_has(make_campaign, items, tables, rule):
    err = _error(make_campaign, tables, meta=_appraisal_yaml(items))
    assert len(err.problems) == 1, str(err)
    p = err.problems[0]
    assert (p.file, p.column) == ("campaign.yaml", "appraisal.items[1].key")
    assert rule == p.rule


def test_satisfaction_min_must_be_a_score(make_campaign):
    err = _error(make_campaign, {}, meta=META + "satisfaction_min: 6\n")
    assert "column satisfaction_min: value '6': must be a whole number from 1 to 5" in str(err)


# --------------------------------------------------------------------------- responses and commitments tables

C = "commitment_id,unit_id,text,due,done\n"
OK_C = "K1,B,修路,2012-03-01,\n"  # row 2 whenever it comes first
TABLE_CASES = [
    ("response-unknown-survey", {"surveys": SURVEYS, "responses": RESPONSES + "Q9,满意度,4\n"},
     "responses.csv, row 3, column survey_id: value 'Q9'", "is not a survey_id in surveys"),
    ("responses-without-surveys", {"responses": RESPONSES},
     "responses.csv, column survey_id", "there is no surveys table"),
    ("response-score-fraction", {"surveys": SURVEYS, "responses": RESPONSES + "Q1,满意度,4.5\n"},
     "responses.csv, row 3, column score: value '4.5'", "must be a whole number"),
    ("response-score-zero", {"surveys": SURVEYS, "responses": RESPONSES + "Q1,满意度,0\n"},
     "responses.csv, row 3, column score: value '0'", "must be a score from 1 to 5"),
    ("response-empty-question", {"surveys": SURVEYS, "responses": RESPONSES + "Q1,,4\n"},
     "responses.csv, row 3, column question", "is empty; a value is required"),
    ("commitment-duplicate-id", {"commitments": C + OK_C + "K1,C,建桥,2012-03-01,\n"},
     "commitments.csv, row 3, column commitment_id: value 'K1'", "repeats a value that must be unique"),
    ("commitment-empty-id", {"commitments": C + OK_C + ",C,建桥,2012-03-01,\n"},
     "commitments.csv, row 3, column commitment_id", "is empty; a value is required"),
    ("commitment-unknown-unit", {"commitments": C + OK_C + "K2,Z,建桥,2012-03-01,\n"},
     "commitments.csv, row 3, column unit_id: value 'Z'", "is not a unit_id in units"),
    ("commitment-empty-text", {"commitments": C + OK_C + "K2,C,,2012-03-01,\n"},
     "commitments.csv, row 3, column text", "is empty; a value is required"),
    ("commitment-bad-due", {"commitments": C + OK_C + "K2,C,建桥,2012-02-30,\n"},
     "commitments.csv, row 3, column due: value '2012-02-30'", "is not a valid date"),
    ("commitment-empty-due", {"commitments": C + OK_C + "K2,C,建桥,,\n"},
     "commitments.csv, row 3, column due", "is empty; a value is required"),
    ("commitment-bad-done", {"commitments": C + OK_C + "K2,C,建桥,2012-03-01,yes\n"},
     "commitments.csv, row 3, column done: value 'yes'", "is not a valid date"),
    ("commitment-missing-done-column", {"commitments": "commitment_id,unit_id,text,due\nK1,B,修路,2012-03-01\n"},
     "commitments.csv, row 1, column done", "missing column done (or 完成日期)"),
    ("commitment-chinese-header-shown", {"commitments": "承诺编号,单位编码,承诺事项,承诺时限,完成日期\nK1,Z,修路,2012-03-01,\n"},
     "commitments.csv, row 2, column 单位编码 (unit_id): value 'Z'", "is not a unit_id in units"),
]


@pytest.mark.parametrize(("tables", "where", "rule"), [c[1:] for c in TABLE_CASES], ids=[c[0] for c in TABLE_CASES])
def test_each_table_rule_is_reported_once_with_file_row_and_column(make_campaign, tables, where, rule):
    err = _error(make_campaign, tables)
    assert len(err.problems) == 1, str(err)
    assert f"  - {where}" in str(err), str(err)
    assert rule in str(err)


def test_tables_read_from_workbook_sheets_with_chinese_headers(make_campaign, tmp_path):
    import datetime as dt

    book = Workbook()
    book.remove(book.active)
    sheets = {
        "units": [["单位编码", "单位名称", "上级单位编码"], ["A", "县", None], ["B", "甲乡", "A"]],
        "surveys": [["问卷批次", "单位编码", "日期", "发出", "收回", "有效"], ["Q1", "B", dt.datetime(2012, 3, 1), 3, 3, 3]],
        "responses": [["问卷批次", "问题", "评分", "答卷人编号"], ["Q1", "满意度", 5, "r1"], ["Q1", "满意度", 3, "r2"]],
        "commitments": [["承诺编号", "单位编码", "承诺事项", "承诺时限", "完成日期"],
                        ["K1", "B", "修路", dt.datetime(2012, 3, 1), dt.datetime(2012, 2, 20)],
                        ["K2", "B", "建桥", dt.datetime(2012, 4, 1), None]],
    }
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    campaign = load_campaign(make_campaign({"book.xlsx": path.read_bytes()}, meta=META))
    assert list(campaign.responses["respondent"]) == ["r1", "r2"]
    commitments = campaign.commitments
    assert list(commitments["due"].dt.date) == [dt.date(2012, 3, 1), dt.date(2012, 4, 1)]
    assert commitments["done"].isna().tolist() == [False, True]


def test_a_bad_row_in_a_sheet_names_the_sheet(make_campaign, tmp_path):
    book = Workbook()
    book.remove(book.active)
    for name, rows in {"units": [["unit_id", "name", "parent_id"], ["A", "县", None]],
                       "commitments": [["commitment_id", "unit_id", "text", "due", "done"],
                                       ["K1", "A", "修路", "2012-13-01", None]]}.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(CampaignDataError) as info:
        load_campaign(make_campaign({"book.xlsx": path.read_bytes()}, meta=META))
    assert "book.xlsx [commitments], row 2, column due: value '2012-13-01'" in str(info.value)


# --------------------------------------------------------------------------- in Chinese too (validate --language zh)


@pytest.mark.parametrize("change", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_each_appraisal_problem_reads_in_chinese(change):
    _spec, problems = parse_appraisal(_with(change))
    for p in problems:
        assert p.code, str(p)
        assert p.rule_text("zh") != p.rule_text("en"), str(p)


@pytest.mark.parametrize(("items", "tables"), [c[1:3] for c in KEY_CASES], ids=[c[0] for c in KEY_CASES])
def test_each_item_key_problem_reads_in_chinese(make_campaign, items, tables):
    err = _error(make_campaign, tables, meta=_appraisal_yaml(items))
    for p in err.problems:
        assert p.code, str(p)
        assert p.rule_text("zh") != p.rule_text("en"), str(p)


@pytest.mark.parametrize("tables", [c[1] for c in TABLE_CASES], ids=[c[0] for c in TABLE_CASES])
def test_each_table_problem_reads_in_chinese(make_campaign, tables):
    err = _error(make_campaign, tables)
    for p in err.problems:
        assert p.code, str(p)
        assert p.rule_text("zh") != p.rule_text("en"), str(p)
