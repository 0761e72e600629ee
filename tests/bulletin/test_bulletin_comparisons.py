"""A bulletin over a KPI table WITH the comparison rows of DOMAIN.md ("KPI table rows"), built here by hand for a
county of three townships, and bulletins of units with no children, no targets, no earlier period, many
children, hostile names.

    C 县 ─ T1 甲乡, T2 乙乡, T3 丙乡; gdp target 100 万元 each (C sums 300); 2012-01-01 … 2012-12-31
    actuals 2012-05-31: 40, 15, 10 (C 65); 2012-06-30: 60, 15, 55 (C 130)
    elapsed 2012-06-30: 182/366 = 49.73%; 2012-05-31: 152/366 = 41.53%
    gaps now: T1 +10.27, T2 -34.73 (red, was -26.53 yellow), T3 +5.27 (was -31.53 red), C -6.39 (was -19.86 yellow)
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from bulletin_readback import all_text, csv_table, unexplained_numbers
from docx import Document
from docx.oxml.ns import qn

from analytics import load_campaign
from analytics.bulletin import campaign_bulletin, docx_bytes
from analytics.bulletin.figures import bulletin_figures
from analytics.measures.kpis import kpi_table

AS_OF, PREVIOUS, DATE = dt.date(2012, 6, 30), dt.date(2012, 5, 31), dt.date(2012, 7, 2)
META = ("id: county\nname: {zh: 县2012年目标任务, en: County targets 2012}\nstart: 2012-01-01\nend: 2012-12-31\n"
        "vocabulary:\n  indicators:\n    gdp: {zh: 地区生产总值, en: GDP}\n")
UNITS = "unit_id,name,parent_id,kind\nC,县,,county\nT1,甲乡,C,township\nT2,乙乡,C,township\nT3,丙乡,C,township\n"
TARGETS = ("unit_id,indicator,target,measure,period_start,period_end\n"
           + "".join(f"T{i},gdp,100,万元,2012-01-01,2012-12-31\n" for i in (1, 2, 3)))
ACTUALS = ("unit_id,indicator,date,value\nT1,gdp,2012-05-31,40\nT1,gdp,2012-06-30,60\nT2,gdp,2012-05-31,15\n"
           "T2,gdp,2012-06-30,15\nT3,gdp,2012-05-31,10\nT3,gdp,2012-06-30,55\n")
VISITS = ("date,unit_id,kind,group,persons\n2012-03-01,T1,visit,residents,10\n"
          "2012-06-10,T2,seminar,village_cadres,5\n")
LIGHTS = {"C": ("none", "yellow"), "T1": ("none", "none"), "T2": ("red", "yellow"), "T3": ("none", "red")}
RANKS = {"T1": (1, 1), "T2": (3, 2), "T3": (2, 3)}


@pytest.fixture
def county(make_campaign):
    folder = make_campaign({"units": UNITS, "targets": TARGETS, "actuals": ACTUALS, "visits": VISITS}, meta=META)
    return load_campaign(folder)


def compared_table(campaign) -> pd.DataFrame:
    """The KPI table at AS_OF plus the comparison rows DOMAIN.md defines, from the same data at PREVIOUS."""
    now, before = kpi_table(campaign, AS_OF), kpi_table(campaign, PREVIOUS)

    def value(table, unit, metric, key=""):
        hit = table[(table.unit_id == unit) & (table.metric == metric) & (table.key == key)]["value"]
        return hit.iloc[0]

    rows = [("C", "light_threshold", "yellow", 10.0), ("C", "light_threshold", "red", 30.0)]
    for unit in ("C", "T1", "T2", "T3"):
        rows.append((unit, "previous_as_of", "", PREVIOUS.isoformat()))
        for metric in ("completion", "pace_gap", "status"):
            rows.append((unit, f"{metric}_previous", "gdp", value(before, unit, metric, "gdp")))
        rows.append((unit, "completion_change", "gdp",
                     (value(now, unit, "completion", "gdp") - value(before, unit, "completion", "gdp")) * 100))
        rows.append((unit, "pace_gap_change", "gdp",
                     value(now, unit, "pace_gap", "gdp") - value(before, unit, "pace_gap", "gdp")))
        light, previous = LIGHTS[unit]
        rows += [(unit, "light", key, light) for key in ("gdp", "")]
        rows += [(unit, "light_previous", key, previous) for key in ("gdp", "")]
        if unit in RANKS:
            rows += [(unit, "progress_rank", "", RANKS[unit][0]), (unit, "progress_rank_previous", "", RANKS[unit][1])]
    rows += [("C", "events_added", "", 1), ("C", "persons_added", "", 5),
             ("T1", "restated", "completion:gdp", 0.38)]  # published 38.00%, recomputed 40.00%
    extra = pd.DataFrame(rows, columns=["unit_id", "metric", "key", "value"]).astype({"value": object})
    return pd.concat([now, extra], ignore_index=True)


def test_comparisons_lights_ranks_and_restatements(county):
    table = compared_table(county)
    bulletin = campaign_bulletin(county, as_of=AS_OF, date=DATE, table=table)
    document = Document(io.BytesIO(docx_bytes(bulletin)))
    text = all_text(document)
    assert ("与上期（2012年5月31日）相比：地区生产总值完成130万元，占目标的43.33%，慢于序时进度6.39个百分点，"
            "已解除预警，完成率较上期（21.67%）提高21.67个百分点。") in text
    assert "预警标准：慢于序时进度10.00个百分点及以上亮黄灯，30.00个百分点及以上亮红灯。" in text
    assert "累计开展活动2次、15人次，其中本期新增1次、5人次" in text
    assert "下级单位覆盖率66.67%，基层覆盖率66.67%" in text
    assert "亮红灯的有：乙乡（新亮红灯）；已解除预警的有：丙乡。" in text
    assert "按序时进度排名居前的是：甲乡、丙乡、乙乡。" in text
    assert "排名较上期上升的有：丙乡（3→2）；排名较上期下降的有：乙乡（2→3）。" in text
    assert "数据修订：甲乡地区生产总值完成率上期公布38.00%，现为40.00%（以修订后数据为准）。" in text
    assert "尚有1个基层单位未开展活动：丙乡。" in text
    assert "无上一期可比数据" not in text
    assert unexplained_numbers(text, csv_table(county, table)) == []  # *_previous, *_change, thresholds included
    annex = document.tables[0]
    assert [c.text for c in annex.rows[0].cells] == ["排名", "单位", "预警", "地区生产总值完成率（较上期变化，百分点）",
                                                     "排名变化（上期→本期）"]
    rows = [[c.text for c in row.cells] for row in annex.rows[1:]]
    assert rows == [["3", "乙乡", "红灯（新亮红灯）", "15.00%（红灯）\n持平", "2→3"],
                    ["1", "甲乡", "无", "60.00%\n+20.00", "1→1"],
                    ["2", "丙乡", "无", "55.00%\n+45.00", "3→2"]]
    fill = annex.rows[1].cells[0]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == "F4CCCC"  # the red unit's row shaded
    restated = document.tables[1]
    assert [c.text for c in restated.rows[1].cells] == ["甲乡", "地区生产总值完成率", "38.00%", "40.00%", "上期数据修订"]
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs.index("附件1") < paragraphs.index("附件2")


def test_the_childrens_figures_are_their_rows_in_the_table(county):
    """Each child's figures read by whole columns are what a lookup of its rows gives (the last row of a figure
    held twice; the rows of a unit outside the campaign are not read)."""
    extra = pd.DataFrame([("T2", "light", "", "yellow"), ("T3", "commitments_overdue", "", 2),
                          ("X", "light", "", "red"), ("T1", "revised", "events", 3)],
                         columns=["unit_id", "metric", "key", "value"]).astype({"value": object})
    table = pd.concat([compared_table(county), extra], ignore_index=True)
    figures = bulletin_figures(table, county, "C", AS_OF)

    def rows(unit, metric, key=""):
        return table[(table.unit_id == unit) & (table.metric == metric) & (table.key == key)]["value"].tolist()

    def last(unit, metric, key=""):
        found = rows(unit, metric, key)
        return found[-1] if found else None

    assert [c.unit_id for c in figures.children] == ["T1", "T2", "T3"]
    for c in figures.children:
        u = c.unit_id
        assert (c.light, c.light_previous) == (last(u, "light"), last(u, "light_previous"))
        assert (c.rank, c.rank_previous) == (last(u, "progress_rank"), last(u, "progress_rank_previous"))
        assert c.completion == {"gdp": float(last(u, "completion", "gdp"))}
        assert c.change == {"gdp": float(last(u, "completion_change", "gdp"))}
        assert c.lights == {"gdp": last(u, "light", "gdp")} and c.status == {"gdp": last(u, "status", "gdp")}
        assert (c.score, c.grade, c.score_change) == (None, None, None)
    assert [c.light for c in figures.children] == ["none", "yellow", "none"]  # T2's second light row
    assert [c.overdue for c in figures.children] == [0, 0, 2]
    assert figures.overdue_units == (("丙乡", 2.0),)
    assert [(r.unit_id, r.kind, r.metric, r.key, r.published) for r in figures.restatements] == [
        ("T1", "restated", "completion", "gdp", 0.38), ("T1", "revised", "events", "", 3)]
    assert figures.restatements[1].now == last("T1", "events")
    assert figures.uncovered == ("丙乡",) and figures.thresholds == {"yellow": 10.0, "red": 30.0}

def test_english_comparisons(county):
    bulletin = campaign_bulletin(county, as_of=AS_OF, date=DATE, table=compared_table(county), language="en")
    text = all_text(Document(io.BytesIO(docx_bytes(bulletin))))
    assert ("GDP reached 130 10k yuan, 43.33% of the target, 6.39 points behind pace, back to green, completion up "
            "21.67 points on the previous period (21.67%)") in text
    assert "Red light: 乙乡 (new red light); back to green: 丙乡." in text
    assert "Moved up: 丙乡 (3 → 2); moved down: 乙乡 (2 → 3)." in text


def test_a_unit_with_no_children_and_no_earlier_period(county):
    text = all_text(Document(io.BytesIO(docx_bytes(campaign_bulletin(county, unit_id="T2", as_of=AS_OF, date=DATE,
                                                                     compare_to="none")))))
    assert "乙乡无下级单位，不作排名。" in text
    assert text.count("本期无上一期可比数据。") == 1
    assert "附件1" not in text
    assert "乙乡地区生产总值完成15万元，占目标的15.00%，慢于序时进度34.73个百分点" not in text  # no name before
    # 15% done at 49.73% elapsed: 34.73 points behind, at least 30: red.
    assert "地区生产总值完成15万元，占目标的15.00%，慢于序时进度34.73个百分点，亮红灯" in text


def test_no_targets_and_no_published_figures(make_campaign, tmp_path):
    folder = make_campaign({"units": UNITS, "visits": VISITS}, meta=META)
    campaign = load_campaign(folder)
    reports = tmp_path / "reports"
    reports.mkdir()
    text = all_text(Document(io.BytesIO(docx_bytes(campaign_bulletin(campaign, as_of=AS_OF, date=DATE,
                                                                     reports_dir=reports)))))
    assert "县未设目标任务，本期无指标完成情况。" in text
    assert "此前未公布过数据，无已公布数据可供比对。" in text
    assert "占目标" not in text


def test_many_children_give_at_most_50_annex_rows(make_campaign):
    units = "unit_id,name,parent_id,kind\nC,县,,county\n" + "".join(f"V{i:03d},村{i:03d},C,village\n" for i in range(120))
    targets = "unit_id,indicator,target,measure,period_start,period_end\n" + "".join(
        f"V{i:03d},gdp,100,万元,2012-01-01,2012-12-31\n" for i in range(120))
    actuals = "unit_id,indicator,date,value\n" + "".join(f"V{i:03d},gdp,2012-06-30,{i % 90}\n" for i in range(120))
    campaign = load_campaign(make_campaign({"units": units, "targets": targets, "actuals": actuals}, meta=META))
    document = Document(io.BytesIO(docx_bytes(campaign_bulletin(campaign, as_of=AS_OF, date=DATE))))
    assert len(document.tables[0].rows) == 1 + 50
    text = all_text(document)
    assert "另有70个单位未列出，详见kpis.xlsx。" in text
    # Village i reports i % 90 of 100 by June 30, elapsed 49.73%: the gap (i % 90) − 49.73 is red at −30 or less for
    # i % 90 ≤ 19 (i = 0–19 and 90–109: 40 villages) and yellow at −10 or less for 20 ≤ i % 90 ≤ 39 (i = 20–39 and
    # 110–119: 30 villages).
    lagging = next(p.text for p in document.paragraphs if p.text.startswith("亮红灯的有："))
    red, yellow = lagging.split("；亮黄灯的有：")
    assert red.count("、") == 39 and "村000" in red and "村109" in red and "村020" not in red
    assert "村020" in yellow and "村119" in yellow


def test_hostile_unit_names_are_text(make_campaign):
    hostile = "=cmd|' /C calc'!A0 { MERGEFIELD x } <w:fldSimple/> &amp;"
    units = f"unit_id,name,parent_id,kind\nC,县,,county\nT1,\"{hostile}\",C,township\n"
    targets = "unit_id,indicator,target,measure,period_start,period_end\nT1,gdp,100,万元,2012-01-01,2012-12-31\n"
    actuals = "unit_id,indicator,date,value\nT1,gdp,2012-06-30,10\n"
    campaign = load_campaign(make_campaign({"units": units, "targets": targets, "actuals": actuals}, meta=META))
    data = docx_bytes(campaign_bulletin(campaign, as_of=AS_OF, date=DATE))
    document = Document(io.BytesIO(data))
    assert hostile in all_text(document)
    body = document.element.body
    assert body.findall(".//" + qn("w:fldSimple")) == [] and body.findall(".//" + qn("w:instrText")) == []
    assert body.findall(".//" + qn("w:fldChar")) == []


def test_children_without_targets_are_not_ranked(make_campaign):
    targets = "unit_id,indicator,target,measure,period_start,period_end\nC,gdp,300,万元,2012-01-01,2012-12-31\n"
    actuals = "unit_id,indicator,date,value\nC,gdp,2012-06-30,90\n"
    campaign = load_campaign(make_campaign({"units": UNITS, "targets": targets, "actuals": actuals}, meta=META))
    text = all_text(Document(io.BytesIO(docx_bytes(campaign_bulletin(campaign, as_of=AS_OF, date=DATE)))))
    assert "下级单位未设目标任务，不作进度排名。" in text
    assert "地区生产总值完成90万元，占目标的30.00%，慢于序时进度19.73个百分点" in text  # 30.00 - 49.73
    assert "无指标滞后" not in text
