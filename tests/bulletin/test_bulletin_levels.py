"""Level indicators (pacing: level) in the bulletin: 达标 / 低于目标 / 未达标 (met / below target / missed) with the
gap to the target in the indicator's measure, never a pace, before and after the period's end; read back from the
.docx with python-docx. Worked by hand:

    R 镇 ─ C1 甲社区, C2 乙社区; period 2012-01-01 … 2012-06-30
    share (五好比例, %, level) target 100 at R: 90 on 2012-05-15 -> 90.00%, gap 90 − 100 = −10 (10.00 points)
    rooms (活动室, 个, level) target 5 at R: 6 on 2012-05-15 -> 120.00%, met, gap +1 (1 个 above)
    as_of 2012-05-31 (before the end): share below its target; as_of 2012-06-30 (its end): share missed
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from bulletin_readback import all_text, csv_table, unexplained_numbers
from docx import Document

from analytics import load_campaign
from analytics.bulletin import campaign_bulletin, docx_bytes
from analytics.measures.change import compared_kpis

META = ("id: town\nname: {zh: 镇2012年上半年, en: Town targets}\nstart: 2012-01-01\nend: 2012-06-30\n"
        "vocabulary:\n  indicators:\n    share: {zh: 五好比例, en: Five-good share}\n"
        "    rooms: {zh: 活动室, en: Activity rooms}\n")
UNITS = "unit_id,name,parent_id\nR,镇,\nC1,甲社区,R\nC2,乙社区,R\n"
TARGETS = ("unit_id,indicator,target,measure,period_start,period_end,aggregation,pacing\n"
           "R,share,100,%,2012-01-01,2012-06-30,none,level\nR,rooms,5,个,2012-01-01,2012-06-30,none,level\n")
ACTUALS = "unit_id,indicator,date,value\nR,share,2012-05-15,90\nR,rooms,2012-05-15,6\n"
VISITS = "date,unit_id,kind,group,persons\n2012-03-01,C1,visit,residents,10\n2012-04-01,C2,visit,residents,5\n"
DATE = dt.date(2012, 7, 2)
PACE_WORDS = ("序时进度", "已完成目标", "期末未完成目标", "pace", "target completed", "target missed")


@pytest.fixture
def town(make_campaign):
    return load_campaign(make_campaign({"units": UNITS, "targets": TARGETS, "actuals": ACTUALS, "visits": VISITS},
                                       meta=META))


def _text(campaign, as_of: dt.date, language: str) -> str:
    table = compared_kpis(campaign, as_of)
    text = all_text(Document(io.BytesIO(docx_bytes(campaign_bulletin(campaign, as_of=as_of, date=DATE, table=table,
                                                                     language=language)))))
    assert unexplained_numbers(text, csv_table(campaign, table)) == []  # the gap is the KPI table's level_gap
    return text


def _sentence_of(text: str, name: str) -> str:
    """The clause of the overall paragraph about one indicator (indicators are separated by ；/ ; )."""
    for line in text.splitlines():
        for part in line.replace("；", "\n").replace("; ", "\n").splitlines():
            if name in part and ("完成" in part or "reached" in part):
                return re.sub(r"^(与上期（[^）]*）相比：|Compared with the previous period \([^)]*\): )", "", part)
    raise AssertionError(f"{name} not found")


def test_a_level_indicator_before_its_period_end_is_below_target_by_its_gap(town):
    text = _text(town, dt.date(2012, 5, 31), "zh")
    share = _sentence_of(text, "五好比例")
    assert share.startswith("五好比例完成90%，占目标的90.00%，低于目标，差10.00个百分点，亮黄灯")
    assert not any(w in share for w in PACE_WORDS)
    rooms = _sentence_of(text, "活动室")
    assert rooms.startswith("活动室完成6个，占目标的120.00%，达标，高于目标1个")
    assert not any(w in rooms for w in PACE_WORDS)
    en = _sentence_of(_text(town, dt.date(2012, 5, 31), "en"), "Five-good share")
    assert en.startswith("Five-good share reached 90%, 90.00% of the target, below target, 10.00 points short of the "
                         "target, yellow light")
    assert not any(w in en for w in PACE_WORDS)


def test_a_level_indicator_at_its_period_end_is_missed_by_its_gap(town):
    share = _sentence_of(_text(town, dt.date(2012, 6, 30), "zh"), "五好比例")
    # missed: 未达标 with the gap, red; never the linear indicators' 期末未完成目标
    assert share.startswith("五好比例完成90%，占目标的90.00%，未达标，差10.00个百分点，")
    assert "红灯" in share and not any(w in share for w in PACE_WORDS)
    rooms = _sentence_of(_text(town, dt.date(2012, 6, 30), "zh"), "活动室")
    assert rooms.startswith("活动室完成6个，占目标的120.00%，达标，高于目标1个")
    en = _sentence_of(_text(town, dt.date(2012, 6, 30), "en"), "Five-good share")
    assert en.startswith("Five-good share reached 90%, 90.00% of the target, missed, 10.00 points short of the target")
