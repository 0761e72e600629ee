"""validation: one bad file per contract rule, each reported with file, spreadsheet row and column."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from analytics import CampaignDataError, load_campaign

CAMPAIGN_YAML = "id: test\nname: {zh: 测试活动, en: Test campaign}\nstart: 2012-01-01\nend: 2012-12-31\n"
UNITS_CSV = "unit_id,name,parent_id\nA,县,\nB,甲乡,A\nC,乙乡,A\nD,某村,B\n"  # A -> B, C; B -> D

V = "date,unit_id,kind,group,persons\n"
OK_VISIT = "2012-03-01,A,visit,residents,5\n"  # row 2 whenever it comes first
S = "survey_id,unit_id,date,issued,returned,valid\n"
OK_SURVEY = "Q1,A,2012-03-01,10,9,8\n"
T = "unit_id,indicator,target,period_start,period_end,aggregation\n"
A = "unit_id,indicator,date,value\n"


def _error(make_campaign, tables, meta=CAMPAIGN_YAML) -> CampaignDataError:
    folder = make_campaign(tables, meta=meta)
    with pytest.raises(CampaignDataError) as info:
        load_campaign(folder)
    return info.value


# (id, tables, where the problem is as printed: "file, row N, column C", words of the rule)
CELL_CASES = [
    ("missing-column", {"visits": "date,unit_id,kind,persons\n2012-03-01,A,visit,5\n"},
     "visits.csv, row 1, column group", "missing column group (or 对象类别)"),
    ("duplicate-column", {"visits": "date,unit_id,kind,group,persons,人次\n2012-03-01,A,visit,residents,5,5\n"},
     "visits.csv, row 1, column 人次", "repeats column persons"),
    ("empty-required-cell", {"visits": V + OK_VISIT + "2012-03-02,,visit,residents,5\n"},
     "visits.csv, row 3, column unit_id", "is empty; a value is required"),
    ("non-integer-persons", {"visits": V + OK_VISIT + "2012-03-02,A,visit,residents,abc\n"},
     "visits.csv, row 3, column persons: value 'abc'", "whole number"),
    ("fractional-persons", {"visits": V + OK_VISIT + "2012-03-02,A,visit,residents,2.5\n"},
     "visits.csv, row 3, column persons: value '2.5'", "must be a whole number"),
    ("chinese-numerals", {"visits": V + OK_VISIT + "2012-03-02,A,visit,residents,三十\n"},
     "visits.csv, row 3, column persons: value '三十'", "Chinese numerals are not read"),
    ("negative-persons", {"visits": V + OK_VISIT + "2012-03-02,A,visit,residents,-3\n"},
     "visits.csv, row 3, column persons: value '-3'", "must be 0 or more"),
    ("impossible-date", {"visits": V + OK_VISIT + "2012-02-30,A,visit,residents,5\n"},
     "visits.csv, row 3, column date: value '2012-02-30'", "is not a valid date"),
    ("unknown-kind", {"visits": V + OK_VISIT + "2012-03-02,A,party,residents,5\n"},
     "visits.csv, row 3, column kind: value 'party'", "is not a known visit kind"),
    ("unknown-group", {"visits": V + OK_VISIT + "2012-03-02,A,visit,aliens,5\n"},
     "visits.csv, row 3, column group: value 'aliens'", "is not a known group"),
    ("unknown-unit-in-visits", {"visits": V + OK_VISIT + "2012-03-02,Z,visit,residents,5\n"},
     "visits.csv, row 3, column unit_id: value 'Z'", "is not a unit_id in units"),
    ("chinese-header-shown", {"visits": "日期,单位编码,活动类型,对象类别,人次\n2012-03-01,A,走访,群众,-1\n"},
     "visits.csv, row 2, column 人次 (persons)", "must be 0 or more"),
    ("duplicate-unit-id", {"units": UNITS_CSV + "B,重复,A\n"},
     "units.csv, row 6, column unit_id: value 'B'", "repeats a value that must be unique"),
    ("dangling-parent", {"units": UNITS_CSV + "E,孤村,Q\n"},
     "units.csv, row 6, column parent_id: value 'Q'", "is not a unit_id in units"),
    ("cycle", {"units": UNITS_CSV + "E,x,F\nF,y,E\n"},
     "units.csv, row 6, column parent_id: value 'E → F → E'", "parents form a cycle"),
    ("own-parent", {"units": UNITS_CSV + "E,x,E\n"},
     "units.csv, row 6, column parent_id", "cannot be its own parent"),
    ("sector-not-in-vocabulary", {"units": "unit_id,name,parent_id,sector\nA,县,,farm\n"},
     "units.csv, row 2, column sector: value 'farm'", "is not a known sector"),
    ("duplicate-survey-id", {"surveys": S + OK_SURVEY + "Q1,B,2012-03-02,10,9,8\n"},
     "surveys.csv, row 3, column survey_id: value 'Q1'", "repeats a value that must be unique"),
    ("valid-above-returned", {"surveys": S + OK_SURVEY + "Q2,B,2012-03-02,10,9,10\n"},
     "surveys.csv, row 3, column valid and returned: value 'valid=10, returned=9'", "valid must not exceed returned"),
    ("target-zero", {"targets": T + "A,gdp,0,2012-01-01,2012-12-31,none\n"},
     "targets.csv, row 2, column target", "must be greater than 0"),
    ("target-negative", {"targets": T + "A,gdp,5,2012-01-01,2012-12-31,none\nB,gdp,-5,2012-01-01,2012-12-31,none\n"},
     "targets.csv, row 3, column target", "must be greater than 0"),
    ("unknown-aggregation", {"targets": T + "A,gdp,5,2012-01-01,2012-12-31,avg\n"},
     "targets.csv, row 2, column aggregation: value 'avg'", "is not a known aggregation"),
    ("period-start-after-end", {"targets": T + "A,gdp,5,2012-12-01,2012-01-31,sum\n"},
     "targets.csv, row 2, column period_start and period_end", "period_start must not be after period_end"),
    ("mixed-aggregation", {"targets": T + "B,x,5,2012-01-01,2012-12-31,sum\nC,x,5,2012-01-01,2012-12-31,none\n"},
     "targets.csv, row 2, column aggregation: value 'x'", "indicator mixes sum and none"),
    ("duplicate-target-key", {"targets": T + "A,gdp,5,2012-01-01,2012-12-31,none\nA,gdp,6,2012-01-01,2012-12-31,none\n"},
     "targets.csv, row 3, column unit_id, indicator, period_start", "repeats an earlier row's key"),
    # An actual needs a target of its indicator (DOMAIN.md: an actual matching no target is a contract error).
    ("negative-actual", {"actuals": A + "A,gdp,2012-03-31,-1\n", "targets": T + "A,gdp,5,2012-01-01,2012-12-31,none\n"},
     "actuals.csv, row 2, column value", "must be 0 or more"),
    ("score-out-of-range", {"surveys": S + OK_SURVEY, "responses": "survey_id,question,score\nQ1,q1,6\n"},
     "responses.csv, row 2, column score", "must be a score from 1 to 5"),
    ("ragged-row", {"units": UNITS_CSV + "E,x,A,surplus\n"},
     "units.csv, row 6", "has 4 cells but the header has 3"),
]


@pytest.mark.parametrize(("tables", "where", "rule"), [c[1:] for c in CELL_CASES], ids=[c[0] for c in CELL_CASES])
def test_each_rule_is_reported_once_with_file_row_and_column(make_campaign, tables, where, rule):
    tables = {"units": UNITS_CSV, **tables}
    err = _error(make_campaign, tables)
    assert len(err.problems) == 1, str(err)
    assert f"  - {where}" in str(err), str(err)
    assert rule in str(err)
    assert "Traceback" not in str(err)


def test_misspelled_column_names_the_typo_and_the_missing_column(make_campaign):
    err = _error(make_campaign, {"units": UNITS_CSV, "visits": "date,unit_id,kind,grop,persons\n" + OK_VISIT[:-1]})
    text = str(err)
    assert "visits.csv, row 1, column grop: is not a column of this table; fix its spelling" in text
    assert "visits.csv, row 1, column group: missing column group (or 对象类别); unrecognised headers: grop" in text
    assert len(err.problems) == 2


def test_returned_above_issued_is_one_problem_naming_the_row_and_both_columns(make_campaign):
    err = _error(make_campaign, {"units": UNITS_CSV, "surveys": S + OK_SURVEY + "Q2,B,2012-03-02,10,12,8\n"})
    assert len(err.problems) == 1, str(err)
    problem = err.problems[0]
    assert (problem.file, problem.row) == ("surveys.csv", 3)
    assert "returned" in problem.column and "issued" in problem.column
    assert "surveys.csv, row 3, column returned and issued: value 'returned=12, issued=10'" in str(err)
    assert "returned must not exceed issued" in str(err)


def test_no_root_is_reported_with_the_cycle_that_causes_it(make_campaign):
    err = _error(make_campaign, {"units": "unit_id,name,parent_id\nA,x,B\nB,y,A\n"})
    text = str(err)
    # A folder without a root has no single row to blame; the cycle that causes it is located.
    assert "units.csv, column parent_id: no root unit" in text
    assert "units.csv, row 2, column parent_id: value 'A → B → A': parents form a cycle" in text
    assert len(err.problems) == 2


META_CASES = [
    ("broken-yaml", "id: t\nname: [unclosed\nstart: 2012-01-01\n", ["campaign.yaml, row 3: is not valid YAML"]),
    ("missing-keys", "id: t\n", [
        "campaign.yaml, column name: is required",
        "campaign.yaml, column start: is required",
        "campaign.yaml, column end: is required",
    ]),
    ("start-after-end", "id: t\nname: {zh: x, en: x}\nstart: 2012-05-01\nend: 2012-01-01\n",
     ["campaign.yaml, column start, end: value '2012-05-01 > 2012-01-01': start must not be after end"]),
    # PyYAML builds the date itself and raises ValueError: reported, not a traceback.
    ("impossible-date", "id: t\nname: {zh: x, en: x}\nstart: 2012-02-30\nend: 2012-12-31\n",
     ["campaign.yaml: holds an impossible date (day is out of range for month)"]),
    ("unreadable-date", "id: t\nname: {zh: x, en: x}\nstart: 1 March\nend: 2012-12-31\n",
     ["campaign.yaml, column start: value '1 March': is required: a date as YYYY-MM-DD"]),
    ("not-a-mapping", "- just\n- a list\n", ["campaign.yaml: must be a mapping"]),
    ("label-collision", CAMPAIGN_YAML + "vocabulary:\n  kinds:\n    talk: {zh: 座谈会, en: Talk}\n",
     ["campaign.yaml, column vocabulary.kinds.talk: value '座谈会': label already belongs to code seminar"]),
]


@pytest.mark.parametrize(("meta", "expected"), [c[1:] for c in META_CASES], ids=[c[0] for c in META_CASES])
def test_campaign_yaml_problems(make_campaign, meta, expected):
    err = _error(make_campaign, {"units": UNITS_CSV}, meta=meta)
    assert len(err.problems) == len(expected), str(err)
    for line in expected:
        assert line in str(err)


def test_missing_campaign_yaml(make_campaign):
    err = _error(make_campaign, {"units": UNITS_CSV}, meta=None)
    assert "campaign.yaml: is missing" in str(err)


FILE_CASES = [
    ("empty-file", {"units": b""}, "units.csv: is empty"),
    ("header-only", {"units": "unit_id,name,parent_id\n"}, "units.csv: has a header but no data rows"),
    ("bad-bytes", {"units": b"unit_id,name,parent_id\nA,\xff\xfe\x80,\n"}, "units.csv: is not text in UTF-8 or GB18030"),
    ("no-units", {"visits": V + OK_VISIT}, "units.csv: is missing; every campaign needs a units table"),
]


@pytest.mark.parametrize(("tables", "expected"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_whole_file_problems_name_the_file(make_campaign, tables, expected):
    err = _error(make_campaign, tables)
    assert expected in str(err), str(err)


def test_workbook_with_an_unknown_sheet(make_campaign):
    folder = make_campaign({"units": UNITS_CSV})
    wb = Workbook()
    ws = wb.active
    ws.title = "Visits2012"
    ws.append(["date", "unit_id", "kind", "group", "persons"])
    wb.save(folder / "book.xlsx")
    with pytest.raises(CampaignDataError) as info:
        load_campaign(folder)
    assert "book.xlsx: value 'Visits2012': sheet is not a table name" in str(info.value)
    assert len(info.value.problems) == 1


def test_workbook_cell_problem_names_the_sheet_row_and_column(make_campaign):
    folder = make_campaign({})
    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    for row in (["unit_id", "name", "parent_id"], ["A", "县", None], ["B", "乡", "Q"]):
        ws.append(row)
    wb.save(folder / "book.xlsx")
    with pytest.raises(CampaignDataError) as info:
        load_campaign(folder)
    assert "book.xlsx [units], row 3, column parent_id: value 'Q'" in str(info.value)


def test_every_problem_in_a_folder_is_reported_in_one_error(make_campaign):
    err = _error(
        make_campaign,
        {
            "units": UNITS_CSV + "E,x,Q\n",  # row 6: dangling parent
            "visits": V + OK_VISIT + "2012-03-02,A,visit,residents,abc\n",  # row 3: not a number
            "surveys": S + "Q1,A,2012-03-01,10,12,8\n",  # row 2: returned > issued
        },
        meta="id: t\nname: {zh: x, en: x}\nstart: 2012-01-01\n",  # end missing
    )
    lines = str(err).splitlines()
    assert lines[0].startswith("4 problems in campaign data")
    assert any(line.startswith("  - campaign.yaml, column end") for line in lines)
    assert any(line.startswith("  - units.csv, row 6, column parent_id") for line in lines)
    assert any(line.startswith("  - visits.csv, row 3, column persons") for line in lines)
    assert any(line.startswith("  - surveys.csv, row 2, column returned and issued") for line in lines)


def test_extra_vocabulary_from_campaign_yaml_is_accepted(make_campaign):
    meta = CAMPAIGN_YAML + (
        "vocabulary:\n"
        "  kinds:\n    training: {zh: 培训, en: Training}\n"
        "  groups:\n    retirees: {zh: 离退休干部, en: Retirees}\n"
    )
    visits = V + "2012-03-01,A,培训,离退休干部,5\n2012-03-02,B,training,retirees,7\n"
    campaign = load_campaign(make_campaign({"units": UNITS_CSV, "visits": visits}, meta=meta))
    assert list(campaign.visits["kind"]) == ["training", "training"]
    assert list(campaign.visits["group"]) == ["retirees", "retirees"]
    assert campaign.meta.kind_label("training", "en") == "Training"

    # Without the vocabulary the same file is refused.
    err = _error(make_campaign, {"units": UNITS_CSV, "visits": visits})
    assert "visits.csv, row 2, column kind: value '培训'" in str(err)


def test_chinese_labels_for_kind_and_group_become_codes(make_campaign):
    visits = V + "2012-03-01,A,座谈会,群众,5\n2012-03-02,B,实地察看,大学生村干部,3\n2012-03-03,D,办实事,人大代表政协委员,2\n"
    campaign = load_campaign(make_campaign({"units": UNITS_CSV, "visits": visits}))
    assert list(campaign.visits["kind"]) == ["seminar", "inspection", "service"]
    assert list(campaign.visits["group"]) == ["residents", "graduate_officials", "deputies"]


def test_lenient_spellings_that_are_unambiguous_are_read(make_campaign):
    visits = (
        V
        + '2012/03/05,A,visit,residents,"1,200"\n'  # slashes; thousands separator
        + "2012年3月6日,A,visit,residents,１２\n"  # Chinese date; full-width digits
        + "2012.3.7,A,visit,residents,3.0\n"  # dots; whole number written with .0 (20120307 is refused: issue 12)
    )
    units = "unit_id,name,parent_id,tags\nA,县,,advanced；lagging\n"
    targets = "unit_id,indicator,target,period_start,period_end,aggregation\nA,gdp,5,2012-01-01,2012-12-31,SUM\n"
    targets += "A,jobs,5,2012-01-01,2012-12-31,\n"
    campaign = load_campaign(make_campaign({"units": units, "visits": visits, "targets": targets}))
    v = campaign.visits
    assert [d.isoformat()[:10] for d in v["date"]] == ["2012-03-05", "2012-03-06", "2012-03-07"]
    assert list(v["persons"]) == [1200, 12, 3]
    assert str(v["persons"].dtype) == "Int64"
    assert campaign.units.loc[2, "tags"] == "advanced;lagging"
    assert list(campaign.targets["aggregation"]) == ["sum", "sum"]  # SUM lower-cased; empty defaults to sum
