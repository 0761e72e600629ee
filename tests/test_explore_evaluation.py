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
    sections = {key: w.value for key, w in ex.sections.items()}
    # Ratings 153, mean 4.22, 满意率 84.3%; commitments 14 kept of 16 due (87.5%), 2 kept late; appraisal 94.98,
    # 优秀, first of the town's 6 communities.
    assert cards(sections["ratings"]) == ["153", "4.22", "84.3%"]
    assert cards(sections["commitments"]) == ["87.5%", "16", "14", "2", "0", "0"]
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
    assert cards(ex.sections["appraisal"].value) == ["100.00", "优秀", "1 / 6"]
    assert ex.sections["appraisal"].value.count('<span class="tag">不适用</span>') == 1
    ex.unit.value = "SH"
    assert cards(ex.sections["appraisal"].value) == ["80.94", "良好"]  # no siblings: no rank
    assert all(box.layout.display != "none" for box in ex._evaluation_boxes.values())


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
        assert cards(ex.sections["ratings"].value) == [
            str(len(scores)), f"{scores.sum() / len(scores):.2f}", f"{(scores >= 4).mean() * 100:.1f}%"]
        assert cards(ex.sections["commitments"].value) == ["87.5%", "16", "14", "2", "0", "0"]
        assert cards(ex.sections["appraisal"].value) == ["94.98", "优秀", "1 / 6"]
        ex.start.value = dt.date(2012, 6, 20)  # no rating survey of SH-C06 in the window
        assert cards(ex.sections["ratings"].value) == [] and "暂无数据" in ex.sections["ratings"].value
        # A window that ends before as_of: commitments and the appraisal are still those at as_of.
        ex.start.value, ex.end.value = ex.index.meta.start, dt.date(2012, 5, 31)
        assert cards(ex.sections["commitments"].value) == ["87.5%", "16", "14", "2", "0", "0"]
        assert cards(ex.sections["appraisal"].value) == ["94.98", "优秀", "1 / 6"]
    finally:
        ex.start.value, ex.end.value = ex.index.meta.start, ex.index.meta.end
    assert cards(ex.sections["ratings"].value) == ["153", "4.22", "84.3%"]


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
        assert cards(ex.sections["appraisal"].value) == ["94.98", "Excellent", "1 / 6"]
        assert "How a score is made" in ex.sections["appraisal"].value
    finally:
        ex.language.value = "zh"
    weishi = CampaignExplorer.from_folder(WEISHI, export_dir=tmp_path)
    for key, title in (("ratings", "群众评议"), ("commitments", "公开承诺"), ("appraisal", "考核评分")):
        assert f"<strong>{title}</strong>：本部分暂无数据</p>" in weishi.sections[key].value
    assert all(box.layout.display == "none" for box in weishi._evaluation_boxes.values())
    assert [m for _, m in weishi.compare_metric.options] == ["events", "persons", "survey_rates", "completion"]
