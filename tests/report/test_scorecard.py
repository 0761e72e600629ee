"""The scorecard, the at-a-glance sentences and kpis.xlsx on a campaign small enough to count by hand.

R (county) has townships T1, T2 and T3 (whose name looks like a spreadsheet formula); T1 has villages V1 and V2,
T2 has V3, T3 has V4. As of 2012-06-30 (elapsed 182/366 = 49.73%):

- visits: R itself (10 persons), V1 (5), T2 itself (3); V2's visit is on 07-01, after as_of.
  R: 3 events, 18 person-times; coverage 2 of 3 children (T1 through V1, T2 itself; not T3) = 66.7%;
  grassroots: leaves V1..V4, only V1 visited = 25.0%, uncovered V2, V3, V4.
  T1: coverage 1 of 2 = 50.0%, grassroots 1 of 2 = 50.0%. T2: 0 of 1 = 0.0% both. T3: nothing at all.
  No activity (no visit at or below): T3, V2, V3, V4.
- surveys: T1 issued 100, valid 60 -> effective rate 60.0% at T1 and R.
- targets: gdp (sum) T1 100, T2 300, T3 50 -> R 450; share (none) at R, 100.
  T1 60 of 100 = 60.0%, gap +10.3 -> ahead; T2 120 of 300 = 40.0%, gap -9.7 -> behind;
  T3 no actual -> no_data; R gdp (60 + 120) / 450 = 40.0%, gap -9.7 -> behind; R share 90% -> ahead (+40.3).
  Units with an indicator behind or missed: R and T2.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics import load_campaign
from analytics.measures.kpis import kpi_table, unit_kpis
from analytics.measures.vocabulary import STATUSES
from analytics.report.downloads import UNCOVERED_COLUMNS, UNIT_COLUMNS, kpis_csv, kpis_xlsx
from analytics.report.glance import glance_sentence, index_summary, sentence_text, unit_glance
from analytics.report.scorecard import (
    PACE_FIELDS,
    ROW_FIELDS,
    KpiColumn,
    campaign_scorecard,
    compact_column,
    compact_value,
    index_payload,
    kpi_columns_of,
    unit_scorecard,
)
from analytics.text.labels import fmt_percent, fmt_points

from figures import figure

META = """id: small
name: {zh: 小活动, en: Small campaign}
start: 2012-01-01
end: 2012-12-31
as_of: 2012-06-30
vocabulary:
  indicators:
    gdp: {zh: 生产总值, en: GDP}
    share: {zh: 达标比例, en: Share}
"""
UNITS = """unit_id,name,parent_id,kind
R,县,,county
T1,甲镇,R,township
T2,乙镇,R,township
T3,"=HYPERLINK(""x"")",R,township
V1,村一,T1,village
V2,村二,T1,village
V3,村三,T2,village
V4,村四,T3,village
"""
VISITS = """date,unit_id,kind,group,persons
2012-02-01,R,seminar,residents,10
2012-03-01,V1,visit,village_cadres,5
2012-04-01,T2,seminar,township_leaders,3
2012-07-01,V2,visit,residents,20
"""
SURVEYS = "survey_id,unit_id,date,issued,returned,valid\nS1,T1,2012-03-01,100,80,60\n"
TARGETS = """unit_id,indicator,target,measure,period_start,period_end,aggregation
T1,gdp,100,万元,2012-01-01,2012-12-31,sum
T2,gdp,300,万元,2012-01-01,2012-12-31,sum
T3,gdp,50,万元,2012-01-01,2012-12-31,sum
R,share,100,%,2012-01-01,2012-12-31,none
"""
ACTUALS = """unit_id,indicator,date,value
T1,gdp,2012-06-30,60
T2,gdp,2012-03-31,50
T2,gdp,2012-06-30,120
R,share,2012-06-30,90
"""
ORDER = ["R", "T1", "V1", "V2", "T2", "V3", "T3", "V4"]  # tree order


@pytest.fixture
def small(make_campaign):
    folder = make_campaign({"units": UNITS, "visits": VISITS, "surveys": SURVEYS, "targets": TARGETS,
                            "actuals": ACTUALS}, meta=META, name="small")
    return load_campaign(folder)


def test_the_scorecard_holds_every_unit_in_tree_order(small):
    sc = campaign_scorecard(small, small.as_of())
    u = sc.units
    assert list(u.index) == ORDER
    assert u["level"].tolist() == [1, 2, 3, 3, 2, 3, 2, 3]
    assert u.loc["R", ["events", "persons"]].tolist() == [3, 18]
    assert u.loc["R", "coverage"] == pytest.approx(2 / 3)
    assert u.loc["R", "grassroots_coverage"] == pytest.approx(1 / 4)
    assert u["uncovered"].to_dict() == {"R": 3, "T1": 1, "V1": 0, "V2": 1, "T2": 1, "V3": 1, "T3": 1, "V4": 1}
    assert list(u.index[u["no_activity"]]) == ["V2", "V3", "T3", "V4"]
    assert u["worst"].to_dict() == {"R": "behind", "T1": "ahead", "V1": None, "V2": None, "T2": "behind",
                                    "V3": None, "T3": "no_data", "V4": None}
    assert u["targets_lagging"].to_dict() == {"R": 1, "T1": 0, "V1": 0, "V2": 0, "T2": 1, "V3": 0, "T3": 0, "V4": 0}
    assert sc.indicators == ["gdp", "share"]  # campaign.yaml's order
    assert sc.uncovered == ["V2", "V3", "V4"]


def test_a_units_own_scorecard_has_the_same_numbers_as_the_campaigns(small):
    whole = campaign_scorecard(small, small.as_of()).units
    k = unit_kpis(small, "R", small.as_of())
    part = unit_scorecard(small, k).units
    assert list(part.index) == ["R", "T1", "T2", "T3"]
    columns = [f.key for f in kpi_columns_of(small)] + ["level", "worst", "targets_lagging", "no_activity"]
    for uid in part.index:
        for c in columns:
            a, b = part.loc[uid, c], whole.loc[uid, c]
            assert (pd.isna(a) and pd.isna(b)) or a == pytest.approx(b) or a == b, (uid, c)


def test_index_rows_carry_figures_rounded_as_shown_and_each_indicators_light(small):
    data = index_payload(campaign_scorecard(small, small.as_of()), small, {}, "zh")
    assert data["fields"] == list(ROW_FIELDS)
    shown = [f.key for f in kpi_columns_of(small, index=True)]
    assert [c["key"] for c in data["columns"]] == shown + ["pace:gdp", "pace:share"]
    assert [c["label"] for c in data["columns"]][-2:] == ["生产总值", "达标比例"]
    rows = {r[0]: r for r in data["rows"]}
    t2 = rows["T2"]
    base = len(ROW_FIELDS)
    behind = data["statuses"].index("behind")
    # name, parent row (R is row 0), depth, no activity, worst status, indicators behind or missed
    assert t2[1] == "乙镇" and t2[2] == 0 and t2[3] == 1 and t2[8] == 0 and t2[9] == behind and t2[10] == 1
    assert data["kinds"][t2[4]] == "乡镇"
    # events 1, persons 3, coverage 0.0%, grassroots 0.0%, no questionnaire -> null
    assert t2[base:base + 5] == [1, 3, 0.0, 0.0, None]
    # gdp: 120 / 300 = 40.00%, (0.4 - 182/366) x 100 = -9.7268 -> -9.73 points, behind; no share target
    assert t2[base + 5:] == [[40.0, -9.73, behind], None]
    assert rows["R"][base + 2] == 66.67 and rows["R"][base + 3] == 25.0 and rows["R"][base + 4] == 60.0
    assert rows["T3"][base + 5] == [None, None, data["statuses"].index("no_data")]
    assert rows["V4"][8] == 1  # no activity
    # The progress cell answers "on what, by how much": T2's one lagging indicator, gdp (生产总值), 9.73 points behind
    # pace, and no other; R lags on gdp too (its own sum); T1 (ahead) and T3 (no data) lag on nothing.
    assert t2[data["fields"].index("focus")] == ["生产总值", -9.73, 0]
    assert rows["T1"][data["fields"].index("focus")] is None and rows["T3"][data["fields"].index("focus")] is None


def test_a_figure_is_added_in_one_place():
    extra = KpiColumn("survey_return_rate", "rate.return_rate", "percent")
    assert extra.compact(0.8, "zh") == 80.0 and extra.text(0.8, "zh") == "80.00%"
    with pytest.raises(ValueError):
        KpiColumn("x", "col.x", "currency")


# -- at a glance ------------------------------------------------------------------------------------------------------

def _sentence(campaign, unit_id, language):
    g = unit_glance(campaign, unit_kpis(campaign, unit_id, campaign.as_of()))
    return glance_sentence(g, campaign.meta, language)


def test_the_root_says_which_indicators_lag_by_how_much_and_how_many_children_are_behind(small):
    zh = _sentence(small, "R", "zh")
    assert sentence_text(zh) == (
        "截至2012年6月30日，2项指标中1项快于序时进度、1项落后序时进度。"
        "落后或未完成：生产总值完成40.00%，落后序时进度9.73个百分点（时间进度49.73%）。"
        "下级单位3个：1个落后或未完成，1个无活动。"
        "4个基层单位中3个没有走访记录（基层覆盖率25.00%）。")
    assert [(s.indicator, s.status) for s in zh if s.indicator] == [("gdp", "behind")]
    assert sentence_text(_sentence(small, "R", "en")) == (
        "As of 30 June 2012, of 2 indicators, 1 is ahead of pace and 1 is behind pace. "
        "Behind or missed: GDP at 40.00%, 9.73 points behind pace (49.73% of the period elapsed). "
        "Of 3 units below, 1 is behind or missed and 1 has no activity. "
        "3 of 4 grassroots units have no visit (grassroots coverage 25.00%).")


def test_a_unit_without_activity_says_so_in_one_sentence(small):
    assert sentence_text(_sentence(small, "V2", "zh")) == "截至2012年6月30日，村二无活动：没有走访记录。"
    assert sentence_text(_sentence(small, "V2", "en")) == "As of 30 June 2012, 村二 has no activity: no visit recorded."
    # T3 has units below and a target without an actual
    assert sentence_text(_sentence(small, "T3", "en")) == (
        'As of 30 June 2012, =HYPERLINK("x") has no activity: no visit at or below it. '
        "Of 1 indicator, 1 has no actual yet.")


def test_a_missed_target_says_how_far_short(small):
    k = unit_kpis(small, "R", as_of=dt.date(2012, 12, 31))
    text = sentence_text(glance_sentence(unit_glance(small, k), small.meta, "zh"))
    # at the end of the period gdp is still 180 / 450 = 40.00%: missed, 60.00 points short; share 90%: missed too
    assert "2项指标中2项未完成。落后或未完成：" in text
    assert "生产总值期末完成40.00%，未完成目标，差60.00个百分点" in text
    assert "达标比例期末完成90.00%，未完成目标，差10.00个百分点" in text


def test_the_index_summary_counts_statuses_and_units(small):
    sc = campaign_scorecard(small, small.as_of())
    roots = [unit_glance(small, unit_kpis(small, "R", small.as_of()))]
    assert sentence_text(index_summary(roots, sc.units, small.meta, "zh")) == (
        "截至2012年6月30日，2项指标中1项快于序时进度、1项落后序时进度。"
        "落后或未完成：生产总值完成40.00%，落后序时进度9.73个百分点（时间进度49.73%）。"
        "全部单位8个：2个有指标落后或未完成，4个无活动。")
    assert sentence_text(index_summary(roots, sc.units, small.meta, "en")).endswith(
        "Of 8 units, 2 have an indicator behind or missed and 4 have no activity.")


# -- kpis.xlsx and kpis.csv -------------------------------------------------------------------------------------------

def _workbook(campaign, language="zh"):
    return openpyxl.load_workbook(io.BytesIO(kpis_xlsx(campaign, campaign_scorecard(campaign, campaign.as_of()), language)))


def test_kpis_xlsx_has_one_row_per_unit_that_agrees_with_the_kpi_table(small):
    wb = _workbook(small)
    units, uncovered = wb.worksheets
    assert units.title == "单位指标" and uncovered.title == "未覆盖基层单位"
    assert units.freeze_panes == "B2" and units.auto_filter.ref == f"A1:{units.cell(1, units.max_column).column_letter}9"
    header = [c.value for c in units[1]]
    assert header[:8] == ["单位名称", "单位编码", "上级单位", "上级单位编码", "级别", "单位类型", "无活动", "进度状态"]
    assert header[8:13] == ["活动次数", "人次", "覆盖率", "基层覆盖率", "有效回收率"]
    figures = len(kpi_columns_of(small))  # no ratings, commitments or appraisal: none of their figures
    # The change since the previous period (2012-05-31) beside the figures: the unit's light, activity added,
    # rank (no appraisal: by mean pace gap) before and now; then each indicator with its changes and light.
    assert header[8 + figures:8 + figures + 6] == ["预警", "本期新增活动次数", "本期新增人次", "排名", "上期排名",
                                                   "排名变化"]
    assert header[8 + figures + 6:8 + figures + 6 + len(PACE_FIELDS) + 3] == [
        "生产总值 · 目标值（万元）", "生产总值 · 实际完成（万元）", "生产总值 · 完成率", "生产总值 · 完成率变化（百分点）",
        "生产总值 · 差距（百分点）", "生产总值 · 差距变化（百分点）", "生产总值 · 状态", "生产总值 · 预警"]
    rows = {r[1].value: {h: c for h, c in zip(header, r, strict=True)} for r in units.iter_rows(min_row=2)}
    assert list(rows) == ORDER
    table = kpi_table(small, small.as_of())
    long = {(u, m, k): v for u, m, k, v in table.itertuples(index=False)}
    for uid, row in rows.items():
        assert row["活动次数"].value == long[(uid, "events", "")]
        assert row["人次"].value == long[(uid, "persons", "")]
        for column, metric in (("覆盖率", "coverage"), ("基层覆盖率", "grassroots_coverage"),
                               ("有效回收率", "survey_effective_rate")):
            value = long[(uid, metric, "")]
            if pd.isna(value):
                assert row[column].value is None, (uid, column)
            else:
                assert row[column].value == pytest.approx(value) and row[column].number_format == "0.00%", (uid, column)
        for code, name in (("gdp", "生产总值"), ("share", "达标比例")):
            if (uid, "status", code) not in long:
                assert row[f"{name} · 状态"].value is None
                continue
            completion = row[f"{name} · 完成率"]
            if pd.isna(long[(uid, "completion", code)]):
                assert completion.value is None
            else:
                assert completion.value == pytest.approx(long[(uid, "completion", code)])
                assert completion.number_format == "0.00%"
                assert row[f"{name} · 差距（百分点）"].value == pytest.approx(long[(uid, "pace_gap", code)])
            assert row[f"{name} · 目标值（万元）" if code == "gdp" else f"{name} · 目标值（%）"].value == \
                long[(uid, "target", code)]
    assert rows["T2"]["生产总值 · 状态"].value == "落后序时进度"
    assert rows["T2"]["生产总值 · 差距（百分点）"].value < 0  # a negative gap is a number
    assert rows["R"]["基层覆盖率"].value == 0.25 and rows["R"]["未覆盖基层单位"].value == 3
    assert rows["V2"]["无活动"].value == "是" and rows["V1"]["无活动"].value == "否"


def test_kpis_xlsx_keeps_formula_like_names_as_text(small):
    units, _ = _workbook(small).worksheets
    cell = next(r[0] for r in units.iter_rows(min_row=2) if r[1].value == "T3")
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
    parent = next(r[2] for r in units.iter_rows(min_row=2) if r[1].value == "V4")
    assert parent.value == '=HYPERLINK("x")' and parent.data_type == "s"


def test_kpis_xlsx_lists_every_uncovered_grassroots_unit_with_its_place(small):
    _, uncovered = _workbook(small, "en").worksheets
    assert uncovered.title == "Grassroots not visited"
    assert [c.value for c in uncovered[1]] == ["Name", "Unit code", "Parent", "Level", "Kind", "Above it"]
    assert [[c.value for c in r] for r in uncovered.iter_rows(min_row=2)] == [
        ["村二", "V2", "甲镇", 3, "Village", "县 › 甲镇"],
        ["村三", "V3", "乙镇", 3, "Village", "县 › 乙镇"],
        ["村四", "V4", '=HYPERLINK("x")', 3, "Village", '县 › =HYPERLINK("x")'],
    ]
    assert len(UNCOVERED_COLUMNS) == 6 and len(UNIT_COLUMNS) == 8


def test_kpis_csv_gives_each_units_name_and_stays_long(small, tmp_path: Path):
    text = kpis_csv(small, kpi_table(small, small.as_of()))
    table = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
    assert list(table.columns) == ["unit_id", "unit_name", "metric", "key", "value"]
    assert set(zip(table["unit_id"], table["unit_name"], strict=True)) >= {("R", "县"), ("T3", "'=HYPERLINK(\"x\")")}
    assert table[(table["unit_id"] == "T2") & (table["metric"] == "status")]["value"].tolist() == ["behind"]


def test_compact_values_match_the_page_formats():
    figure = KpiColumn("coverage", "col.coverage", "percent")
    for value in (0.0, 2 / 3, 0.58405, 1.0, 0.9995):
        assert f"{figure.compact(value, 'en'):.2f}%" == fmt_percent(value)
    points = KpiColumn("g", "col.pace_gap", "points")
    for value in (-9.7268, 0.004, -0.004, 8.68, 0.0):
        v = points.compact(value, "en")
        assert ("+" if v > 0 or (v == 0 and str(v) == "0.0") else "-") + f"{abs(v):.2f}" == fmt_points(value)



def test_a_column_compacted_whole_is_each_value_compacted():
    halves = [0.125, 2.675, 0.005, -0.005, 1.0049999, 0.58405, 0.9995, -0.0, 1e-9, 2 ** 53 + 0.0, 1e300]
    columns = [
        pd.Series([*halves, math.nan, math.inf, -math.inf], dtype="float64"),
        pd.Series([0, 3, -7, 2 ** 40, 2_274], dtype="int64"),
        pd.Series([1, None, 5], dtype="Int64"),
        pd.Series([True, False], dtype=bool),
        pd.Series([0.5, None, "x", 2], dtype=object),
    ]
    for values in columns:
        for fmt in ("int", "percent", "points", "number", "score", "grade", "text"):
            expected = [compact_value(v, fmt, "zh") for v in values.tolist()]
            # repr: 1 is not 1.0, and -0.0 is not 0.0
            assert list(map(repr, compact_column(values, fmt, "zh"))) == list(map(repr, expected)), (values.dtype, fmt)


def test_the_index_cells_of_each_indicator_are_its_pace_rows_rounded(small):
    sc = campaign_scorecard(small, small.as_of())
    rows = {r[0]: r for r in index_payload(sc, small, {}, "zh")["rows"]}
    at = len(ROW_FIELDS) + len(kpi_columns_of(small, index=True))
    # T2 gdp 40.0%, 9.73 points behind pace; R share 90% ahead (+40.27); T3 gdp no actual; V1 no target
    assert rows["T2"][at:at + 2] == [[40.0, -9.73, STATUSES.index("behind")], None]
    assert rows["R"][at + 1] == [90.0, 40.27, STATUSES.index("ahead")]
    assert rows["T3"][at][2] == STATUSES.index("no_data") and rows["V1"][at:at + 2] == [None, None]
    assert rows["T2"][ROW_FIELDS.index("focus")] == ["生产总值", -9.73, 0]

# -- the top of a unit page ---------------------------------------------------------------------------------------------

def test_children_lists_name_who_is_behind_on_what_and_who_is_idle(small):
    from analytics.report.glance import children_lists

    g = unit_glance(small, unit_kpis(small, "R", small.as_of()))
    behind, idle = children_lists(g, small.meta, "zh")
    assert behind.title == "glance.children_behind" and idle.title == "glance.children_idle"
    assert [(n.unit_id, n.name, n.detail) for n in behind.items] == [("T2", "乙镇", "生产总值 40.00%（-9.73）")]
    assert [n.unit_id for n in idle.items] == ["T3"] and idle.more == 0


def test_lists_are_bounded_with_the_count_of_the_rest(small):
    from analytics.report.glance import uncovered_list

    g = unit_glance(small, unit_kpis(small, "R", small.as_of()))
    two = uncovered_list(g, limit=2)
    assert [n.unit_id for n in two.items] == ["V2", "V3"] and two.total == 3 and two.more == 1
    assert two.more_text("zh") == "另有1个" and two.more_text("en") == "and 1 more"
    assert uncovered_list(g).more == 0  # 3 of at most 50
    assert uncovered_list(unit_glance(small, unit_kpis(small, "V2", small.as_of()))) is None  # a leaf lists no units below


def test_the_page_answers_first_and_a_unit_without_activity_has_no_empty_sections(small):
    from analytics.report import UnitReport

    report = UnitReport.load(small.source, "R", language="zh")
    keys = [s.key for s in report.sections()]
    assert keys[:2] == ["header", "glance"]
    glance = report.at_a_glance()
    html = glance.html()
    assert '<strong class="indicator" data-indicator="gdp" data-status="behind"' in html
    assert '<a href="' in html and "乙镇" in html and "kpis.xlsx" in html  # T2 linked; the downloads
    assert [figure(f).data[0].name for f in glance.figures()] == ["目标（100%）"]  # the bullets
    idle = UnitReport.load(small.source, "V2", language="zh")
    parts = {s.key: s.parts for s in idle.sections()}
    assert parts["kpis"] == [] and parts["visits"] == [] and parts["children"] == [] and parts["targets"] == []
    text = idle.at_a_glance().html()
    assert "截至2012年6月30日，" in text and "无活动：没有走访记录。" in text
    # no section says "no data"; the tables the campaign lacks (ratings, commitments, the appraisal) are named in
    # one line at the end
    said = [s.key for s in idle.sections() if "暂无数据" in s.html()]
    assert said == []
    assert "本活动未记录：群众评议、公开承诺、考核评分。" in idle.footer().html()


def test_coverage_gaps_show_both_figures_and_the_uncovered_units(small):
    from analytics.report import UnitReport

    html = UnitReport.load(small.source, "R", language="en").visits().html()
    # children: T1 and T2 have activity, T3 none -> 2 of 3; leaves: V1 of V1..V4 -> 1 of 4
    assert "66.67% (2 of 3)" in html and "25.00% (1 of 4)" in html
    assert "Grassroots units with no visit" in html
    for name in ("村二", "村三", "村四"):
        assert name in html
