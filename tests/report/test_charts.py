import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics.data.meta import CampaignMeta
from analytics.report import charts
from analytics.text.labels import STATUS_COLOURS, label

from builders import WEISHI
from figures import ValidatedCharts

F = ValidatedCharts(charts)  # every builder's spec checked against plotly's schema, read as a Figure

EVIL = "<b>x</b>"
ESCAPED = "&lt;b&gt;x&lt;/b&gt;"


@pytest.fixture
def meta():
    return CampaignMeta(
        id="t",
        name={"zh": "测试", "en": "Test"},
        start=dt.date(2012, 1, 1),
        end=dt.date(2012, 12, 31),
        indicators={"gdp": {"zh": "地区生产总值", "en": "GDP"}, "evil": {"zh": EVIL, "en": EVIL}},
    )


def strings(obj):
    """Every string anywhere in a figure's dict."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from strings(v)


def no_data_text(fig):
    return [a.text for a in fig.layout.annotations]


# Escaping


def test_plotly_text_escapes_markup():
    assert F.plotly_text(EVIL) == ESCAPED
    assert F.plotly_text('<a href="javascript:alert(1)">') == '&lt;a href="javascript:alert(1)"&gt;'
    assert F.plotly_text("a & b") == "a &amp; b"
    assert F.plotly_text("&lt;") == "&amp;lt;"  # an entity in the data shows as typed
    assert F.plotly_text("$x$") == "&#36;x&#36;"  # never typeset as TeX
    assert F.plotly_text(None) == "" and F.plotly_text(math.nan) == "" and F.plotly_text(pd.NA) == ""
    assert F.plotly_text(12) == "12"


def test_escaping_in_categories_titles_and_hover(meta):
    cc = pd.DataFrame(
        {"unit_id": ["A", "B"], "name": [EVIL, "</script>"], "events": [2, 0], "covered": [True, False]}
    )
    fig = F.coverage_chart(covered_children=cc, language="en")
    assert fig.data[0].y == (ESCAPED,)
    assert fig.data[1].y == ("&lt;/script&gt;",)
    assert fig.data[0].customdata[0][0] == ESCAPED
    assert "%{customdata[0]}" in fig.data[0].hovertemplate and ESCAPED not in fig.data[0].hovertemplate

    frame = pd.DataFrame({"name": [EVIL, "B"], "key": [EVIL, EVIL], "value": [1, 2]})
    fig = F.compare_units_chart(frame=frame, metric_label=EVIL, language="en")
    assert fig.layout.title.text == ESCAPED
    assert fig.layout.yaxis.title.text == ESCAPED
    assert fig.data[0].name == ESCAPED and fig.data[0].x == (ESCAPED,)

    targets = pd.DataFrame(
        {
            "unit_id": ["U"],
            "indicator": ["evil"],
            "measure": ["<i>m</i>"],
            "target": [10.0],
            "actual": [5.0],
            "completion": [0.5],
            "elapsed": [0.5],
            "pace_gap": [0.0],
            "status": ["on_pace"],
        }
    )
    fig = F.target_pace_chart(targets=targets, meta=meta, language="zh")
    assert fig.data[0].y == (ESCAPED,)
    assert fig.data[0].customdata[0][3] == "&lt;i&gt;m&lt;/i&gt;"

    fig = F.persons_by_group_chart(persons=pd.Series({EVIL: 3}), meta=meta, language="zh")  # unknown code
    assert fig.data[0].y == (ESCAPED,)

    for built in (fig, F.coverage_chart(covered_children=cc, language="zh")):
        texts = list(strings(built.to_dict()))
        assert not any(EVIL in s or "</script>" in s for s in texts)


def test_duplicate_names_are_kept_apart():
    cc = pd.DataFrame(
        {"unit_id": ["A", "B"], "name": ["东村", "东村"], "events": [2, 1], "covered": [True, True]}
    )
    fig = F.coverage_chart(covered_children=cc, language="zh")
    assert fig.data[0].y == ("东村 (A)", "东村 (B)")


# Ranked bars


def test_persons_by_group_zh_and_en(meta):
    persons = pd.Series({"county_leaders": 42, "residents": 874, "village_cadres": 570}, dtype="Int64")
    fig = F.persons_by_group_chart(persons=persons, meta=meta, language="zh")
    bar = fig.data[0]
    assert bar.type == "bar" and bar.orientation == "h"
    assert bar.y == ("群众", "村干部", "县直单位领导干部")
    assert bar.x == (874, 570, 42)
    # share of 874 + 570 + 42 = 1486
    assert bar.customdata[0][1] == pytest.approx(874 / 1486)
    assert fig.layout.yaxis.type == "category" and fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.title.text == "人次"
    en = F.persons_by_group_chart(persons=persons, meta=meta, language="en")
    assert en.data[0].y == ("Residents", "Village cadres", "County-department leaders")
    assert en.layout.xaxis.title.text == "Person-times"


def test_events_by_kind(meta):
    fig = F.events_by_kind_chart(events=pd.Series({"seminar": 2, "visit": 5}), meta=meta, language="zh")
    assert fig.data[0].y == ("走访", "座谈会")
    assert fig.data[0].x == (5, 2)


# Trend


@pytest.mark.parametrize(
    ("start", "end", "freq"),
    [
        (dt.date(2021, 1, 1), dt.date(2021, 1, 1), "D"),
        (dt.date(2021, 1, 1), dt.date(2021, 2, 14), "D"),  # 45 days counting both ends
        (dt.date(2021, 1, 1), dt.date(2021, 2, 15), "W"),  # 46
        (dt.date(2021, 1, 1), dt.date(2021, 7, 19), "W"),  # 200
        (dt.date(2021, 1, 1), dt.date(2021, 7, 20), "MS"),  # 201
    ],
)
def test_trend_freq_boundaries(start, end, freq):
    assert F.trend_freq(start, end) == freq


def visits(rows):
    return pd.DataFrame(
        {
            "date": pd.to_datetime([r[0] for r in rows]),
            "persons": pd.array([r[1] for r in rows], dtype="Int64"),
        }
    )


def test_trend_daily_zero_filled():
    v = visits(
        [("2021-01-02", 3), ("2021-01-02", 4), ("2021-01-04", None), ("2021-01-04", 5), ("2020-12-31", 99)]
    )  # the last row is before the period: left out
    fig = F.visits_trend_chart(visits=v, start=dt.date(2021, 1, 1), end=dt.date(2021, 1, 5), language="en")
    events, persons = fig.data
    assert (events.type, persons.type) == ("bar", "scatter")
    assert list(events.x) == [dt.date(2021, 1, d) for d in range(1, 6)]
    assert list(events.y) == [0, 2, 0, 2, 0]
    assert list(persons.y) == [0, 7, 0, 5, 0]
    assert persons.yaxis == "y2"
    assert fig.layout.xaxis.title.text == "Date · Daily"


def test_trend_weekly_bins_start_on_monday_clipped_to_the_period_and_partial_weeks_marked():
    # 2021-03-03 is a Wednesday, 2021-04-30 a Friday; 59 days -> weekly. Weeks run Monday to Sunday, clipped:
    # 03-03..03-07 (5 of 7 days), 03-08, 03-15, 03-22, 03-29, 04-05, 04-12, 04-19 (whole), 04-26..04-30 (5 of 7).
    v = visits([("2021-03-03", 1), ("2021-03-07", 2), ("2021-03-08", 4), ("2021-04-30", 8)])
    fig = F.visits_trend_chart(visits=v, start=dt.date(2021, 3, 3), end=dt.date(2021, 4, 30), language="zh")
    whole, partial, persons = fig.data
    assert list(whole.x) == [dt.date(2021, 3, 8) + dt.timedelta(weeks=n) for n in range(7)]
    assert all(d.weekday() == 0 for d in whole.x)  # Mondays
    assert list(whole.y) == [1, 0, 0, 0, 0, 0, 0]  # the 03-08 visit
    assert list(partial.x) == [dt.date(2021, 3, 3), dt.date(2021, 4, 26)]  # never before the campaign's start
    assert list(partial.y) == [2, 1]  # 03-03 and 03-07; 04-30
    day = 86_400_000
    assert list(partial.width) == [4.8 * day, 4.8 * day] and list(whole.width) == [6.8 * day] * 7
    assert partial.name == "活动次数（不完整周）" and partial.marker.pattern.shape == "/"
    assert partial.customdata[0] == ["2021-03-03 – 2021-03-07", "（不完整：5/7天）"]
    assert list(persons.y) == [3, 4, 0, 0, 0, 0, 0, 0, 8]  # 1 + 2; 4; 8
    assert list(persons.marker.symbol) == ["circle-open"] + ["circle"] * 7 + ["circle-open"]
    # both partial weeks named above the plot
    assert [a.text for a in fig.layout.annotations] == ["不完整周 5/7", "不完整周 5/7"]
    # ticks on Mondays only (never the Sunday before the start), horizontal
    assert all(d.weekday() == 0 for d in fig.layout.xaxis.tickvals) and fig.layout.xaxis.tickangle == 0
    assert fig.layout.xaxis.tickvals[0] == dt.date(2021, 3, 8) and fig.layout.xaxis.ticktext[0] == "03-08<br>2021"
    assert fig.layout.xaxis.title.text == "日期 · 按周"
    # counts: integer ticks (events at most 2 -> a step of 1; persons at most 8 -> a step of 2)
    assert (fig.layout.yaxis.dtick, fig.layout.yaxis.tickformat) == (1, ",d")
    assert fig.layout.yaxis2.dtick == 2


def test_count_axis_steps_are_whole_numbers():
    # at most about six ticks: top / 5 rounded up to 1, 2 or 5 times a power of ten, never below 1
    assert [F.count_axis(top)["dtick"] for top in (0, 1, 2, 4.5, 6, 12, 60, 874, 2274)] == [
        1, 1, 1, 1, 2, 5, 20, 200, 500]


def test_trend_monthly_and_explicit_freq():
    v = visits([("2012-03-05", 10), ("2012-03-20", 5)])
    fig = F.visits_trend_chart(visits=v, start=dt.date(2012, 1, 1), end=dt.date(2012, 12, 31), language="zh")
    assert list(fig.data[0].x) == [dt.date(2012, m, 1) for m in range(1, 13)]
    assert list(fig.data[0].y) == [0, 0, 2] + [0] * 9
    assert list(fig.data[1].y) == [0, 0, 15] + [0] * 9
    daily = F.visits_trend_chart(visits=v, start=dt.date(2012, 3, 1), end=dt.date(2012, 3, 31), freq="MS")
    assert list(daily.data[0].y) == [2]
    with pytest.raises(ValueError):
        F.visits_trend_chart(visits=v, start=dt.date(2012, 3, 1), end=dt.date(2012, 3, 31), freq="Q")


# Coverage


def test_coverage_sorted_and_coloured():
    cc = pd.DataFrame(
        {
            "unit_id": ["A", "B", "C"],
            "name": ["甲", "乙", "丙"],
            "events": [3, 0, 5],
            "covered": [True, False, True],
        }
    )
    fig = F.coverage_chart(covered_children=cc, language="zh")
    covered, missed = fig.data
    assert covered.y == ("丙", "甲") and covered.x == (5, 3)
    assert missed.y == ("乙",) and missed.x == (0,)
    assert covered.name == "已覆盖" and missed.name == "未覆盖"
    assert covered.marker.color != missed.marker.color
    assert fig.layout.yaxis.categoryarray == ("丙", "甲", "乙")


# Surveys


def test_survey_funnel():
    surveys = {"issued": 100, "returned": 90, "valid": 80, "return_rate": 0.9}
    fig = F.survey_funnel_chart(surveys=surveys, language="zh")
    funnel = fig.data[0]
    # bars, not plotly's funnel trace: the pages' plotly.js bundle (basic) draws bar, pie and scatter only
    assert funnel.type == "bar" and funnel.orientation == "h"
    assert fig.layout.yaxis.autorange == "reversed"  # issued on top, valid at the bottom
    assert funnel.x == (100, 90, 80)
    assert funnel.y == ("发放", "回收", "有效")  # DOMAIN.md: pages write 发放/回收/有效
    assert [c[0] for c in funnel.customdata] == pytest.approx([1.0, 0.9, 0.8])  # shares of issued
    # hover: 回收率 = 90 ÷ 100; 有效回收率 = 80 ÷ 100; 有效率 = 80 ÷ 90 = 88.89%
    assert [c[1] for c in funnel.customdata] == ["", "回收率 90.00%", "有效回收率 80.00%<br>有效率 88.89%"]
    assert F.survey_funnel_chart(surveys=surveys, language="en").data[0].y == ("Issued", "Returned", "Valid")


def test_survey_rates_by_child_ratios_of_sums():
    by_child = pd.DataFrame(
        {
            "name": ["甲", "甲", "乙"],
            "issued": [60, 40, 0],
            "returned": [55, 35, 0],
            "valid": [50, 30, 0],
        }
    )
    fig = F.survey_rates_by_child_chart(by_child=by_child, language="zh")
    assert [t.type for t in fig.data] == ["bar"] * 3 and {t.orientation for t in fig.data} == {"h"}
    assert [t.name for t in fig.data] == ["回收率", "有效率", "有效回收率"]
    # 乙 issued nothing: left out of the chart, counted for the note under it
    assert fig.data[0].y == ("甲",)
    assert F.children_without_surveys(by_child) == 1
    # 甲: issued 60 + 40 = 100, returned 90, valid 80
    # -> return 90/100 = 0.9, validity 80/90 = 0.888…, effective 80/100 = 0.8
    assert fig.data[0].x[0] == pytest.approx(0.9)
    assert fig.data[1].x[0] == pytest.approx(80 / 90)
    assert fig.data[2].x[0] == pytest.approx(0.8)
    assert fig.data[0].customdata[0][1:] == ["100", "90", "80"]
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y == 0  # below the plot, never on the title


# Targets


def test_target_pace_colours_order_and_hover(meta):
    targets = pd.DataFrame(
        {
            "unit_id": ["U"] * 5,
            "indicator": ["gdp", "a", "b", "c", "d"],
            "measure": ["万元", "元", "%", "件", "个"],
            "target": [357000.0, 100.0, 100.0, 100.0, 100.0],
            "actual": [208526.0, 120.0, 50.0, 40.0, math.nan],
            "completion": [0.584106, 1.2, 0.5, 0.4, math.nan],
            "elapsed": [0.497268, 0.5, 0.497268, 0.5, 0.5],
            "pace_gap": [8.6839, 70.0, 0.2732, -10.0, math.nan],
            "status": ["ahead", "completed", "on_pace", "behind", None],
        }
    )
    fig = F.target_pace_chart(targets=targets, meta=meta, language="zh")
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert set(bars) == {"已完成", "快于序时进度", "符合序时进度", "落后序时进度", "暂无数据"}
    for status, name in (
        ("completed", "已完成"),
        ("ahead", "快于序时进度"),
        ("on_pace", "符合序时进度"),
        ("behind", "落后序时进度"),
        ("no_data", "暂无数据"),
    ):
        assert bars[name].marker.color == STATUS_COLOURS[status]
    assert bars["快于序时进度"].y == ("地区生产总值",)
    assert bars["快于序时进度"].x == pytest.approx((58.4106,))
    assert bars["暂无数据"].y == ("d",)
    # hover data: label, actual, target, measure, gap in points, status
    assert bars["快于序时进度"].customdata[0] == [
        "地区生产总值",
        "208,526",
        "357,000",
        "万元",
        "+8.68",
        "快于序时进度",
    ]
    assert "%{customdata[4]}" in bars["快于序时进度"].hovertemplate
    elapsed = fig.data[-1]
    assert elapsed.type == "scatter" and elapsed.mode == "markers"
    # most behind first, no gap last
    assert elapsed.y == ("c", "b", "地区生产总值", "a", "d")
    assert elapsed.x == pytest.approx((50.0, 49.7268, 49.7268, 50.0, 50.0))
    assert fig.layout.yaxis.categoryarray == elapsed.y
    # value labels start right of the bar's end or the elapsed tick, whichever is further right (6 px clear):
    # c: 40% behind the tick at 50% -> at 50; b: 50% just over 49.73% -> at 50; no data -> at the tick, saying so
    labels = {a.y: a for a in fig.layout.annotations}
    assert [labels[n].x for n in elapsed.y] == pytest.approx([50.0, 50.0, 58.4106, 120.0, 50.0])
    assert [labels[n].text for n in elapsed.y] == ["40.00%", "50.00%", "58.41%", "120.00%", "暂无数据"]
    assert {(a.xanchor, a.xshift) for a in fig.layout.annotations} == {("left", 6)}
    en = F.target_pace_chart(targets=targets, meta=meta, language="en")
    assert {t.name for t in en.data} >= {"Completed", "Ahead", "On pace", "Behind", "Elapsed"}


# Tags and comparisons


def test_tag_comparison_per_unit_averages():
    comparison = pd.DataFrame(
        {
            "tag": ["advanced", "lagging"],
            "units": [2, 4],
            "events": [10.0, 8.0],
            "persons": [100.0, 120.0],
            "issued": [100.0, 100.0],
            "returned": [95.0, 60.0],
            "valid": [90.0, 50.0],
            "effective_rate": [0.9, 0.5],
        }
    )
    fig = F.tag_comparison_chart(comparison=comparison, language="zh")
    # one panel per figure, each a pair of horizontal bars whose names say the side and its number of units
    assert [t.y for t in fig.data] == [("先进（2个单位）", "后进（4个单位）")] * 3
    # events per unit 10/2 = 5 and 8/4 = 2; persons per unit 100/2 = 50 and 120/4 = 30; effective rate as given
    assert [list(t.x) for t in fig.data] == [pytest.approx([5.0, 2.0]), pytest.approx([50.0, 30.0]),
                                               pytest.approx([0.9, 0.5])]
    assert [a.text for a in fig.layout.annotations] == ["单位平均活动次数", "单位平均人次", "有效回收率"]
    only_events = F.tag_comparison_chart(comparison=comparison[["tag", "units", "events"]], language="en")
    assert only_events.data[0].y == ("Advanced (2 units)", "Lagging (4 units)")
    # one side alone is no comparison: the no-data figure (the page omits it and says why)
    one_side = F.tag_comparison_chart(comparison=comparison.iloc[:1], language="zh")
    assert one_side.data == () and no_data_text(one_side) == [label("note.no_data", "zh")]


def test_compare_units_long_frame():
    frame = pd.DataFrame(
        {
            "unit_id": ["A", "A", "B"],
            "name": ["甲", "甲", "乙"],
            "key": ["", "群众", ""],
            "value": [10, 4, 7],
        }
    )
    fig = F.compare_units_chart(frame=frame, metric_label="人次", language="zh")
    assert [t.name for t in fig.data] == ["甲", "乙"]
    assert fig.data[0].x == ("人次", "群众")
    assert fig.data[0].y == (10, 4)
    assert fig.data[1].y == (7, None)
    assert fig.layout.barmode == "group"
    pct = F.compare_units_chart(frame=frame, metric_label="覆盖率", language="zh", percent=True)
    assert pct.layout.yaxis.tickformat == ".0%"


# Empty input


EMPTY_CASES = {
    "persons": lambda m, lang: F.persons_by_group_chart(
        persons=pd.Series(dtype="int64"), meta=m, language=lang
    ),
    "persons_none": lambda m, lang: F.persons_by_group_chart(persons=None, meta=m, language=lang),
    "events": lambda m, lang: F.events_by_kind_chart(events=pd.Series(dtype="int64"), meta=m, language=lang),
    "trend": lambda m, lang: F.visits_trend_chart(
        visits=pd.DataFrame({"date": [], "persons": []}), start=m.start, end=m.end, language=lang
    ),
    "trend_outside": lambda m, lang: F.visits_trend_chart(
        visits=visits([("2001-01-01", 1)]), start=m.start, end=m.end, language=lang
    ),
    "coverage": lambda m, lang: F.coverage_chart(
        covered_children=pd.DataFrame(columns=["unit_id", "name", "events", "covered"]), language=lang
    ),
    "funnel": lambda m, lang: F.survey_funnel_chart(
        surveys={"issued": 0, "returned": 0, "valid": 0}, language=lang
    ),
    "funnel_empty": lambda m, lang: F.survey_funnel_chart(surveys={}, language=lang),
    "rates": lambda m, lang: F.survey_rates_by_child_chart(
        by_child=pd.DataFrame(columns=["name", "issued", "returned", "valid"]), language=lang
    ),
    "rates_zero": lambda m, lang: F.survey_rates_by_child_chart(
        by_child=pd.DataFrame({"name": ["甲"], "issued": [0], "returned": [0], "valid": [0]}), language=lang
    ),
    "targets": lambda m, lang: F.target_pace_chart(
        targets=pd.DataFrame(columns=["unit_id", "indicator", "completion", "elapsed", "status"]),
        meta=m,
        language=lang,
    ),
    "tags": lambda m, lang: F.tag_comparison_chart(comparison=pd.DataFrame(), language=lang),
    "compare": lambda m, lang: F.compare_units_chart(
        frame=pd.DataFrame(columns=["name", "key", "value"]), metric_label="x", language=lang
    ),
}


@pytest.mark.parametrize("case", sorted(EMPTY_CASES))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_empty_input_gives_no_data_figure(meta, case, language):
    fig = EMPTY_CASES[case](meta, language)
    assert isinstance(fig, go.Figure)
    assert fig.data == ()
    assert no_data_text(fig) == [label("note.no_data", language)]


def test_shared_defaults(meta):
    fig = F.persons_by_group_chart(persons=pd.Series({"residents": 1}), meta=meta, language="zh")
    template = fig.layout.template.layout
    assert "Noto Sans CJK SC" in template.font.family and "Microsoft YaHei" in template.font.family
    # one category is one row high (26 px) under title and above axis: 80 + 40 + 40 + 26, never a 300 px slab
    assert fig.layout.height == 186
    assert list(template.colorway) == list(F.DEFAULTS.colorway)


def test_sample_campaign_builds_every_figure():
    import analytics
    from analytics.measures.kpis import unit_kpis

    c = analytics.load_campaign(WEISHI)
    root = c.hierarchy.roots[0]
    k = unit_kpis(c, root, c.as_of())
    figs = [
        F.persons_by_group_chart(persons=k.persons, meta=c.meta, language="zh"),
        F.events_by_kind_chart(events=k.events, meta=c.meta, language="en"),
        F.visits_trend_chart(visits=c.visits, start=c.meta.start, end=c.meta.end, language="zh"),
        F.coverage_chart(covered_children=k.covered_children, language="zh"),
        F.survey_funnel_chart(surveys=k.surveys, language="zh"),
        F.target_pace_chart(targets=k.targets, meta=c.meta, language="zh"),
    ]
    assert all(f.data for f in figs)
    assert sum(figs[0].data[0].x) == 2274  # DOMAIN.md: person-times across the county system
    assert figs[4].data[0].x == (2800, 2680, 2600)
    # every event in a bar: 2010-03-01 .. 05-31 is 13 whole weeks (Monday to Sunday) and a partial one (05-31)
    assert sum(y for t in figs[2].data if t.type == "bar" for y in t.y) == k.total_events
    assert [len(t.x) for t in figs[2].data if t.type == "bar"] == [13, 1]


# -- at a glance: bullets; actual over time against pace ----------------------------------------------------------------


def _pace_rows():
    return pd.DataFrame({
        "unit_id": ["U"] * 3,
        "indicator": ["evil", "gdp", "x"],
        "measure": ["件", "万元", "个"],
        "target": [80.0, 357000.0, 10.0],
        "actual": [78.0, 208526.0, math.nan],
        "completion": [0.975, 0.584106, math.nan],
        "elapsed": [1.0, 0.497268, 0.497268],
        "pace_gap": [-2.5, 8.6839, math.nan],
        "status": ["missed", "ahead", "no_data"],
    })


def test_bullets_are_bars_and_scatters_only_one_row_per_indicator_in_the_order_given(meta):
    fig = F.bullet_chart(targets=_pace_rows(), meta=meta, language="zh")
    assert {t.type for t in fig.data} == {"bar", "scatter"}  # a partial plotly.js with these two draws it
    band = fig.data[0]
    assert band.name == "目标（100%）" and band.x == (100.0, 100.0, 100.0)
    assert band.y == (ESCAPED, "地区生产总值", "x")  # names escaped; no_data keeps its row
    bars = {t.name: t for t in fig.data[1:] if t.type == "bar"}
    assert set(bars) == {"快于序时进度", "未完成"}  # the row without an actual has no completion bar
    assert bars["未完成"].marker.color == STATUS_COLOURS["missed"] and bars["未完成"].x == pytest.approx((97.5,))
    assert bars["快于序时进度"].x == pytest.approx((58.4106,))
    elapsed = next(t for t in fig.data if t.type == "scatter" and t.mode == "markers")
    assert elapsed.x == pytest.approx((100.0, 49.7268, 49.7268))
    # completion and gap under each name, where no bar or tick covers them
    assert fig.layout.yaxis.categoryarray == (ESCAPED, "地区生产总值", "x")
    # 208,526 / 357,000 = 58.41%, (0.584106 − 182/366) × 100 = +8.68 points
    assert fig.layout.yaxis.ticktext == (f"{ESCAPED}<br>97.50% · -2.50", "地区生产总值<br>58.41% · +8.68", "x<br>暂无数据")
    assert F.bullet_chart(targets=_pace_rows().iloc[:0], meta=meta).layout.annotations  # "no data"


def test_actual_over_time_against_the_pace_line(meta):
    series = pd.DataFrame({"date": pd.to_datetime(["2012-03-31", "2012-06-30"]), "actual": [90000.0, 208526.0]})
    fig = F.pace_over_time_chart(series=series, indicator="gdp", target=357000.0, period_start=dt.date(2012, 1, 1),
                                  period_end=dt.date(2012, 12, 31), as_of=dt.date(2012, 6, 30), status="ahead",
                                  meta=meta, measure="万元", language="zh")
    assert {t.type for t in fig.data} == {"scatter"}
    pace, actual, as_of = fig.data
    # the linear pace from 0 at the period's start to the target at its end
    assert pace.name == "序时进度" and pace.x == (dt.date(2012, 1, 1), dt.date(2012, 12, 31))
    assert pace.y == (0.0, 357000.0)
    assert actual.name == "累计完成" and actual.y == (90000.0, 208526.0)
    assert actual.line.color == STATUS_COLOURS["ahead"]
    assert list(actual.customdata[1]) == ["58.41%"]  # 208526 / 357000
    assert as_of.x == (dt.date(2012, 6, 30),) * 2 and as_of.name == "截至 2012-06-30"
    assert fig.layout.title.text == "地区生产总值（万元）"  # full-width brackets on a Chinese page
    # legend under the plot (never on the title on a phone); 万元 is an amount, not a count: no whole-number step
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y == 0 and fig.layout.yaxis.dtick is None
    counted = F.pace_over_time_chart(series=series.assign(actual=[2.0, 7.0]), indicator="x", target=12.0,
                                      period_start=dt.date(2012, 1, 1), period_end=dt.date(2012, 12, 31),
                                      as_of=dt.date(2012, 6, 30), status="behind", meta=meta, measure="件")
    # 件 counts: 12 * 1.08 = 12.96 on top, 12.96 / 5 = 2.6 -> a step of 5
    assert (counted.layout.yaxis.dtick, counted.layout.yaxis.tickformat) == (5, ",d")
    empty = F.pace_over_time_chart(series=series.iloc[:0], indicator="gdp", target=100.0,
                                    period_start=dt.date(2012, 1, 1), period_end=dt.date(2012, 12, 31),
                                    as_of=dt.date(2012, 6, 30), status="no_data", meta=meta)
    assert [t.name for t in empty.data] == ["序时进度", "截至 2012-06-30"]  # no actual yet: the pace still shows
