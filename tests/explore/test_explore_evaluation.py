"""The explorer's 群众评议, 公开承诺 and 考核评分 sections and its item-by-item comparison of scores, driven by setting
controls on the Shunhe sample (figures from its appraisal: SH 80.94 良好; SH-C06 94.98 优秀, first of 6)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from analytics.explore import CampaignExplorer
from analytics.report import UnitReport

from builders import SHUNHE, WEISHI


@pytest.fixture(scope="module")
def ex(tmp_path_factory) -> CampaignExplorer:
    return CampaignExplorer.from_folder(SHUNHE, export_dir=tmp_path_factory.mktemp("exports"))


def cards(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'class="card-value">(.*?)</div>', html)]


def cells(html: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def test_sections_show_the_units_page_figures(ex):
    ex.compare.value = False
    ex.language.value = "zh"
    ex.unit.value = "SH-C06"
    sections = {key: ex.section_html(key) for key in ex.section_slots}
    # Ratings 153, mean 4.22, 满意率 129 of 153 = 84.31%; commitments 14 kept of 16 due (87.50%), 2 kept late;
    # appraisal 94.98,
    # 优秀, first of the town's 6 communities.
    assert cards(sections["ratings"]) == ["153", "4.22", "84.31%"]
    assert cards(sections["commitments"]) == ["87.50%", "16", "14", "2", "0", "0"]
    assert cards(sections["appraisal"]) == ["94.98", "优秀", "1 / 6"]
    assert "计分方法" in sections["appraisal"] and "本单位：100 × 94.98 ÷ 100 = 94.98" in sections["appraisal"]
    report = UnitReport.load(SHUNHE, "SH-C06", language="zh")
    for key in ("ratings", "commitments", "appraisal"):
        page = getattr(report, key)()
        assert cards(sections[key]) == cards(page.html())  # the same numbers as the unit's page
        assert cells(sections[key]) == [re.sub(r"\s+", " ", c) for c in cells(page.html())]
        assert "NaN" not in sections[key]
        # each chart the page has, the explorer shows (and no other)
        shown = {div for div, box in ex._evaluation_boxes.items() if box.layout.display != "none"}
        assert {div for div, _ in (p for p in page.parts if not isinstance(p, str))} <= shown
    items = ex.evaluation_figures["chart-appraisal-items"]
    assert [round(x, 2) for x in items.data[0].x] == [30.0, 15.0, 28.10, 21.88]  # points earned per item
    ranking = ex.evaluation_figures["chart-appraisal-children"]
    assert sum(len(t.y) for t in ranking.data) == 6  # the community's 6 branches


def test_a_branch_hides_the_charts_of_children_it_does_not_have(ex):
    ex.compare.value = False
    ex.unit.value = "SH-C06-B01"
    hidden = {div for div, box in ex._evaluation_boxes.items() if box.layout.display == "none"}
    assert hidden == {"chart-ratings-children", "chart-commitments-children", "chart-appraisal-children"}
    # A branch is a leaf with no livelihood-tasks target: completion does not apply; grassroots coverage does (it
    # was visited: 1 of 1 -> 15); satisfaction 91.67% >= 90% full marks -> 30; fulfilment 2 of 2 -> 25;
    # 100 x 70 / 70 = 100.00, first of 6 (tied with 安置二区).
    assert cards(ex.section_html("appraisal")) == ["100.00", "优秀", "1 / 6"]
    assert ex.section_html("appraisal").count('<span class="tag">不适用</span>') == 1
    ex.unit.value = "SH"
    assert cards(ex.section_html("appraisal")) == ["80.94", "良好"]  # no siblings: no rank
    assert all(box.layout.display != "none" for box in ex._evaluation_boxes.values())


def scorecard_rows(html: str) -> dict[str, dict[str, str]]:
    """The panel's table of the unit and its children: unit code -> column header -> text."""
    table = re.search(r'<table class="scorecard-static">(.*?)</table>', html, re.S).group(1)
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("</thead>")[1], re.S):
        texts = cells(f"<table>{row}</table>")
        code = re.search(r"\b(SH[-\w]*)\b", texts[0]).group(1)
        out[code] = dict(zip(heads, texts, strict=True))
    return out


def test_the_units_table_shows_the_score_grade_and_rank_of_its_sentence(ex):
    ex.compare.value = False
    ex.language.value = "zh"
    ex.unit.value = "SH"
    panel = ex.kpi_panel.value
    assert "考核得分80.94分，等次良好" in re.sub(r"<[^>]+>", "", panel)  # the sentence above the table
    rows = scorecard_rows(panel)
    # The town: 80.94 良好, and no rank (it has no siblings). Its communities, from the appraisal section's ranking:
    # SH-C06 94.98 优秀 first of the 6, SH-C01 70.61 合格 sixth.
    assert [rows["SH"][c] for c in ("考核得分", "等次", "同级排名")] == ["80.94", "良好", "—"]
    assert [rows["SH-C06"][c] for c in ("考核得分", "等次", "同级排名")] == ["94.98", "优秀", "1"]
    assert [rows["SH-C01"][c] for c in ("考核得分", "等次", "同级排名")] == ["70.61", "合格", "6"]
    ex.unit.value = "SH-C06"
    rows = scorecard_rows(ex.kpi_panel.value)
    assert [rows["SH-C06"][c] for c in ("考核得分", "等次", "同级排名")] == ["94.98", "优秀", "1"]
    assert len(rows) == 7 and all(r["考核得分"] != "—" for r in rows.values())


def test_every_heading_sits_right_above_its_chart(ex):
    ex.compare.value = False
    ex.language.value = "zh"
    ex.unit.value = "SH"
    shown = list(ex._evaluation.children)
    for div, heading in (("chart-ratings-children", "下级单位评议对比"),
                         ("chart-commitments-children", "下级单位承诺兑现对比"),
                         ("chart-appraisal-children", "下级单位考核排名")):
        box = ex._evaluation_boxes[div]
        assert box.layout.display != "none"
        before = shown[shown.index(box) - 1].value  # what is drawn right above the chart
        assert re.findall(r"<h3>(.*?)</h3>", before)[-1] == heading, div
        assert re.search(r"<h3>[^<]*</h3>", before.split(heading)[-1]) is None  # nothing after it but its notes
    # the overdue list comes after the children's chart, as on the page
    after = shown[shown.index(ex._evaluation_boxes["chart-commitments-children"]) + 1].value
    assert "逾期未兑现的承诺" in after and "下级单位承诺兑现对比" not in after


def test_ratings_follow_the_questionnaire_window_commitments_and_scores_stay_at_as_of(ex):
    ex.compare.value = False
    ex.unit.value = "SH-C06"
    # SH-C06's six branches were rated June 9-19; from June 15 on, only the surveys of B03 (06-19), B05 (06-16)
    # and B06 (06-15) count. Their responses, counted straight from the tables:
    c = ex.index.campaign
    kept = c.surveys[c.surveys["unit_id"].str.startswith("SH-C06-") & (c.surveys["date"] >= "2012-06-15")]
    assert sorted(kept["unit_id"]) == ["SH-C06-B03", "SH-C06-B05", "SH-C06-B06"]
    scores = c.responses[c.responses["survey_id"].isin(kept["survey_id"])]["score"]
    ex.start.value = dt.date(2012, 6, 15)
    try:
        assert cards(ex.section_html("ratings")) == [
            str(len(scores)), f"{scores.sum() / len(scores):.2f}", f"{(scores >= 4).mean() * 100:.2f}%"]
        assert cards(ex.section_html("commitments")) == ["87.50%", "16", "14", "2", "0", "0"]
        assert cards(ex.section_html("appraisal")) == ["94.98", "优秀", "1 / 6"]
        ex.start.value = dt.date(2012, 6, 20)  # no rating survey of SH-C06 in the window
        assert cards(ex.section_html("ratings")) == [] and "暂无数据" in ex.section_html("ratings")
        # A window that ends before as_of: commitments and the appraisal are still those at as_of.
        ex.start.value, ex.end.value = ex.index.meta.start, dt.date(2012, 5, 31)
        assert cards(ex.section_html("commitments")) == ["87.50%", "16", "14", "2", "0", "0"]
        assert cards(ex.section_html("appraisal")) == ["94.98", "优秀", "1 / 6"]
    finally:
        ex.start.value, ex.end.value = ex.index.meta.start, ex.index.meta.end
    assert cards(ex.section_html("ratings")) == ["153", "4.22", "84.31%"]


def test_compare_mode_compares_scores_item_by_item(ex):
    ex.unit.value = "SH"
    ex.compare.value = True
    try:
        ex.compare_units.value = ("SH-C01", "SH-C06")
        assert "appraisal" in [m for _, m in ex.compare_metric.options]
        ex.compare_metric.value = "appraisal"
        fig = ex.figures["compare"]
        by_unit = {t.name: dict(zip(t.x, t.y, strict=True)) for t in fig.data}
        # SH-C06: 30 + 15 + 28.104575 + 21.875 = 94.979575 -> 94.98, shown as the page shows them (rounded by
        # largest remainder to add up to the score): 28.10 + 21.88; SH-C01 (70.61 in all): every item applies.
        c06 = by_unit["卓圩社区党委"]
        assert list(c06) == ["完成率：民生实事", "基层覆盖率", "满意率", "承诺兑现率"]
        assert list(c06.values()) == [30.0, 15.0, 28.10, 21.88]
        assert sum(by_unit["雨露社区党委"].values()) == pytest.approx(70.61, abs=1e-9)
        # The panel adds each unit's score, grade and rank.
        row = cells(ex.kpi_panel.value)
        assert row[row.index("卓圩社区党委 SH-C06") + 7: row.index("卓圩社区党委 SH-C06") + 10] == ["94.98", "优秀", "1 / 6"]
        # Branches: completion applies to none of them and is left out; grassroots coverage applies to every unit.
        ex.compare_units.value = ("SH-C06-B01", "SH-C06-B04")
        assert list(ex.figures["compare"].data[0].x) == ["基层覆盖率", "满意率", "承诺兑现率"]
        ex.compare_metric.value = "satisfaction"
        assert list(ex.figures["compare"].data[0].x) == ["全部问题", "对社区党组织工作满意度", "对党员作用发挥评价",
                                                         "对公开承诺兑现情况评价"]
    finally:
        ex.compare.value = False


def test_english_and_a_campaign_without_these_tables(ex, tmp_path):
    ex.unit.value = "SH-C06"
    ex.language.value = "en"
    try:
        assert cards(ex.section_html("appraisal")) == ["94.98", "Excellent", "1 / 6"]
        assert "How a score is made" in ex.section_html("appraisal")
    finally:
        ex.language.value = "zh"
    weishi = CampaignExplorer.from_folder(WEISHI, export_dir=tmp_path)
    # Weishi has no responses, no commitments and no appraisal: no section each saying "no data", one line at the
    # end naming the three.
    for key in ("ratings", "commitments", "appraisal"):
        assert weishi.section_html(key) == ""
    assert "暂无数据" not in weishi.not_recorded.value
    assert "本活动未记录：群众评议、公开承诺、考核评分。" in weishi.not_recorded.value
    assert weishi._evaluation.children[-1] is weishi.not_recorded
    weishi.language.value = "en"
    assert "This campaign does not record: ratings, commitments, appraisal." in weishi.not_recorded.value
    assert all(box.layout.display == "none" for box in weishi._evaluation_boxes.values())
    assert ex.not_recorded.value == ""  # Shunhe records all three
    assert [m for _, m in weishi.compare_metric.options] == ["events", "persons", "survey_rates", "completion"]
