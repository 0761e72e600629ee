"""Unit pages and the index against the previous period (issue 21, items 4 and 5): the at-a-glance change, the
previous completion on the bullets, lights with their thresholds, the units below with light and change,
restated figures, and the index's payload and summary. Every expected figure is worked out by hand here.

The small campaign: root R (target 300 = its children's 100 each, summed) with A, B and C; one target period of
100 days (2012-01-01 … 2012-04-09), as_of 2012-02-19 = day 50, elapsed exactly 0.5; monthly reporting, so the
previous as_of is 2012-01-19 (day 19, elapsed 0.19). Gaps now: A 40 − 50 = −10 (exactly the yellow threshold),
B 20 − 50 = −30 (exactly red), C 41 − 50 = −9 (no light); R 101/300 = 33.67% − 50 = −16.33 (yellow).
Before (actuals of 15 January): A 19 − 19 = 0 (none), B 5 − 19 = −14 (yellow), C 10 − 19 = −9 (none); R 34/300
= 11.33% − 19 = −7.67 (none).
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
import pytest

from analytics import load_campaign
from analytics.measures.change import compared_kpis
from analytics.report import UnitReport
from analytics.report.comparison import published_table, unit_figures
from analytics.report.glance import glance_sentence, sentence_text
from analytics.report.history import publish, published_kpis
from analytics.report.index import index_summary_of
from analytics.report.scorecard import LIGHTS, ROW_FIELDS, campaign_scorecard, index_payload

from builders import REPO_ROOT as ROOT
from figures import figure

META = ("id: t\nname: {zh: 测试, en: Test}\nstart: 2012-01-01\nend: 2012-12-31\nas_of: 2012-02-19\n"
        "vocabulary:\n  indicators:\n    gdp: {zh: 生产总值, en: GDP}\n")
UNITS = "unit_id,name,parent_id\nR,总,\nA,甲,R\nB,乙,R\nC,丙,R\n"
TARGETS = ("unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
           "A,gdp,100,万元,2012-01-01,2012-04-09,sum\n"
           "B,gdp,100,万元,2012-01-01,2012-04-09,sum\n"
           "C,gdp,100,万元,2012-01-01,2012-04-09,sum\n")
ACTUALS = ("unit_id,indicator,date,value\n"
           "A,gdp,2012-01-15,19\nA,gdp,2012-02-15,40\n"
           "B,gdp,2012-01-15,5\nB,gdp,2012-02-15,20\n"
           "C,gdp,2012-01-15,10\nC,gdp,2012-02-15,41\n")
# 19 January is the previous as_of itself (not added), 1 and 19 February are added: 2 events in the period.
VISITS = ("date,unit_id,kind,group,persons\n"
          "2012-01-19,A,visit,residents,4\n2012-02-01,A,visit,residents,5\n2012-02-19,B,visit,residents,6\n"
          "2012-01-05,C,visit,residents,3\n")


@pytest.fixture
def small(make_campaign):
    return make_campaign({"units": UNITS, "targets": TARGETS, "actuals": ACTUALS, "visits": VISITS}, meta=META)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_the_sentence_says_the_change_since_the_previous_period_in_points(small):
    # R: 34/300 = 11.33% before, 101/300 = 33.67% now: +67/300 = +22.33 points; 2 events added.
    zh = UnitReport.load(small, "R", language="zh")
    assert "生产总值完成率由1月19日的11.33%提高到33.67%，提高22.33个百分点；本期新增活动2次。" \
        in sentence_text(glance_sentence(zh.glance, zh.campaign.meta, "zh"))
    en = UnitReport.load(small, "R", language="en")
    assert "GDP completion rose from 11.33% on 19 January to 33.67%, up 22.33 points; 2 events added in the period." \
        in sentence_text(glance_sentence(en.glance, en.campaign.meta, "en"))


def test_shunhe_june_against_may(cache_dir):
    # gdp: 164,736 ÷ 357,000 = 46.14% on 31 May, 208,526 ÷ 357,000 = 58.41% on 30 June: +12.27 points;
    # 11 visits are dated in June (1 June … 30 June).
    shunhe = ROOT / "data" / "raw" / "shunhe_2012"
    zh = UnitReport.load(shunhe, language="zh")
    said = sentence_text(glance_sentence(zh.glance, zh.campaign.meta, "zh"))
    assert "地区生产总值完成率由5月31日的46.14%提高到58.41%，提高12.27个百分点；本期新增活动11次。" in said
    en = UnitReport.load(shunhe, language="en")
    assert "GDP completion rose from 46.14% on 31 May to 58.41%, up 12.27 points; 11 events added in the period." \
        in sentence_text(glance_sentence(en.glance, en.campaign.meta, "en"))
    # the level indicator is judged against its target alone: 90 of 100, never "behind pace"
    assert "五好党组织比例完成90.00%，低于目标10.00个百分点" in said  # 90 of 100: 10 points short


def test_no_earlier_period_is_said_in_one_line_and_comparisons_off_say_nothing(small):
    early = UnitReport.load(small, "R", as_of="2012-01-20", language="zh")  # -> 2011-12-20, before the start
    said = sentence_text(glance_sentence(early.glance, early.campaign.meta, "zh"))
    assert said.count("无可比数据") == 1 and "提高" not in said and "新增" not in said
    assert "no earlier period" in sentence_text(glance_sentence(
        UnitReport.load(small, "R", as_of="2012-01-20", language="en").glance, early.campaign.meta, "en"))
    off = UnitReport.load(small, "R", language="zh", compare_to="none")
    said = sentence_text(glance_sentence(off.glance, off.campaign.meta, "zh"))
    assert "无可比数据" not in said and "提高" not in said
    assert "完成率较上期" not in off.targets().html()


def test_the_bullets_show_the_previous_completion_in_the_legend(small):
    r = UnitReport.load(small, "R", language="zh")
    fig = figure(next(p[1] for p in r.at_a_glance().parts if not isinstance(p, str)))
    before = [t for t in fig.data if t.name == "上期完成率（2012年1月19日）"]
    assert len(before) == 1 and before[0].x == pytest.approx((34 / 3,))  # 34 ÷ 300 in %


def test_lights_at_their_thresholds_beside_the_statuses_and_stated_once(small):
    page = UnitReport.load(small, "R", language="zh")
    glance = page.at_a_glance().html()
    assert _text(glance).count("预警标准：落后序时进度10个百分点及以上为黄灯，30个百分点及以上或未完成目标为红灯") == 1
    # the units below behind pace, each with its light: A exactly −10 (yellow), B exactly −30 (red); C at −9 is
    # behind pace but has no light. Changes: A 19% -> 40% +21.00, B 5% -> 20% +15.00, C 10% -> 41% +31.00.
    items = {name: before for before, name in re.findall(r'<li>(.*?)<a href="[^"]*">(.)</a>', glance)}
    assert "黄灯" in items["甲"] and "红灯" in items["乙"] and "灯" not in items["丙"]
    assert "较1月19日+21.00个百分点" in glance and "较1月19日+15.00个百分点" in glance
    assert "较1月19日+31.00个百分点" in glance
    # R's own row of the targets table: yellow (−16.33), and its change +22.33 points
    table = _text(page.targets().html())
    assert "黄灯" in table and "+22.33" in table
    # B turned red since the previous period (yellow then): "new red" on its own page
    b = _text(UnitReport.load(small, "B", language="zh").targets().html())
    assert "红灯" in b and "新亮红灯" in b
    en = UnitReport.load(small, "R", language="en").at_a_glance().html()
    assert "yellow at 10 points or more behind pace, red at 30 points or more" in _text(en)


def test_restated_figures_have_their_own_block(small, tmp_path):
    # The run at 19 January published A's actual 19 (19.00%); A's township then corrects it to 17 (17.00%).
    out = tmp_path / "out"
    out.mkdir()
    first = load_campaign(small)
    day = dt.date(2012, 1, 19)
    publish(published_kpis(first, compared_kpis(first, day), day, 1.0, out), out)
    (small / "actuals.csv").write_text(ACTUALS.replace("A,gdp,2012-01-15,19", "A,gdp,2012-01-15,17"),
                                       encoding="utf-8")
    zh = UnitReport.load(small, "A", language="zh", reports_dir=out).at_a_glance().html()
    assert "生产总值完成率：2012年1月19日上期公布19.00%，现为17.00%（数据已修订）" in _text(zh)
    assert "生产总值实际完成：2012年1月19日上期公布19，现为17（数据已修订）" in _text(zh)
    en = UnitReport.load(small, "A", language="en", reports_dir=out).at_a_glance().html()
    assert "GDP completion: published 19.00% for 19 January 2012, now 17.00% (data revised)" in _text(en)
    # no snapshot folder, no block; another unit with nothing restated, no block
    assert "数据修订" not in UnitReport.load(small, "A", language="zh").at_a_glance().html()
    assert "数据修订" not in UnitReport.load(small, "C", language="zh", reports_dir=out).at_a_glance().html()


def test_the_index_rows_carry_light_rank_and_change(small):
    c = load_campaign(small)
    when = c.as_of()
    table = published_table(c, when, 1.0)
    data = index_payload(campaign_scorecard(c, when), c, {}, "zh", table)
    assert data["fields"] == list(ROW_FIELDS) and data["lights"] == list(LIGHTS)
    keys = [col["key"] for col in data["columns"]]
    assert keys[:2] == ["light", "rank_change"] and keys[-2:] == ["pace:gdp", "change:gdp"]
    rows = {r[0]: r for r in data["rows"]}
    base = len(ROW_FIELDS)
    at = {k: base + keys.index(k) for k in ("light", "rank_change", "change:gdp")}
    red, yellow, none = (LIGHTS.index(x) for x in ("red", "yellow", "none"))
    # lights [now, before]: A yellow, none before (↑); B red, yellow before (newly red); C none both; R yellow, none
    assert rows["A"][at["light"]] == [yellow, none] and rows["B"][at["light"]] == [red, yellow]
    assert rows["C"][at["light"]] == [none, none] and rows["R"][at["light"]] == [yellow, none]
    # ranks by mean pace gap: now C −9 (1), A −10 (2), B −30 (3); before A 0 (1), C −9 (2), B −14 (3)
    assert [rows[u][at["rank_change"]] for u in "ABC"] == [[2, 1], [3, 3], [1, 2]]
    assert [rows[u][at["change:gdp"]] for u in "RABC"] == [22.33, 21.0, 15.0, 31.0]
    fields = data["fields"]
    assert rows["B"][fields.index("light")] == red and rows["B"][fields.index("light_prev")] == yellow


def test_the_index_summary_counts_lights_and_changes(small):
    c = load_campaign(small)
    when = c.as_of()
    table = published_table(c, when, 1.0)
    zh = sentence_text(index_summary_of(c, when, "zh", 1.0, table))
    # red: B; yellow: R and A; since 19 January: B newly red, none back to green; ranks: C up (2 -> 1), A down
    # (1 -> 2), B the same (3), R the same (1, the only root)
    assert "红灯单位1个、黄灯单位2个。较1月19日：新亮红灯1个，预警解除0个；排名上升1个、下降1个。" in zh
    en = sentence_text(index_summary_of(c, when, "en", 1.0, table))
    assert "1 units have a red light and 2 a yellow light. Since 19 January: 1 newly red, 0 back to green" in en
    early = dt.date(2012, 1, 20)
    assert "无可比数据" in sentence_text(index_summary_of(c, early, "zh", 1.0, published_table(c, early, 1.0)))


def test_unit_figures_take_each_units_first_value_and_count_its_restatements():
    table = pd.DataFrame({
        "unit_id": pd.array(["A", "A", "A", "B", "B", "C", "X", "A", "B", "B", "C"], dtype="str"),
        "metric": pd.array(["light", "light", "light", "light", "progress_rank", "light", "light", "revised",
                            "restated", "restated", "progress_rank"], dtype="str"),
        "key": pd.array(["", "", "", "", "", "", "", "events", "x", "y", "gdp"], dtype="str"),
        "value": pd.Series([None, "red", "yellow", math.nan, 3, None, "red", 1, 2, 4, 5], dtype=object)})
    figures = unit_figures(table, pd.Index(["A", "B", "C", "D"], name="unit_id"))
    # A: its first light with a value; B, C: rows without a value (None); D: no row (NaN); X is none of these
    # units; C's progress rank is an indicator's (key gdp), not its own
    assert figures["light"].tolist()[:3] == ["red", None, None] and math.isnan(figures["light"]["D"])
    assert figures["rank_now"]["B"] == 3 and math.isnan(figures["rank_now"]["A"]) and math.isnan(figures["rank_now"]["C"])
    assert figures["restated"].tolist() == [1, 2, 0, 0]
    assert list(figures.index) == ["A", "B", "C", "D"] and figures["light"].dtype == object
