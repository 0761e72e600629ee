"""Sections around the charts of issue 11: survey rates only for units with questionnaires (and how many have
none), advanced vs lagging only when both sides are tagged (tags written in Chinese too), highlighted rows said in
words."""

from __future__ import annotations

from analytics.report.sections import UnitReport

from figures import figure

UNITS = """unit_id,name,parent_id,kind,tags
T,镇,,township,
A,甲村,T,village,先进
B,乙村,T,village,后进；先进
C,丙村,T,village,后进
D,丁村,T,village,
"""
VISITS = """date,unit_id,kind,group,persons
2012-03-01,A,visit,residents,10
2012-03-02,A,seminar,village_cadres,6
2012-03-05,B,visit,residents,4
2012-03-06,C,visit,residents,8
"""
SURVEYS = """survey_id,unit_id,date,issued,returned,valid
S1,A,2012-03-01,100,90,80
S2,B,2012-03-02,50,40,30
"""


def _report(make_campaign, units=UNITS, language="zh") -> UnitReport:
    folder = make_campaign({"units": units, "visits": VISITS, "surveys": SURVEYS})
    return UnitReport.load(folder, "T", as_of="2012-06-30", language=language)


def test_survey_rates_show_units_with_questionnaires_and_count_the_others(make_campaign):
    section = _report(make_campaign).surveys()
    charts = {p[0]: figure(p[1]) for p in section.parts if not isinstance(p, str)}
    rates = charts["chart-survey-rates"]
    assert rates.data[0].y == ("甲村", "乙村")  # C and D issued nothing
    html = section.html()
    assert "没有问卷的下级单位（图中未列出）: 2" in html


def test_tags_in_chinese_compare_both_sides_per_unit(make_campaign):
    section = _report(make_campaign).children()
    charts = {p[0]: figure(p[1]) for p in section.parts if not isinstance(p, str)}
    tags = charts["chart-tags"]
    # 先进 A and B (2 units), 后进 B and C (2 units; B carries both, written 后进；先进)
    assert tags.data[0].y == ("先进（2个单位）", "后进（2个单位）")
    # events per unit: advanced A 2 + B 1 = 3 over 2 units = 1.5; lagging B 1 + C 1 = 2 over 2 = 1.0
    assert list(tags.data[0].x) == [1.5, 1.0]
    # highlighted rows say so in words: only D (no activity; the villages are leaves, without coverage or
    # targets), once in its row and once in the legend that names the words
    html = section.html()
    assert html.count("需关注") == 1 + 1 and "标色并标注“需关注”的行" in html


def test_one_side_only_is_no_comparison(make_campaign):
    units = UNITS.replace("后进；先进", "先进").replace("丙村,T,village,后进", "丙村,T,village,")
    section = _report(make_campaign, units, language="en").children()
    assert "chart-tags" not in [p[0] for p in section.parts if not isinstance(p, str)]
    assert "Only one of advanced and lagging units is tagged: no comparison" in section.html()
