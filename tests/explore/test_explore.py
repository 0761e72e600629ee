"""The explorer driven through its Python API: controls set, figures and the KPI panel checked by their data.

The tiny campaign below is small enough to count by hand; each expected number says how it was counted.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import ipywidgets as W
import pandas as pd
import plotly.graph_objects as go
import pytest
from ipywidgets.embed import dependency_state

from analytics import load_campaign
from analytics.explore import CampaignExplorer, copy_figure
from analytics.explore.plotly_script import Chart, bundle_source, plotly_script
from analytics.explore.state import CampaignIndex, Query
from analytics.measures.kpis import unit_kpis
from analytics.report import UnitReport
from analytics.report.charts import empty_chart

from builders import EXPLORE_NOTEBOOK, NOTEBOOKS, RAW_DIR, REPO_ROOT, WEISHI

AS_OF = dt.date(2012, 6, 30)

META = """id: tiny
name: {zh: 小活动, en: Tiny campaign}
start: 2012-01-01
end: 2012-12-31
as_of: 2012-06-30
vocabulary:
  indicators:
    gdp: {zh: "<i>生产总值</i>", en: GDP}
    share: {zh: 达标比例, en: Share meeting the standard}
"""
# C (county, a hostile name) has townships T1 (a script tag as its name) and T2; T1 has the village V1.
UNITS = """unit_id,name,parent_id,kind,tags
C,县<b>x</b>,,county,
T1,<script>alert(1)</script>,C,township,advanced
T2,镇二,C,township,lagging
V1,村一,T1,village,
"""
VISITS = """date,unit_id,kind,group,persons
2012-02-01,C,seminar,residents,10
2012-03-01,T1,visit,village_cadres,5
2012-03-15,V1,visit,residents,7
2012-04-01,T2,seminar,township_leaders,3
2012-07-01,T2,lecture,residents,20
"""
SURVEYS = """survey_id,unit_id,date,issued,returned,valid
S1,T1,2012-03-01,100,80,60
S2,V1,2012-04-01,50,40,40
S3,T2,2012-08-01,10,10,10
"""
TARGETS = """unit_id,indicator,target,measure,period_start,period_end,aggregation
T1,gdp,100,万元,2012-01-01,2012-12-31,sum
T2,gdp,300,万元,2012-01-01,2012-12-31,sum
C,share,1,%,2012-01-01,2012-12-31,none
"""
ACTUALS = """unit_id,indicator,date,value
T1,gdp,2012-06-30,60
T2,gdp,2012-03-31,50
T2,gdp,2012-06-30,120
C,share,2012-06-30,0.9
"""


@pytest.fixture
def tiny(make_campaign) -> Path:
    return make_campaign({"units": UNITS, "visits": VISITS, "surveys": SURVEYS, "targets": TARGETS, "actuals": ACTUALS},
                         meta=META, name="tiny")


@pytest.fixture
def ex(tiny: Path, tmp_path: Path) -> CampaignExplorer:
    return CampaignExplorer.from_folder(tiny, export_dir=tmp_path / "exports")


def cards(html: str) -> list[str]:
    """The seven key figures of a panel (or of the report's card section), in order."""
    return re.findall(r'class="card-value">([^<]*)<', html)


def same_rows(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal frames; two empty ones need only the same columns (an empty frame's column types carry nothing)."""
    if got.empty and expected.empty:
        assert list(got.columns) == list(expected.columns)
    else:
        pd.testing.assert_frame_equal(got, expected)


def bars(fig: go.FigureWidget, trace: int = 0) -> dict[str, float]:
    """Category -> value of a horizontal bar trace."""
    t = fig.data[trace]
    return dict(zip(t.y, t.x, strict=True))


# -- the starting state: the root as of the campaign's as_of --------------------------------------------------


def test_opens_on_the_root_with_hand_counted_figures(ex):
    assert ex.unit.value == "C" and ex.as_of.value == AS_OF
    # Visits dated up to 2012-06-30: C, T1, V1 and T2 (the lecture of 07-01 comes later) -> 4 events;
    # persons 10 + 5 + 7 + 3 = 25; both children (T1 with V1 below it, and T2) were visited -> 100%;
    # questionnaires S1 + S2 (S3 is dated 08-01): valid 60 + 40 = 100 of issued 100 + 50 = 150 -> 66.67%;
    # targets: gdp summed from T1 and T2, (60 + 120) / (100 + 300) = 45.00% against elapsed 182/366 = 49.73%
    # -> behind by 4.73 points; share 0.9 / 1 = 90.00% -> ahead. On pace (completed/ahead/on pace) 1, behind 1.
    # Grassroots coverage: the leaves V1 and T2 both have a visit of their own -> 100%.
    assert cards(ex.kpi_panel.value) == ["4", "25", "100.00%", "100.00%", "66.67%", "1", "1"]
    assert ex.kpis.surveys["issued"] == 150 and ex.kpis.surveys["valid"] == 100
    gdp = ex.kpis.targets.set_index("indicator").loc["gdp"]
    assert gdp["completion"] == pytest.approx(0.45)
    assert gdp["pace_gap"] == pytest.approx((0.45 - 182 / 366) * 100)
    assert gdp["status"] == "behind"
    # Charts: residents 10 + 7 = 17, village cadres 5, township leaders 3 (largest first);
    # seminars 2 (C, T2), visits 2 (T1, V1); events under T1 2 and under T2 1; the funnel 150 -> 120 -> 100.
    assert bars(ex.figures["persons"]) == {"群众": 17, "村干部": 5, "乡镇领导干部": 3}
    assert bars(ex.figures["events"]) == {"座谈会": 2, "走访": 2}
    assert list(ex.figures["coverage"].data[0].x) == [2, 1]
    assert list(ex.figures["funnel"].data[0].x) == [150, 120, 100]
    assert {t.type for t in ex.figures["targets"].data} == {"bar", "scatter"}
    assert sum(ex.figures["trend"].data[0].y) == 4  # every event falls in one weekly bin or another
    assert ex.status.value == ""


def test_numbers_match_unit_kpis_and_the_html_report(ex, tiny):
    campaign = load_campaign(tiny)
    for unit in ("C", "T1", "T2", "V1"):
        ex.unit.value = unit
        expected = unit_kpis(campaign, unit, AS_OF)
        assert ex.kpis.total_events == expected.total_events
        assert ex.kpis.total_persons == expected.total_persons
        assert ex.kpis.events.to_dict() == expected.events.to_dict()
        assert ex.kpis.persons.to_dict() == expected.persons.to_dict()
        assert ex.kpis.surveys == pytest.approx(expected.surveys, nan_ok=True)
        same_rows(ex.kpis.targets, expected.targets)
        same_rows(ex.kpis.covered_children, expected.covered_children)
        # The same six figures as the unit's report page (its HTML snapshot) for the same as_of.
        report = UnitReport.load(tiny, unit, as_of=AS_OF)
        assert cards(ex.kpi_panel.value) == cards(report.kpi_cards().html())


@pytest.mark.parametrize("sample", ["weishi", "shunhe_2012", "regulator_2014"])
def test_tree_order_slices_give_unit_kpis_figures(sample):
    """The explorer narrows the campaign to a subtree's rows; every unit's figures stay those of unit_kpis."""
    campaign = load_campaign(RAW_DIR / sample, use_cache=False)
    index = CampaignIndex(campaign)
    as_of = campaign.as_of()
    start = campaign.meta.start + dt.timedelta(days=10)
    kinds = index.kinds()[:2]
    for unit in index.order[:: max(1, len(index.order) // 25)]:
        for q, options in (
            (Query(unit, as_of), {}),
            (Query(unit, as_of, start=start, kinds=tuple(kinds)), {"start": start, "kinds": kinds}),
        ):
            got, expected = index.kpis(q), unit_kpis(campaign, unit, as_of, **options)
            assert got.events.to_dict() == expected.events.to_dict(), unit
            assert got.persons.to_dict() == expected.persons.to_dict(), unit
            assert got.coverage == pytest.approx(expected.coverage, nan_ok=True)
            assert got.surveys == pytest.approx(expected.surveys, nan_ok=True)
            same_rows(got.targets, expected.targets)
            same_rows(got.flags, expected.flags)


@pytest.mark.parametrize("sample", ["weishi", "regulator_2014"])
def test_units_compared_together_get_each_units_unit_kpis(sample):
    """Compare mode computes its units in one pass (kpis.units_kpis over their subtrees' rows, the whole campaign's
    targets' pace): a unit with its parent, a sibling and a leaf below it, each gets unit_kpis' figures."""
    campaign = load_campaign(RAW_DIR / sample, use_cache=False)
    index = CampaignIndex(campaign)
    h = campaign.hierarchy
    as_of = campaign.as_of()
    parent = next(u for u in index.order if len(h.children[u]) >= 2)
    first, second = h.children[parent][:2]
    below = next((u for u in index.order if first in h.ancestors(u)), first)
    units = [first, parent, below, second]
    kinds = index.kinds()[:2]
    start = campaign.meta.start + dt.timedelta(days=10)
    # The second query finds the targets remembered from the first: its visits are computed apart from them.
    for q, options in ((Query(parent, as_of), {}),
                       (Query(parent, as_of, start=start, kinds=tuple(kinds)), {"start": start, "kinds": kinds})):
        for unit, got in zip(units, index.kpis_of(q, units), strict=True):
            expected = unit_kpis(campaign, unit, as_of, **options)
            assert got.unit_id == unit
            # The same series, index type included (the explorer groups its visits by category codes).
            pd.testing.assert_series_equal(got.events, expected.events)
            pd.testing.assert_series_equal(got.persons, expected.persons)
            assert got.coverage == pytest.approx(expected.coverage, nan_ok=True)
            assert got.grassroots_coverage == pytest.approx(expected.grassroots_coverage, nan_ok=True)
            assert got.uncovered == expected.uncovered
            assert got.surveys == pytest.approx(expected.surveys, nan_ok=True)
            assert got.commitments == pytest.approx(expected.commitments, nan_ok=True)
            assert got.appraisal == expected.appraisal
            for name in ("targets", "flags", "covered_children", "family_targets", "ratings", "commitment_list"):
                same_rows(getattr(got, name), getattr(expected, name))
            # With targets judged apart (UnitKpis.with_targets) the status counts come last among family's columns.
            same_rows(got.family[list(expected.family.columns)], expected.family)


# -- controls -------------------------------------------------------------------------------------------------


def test_unit_picker_shows_the_hierarchy_indented(ex):
    labels = [label for label, _ in ex.unit.options]
    assert [v for _, v in ex.unit.options] == ["C", "T1", "V1", "T2"]  # tree order
    assert labels[0] == "县<b>x</b> (C)"  # option text is text: shown as typed, never parsed
    assert labels[2].startswith("\u3000\u3000村一")  # V1 two levels down


def test_picking_a_unit_updates_figures_in_place(ex):
    widgets = {name: id(fig) for name, fig in ex.figures.items()}
    ex.unit.value = "T1"
    # T1 and V1: visits of 03-01 (5 village cadres) and 03-15 (7 residents) -> 2 events, 12 persons;
    # its one child V1 was visited -> 100%; S1 + S2: 100 of 150 valid -> 66.67%; gdp 60/100 = 60.00% against
    # 49.73% elapsed -> ahead (on pace 1, behind 0).
    # Its one leaf V1 was visited: grassroots 100%.
    assert cards(ex.kpi_panel.value) == ["2", "12", "100.00%", "100.00%", "66.67%", "1", "0"]
    assert bars(ex.figures["persons"]) == {"群众": 7, "村干部": 5}
    assert list(ex.figures["coverage"].data[0].x) == [1]
    assert {name: id(fig) for name, fig in ex.figures.items()} == widgets  # the same widgets, mutated
    ex.unit.value = "V1"
    # A village: one visit, 7 persons, no children (coverage "—"); its questionnaires S2: 40 of 50 valid -> 80.00%;
    # no targets -> "—" twice.
    # A leaf's grassroots coverage is 1 or 0: visited -> 100%.
    assert cards(ex.kpi_panel.value) == ["1", "7", "—", "100.00%", "80.00%", "—", "—"]
    coverage = ex.figures["coverage"]
    assert coverage.data == () and coverage.layout.annotations[0].text == "本部分暂无数据"
    ex.unit.value = "C"
    assert ex.figures["coverage"].layout.annotations == ()  # the "no data" note is cleared again
    assert list(ex.figures["coverage"].data[0].x) == [2, 1]


def test_search_narrows_the_unit_options(ex):
    ex.search.value = "村一"  # Chinese name
    assert [v for _, v in ex.unit.options] == ["C", "T1", "V1"]  # the match and its ancestors
    assert ex.unit.value == "V1" and cards(ex.kpi_panel.value)[:2] == ["1", "7"]
    ex.search.value = "ｔ２"  # a code, full-width and lower case
    assert ex.unit.value == "T2" and [v for _, v in ex.unit.options] == ["C", "T2"]
    ex.search.value = "script"  # matches T1's name as text
    assert ex.unit.value == "T1"
    ex.search.value = "nothing like it"
    assert "没有匹配的单位" in ex.status.value and ex.unit.value == "T1"  # options left as they were
    ex.search.value = ""
    assert len(ex.unit.options) == 4 and ex.unit.value == "T1" and ex.status.value == ""


def test_date_range_is_clipped_to_the_campaign_and_narrows_visits(ex):
    assert (ex.start.min, ex.start.max, ex.end.min, ex.end.max) == (dt.date(2012, 1, 1), dt.date(2012, 12, 31)) * 2
    ex.start.value = dt.date(2011, 6, 1)
    assert ex.start.value == dt.date(2012, 1, 1)  # before the campaign: clipped
    ex.start.value = dt.date(2012, 3, 10)
    # From 03-10: V1's visit of 03-15 (7) and T2's of 04-01 (3) -> 2 events, 10 persons; only S2 (04-01) of the
    # questionnaires -> 40 of 50 = 80.00%. The end can no longer be set before the start.
    assert cards(ex.kpi_panel.value)[:5] == ["2", "10", "100.00%", "100.00%", "80.00%"]
    assert ex.end.min == dt.date(2012, 3, 10)
    ex.end.value = dt.date(2012, 3, 31)
    # 03-10 to 03-31: V1's visit only -> 1 event, 7 persons; T2 not visited -> coverage 1 of 2 = 50.00%;
    # targets still judged as of 06-30 (gdp behind, share ahead).
    # Leaves: V1 visited, T2 not -> grassroots 50.00%.
    assert cards(ex.kpi_panel.value) == ["1", "7", "50.00%", "50.00%", "—", "1", "1"]
    assert ex.query().until == dt.date(2012, 3, 31) and ex.kpis.as_of == AS_OF
    assert "2012-03-10 – 2012-03-31" in ex.kpi_panel.value


def test_as_of_moves_visits_and_targets(ex):
    ex.as_of.value = dt.date(2012, 12, 31)
    # Every visit: 5 events, 25 + 20 = 45 persons; S3 joins: 110 of 160 valid = 68.75%; gdp still 45.00% but the
    # whole year has elapsed -> missed, 55 points short; share 90.00% -> missed too (the card counts behind or missed).
    assert cards(ex.kpi_panel.value) == ["5", "45", "100.00%", "100.00%", "68.75%", "0", "2"]
    assert ex.kpis.targets.set_index("indicator").loc["gdp", "pace_gap"] == pytest.approx(-55.0)
    # missed shows as 未完成, in the at-a-glance sentence (both named, with how far short) and the targets table
    panel = ex.kpi_panel.value
    assert "2项指标中2项未完成" in panel and panel.count('data-status="missed"') == 2
    assert "期末完成45.00%，未完成目标，差55.00个百分点" in panel


def test_kinds_groups_and_indicators_filter(ex):
    assert [v for _, v in ex.kinds.options] == ["seminar", "visit", "lecture"]
    assert [label for label, _ in ex.kinds.options] == ["座谈会", "走访", "宣讲"]
    ex.kinds.value = ("visit",)
    # Visits only: T1's (5 village cadres) and V1's (7 residents) -> 2 events, 12 persons; T2 uncovered -> 50%.
    assert cards(ex.kpi_panel.value)[:3] == ["2", "12", "50.00%"]
    assert bars(ex.figures["events"]) == {"走访": 2}
    ex.groups.value = ("residents",)
    # ... and residents only: V1's visit -> 1 event, 7 persons.
    assert cards(ex.kpi_panel.value)[:2] == ["1", "7"]
    assert bars(ex.figures["persons"]) == {"群众": 7}
    ex.kinds.value = ex.groups.value = ()
    assert cards(ex.kpi_panel.value)[:2] == ["0", "0"]
    assert ex.figures["persons"].data == ()  # "no data"
    ex.indicators.value = ("gdp",)
    # Only gdp: behind -> on pace 0, behind 1; the targets chart (the page's bullets) shows gdp alone: its
    # target band and its completion bar.
    assert cards(ex.kpi_panel.value)[5:] == ["0", "1"]
    bars_shown = [t for t in ex.figures["targets"].data if t.type == "bar"]
    assert [y for t in bars_shown for y in t.y] == ["&lt;i&gt;生产总值&lt;/i&gt;"] * 2
    assert [t.name for t in bars_shown] == ["目标（100%）", "落后序时进度"]
    assert "&lt;i&gt;生产总值&lt;/i&gt;" in ex.kpi_panel.value and "<i>" not in ex.kpi_panel.value


def test_language_switch_relabels_controls_and_charts(ex):
    ex.language.value = "en"
    assert ex.unit.value == "C" and ex.kinds.value == ("seminar", "visit", "lecture")
    assert [label for label, _ in ex.kinds.options] == ["Seminar", "Visit", "Lecture"]
    assert ex.start.description == "From" and ex.export_button.description == "Export this unit"
    assert ex.figures["persons"].layout.title.text == "Person-times by group"
    assert bars(ex.figures["persons"]) == {"Residents": 17, "Village cadres": 5, "Township leaders": 3}
    assert "Events" in ex.kpi_panel.value and cards(ex.kpi_panel.value)[:2] == ["4", "25"]
    assert ex.campaign_picker.label.startswith("Tiny campaign")


def test_the_panel_shows_the_pages_glance_and_the_indexs_scorecard_rows(ex, tiny):
    from analytics.report import UnitReport
    from analytics.report.glance import glance_sentence, sentence_text

    panel = ex.kpi_panel.value
    page = UnitReport.load(tiny, "C", as_of=AS_OF, language="zh")  # the page's sentence, its comparison included
    expected = sentence_text(glance_sentence(page.glance, page.campaign.meta, "zh"))
    text = re.sub(r"<[^>]+>", "", panel)
    assert expected.replace("<", "&lt;").replace(">", "&gt;") in text  # the same sentence as the page's
    # The scorecard: C and its children T1 and T2, with the index's columns; gdp: C 45.00% (-4.73), T1 60.00% (+10.27),
    # T2 120/300 = 40.00% (-9.73). With the 1-point tolerance: behind ▼, ahead ▲, behind ▼ (one shape per status).
    rows = re.findall(r'<tr[^>]*>(.*?)</tr>', panel.split('class="scorecard-title"')[1].split("</table>")[0], re.S)
    cells = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]
    cells = [c for c in cells if c]
    assert [c[0].split()[0] for c in cells] == ["县&lt;b&gt;x&lt;/b&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;", "镇二"]
    assert [c[-2].split() for c in cells] == [["▼", "45.00%-4.73"], ["▲", "60.00%+10.27"], ["▼", "40.00%-9.73"]]


def test_compare_mode_puts_units_side_by_side(ex):
    ex.compare.value = True
    assert ex.compare_units.value == ("T1", "T2")  # the root's children by default
    fig = ex.figures["compare"]
    # Events by kind, for T1 (with V1): seminar 0, visit 2; for T2: seminar 1, visit 0.
    assert [t.name for t in fig.data] == ["&lt;script&gt;alert(1)&lt;/script&gt;", "镇二"]
    assert [list(t.y) for t in fig.data] == [[0, 2], [1, 0]] and list(fig.data[0].x) == ["座谈会", "走访"]
    ex.compare_metric.value = "persons"
    # Persons by group, groups in the contract's order: township leaders, village cadres, residents.
    assert [list(t.y) for t in fig.data] == [[0, 5, 7], [3, 0, 0]]
    ex.compare_metric.value = "completion"
    # gdp: T1 60/100, T2 120/300.
    assert [list(t.y) for t in fig.data] == [[0.6], [0.4]]
    ex.compare_metric.value = "survey_rates"
    # T1 (S1 + S2): returned 120/150, valid 100/120, valid 100/150; T2 has nothing issued by 06-30: no bars.
    assert list(fig.data[0].y) == pytest.approx([0.8, 100 / 120, 100 / 150])
    assert list(fig.data[1].y) == [None, None, None]
    # The panel lists each compared unit's key figures, names escaped.
    panel = ex.kpi_panel.value
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel and "<script>" not in panel
    assert cards(panel) == []  # the comparison table replaces the single unit's cards
    ex.compare_units.value = ("T2",)
    assert "请选择2至5个单位进行对比" in ex.kpi_panel.value and fig.data == ()
    ex.compare.value = False
    # Grassroots coverage: the leaves V1 and T2 both have a visit of their own -> 100%.
    assert cards(ex.kpi_panel.value) == ["4", "25", "100.00%", "100.00%", "66.67%", "1", "1"]


def test_kinds_groups_and_indicators_are_checkboxes_with_all_and_none(ex):
    boxes = ex.kinds.children[1].children
    # One ticked checkbox per kind in the data, in the contract's order; all ticked is "no filter".
    assert [(b.description, b.value) for b in boxes] == [("座谈会", True), ("走访", True), ("宣讲", True)]
    assert ex.query().kinds is None
    none, every = ex.kinds.children[0].children[2], ex.kinds.children[0].children[1]
    assert (every.description, none.description) == ("全选", "清空")
    none.click()
    # Nothing ticked: no visit counted -> 0 events, 0 persons.
    assert ex.kinds.value == () and not any(b.value for b in boxes)
    assert cards(ex.kpi_panel.value)[:2] == ["0", "0"]
    every.click()
    assert ex.kinds.value == ("seminar", "visit", "lecture") and all(b.value for b in boxes)
    assert cards(ex.kpi_panel.value)[:2] == ["4", "25"]
    boxes[0].value = False  # a person unticks 座谈会
    # Visits only (lecture's one row is dated 07-01, after as_of): T1's 5 village cadres and V1's 7 residents
    # -> 2 events, 12 persons.
    assert ex.kinds.value == ("visit", "lecture") and ex.query().kinds == ("visit", "lecture")
    assert cards(ex.kpi_panel.value)[:2] == ["2", "12"]
    ex.language.value = "en"
    assert [(b.description, b.value) for b in boxes] == [("Seminar", False), ("Visit", True), ("Lecture", True)]
    assert (every.description, none.description) == ("All", "None")


def test_compare_mode_shows_only_the_comparison(ex):
    unit_boxes = (ex._charts, ex._evaluation)
    assert [b.layout.visibility for b in unit_boxes] == [None, None] and ex._compare_box.layout.visibility == "hidden"
    assert ex._compare_box.layout.height == "0px" and ex._compare_controls.layout.display == "none"
    persons = dict(bars(ex.figures["persons"]))
    ex.compare.value = True
    assert [(b.layout.visibility, b.layout.height) for b in unit_boxes] == [("hidden", "0px")] * 2
    assert ex._compare_box.layout.visibility == "visible" and ex._compare_controls.layout.display == "flex"
    # Hidden charts are not recomputed while comparing: a filter changed now leaves them as they were ...
    ex.kinds.value = ("visit",)
    assert bars(ex.figures["persons"]) == persons
    ex.compare.value = False
    # ... and they show it when the unit is shown again: visits only, C's subtree by 06-30: T1's 5 village cadres
    # and V1's 7 residents.
    assert [b.layout.visibility for b in unit_boxes] == ["visible"] * 2 and ex._compare_box.layout.height == "0px"
    assert bars(ex.figures["persons"]) == {"群众": 7, "村干部": 5}


def _widget_tree(widget) -> list:
    """The widget and every widget inside it, depth first."""
    return [widget, *(w for child in getattr(widget, "children", ()) for w in _widget_tree(child))]


def test_compare_mode_hides_the_unit_charts_and_nothing_else(ex):
    # A Layout shared by several widgets hides all of them at once: in JupyterLab compare mode once collapsed the
    # whole explorer (its own box shared the evaluation sections' Layout), leaving an empty output.
    styled = [w for w in _widget_tree(ex.widget) if isinstance(getattr(w, "layout", None), W.Layout)]
    layouts = [w.layout.model_id for w in styled]
    assert len(layouts) == len(set(layouts))
    ex.compare.value = True
    hidden = {w.model_id for w in styled if w.layout.visibility == "hidden" or w.layout.display == "none"}
    shown = [ex.widget, ex.kpi_panel, ex.unit, ex._compare_box, ex._compare_controls, ex.compare_units]
    assert not hidden & {w.model_id for w in shown}
    assert {ex._charts.model_id, ex._evaluation.model_id} <= hidden


def test_compared_units_are_tags_with_none_and_the_units_below(ex):
    ex.compare.value = True
    tags = ex.compare_units.children[1]
    assert tags.value == ["<script>alert(1)</script> (T1)", "镇二 (T2)"]  # the root's children, as tags
    assert "村一 (V1)" in tags.allowed_tags and len(tags.allowed_tags) == 4
    tags.value = ["村一 (V1)", "镇二 (T2)"]  # a person adds and removes tags in the browser
    assert ex.compare_units.value == ("V1", "T2") and ex.compared_units() == ["V1", "T2"]  # tree order: C T1 V1 T2
    # Events by kind (seminar, visit): V1 visit 1; T2 seminar 1 (04-01; its lecture is after as_of).
    assert [t.name for t in ex.figures["compare"].data] == ["村一", "镇二"]
    assert [list(t.y) for t in ex.figures["compare"].data] == [[0, 1], [1, 0]]
    none, below = ex.compare_units.children[0].children[2], ex.compare_units.children[0].children[1]
    assert (below.description, none.description) == ("下级单位", "清空")
    none.click()
    assert ex.compare_units.value == () and tags.value == [] and "请选择2至5个单位进行对比" in ex.kpi_panel.value
    below.click()
    assert ex.compare_units.value == ("T1", "T2") and len(ex.figures["compare"].data) == 2


def test_chart_grid_follows_the_width_the_page_gives(ex):
    from analytics.explore.controls import grid_columns

    # Columns of at least 440 px with 8 px gaps, at most 3: 1,400 px -> (1400 + 8) // (440 + 8) = 3 columns of
    # (1400 - 2 * 8) // 3 = 461 px; 900 px -> 2 of (900 - 8) // 2 = 446 px; 390 px -> 1 of 390 px.
    assert grid_columns(1400, min_chart=440, gap=8, max_columns=3) == (3, 461)
    assert grid_columns(2400, min_chart=440, gap=8, max_columns=3) == (3, 794)
    assert grid_columns(900, min_chart=440, gap=8, max_columns=3) == (2, 446)
    assert grid_columns(390, min_chart=440, gap=8, max_columns=3) == (1, 390)
    ex.probe.width = 1400  # what the page reports once the dashboard is drawn
    assert {g.layout.grid_template_columns for g in ex._grids} == {"repeat(3, 461px)"}
    assert {fig.layout.width for fig in ex.figures.values() if fig is not ex.figures["compare"]} == {461}
    assert ex.figures["compare"].layout.width == 1400
    ex.probe.width = 390  # a narrow window: the charts stack, each as wide as the page
    assert {g.layout.grid_template_columns for g in ex._grids} == {"repeat(1, 390px)"}
    assert ex.figures["persons"].layout.width == 390
    ex.unit.value = "T1"  # charts redrawn later keep the width
    assert ex.figures["persons"].layout.width == 390


def test_a_chart_whose_inputs_did_not_change_is_not_touched(ex):
    def edits(name: str) -> tuple[int, int]:
        fig = ex.figures[name]
        return fig._last_trace_edit_id, fig._last_layout_edit_id

    before = {name: edits(name) for name in ex.figures}
    ex.indicators.value = ("gdp",)  # the targets chart only
    assert [n for n in ex.figures if edits(n) != before[n]] == ["targets"]
    before = {name: edits(name) for name in ex.figures}
    ex.start.value = dt.date(2012, 3, 10)  # the visits' and questionnaires' charts, not the targets'
    # (coverage too: it draws each child's events, T1's 2 -> 1 from 03-10.)
    assert [n for n in ex.figures if edits(n) != before[n]] == ["persons", "events", "trend", "coverage", "funnel"]


def test_compare_shows_at_most_five_units():
    ex = CampaignExplorer.from_folder(WEISHI)
    ex.compare.value = True
    ex.compare_units.value = tuple(u for u in ex.index.order[2:9])
    assert len(ex.figures["compare"].data) == 5
    assert "最多对比5个单位" in ex.kpi_panel.value


def test_campaign_picker_switches_and_reports_load_errors(tiny, make_campaign):
    broken = make_campaign({"units": "unit_id,name,parent_id\nA,甲,B\n"}, meta=META, name="broken")
    ex = CampaignExplorer(load_campaign(tiny), folders=[broken, WEISHI])
    keys = [v for _, v in ex.campaign_picker.options]
    assert str(tiny.resolve()) in keys and str(broken.resolve()) in keys
    ex.campaign_picker.value = str((WEISHI).resolve())
    assert ex.unit.value == "WS" and cards(ex.kpi_panel.value)[:2] == ["164", "2,274"]
    before = ex.kpi_panel.value
    ex.campaign_picker.value = str(broken.resolve())
    assert "无法加载活动" in ex.status.value and "class=\"error\"" in ex.status.value
    assert ex.campaign_picker.value == str((WEISHI).resolve())  # stays on weishi
    assert ex.kpi_panel.value == before


def test_hostile_names_are_escaped_everywhere(ex):
    ex.unit.value = "T1"
    panel = ex.kpi_panel.value
    assert "<script>" not in panel and "<b>x</b>" not in panel
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel and "县&lt;b&gt;x&lt;/b&gt;" in panel  # name, crumb
    ex.unit.value = "C"
    spec = json.dumps([fig.to_plotly_json() for fig in ex.figures.values()], default=str)
    assert "<script>" not in spec and "<b>x" not in spec


def test_copy_figure_mutates_and_clears_stale_properties():
    widget = go.FigureWidget()
    assert copy_figure(widget, empty_chart(title="t"))
    assert widget.data == () and widget.layout.annotations[0].text == "本部分暂无数据"
    bar = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h", text=["x", "y"]), layout={"title": {"text": "t"}})
    assert copy_figure(widget, bar)
    assert widget.layout.annotations == () and widget.layout.xaxis.visible is None
    assert list(widget.data[0].x) == [1, 2]
    first = widget.data[0]
    assert not copy_figure(widget, bar)  # nothing differs: nothing sent
    assert copy_figure(widget, go.Figure(go.Bar(x=[3], y=["c"], orientation="h"), layout={"title": {"text": "t"}}))
    assert widget.data[0] is first and list(first.x) == [3] and first.text is None  # same trace, restyled
    # Traces of the same type at the same place are restyled; only those past the first difference are replaced.
    copy_figure(widget, go.Figure([go.Bar(x=[1], y=["a"]), go.Scatter(x=[1], y=[2])]))
    assert widget.data[0] is first
    copy_figure(widget, go.Figure([go.Bar(x=[2], y=["b"]), go.Bar(x=[3], y=["c"])]))
    assert widget.data[0] is first and [t.type for t in widget.data] == ["bar", "bar"]
    assert list(widget.data[0].x) == [2] and list(widget.data[1].x) == [3]
    assert copy_figure(widget, empty_chart(title="t")) and widget.data == ()


def test_plotly_script_reaches_the_browser_once(ex, tiny):
    # Everything the browser is sent to draw the explorer (every widget it shows and every widget those name), as
    # the kernel sends it: plotly's 5 MB bundle is in it once, gzipped (base64) in the script widget, not in each
    # of the 12 charts (6 of the unit, the comparison, 5 of the evaluation sections).
    source = bundle_source()
    assert len(source) > 1_000_000
    charts = [*ex.figures.values(), *ex.evaluation_figures.values()]
    assert len(charts) == 12 and all(isinstance(c, go.FigureWidget) for c in charts)
    states = dependency_state(ex.widget, drop_defaults=False)
    encoded = json.dumps(source, ensure_ascii=False)[1:-1]
    assert not [k for k, s in states.items() if encoded[1000:2000] in json.dumps(s, ensure_ascii=False, default=str)]
    gzipped = [(k, base64.b64decode(v)) for k, s in states.items() for v in s["state"].values()
               if isinstance(v, str) and v.startswith("H4sI")]  # base64 of gzip's magic bytes 1f 8b 08
    assert [k for k, _ in gzipped] == [plotly_script().model_id] and not any("buffers" in s for s in states.values())
    assert gzip.decompress(gzipped[0][1]).decode() == source and len(gzipped[0][1]) < len(source) / 2
    assert all(len(str(c._esm)) < 4000 and c._plotly is plotly_script() for c in charts)
    # A second explorer in the same kernel sends no second copy.
    other = CampaignExplorer.from_folder(tiny)
    assert {c._plotly for c in other.figures.values()} == {plotly_script()}
    # A closed script (`Widget.close_all()` closes it too) is opened again by the next chart.
    closed = plotly_script()
    closed.close()
    chart = Chart()
    assert chart._plotly is plotly_script() is not closed and plotly_script().comm is not None


def test_labels_take_the_colon_of_their_language(ex):
    # A Chinese panel reads "编码：C", "统计期间：…", "数据质量问题：0"; an English one "Code: C".
    text = re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", ex.kpi_panel.value, flags=re.S))
    assert "编码：C · 统计期间：2012-01-01 – 2012-06-30 · 截至：2012-06-30" in text
    assert "数据质量问题：0" in text and ":" not in text
    ex.language.value = "en"
    try:
        assert "Code: C · Window: 2012-01-01 – 2012-06-30 · As of: 2012-06-30" in re.sub(r"<[^>]+>", "",
                                                                                          ex.kpi_panel.value)
    finally:
        ex.language.value = "zh"


# -- export -----------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_export_writes_the_units_page_and_links_it(ex, tmp_path):
    ex.unit.value = "T1"
    page = ex.export()
    assert page is not None and page.is_file() and page.parent.parent == tmp_path / "exports" / "tiny"
    assert "<html" in page.read_text(encoding="utf-8")[:500].lower()
    status = ex.status.value
    assert "<a href=" in status and "已导出：<a href=" in status  # a full-width colon on a Chinese page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in status and "<script>" not in status
    assert not ex.export_button.disabled


def test_export_errors_are_shown_not_raised(ex, monkeypatch):
    import analytics.batch.runner

    def fail(options, progress=None):
        raise RuntimeError("disk <full>")

    monkeypatch.setattr(analytics.batch.runner, "run_batch", fail)
    assert ex.export() is None
    assert "导出失败" in ex.status.value and "disk &lt;full&gt;" in ex.status.value
    assert not ex.export_button.disabled


def test_export_of_a_campaign_built_in_memory_explains_itself():
    bench = _benchmark_module()
    ex = CampaignExplorer(bench.synthetic_campaign(units=20, rows=500))
    assert ex.export() is None and "无法导出" in ex.status.value


# -- the benchmark's synthetic campaign -------------------------------------------------------------------------


def _benchmark_module():
    spec = importlib.util.spec_from_file_location("bench_explore", REPO_ROOT / "benchmarks" / "explore.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_campaign_and_driver_agree_with_unit_kpis():
    bench = _benchmark_module()
    campaign = bench.synthetic_campaign(units=60, rows=20_000)
    ex = CampaignExplorer(campaign)
    times = bench.drive(ex, repeat=2)
    assert set(times) >= {"unit", "start", "kinds", "language", "compare_units"}
    assert ex.status.value == ""
    for unit in ex.index.order[::7]:
        ex.unit.value = unit
        q = ex.query()  # whatever dates, kinds and groups the driver left set
        expected = unit_kpis(campaign, unit, q.until, start=q.start, kinds=q.kinds and list(q.kinds),
                             groups=q.groups and list(q.groups))
        assert ex.kpis.total_events == expected.total_events and ex.kpis.total_persons == expected.total_persons
        assert ex.kpis.surveys == pytest.approx(expected.surveys, nan_ok=True)


# -- the notebook -----------------------------------------------------------------------------------------------


def test_notebook_is_thin_and_committed_without_outputs():
    nb = json.loads((EXPLORE_NOTEBOOK).read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["cells"][0]["cell_type"] == "markdown"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert sum(len("".join(c["source"]).strip().splitlines()) for c in code) <= 8
    assert "def " not in "".join("".join(c["source"]) for c in code)


@pytest.mark.slow
def test_notebook_runs_under_papermill(tmp_path):
    out = tmp_path / "explore-out.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "papermill", str(EXPLORE_NOTEBOOK), str(out), "-k", "python3",
         "--cwd", str(NOTEBOOKS)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr" and ("Error" in o["text"] or "Traceback" in o["text"])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
