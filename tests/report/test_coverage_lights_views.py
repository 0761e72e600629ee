"""Coverage lights (DOMAIN.md, "Lights": reporting.lights.coverage) in every reader's view, and ranks among no
siblings left blank (issue 23). Every expected figure is worked out by hand here.

The campaign: root R (one target, met: no indicator light) with townships A, B and C; A has the leaf A1 and A2, A2
its only child A2X; B has five leaves B1…B5, C four, C1…C4. Visits at A1, A2X, B1–B3 and C1–C3: grassroots
coverage A 2/2 = 100%, B 3/5 = 60%, C 3/4 = 75%, R 8/11 = 72.73%. Coverage lights yellow below 80%, red below 70%:
B red (60 < 70), C yellow (70 ≤ 75 < 80), R yellow (72.73), A none; the unvisited leaves B4, B5 and C4 are red
(a leaf's coverage is 0). Units without siblings: R (the only root) and A2X (A2's only child).
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from analytics import load_campaign
from analytics.report import UnitReport
from analytics.report.comparison import published_table
from analytics.report.downloads import kpis_xlsx
from analytics.report.glance import glance_sentence, sentence_text
from analytics.report.scorecard import LIGHTS, campaign_scorecard, index_payload, lone_units

META = ("id: t\nname: {zh: 测试, en: Test}\nstart: 2012-01-01\nend: 2012-12-31\nas_of: 2012-06-30\n"
        "vocabulary:\n  indicators:\n    gdp: {zh: 生产总值, en: GDP}\n")
LIT = META + "reporting:\n  lights:\n    coverage: {yellow: 0.8, red: 0.7}\n"
UNITS = ("unit_id,name,parent_id\nR,县,\nA,甲镇,R\nA1,甲一村,A\nA2,甲二村,A\nA2X,甲二组,A2\nB,乙乡,R\n"
         + "".join(f"B{i},乙{i}村,B\n" for i in range(1, 6)) + "C,丙乡,R\n"
         + "".join(f"C{i},丙{i}村,C\n" for i in range(1, 5)))
TARGETS = "unit_id,indicator,target,measure,period_start,period_end,aggregation\nR,gdp,100,万元,2012-01-01,2012-12-31,none\n"
ACTUALS = "unit_id,indicator,date,value\nR,gdp,2012-05-01,50\nR,gdp,2012-06-01,100\n"
VISITS = "date,unit_id,kind,group,persons\n" + "".join(
    f"2012-05-0{i + 1},{u},visit,residents,3\n" for i, u in enumerate(["A1", "A2X", "B1", "B2", "B3", "C1", "C2", "C3"]))


def _campaign(make_campaign, meta: str):
    return make_campaign({"units": UNITS, "targets": TARGETS, "actuals": ACTUALS, "visits": VISITS}, meta=meta)


@pytest.fixture
def lit(make_campaign):
    return _campaign(make_campaign, LIT)


@pytest.fixture
def unlit(make_campaign):
    return _campaign(make_campaign, META)


def _payload(folder):
    c = load_campaign(folder)
    when = c.as_of()
    return index_payload(campaign_scorecard(c, when), c, {}, "zh", published_table(c, when, 1.0))


def _rows(data) -> dict[str, dict]:
    fields = data["fields"]
    return {r[0]: dict(zip(fields, r, strict=False)) | {"values": r[len(fields):]} for r in data["rows"]}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_the_index_carries_each_units_coverage_light_and_counts_it_in_the_units_light(lit):
    data = _payload(lit)
    rows = _rows(data)
    red, yellow, none = (LIGHTS.index(x) for x in ("red", "yellow", "none"))
    assert {u: rows[u]["cov_light"] for u in ("R", "A", "B", "C", "A1", "B4", "C4")} == {
        "R": yellow, "A": none, "B": red, "C": yellow, "A1": none, "B4": red, "C4": red}
    # the unit's light (the "only red" filter and the light column) is its worst, coverage included: B red, C yellow
    assert rows["B"]["light"] == red and rows["C"]["light"] == yellow and rows["A"]["light"] == none
    assert data["text"]["coverage"] == "基层覆盖率"
    keys = [c["key"] for c in data["columns"]]
    at = keys.index("grassroots_coverage")
    assert [rows[u]["values"][at] for u in ("R", "A", "B", "C")] == [72.73, 100.0, 60.0, 75.0]  # 8/11, 2/2, 3/5, 3/4
    assert not any(r["cov_low"] for r in rows.values())  # with lights set, the lights mark them


def test_without_coverage_lights_the_lowest_among_siblings_is_marked(unlit):
    rows = _rows(_payload(unlit))
    assert all(r["cov_light"] == -1 for r in rows.values())  # no setting, no coverage light
    # townships A 100%, B 60%, C 75%: B is the lowest; B's leaves 1,1,1,0,0: B4 and B5 (ties); C4 under C;
    # A's leaves both 100%: none; R and A2X have no siblings to be lowest among
    assert sorted(u for u, r in rows.items() if r["cov_low"]) == ["B", "B4", "B5", "C4"]


def test_units_without_siblings_show_no_rank_on_the_index(lit):
    c = load_campaign(lit)
    assert lone_units(c) == {"R", "A2X"}
    data = _payload(lit)
    rows = _rows(data)
    at = [c["key"] for c in data["columns"]].index("rank_change")
    # R has a linear indicator with data: kpis.csv ranks it 1 among the roots, the index says nothing of it
    assert rows["R"]["alone"] == 1 and rows["R"]["values"][at] is None
    assert rows["A2X"]["alone"] == 1 and rows["A"]["alone"] == 0
    assert "无同级单位" in data["text"]["no_siblings"]


def _sheet(folder, language: str = "zh"):
    c = load_campaign(folder)
    sc = campaign_scorecard(c, c.as_of())
    book = load_workbook(io.BytesIO(kpis_xlsx(c, sc, language)))
    ws = book.worksheets[0]
    header = [cell.value for cell in ws[1]]
    return {row[1].value: dict(zip(header, (cell.value for cell in row), strict=True))
            for row in ws.iter_rows(min_row=2)}, header


def test_kpis_xlsx_has_the_coverage_light_beside_the_units_light(lit, unlit):
    rows, header = _sheet(lit)
    assert header.index("基层覆盖率 · 预警") == header.index("预警") + 1
    assert {u: rows[u]["基层覆盖率 · 预警"] for u in ("R", "A", "B", "C", "B4")} == {
        "R": "黄灯", "A": "—", "B": "红灯", "C": "黄灯", "B4": "红灯"}
    assert rows["B"]["预警"] == "红灯" and rows["C"]["预警"] == "黄灯"
    en, header_en = _sheet(lit, "en")
    assert "Grassroots coverage · light" in header_en and en["B"]["Grassroots coverage · light"] == "red"
    _, plain = _sheet(unlit)
    assert "基层覆盖率 · 预警" not in plain  # no setting, no column


def test_kpis_xlsx_leaves_the_rank_of_a_unit_without_siblings_blank(lit):
    rows, header = _sheet(lit)
    ranks = ["排名", "上期排名", "排名变化"]  # rank now, before and its change
    assert set(ranks) <= set(header)
    assert all(rows["R"][h] is None for h in ranks)  # kpis.csv ranks R 1 (among the roots): the sheet says nothing


def test_the_unit_page_says_its_coverage_light(lit):
    zh = UnitReport.load(lit, "B", language="zh")
    said = sentence_text(glance_sentence(zh.glance, zh.campaign.meta, "zh"))
    assert "5个基层单位中2个没有走访记录（基层覆盖率60.00%，红灯）。" in said
    glance = zh.at_a_glance().html()
    assert re.search(r'<span class="status light-red"[^>]*>红灯</span>', glance)
    assert "基层覆盖率低于80.00%为黄灯，低于70.00%为红灯" in _text(glance)
    visits = zh.visits().html()
    assert re.search(r"基层覆盖率</dt><dd>60\.00%（3/5）\s*<span class=\"status light-red\"", visits)
    en = UnitReport.load(lit, "C", language="en")
    assert "1 of 4 grassroots units has no visit (grassroots coverage 75.00%, yellow light)." in sentence_text(
        glance_sentence(en.glance, en.campaign.meta, "en"))
    leaf = UnitReport.load(lit, "B4", language="zh")
    assert "基层覆盖率0.00%（红灯）。" in sentence_text(glance_sentence(leaf.glance, leaf.campaign.meta, "zh"))
    # A at 100% has no light, and without the setting nothing is said of one
    assert "灯" not in sentence_text(glance_sentence(UnitReport.load(lit, "A", language="zh").glance,
                                                     zh.campaign.meta, "zh"))


def test_without_coverage_lights_the_unit_page_says_the_coverage_alone(unlit):
    zh = UnitReport.load(unlit, "B", language="zh")
    said = sentence_text(glance_sentence(zh.glance, zh.campaign.meta, "zh"))
    assert "5个基层单位中2个没有走访记录（基层覆盖率60.00%）。" in said and "灯" not in said
    assert "light-red" not in zh.visits().html()
