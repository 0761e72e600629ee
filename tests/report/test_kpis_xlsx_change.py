"""kpis.xlsx with the change since the previous period: change columns beside their figures, lights as filled cells
that carry their word, the restated sheet (an April actual corrected between two runs, as in test_history), and a
level indicator read against its target (达标 / 低于目标 / 未达标 with its gap), never against elapsed time."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from analytics import load_campaign
from analytics.measures.change import compared_kpis
from analytics.report.downloads import kpis_xlsx
from analytics.report.history import publish, published_kpis
from analytics.report.scorecard import campaign_scorecard

from builders import SHUNHE

APRIL, MAY = dt.date(2012, 4, 30), dt.date(2012, 5, 31)
UNITS = "unit_id,name,parent_id\nA,Town,\nB,Village,A\n"
TARGETS = ("unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
           "A,gdp,1000,万元,2012-01-01,2012-12-31,none\nA,roads,100,km,2012-01-01,2012-12-31,none\n"
           "A,jobs,100,人,2012-01-01,2012-12-31,none\n")
VISITS = "date,unit_id,kind,group,persons\n2012-03-02,B,visit,residents,12\n2012-05-10,B,lecture,staff,30\n"


def _actuals(april: int) -> str:
    return ("unit_id,indicator,date,value\nA,gdp,2012-03-31,300\n"
            f"A,gdp,2012-04-30,{april}\nA,gdp,2012-05-31,500\nA,roads,2012-05-31,10\nA,jobs,2012-05-31,30\n")


def _campaign(make_campaign, april: int):
    return load_campaign(make_campaign({"units": UNITS, "targets": TARGETS, "actuals": _actuals(april),
                                        "visits": VISITS}))


@pytest.fixture
def restated(make_campaign, tmp_path):
    """May's workbook after April's gdp (published 400) was corrected to 380."""
    april = _campaign(make_campaign, 400)
    publish(published_kpis(april, compared_kpis(april, APRIL), APRIL, 1.0, tmp_path), tmp_path)
    campaign = _campaign(make_campaign, 380)
    may = published_kpis(campaign, compared_kpis(campaign, MAY), MAY, 1.0, tmp_path, previous_as_of=APRIL)
    return openpyxl.load_workbook(io.BytesIO(kpis_xlsx(campaign, campaign_scorecard(campaign, MAY), "zh", may.table)))


def _rows(ws) -> dict[str, dict]:
    header = [c.value for c in ws[1]]
    return {r[1].value: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2)}


def test_change_columns_sit_beside_their_figures(restated):
    units = restated.worksheets[0]
    header = [c.value for c in units[1]]
    name = "gdp"  # no vocabulary: the indicator's code
    at = header.index(f"{name} · 完成率")
    assert header[at:at + 6] == [f"{name} · 完成率", f"{name} · 完成率变化（百分点）", f"{name} · 差距（百分点）",
                                 f"{name} · 差距变化（百分点）", f"{name} · 状态", f"{name} · 预警"]
    a = _rows(units)["A"]
    # May: 500 / 1,000 = 50 %; April recomputed: 380 / 1,000 = 38 % -> +12 points.
    assert a[f"{name} · 完成率"].value == 0.5 and a[f"{name} · 完成率"].number_format == "0.00%"
    assert a[f"{name} · 完成率变化（百分点）"].value == pytest.approx(12.0)
    assert a[f"{name} · 完成率变化（百分点）"].number_format == "+0.00;-0.00;0.00"
    # Gap: (0.5 − 152/366) × 100 = 8.469945 now, (0.38 − 121/366) × 100 = 4.939891 before -> +3.530055 points.
    assert a[f"{name} · 差距（百分点）"].value == pytest.approx(8.469945, abs=1e-6)
    assert a[f"{name} · 差距变化（百分点）"].value == pytest.approx(3.530055, abs=1e-6)
    # One visit in the period (2012-05-10, 30 person-times): April 30 < date ≤ May 31.
    assert (a["本期新增活动次数"].value, a["本期新增人次"].value) == (1, 30)
    assert units.oddHeader.left.text.endswith("统计截至 2012年5月31日 · 对比 2012年4月30日")


def test_lights_are_filled_cells_that_say_their_word(restated):
    units = restated.worksheets[0]
    a = _rows(units)["A"]
    header = [c.value for c in units[1]]
    lights = [h for h in header if h.endswith(" · 预警")]
    by_code = {h.split(" · ")[0]: a[h] for h in lights}
    # roads 10 %: 10 − 41.530055 = −31.53 points ≤ −30 -> red; jobs 30 %: −11.53 ≤ −10 -> yellow; gdp ahead -> none.
    roads, jobs, gdp = by_code["roads"], by_code["jobs"], by_code["gdp"]
    assert (roads.value, roads.fill.fgColor.rgb[-6:]) == ("红灯", "FFC7CE")
    assert (jobs.value, jobs.fill.fgColor.rgb[-6:]) == ("黄灯", "FFEB9C")
    assert gdp.value == "—" and gdp.fill.fill_type is None
    assert a["预警"].value == "红灯" and a["预警"].fill.fgColor.rgb[-6:] == "FFC7CE"  # the unit's worst


def test_the_restated_sheet_lists_what_was_published_and_what_it_is_now(restated):
    assert restated.sheetnames[-1] == "数据修订"
    ws = restated["数据修订"]
    assert [c.value for c in ws[1]] == ["单位名称", "单位编码", "数据项", "修订类型", "公布值", "现值"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[:4] for r in rows] == [["Town", "A", f"gdp · {what}", "上期数据修订"]
                                     for what in ("实际完成", "完成率", "差距（百分点）")]
    # April: published 400 / 40 % / 6.939891 points; recomputed now 380 / 38 % / 4.939891.
    assert [r[4:] for r in rows][:2] == [[400, 380], [0.4, 0.38]]
    assert rows[2][4] == pytest.approx(6.939891, abs=1e-6) and rows[2][5] == pytest.approx(4.939891, abs=1e-6)
    assert ws.cell(3, 5).number_format == "0.00%" and ws.cell(4, 6).number_format == "+0.00;-0.00;0.00"


def test_without_restatements_there_is_no_restated_sheet(make_campaign):
    campaign = _campaign(make_campaign, 400)
    book = openpyxl.load_workbook(io.BytesIO(kpis_xlsx(campaign, campaign_scorecard(campaign, MAY), "en")))
    assert "Restated" not in book.sheetnames and book.worksheets[0].title == "Units"


@pytest.mark.parametrize(("language", "status", "gap"), [
    ("zh", "低于目标", "五好党组织比例 · 与目标差距（百分点）"),
    ("en", "Below target", "Five-good organisations share · Gap to target (points)")])
def test_a_level_indicator_reads_against_its_target(language, status, gap):
    campaign = load_campaign(SHUNHE)
    book = openpyxl.load_workbook(io.BytesIO(kpis_xlsx(campaign, campaign_scorecard(campaign, campaign.as_of()),
                                                       language)))
    units = book.worksheets[0]
    header = [c.value for c in units[1]]
    name = gap.split(" · ")[0]
    mine = [h for h in header if h.startswith(f"{name} · ")]
    sh = _rows(units)["SH"]
    # 90 of 100 %: 90.00 %, below its target by 10 points; no elapsed time, no pace gap, no pace-gap change.
    fields = {"zh": ["目标值（%）", "实际完成（%）", "完成率", "完成率变化（百分点）", "与目标差距（百分点）", "状态", "预警"],
              "en": ["Target (%)", "Actual (%)", "Completion", "Completion change (points)", "Gap to target (points)",
                     "Status", "Light"]}[language]
    assert mine == [f"{name} · {f}" for f in fields] and gap in mine
    assert sh[f"{name} · {'状态' if language == 'zh' else 'Status'}"].value == status
    assert sh[gap].value == -10 and sh[gap].number_format == "+0.00;-0.00;0.00"
