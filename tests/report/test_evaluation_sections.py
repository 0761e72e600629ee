"""The report's 群众评议, 公开承诺 and 考核评分 sections, read as a reader reads them: the numbers in their cards
and tables worked out by hand on a five-unit town (arithmetic in the comments), both languages, no "NaN"."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analytics import load_campaign
from analytics.measures.evaluation import shown_points
from analytics.report import UnitReport
from analytics.report.evaluation_sections import item_label, item_value_text

from builders import SHUNHE, WEISHI
from figures import figure

# T (town) -> C1, C2; C1 -> B1, B2. C2 is a leaf.
UNITS = "unit_id,name,parent_id,kind\nT,镇,,town\nC1,一社区,T,community\nB1,一支部,C1,branch\nB2,二支部,C1,branch\n" \
        "C2,二社区,T,community\n"
SURVEYS = "survey_id,unit_id,date,issued,returned,valid\nS1,B1,2012-05-01,5,5,5\nS2,B2,2012-05-01,3,3,3\n"
Q1, Q2 = "对社区党组织工作满意度", "对党员作用<b>发挥</b>评价"  # a question as typed, markup and all
RESPONSES = "survey_id,question,score\n" + "".join(
    f"{s},{q},{score}\n" for s, q, scores in (("S1", Q1, (5, 4, 4, 2)), ("S1", Q2, (3,)), ("S2", Q1, (5, 3, 1)))
    for score in scores)
COMMITMENTS = (
    "commitment_id,unit_id,text,due,done\n"
    "K1,B1,<script>alert(1)</script>修路,2012-03-31,2012-03-20\n"  # kept
    "K2,B1,安装路灯,2012-05-31,\n"  # overdue: May 31 -> June 30 = 30 days
    "K3,B2,整治楼道,2012-04-30,2012-05-10\n"  # kept late
    "K4,C2,清理河道,2012-06-30,\n"  # due today
    "K5,T,召开评议会,2012-09-30,\n"  # not yet due
    "K6,C2,走访困难户,2012-06-01,2012-07-15\n"  # overdue 29 days at as_of: done only after it
)
TARGETS = ("unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
           "C1,tasks,10,件,2012-01-01,2012-12-31,sum\nC2,tasks,6,件,2012-01-01,2012-12-31,sum\n")
ACTUALS = "unit_id,indicator,date,value\nC1,tasks,2012-06-30,4\nC2,tasks,2012-06-30,1\n"
VISITS = "date,unit_id,kind,group,persons\n2012-03-01,B1,visit,residents,5\n2012-03-02,C2,visit,residents,4\n"
META = (
    "id: sections\nname: {zh: 考核, en: Appraisal}\nstart: 2012-01-01\nend: 2012-12-31\nas_of: 2012-06-30\n"
    "vocabulary:\n  indicators:\n    tasks: {zh: 重点任务, en: Key tasks}\n"
    "appraisal:\n  items:\n"
    "    - {metric: completion, key: tasks, weight: 40, full_at: 0.5}\n"
    "    - {metric: grassroots_coverage, weight: 20, full_at: 1.0}\n"
    "    - {metric: satisfaction, weight: 25, full_at: 0.9}\n"
    "    - {metric: commitment_fulfilment, weight: 15, full_at: 1.0}\n"
    "  grades: {excellent: 90, good: 80, pass: 60}\n"
)
TABLES = {"units": UNITS, "surveys": SURVEYS, "responses": RESPONSES, "commitments": COMMITMENTS, "targets": TARGETS,
          "actuals": ACTUALS, "visits": VISITS}


class _Tables(HTMLParser):
    """Text of every <table> cell (rows of cells), card values and paragraphs of an HTML fragment."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cards: list[str] = []
        self.paragraphs: list[str] = []
        self._cell: list[str] | None = None
        self._card = self._para = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        css = dict(attrs).get("class") or ""
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "div" and css == "card-value":
            self._card = True
            self.cards.append("")
        elif tag == "p":
            self._para = True
            self.paragraphs.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "div":
            self._card = False
        elif tag == "p":
            self._para = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._card:
            self.cards[-1] += data.strip()
        if self._para:
            self.paragraphs[-1] += data


@pytest.fixture
def town(make_campaign) -> Path:
    return make_campaign(TABLES, meta=META)


def _section(folder: Path, unit: str, name: str, language: str = "zh") -> tuple[str, _Tables]:
    report = UnitReport.load(folder, unit, language=language)
    html = getattr(report, name)().html()
    assert "NaN" not in html and "nan" not in re.sub(r"<[^>]+>", " ", html).split()
    return html, _Tables(html)


# --------------------------------------------------------------------------- 群众评议


def test_ratings_by_question_and_distribution_by_hand(town):
    html, t = _section(town, "C1", "ratings")
    # C1 = B1 + B2. B1: Q1 5, 4, 4, 2 and Q2 3; B2: Q1 5, 3, 1. All: 8 ratings, 5+4+4+2+3+5+3+1 = 27 -> 3.375,
    # shown 3.38; scores >= 4: 5, 4, 4, 5 -> 4 of 8 = 50.00%.
    assert t.cards == ["8", "3.38", "50.00%"]
    by_question = t.tables[0]
    assert by_question[0] == ["问题", "评价数", "平均分", "满意率", "非常满意", "满意", "基本满意", "不太满意", "不满意"]
    # Q1: 7 ratings, 24 / 7 = 3.43, 4 of 7 satisfied = 57.14%; 5s: 2, 4s: 2, 3s: 1, 2s: 1, 1s: 1.
    # Q2: one 3 -> 3.00, 0.00%. All questions first: 2, 2, 2, 1, 1 of each score.
    assert by_question[1:] == [
        ["全部问题", "8", "3.38", "50.00%", "2", "2", "2", "1", "1"],
        [Q1, "7", "3.43", "57.14%", "2", "2", "1", "1", "1"],
        [Q2, "1", "3.00", "0.00%", "0", "0", "1", "0", "0"],
    ]
    assert "&lt;b&gt;发挥&lt;/b&gt;" in html  # the question shows as typed, never as markup
    assert "满意率 = 4分及以上（满意及以上）的评价数 ÷ 评价数" in t.paragraphs[0]
    # Children compared, best first: B1 60.00% (3 of 5, mean 18 / 5 = 3.60), B2 33.33% (1 of 3, mean 9 / 3 = 3.00)
    assert t.tables[1][1:] == [["一支部", "5", "3.60", "60.00%"], ["二支部", "3", "3.00", "33.33%"]]
    charts = [figure(f) for f in UnitReport.load(town, "C1").ratings().figures()]
    distribution, children = charts
    assert [tr.name for tr in distribution.data] == ["5 非常满意", "4 满意", "3 基本满意", "2 不太满意", "1 不满意"]
    assert list(distribution.data[0].x) == pytest.approx([2 / 8, 2 / 7, 0])  # share of 5s: all, Q1, Q2
    assert list(children.data[0].y) == ["一支部", "二支部"] and list(children.data[0].x) == pytest.approx([0.6, 1 / 3])


def test_a_unit_without_ratings_says_no_data_and_children_without_say_how_many(town):
    _html, t = _section(town, "C2", "ratings")  # C2 has no questionnaire
    assert t.cards == [] and t.tables == [] and t.paragraphs == ["暂无数据"]
    html, t = _section(town, "T", "ratings", "en")
    assert "Units below without ratings: 1" in html  # C2
    assert [row[0] for row in t.tables[1][1:]] == ["一社区"]


# --------------------------------------------------------------------------- 公开承诺


def test_commitments_cards_sentence_and_overdue_list_by_hand(town):
    html, t = _section(town, "T", "commitments")
    # Due by June 30: K1 kept, K3 late, K2 overdue, K6 overdue (done only on July 15), K4 due today -> 5;
    # fulfilment 1 / 5 = 20.00%; K5 is not yet due.
    assert t.cards == ["20.00%", "5", "1", "1", "2", "1"]
    assert t.paragraphs[0] == ("承诺兑现率 = 按期兑现1项 ÷ 已到期5项（截至2012年6月30日已到期：按期兑现1 + 逾期兑现1 + "
                               "逾期未兑现2 + 当日到期未兑现1）= 20.00%；另有1项尚未到期。")
    overdue = t.tables[0]
    assert overdue[0] == ["单位", "承诺事项", "承诺时限", "逾期天数"]
    # Most overdue first: K2 due May 31 (30 days), K6 due June 1 (29 days)
    assert overdue[1:] == [["一支部", "安装路灯 K2", "2012-05-31", "30"], ["二社区", "走访困难户 K6", "2012-06-01", "29"]]
    assert 'href="' in html.split("安装路灯")[0].rsplit("<tr", 1)[1]  # the unit links to its page
    chart = figure(UnitReport.load(town, "T").commitments().figures()[0])
    # Children, best fulfilment first: C1 kept 1 of 3 (33.33%), C2 none of 2
    assert list(chart.data[0].y) == ["一社区", "二社区"]
    assert {tr.name: list(tr.x) for tr in chart.data} == {
        "按期兑现": [1, 0], "逾期兑现": [1, 0], "当日到期未兑现": [0, 1], "逾期未兑现": [1, 1]}


def test_commitment_text_is_escaped_and_a_unit_with_nothing_overdue_says_so(town):
    html, t = _section(town, "B1", "commitments", "en")
    assert "<script>" not in html
    # B1: K1 kept, K2 overdue -> 1 of 2 = 50.00%
    assert t.cards == ["50.00%", "2", "1", "0", "1", "0"]
    html, t = _section(town, "B2", "commitments", "en")
    assert "No commitment is overdue" in html and t.cards == ["0.00%", "1", "0", "1", "0", "0"]


def test_a_long_overdue_list_shows_fifty_and_links_the_full_list(make_campaign, town):
    # 53 commitments of B1 due on January 1st + n days, none done: all overdue at June 30, the oldest first.
    many = COMMITMENTS + "".join(f"L{n:02d},B1,承诺{n},2012-01-{n + 1:02d},\n" for n in range(30)) + "".join(
        f"M{n:02d},B1,承诺{n + 30},2012-02-{n + 1:02d},\n" for n in range(23))
    folder = make_campaign({**TABLES, "commitments": many}, meta=META)
    html, t = _section(folder, "T", "commitments")
    # overdue: the 53 new ones plus K2 and K6 = 55; 50 listed, 5 more in kpis.xlsx
    assert t.cards[4] == "55" and len(t.tables[0]) == 1 + 50
    assert t.tables[0][1][1:] == ["承诺0 L00", "2012-01-01", "181"]  # Jan 1 -> June 30, 2012: 181 days
    assert "另有5条逾期未兑现的承诺未列出，全部清单见“逾期未兑现承诺”工作表：" in t.paragraphs[-1]
    assert '<a href="../kpis.xlsx">kpis.xlsx</a>' in html
    from analytics.explore.state import CampaignIndex, Query, evaluation_parts, section_panel_html

    index = CampaignIndex(load_campaign(folder))
    q = Query("T", index.campaign.as_of())
    panel = section_panel_html(evaluation_parts(index, q, index.kpis(q), "en")["commitments"], "en")
    assert "Rows not shown: 5" in panel and "kpis.xlsx" not in panel  # the explorer has no folder to link to


# --------------------------------------------------------------------------- 考核评分


def test_appraisal_breakdown_adds_up_with_not_applicable_and_no_data_marks(town):
    html, t = _section(town, "C2", "appraisal")
    # C2, a leaf: completion 1/6 = 16.67% of full marks at 50% -> 40 x 0.3333 = 13.33 points, 26.67 lost;
    # grassroots coverage applies to a leaf too (its own visits: 1 of 1) -> 20; satisfaction applies but C2 has no
    # rating: 0 points, all 25 lost; fulfilment 0 of 2 due = 0% -> 0 of 15. Every item applies (100):
    # 100 x 33.33 / 100 = 33.33, fail; second of T's two children (C1 60.89).
    assert t.cards == ["33.33", "不合格", "2 / 2"]
    items = t.tables[0]
    assert items[0] == ["考核项目", "实际值", "满分标准", "权重", "得分", "失分"]
    assert items[1:] == [
        ["完成率：重点任务", "16.67%", "50%", "40", "13.33", "26.67"],
        ["基层覆盖率", "100%", "100%", "20", "20.00", "0.00"],
        ["满意率", "—", "90%", "25", "0.00 暂无数据", "25.00"],
        ["承诺兑现率", "0%", "100%", "15", "0.00", "15.00"],
        ["合计（适用项目）", "", "", "100", "33.33", "66.67"],
    ]
    assert "本单位：100 × 33.33 ÷ 100 = 33.33" in t.paragraphs
    rule = next(p for p in t.paragraphs if p.startswith("计分方法"))
    assert "权重 × 实际值 ÷ 满分标准（实际值达到满分标准即得满分）" in rule
    assert "总分90分及以上为优秀，80分及以上为良好，60分及以上为合格" in rule
    assert "NaN" not in html


def test_appraisal_of_a_unit_with_children_ranks_them_item_by_item(town):
    _html, t = _section(town, "T", "appraisal", "en")
    # T: completion (4 + 1) / (10 + 6) = 0.3125 / 0.5 x 40 = 25.00; grassroots coverage: leaves B1, B2, C2,
    # visited B1 and C2 -> 2/3 x 20 = 13.33; satisfaction 4 of 8 = 0.5 / 0.9 x 25 = 13.89; fulfilment 1/5 x 15 =
    # 3.00. 25 + 13.333 + 13.889 + 3 = 55.22 of 100: fail, the only root.
    assert t.cards == ["55.22", "Fail"]  # the only root: no rank among siblings ("1 / 1" says nothing)
    assert [row[4] for row in t.tables[0][1:]] == ["25.00", "13.33", "13.89", "3.00", "55.22"]
    assert "This unit: 100 × 55.22 ÷ 100 = 55.22" in t.paragraphs
    # C1: completion 0.4 / 0.5 x 40 = 32.00; grassroots 1 of 2 -> 10.00; satisfaction 0.5 / 0.9 x 25 = 13.89;
    # fulfilment 1/3 x 15 = 5.00 -> 60.89, pass. C2 33.33 (above). Ranked 1 and 2.
    children = t.tables[1]
    assert children[0] == ["Rank", "Unit", "Score", "Grade", "Completion: Key tasks (points)",
                           "Grassroots coverage (points)", "Satisfaction (points)", "Commitment fulfilment (points)"]
    assert children[1:] == [["1", "一社区", "60.89", "Pass", "32.00", "10.00", "13.89", "5.00"],
                            ["2", "二社区", "33.33", "Fail", "13.33", "20.00", "0.00", "0.00"]]
    rule = next(p for p in t.paragraphs if p.startswith("How a score is made"))
    assert "weight × min(value ÷ full marks at, 1)" in rule and "rounded half up to 2 decimals" in rule


def test_the_breakdown_chart_stacks_points_and_points_lost_to_each_weight(town):
    items, children = figure(UnitReport.load(town, "C2").appraisal().figures()[0]), None
    earned, lost = items.data
    assert list(earned.y) == ["完成率：重点任务", "基层覆盖率", "满意率", "承诺兑现率"]
    assert list(earned.x) == pytest.approx([13.33, 20, 0, 0])
    assert list(lost.x) == pytest.approx([26.67, 0, 25, 15])
    assert list(lost.text) == ["13.33 / 40", "20.00 / 20", "暂无数据 · 0.00 / 25", "0.00 / 15"]
    assert children is None
    ranking = figure(UnitReport.load(town, "C1").appraisal().figures()[1])
    # B1: visited -> grassroots 20, satisfaction 0.6 / 0.9 x 25 = 16.67, fulfilment 1/2 x 15 = 7.50 -> 44.17 of 60
    # = 73.61 (pass); B2: never visited -> 0, 1/3 / 0.9 x 25 = 9.26, fulfilment 0 -> 9.26 of 60 = 15.43 (fail).
    # One trace per grade, best first.
    assert [(tr.name, list(tr.y), list(tr.x)) for tr in ranking.data] == [
        ("合格", ["一支部"], [73.61]), ("不合格", ["二支部"], [15.43])]


# --------------------------------------------------------------------------- a campaign without these tables


def test_weishi_leaves_the_sections_out_and_says_at_the_end_what_it_does_not_record():
    # Weishi has no responses table, no commitments table and no appraisal section: no "no data" section each,
    # one line at the end of the page naming all three.
    for language, line in (("en", "This campaign does not record: ratings, commitments, appraisal."),
                           ("zh", "本活动未记录：群众评议、公开承诺、考核评分。")):
        report = UnitReport.load(WEISHI, None, language=language)
        for name in ("ratings", "commitments", "appraisal"):
            section = getattr(report, name)()
            assert section.figures() == [] and section.html() == ""
        footer = report.footer().html()
        assert footer.startswith(f'<p class="note not-recorded" id="not-recorded">{line}</p>')
        assert "暂无数据" not in footer and "No data" not in footer
    keys = [s.key for s in report.sections()]
    assert keys == ["header", "glance", "kpis", "visits", "surveys", "targets", "children", "ratings", "commitments",
                    "appraisal", "quality", "footer"]


def test_a_campaign_with_every_table_says_nothing_is_missing():
    report = UnitReport.load(SHUNHE, None, language="zh")
    assert "not-recorded" not in report.footer().html() and "未记录" not in report.footer().html()


# --------------------------------------------------------------------------- helpers


def test_shown_points_add_up_to_the_rounded_total():
    # Shunhe town: 29.0909 + 10.2632 + 23.4314 + 18.1548 = 80.9402 -> 80.94; each rounded half up:
    # 29.09 + 10.26 + 23.43 + 18.15 = 80.93, a cent short. The item rounded down the most (18.1548, by 0.0048)
    # takes it: 18.16.
    shown, adjusted = shown_points([29.090909, 10.263158, 23.431373, 18.154762])
    assert shown == [Decimal("29.09"), Decimal("10.26"), Decimal("23.43"), Decimal("18.16")] and adjusted
    # SH-C06: 30 + 15 + 28.1046 + 21.875 = 94.9796 -> 94.98 = 30.00 + 15.00 + 28.10 + 21.88: nothing to move.
    assert shown_points([30.0, 15.0, 28.104575, 21.875]) == (
        [Decimal("30.00"), Decimal("15.00"), Decimal("28.10"), Decimal("21.88")], False)
    # Three thirds of 10: 3.33 x 3 = 9.99 against 10.00; not applicable (None) stays out.
    shown, adjusted = shown_points([10 / 3, None, 10 / 3, 10 / 3])
    assert shown == [Decimal("3.34"), None, Decimal("3.33"), Decimal("3.33")] and adjusted
    # Rounded up too far: 1.005 x 2 -> 1.01 + 1.01 = 2.02 against 2.01: the first gives its cent back.
    assert shown_points([1.005, 1.005])[0] == [Decimal("1.00"), Decimal("1.01")]
    assert shown_points([None]) == ([None], False)


def test_item_names_and_values_read_as_written(town):
    meta = load_campaign(town).meta
    assert item_label("completion", "tasks", meta, "zh") == "完成率：重点任务"
    assert item_label("completion", "tasks", meta, "en") == "Completion: Key tasks"
    assert item_label("satisfaction", Q1, meta, "en") == f"Satisfaction: {Q1}"
    assert item_label("events", "seminar", meta, "zh") == "活动次数：座谈会"
    assert item_value_text("completion", 0.484848) == "48.48%" and item_value_text("coverage", 0.5) == "50%"
    assert item_value_text("rating_mean", 4.5) == "4.5" and item_value_text("events", 3) == "3"
    assert item_value_text("satisfaction", float("nan")) == "—"


# --------------------------------------------------------------------------- the index, kpis.xlsx, at a glance
#
# Scores of the town (worked out above): T 55.22 fail (the only root: no rank among no siblings); C1 60.89 pass,
# C2 33.33 fail (ranks 1, 2);
# B1 73.61 pass, B2 15.43 fail (ranks 1, 2 under C1).
SCORES = {"T": (55.22, "fail", None), "C1": (60.89, "pass", 1), "B1": (73.61, "pass", 1), "B2": (15.43, "fail", 2),
          "C2": (33.33, "fail", 2)}


def test_the_index_rows_carry_score_grade_and_rank_and_the_grade_filter_its_options(town):
    from analytics.report.index import grade_options
    from analytics.report.scorecard import GRADE_ORDER, ROW_FIELDS, campaign_scorecard, index_payload

    campaign = load_campaign(town)
    data = index_payload(campaign_scorecard(campaign, campaign.as_of()), campaign, {}, "zh")
    keys = [c["key"] for c in data["columns"]]
    at = {k: len(ROW_FIELDS) + keys.index(k) for k in ("appraisal_score", "grade", "rank")}
    assert [data["columns"][keys.index(k)]["format"] for k in at] == ["score", "grade", "int"]
    rows = {r[0]: (r[at["appraisal_score"]], GRADE_ORDER[r[at["grade"]]], r[at["rank"]]) for r in data["rows"]}
    assert rows == SCORES
    assert [g["label"] for g in data["grades"]] == ["不合格", "合格", "良好", "优秀"]  # worst first: sorts that way
    assert grade_options(data) == [{"value": 3, "label": "优秀"}, {"value": 2, "label": "良好"},
                                   {"value": 1, "label": "合格"}, {"value": 0, "label": "不合格"}]
    weishi = load_campaign(WEISHI)
    plain = index_payload(campaign_scorecard(weishi, weishi.as_of()), weishi, {}, "zh")
    assert not {"appraisal_score", "grade", "rank"} & {c["key"] for c in plain["columns"]}
    assert grade_options(plain) == []  # no grade filter without an appraisal


def test_kpis_xlsx_gains_ratings_commitments_and_the_appraisal(town):
    import io

    import openpyxl

    from analytics.report.downloads import kpis_xlsx
    from analytics.report.scorecard import campaign_scorecard

    campaign = load_campaign(town)
    wb = openpyxl.load_workbook(io.BytesIO(kpis_xlsx(campaign, campaign_scorecard(campaign, campaign.as_of()), "zh")))
    units, _uncovered, appraisal, overdue = wb.worksheets
    header = [c.value for c in units[1]]
    rows = {r[1].value: dict(zip(header, r, strict=True)) for r in units.iter_rows(min_row=2)}
    for uid, (score, grade, rank) in SCORES.items():
        r = rows[uid]
        assert (r["考核得分"].value, r["等次"].value, r["同级排名"].value) == (score, {"pass": "合格", "fail": "不合格"}[grade],
                                                                     rank)
        assert r["考核得分"].number_format == "0.00"
    # C1: 8 ratings, mean 27 / 8 = 3.375, 4 of 8 satisfied; commitments due 3: kept 1, late 1, overdue 1 -> 1/3
    c1 = {k: rows["C1"][k].value for k in ("评价数", "平均分", "满意率", "已到期承诺", "按期兑现", "逾期兑现", "逾期未兑现",
                                          "当日到期未兑现", "承诺兑现率")}
    assert c1 == {"评价数": 8, "平均分": 3.375, "满意率": 0.5, "已到期承诺": 3, "按期兑现": 1, "逾期兑现": 1,
                  "逾期未兑现": 1, "当日到期未兑现": 0, "承诺兑现率": pytest.approx(1 / 3)}
    assert rows["C1"]["满意率"].number_format == "0.00%"
    assert rows["C2"]["平均分"].value is None  # no rating: no data, never 0
    # The appraisal by item, as the page shows it: C2's completion 1/6 earns 40 x (1/6) / 0.5 = 13.33; grassroots
    # coverage 1 of 1 -> 20.00; satisfaction applies without data (no value, 0 points); fulfilment 0 of 2 -> 0.
    assert appraisal.title == "考核分项得分"
    head = [c.value for c in appraisal[1]]
    assert head[:6] == ["单位名称", "单位编码", "考核得分", "等次", "同级排名", "适用项目权重"]
    assert head[6:8] == ["完成率：重点任务 · 实际值 · 满分标准 50%", "完成率：重点任务 · 得分 · 权重 40"]
    c2 = next(r for r in appraisal.iter_rows(min_row=2, values_only=True) if r[1] == "C2")
    assert c2[2:6] == (33.33, "不合格", 2, 100)
    assert c2[6] == pytest.approx(1 / 6) and c2[7] == 13.33
    assert c2[8:] == (1, 20, None, 0, 0, 0)
    # Every overdue commitment, most overdue first, its due date a date cell.
    assert overdue.title == "逾期未兑现承诺"
    listed = list(overdue.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[5]) for r in listed] == [("B1", "K2", 30), ("C2", "K6", 29)]
    assert overdue.cell(2, 5).number_format == 'yyyy"年"m"月"d"日"'  # 2012年5月31日, as the page writes dates
    assert overdue.cell(2, 5).value.date().isoformat() == "2012-05-31"


def test_at_a_glance_names_the_grade_and_the_rank_among_siblings(town):
    from analytics.measures.kpis import unit_kpis
    from analytics.report.glance import glance_sentence, index_summary, sentence_text, unit_glance
    from analytics.report.scorecard import campaign_scorecard

    campaign = load_campaign(town)

    def said(unit, language):
        kpis = unit_kpis(campaign, unit, campaign.as_of())
        return sentence_text(glance_sentence(unit_glance(campaign, kpis), campaign.meta, language))

    assert said("C2", "zh").endswith("考核得分33.33分，等次不合格，在同级2个单位中排第2名。")
    assert said("C2", "en").endswith("Appraisal score 33.33, grade fail, rank 2 of 2 units with the same parent.")
    assert said("T", "zh").endswith("考核得分55.22分，等次不合格。")  # the only root: no rank to speak of
    roots = [unit_glance(campaign, unit_kpis(campaign, "T", campaign.as_of()))]
    units = campaign_scorecard(campaign, campaign.as_of()).units
    assert sentence_text(index_summary(roots, units, campaign.meta, "zh")).endswith("考核等次：合格2个、不合格3个。")
    assert sentence_text(index_summary(roots, units, campaign.meta, "en")).endswith(
        "Appraisal grades: 2 pass and 3 fail.")
