"""A level indicator (pacing level) in every view: Shunhe's 五好党组织比例 (target 100 %, 90 % at 2012-06-30) reads
低于目标 / below target with its gap to the target, 10.00 points, never a pace gap or an elapsed tick."""

from __future__ import annotations

import pytest

from analytics import load_campaign
from analytics.measures.kpis import unit_kpis
from analytics.measures.metrics import STATUSES
from analytics.report.charts import bullet_chart
from analytics.report.glance import children_lists, glance_sentence, sentence_text, status_parts, unit_glance
from analytics.report.levels import gap_text, status_cell, status_text
from analytics.report.scorecard import campaign_scorecard, index_payload

from builders import SHUNHE
from figures import figure

CODE = "five_good_share"


@pytest.fixture(scope="module")
def shunhe():
    return load_campaign(SHUNHE)


@pytest.fixture(scope="module")
def glance(shunhe):
    return unit_glance(shunhe, unit_kpis(shunhe, "SH", shunhe.as_of()))


@pytest.mark.parametrize(("language", "expected"), [
    ("zh", "五好党组织比例完成90.00%，低于目标10.00个百分点"),
    ("en", "Five-good organisations share at 90.00%, 10.00 points below target")])
def test_the_sentence_says_below_target_and_by_how_much(shunhe, glance, language, expected):
    text = sentence_text(glance_sentence(glance, shunhe.meta, language))
    assert expected in text
    assert "—" not in text  # no pace gap or elapsed share of a level indicator ("落后序时进度—个百分点（时间进度—）")
    assert ("落后、低于目标或未完成：" if language == "zh" else "Behind, below target or missed: ") in text


def test_a_met_or_missed_level_is_counted_as_such():
    assert status_parts(["completed", "completed", "missed"], "zh", ["level", "linear", "level"]) == \
        "1项已完成、1项达标、1项未达标"
    assert status_parts(["below"], "en", ["level"]) == "1 is below target"


def test_the_targets_row_shows_the_gap_to_the_target_and_no_elapsed(shunhe, glance):
    t = next(t for t in glance.targets.itertuples(index=False) if t.indicator == CODE)
    # 90 − 100 = −10 in the indicator's measure, %, so points
    assert gap_text(t, shunhe.meta, "zh") == "-10.00个百分点" and gap_text(t, shunhe.meta, "en") == "-10.00 points"
    assert status_text(t, "zh") == "低于目标" and status_cell(t, "zh").text == "低于目标"
    linear = next(t for t in glance.targets.itertuples(index=False) if t.indicator == "gdp")
    assert gap_text(linear, shunhe.meta, "zh") == "+8.68" and status_cell(linear, "zh").text == ""


def test_the_bullet_has_no_elapsed_tick_for_a_level(shunhe, glance):
    fig = figure(bullet_chart(targets=glance.targets, meta=shunhe.meta, language="zh"))
    rows = list(fig.layout.yaxis.tickvals)
    at = rows.index("五好党组织比例")
    assert fig.layout.yaxis.ticktext[at] == "五好党组织比例<br>90.00% · 低于目标 -10.00个百分点"
    tick = next(t for t in fig.data if t.type == "scatter")
    assert tick.x[at] is None and all(x is not None for i, x in enumerate(tick.x) if i != at)
    # gdp: 208,526 of 357,000 = 58.41%, 8.68 points ahead
    assert fig.layout.yaxis.ticktext[rows.index("地区生产总值")] == "地区生产总值<br>58.41% · +8.68"


def test_children_lists_say_a_level_childs_gap_to_target(shunhe, glance):
    details = [n.detail for lst in children_lists(glance, shunhe.meta, "zh") for n in lst.items]
    assert not any("五好党组织比例" in d and "（-" in d for d in details)


@pytest.mark.parametrize(("language", "word"), [("zh", "低于目标"), ("en", "Below target")])
def test_the_index_cell_carries_the_level_gap_and_its_words(shunhe, language, word):
    data = index_payload(campaign_scorecard(shunhe, shunhe.as_of()), shunhe, {}, language)
    keys = [c["key"] for c in data["columns"]]
    column = data["columns"][keys.index(f"pace:{CODE}")]
    assert column["gapUnit"] == ("点" if language == "zh" else " pts")
    sh = next(r for r in data["rows"] if r[0] == "SH")
    below = STATUSES.index("below")
    # [completion 90.00, gap to target −10.00, below, level]
    assert sh[len(data["fields"]) + keys.index(f"pace:{CODE}")] == [90.0, -10.0, below, 1]
    assert data["levelLabels"][below] == word
    assert data["levelLabels"][STATUSES.index("completed")] == ("达标" if language == "zh" else "Met")
    gdp = sh[len(data["fields"]) + keys.index("pace:gdp")]
    assert gdp[:2] == [58.41, 8.68] and len(gdp) == 3  # a linear indicator: its pace gap, no level flag
