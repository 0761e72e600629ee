"""kpi_table and unit_kpis: the published figures from the sample campaigns, and a tiny hand-made campaign."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from analytics import load_campaign
from analytics.measures.kpis import KPI_COLUMNS, kpi_table, unit_kpis
from analytics.measures.metrics import tag_comparison

UNITS_CSV = "unit_id,name,parent_id\nA,县,\nB,甲乡,A\nC,乙乡,A\nD,某村,B\n"  # A -> B, C; B -> D


def _figures(table: pd.DataFrame, unit_id: str) -> dict[tuple[str, str], object]:
    rows = table[table["unit_id"] == unit_id]
    assert not rows.duplicated(["metric", "key"]).any()
    return {(m, k): v for m, k, v in zip(rows["metric"], rows["key"], rows["value"], strict=True)}


def _same(a: object, b: object) -> bool:
    missing_a = a is None or (isinstance(a, float) and math.isnan(a))
    missing_b = b is None or (isinstance(b, float) and math.isnan(b))
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return float(a) == pytest.approx(float(b), rel=1e-12, abs=1e-12)


# --------------------------------------------------------------------------- the samples' published figures


@pytest.fixture(scope="module")
def weishi_kpis(weishi):
    return kpi_table(weishi, weishi.as_of())


@pytest.fixture(scope="module")
def shunhe_kpis(shunhe):
    return kpi_table(shunhe, as_of=dt.date(2012, 6, 30))


def test_weishi_county_figures_match_the_source(weishi_kpis):
    ws = _figures(weishi_kpis, "WS")
    assert ws[("events", "seminar")] == 36
    persons = {
        "township_leaders": 180,
        "county_leaders": 42,
        "village_cadres": 570,
        "residents": 874,
        "graduate_officials": 432,
        "enterprise_staff": 176,
    }
    for group, n in persons.items():
        assert ws[("persons", group)] == n, group
    assert ws[("persons", "")] == 2274  # 180 + 42 + 570 + 874 + 432 + 176
    assert sum(persons.values()) == 2274
    assert ws[("survey_issued", "")] == 2800
    assert ws[("survey_valid", "")] == 2600
    assert ws[("survey_effective_rate", "")] == pytest.approx(2600 / 2800)  # 92.9%
    assert round(ws[("survey_effective_rate", "")], 3) == 0.929
    # every township, park and the office had at least one visit: 20 of 20 children
    assert ws[("coverage", "")] == 1.0


def test_weishi_targets(weishi_kpis):
    ws = _figures(weishi_kpis, "WS")
    # research reports 62 of 60 -> completed; practical things 78 of 80 at the end of the period: 97.5%
    # against 100% elapsed, a gap of -2.5 points; the period has ended, so it is missed (未完成), not behind
    assert ws[("status", "research_reports")] == "completed"
    assert ws[("completion", "practical_things")] == pytest.approx(78 / 80)
    assert ws[("pace_gap", "practical_things")] == pytest.approx(-2.5)
    assert ws[("status", "practical_things")] == "missed"


def test_weishi_advanced_and_lagging_villages(weishi, weishi_kpis):
    totals = weishi_kpis[weishi_kpis["key"] == ""].pivot(index="unit_id", columns="metric", values="value")
    per_unit = totals[["events", "persons"]].astype(float)
    tags = weishi.units.set_index("unit_id")["tags"]
    out = tag_comparison(per_unit, tags).set_index("tag")
    assert out.loc["advanced", "units"] == 19
    assert out.loc["lagging", "units"] == 19
    assert out.loc["advanced", "visited_share"] == 1.0  # all 38 tagged villages were visited
    assert out.loc["lagging", "visited_share"] == 1.0


@pytest.mark.parametrize(
    ("indicator", "completion", "status"),
    [
        ("gdp", 0.5841, "ahead"),  # 208526 / 357000
        ("general_budget_revenue", 0.5020, "on_pace"),  # 5020 / 10000: gap +0.47 points < 1
        ("fiscal_revenue", 0.5278, "ahead"),  # 9500 / 18000: gap +3.05 points
        ("per_capita_income", 0.5817, "ahead"),  # 7682 / 13206
    ],
)
def test_shunhe_first_half_indicators(shunhe_kpis, indicator, completion, status):
    sh = _figures(shunhe_kpis, "SH")
    assert round(sh[("completion", indicator)], 4) == completion
    assert sh[("elapsed", indicator)] == pytest.approx(182 / 366)
    assert sh[("status", indicator)] == status


def test_shunhe_gdp_gap_and_as_of_ignores_july(shunhe_kpis):
    sh = _figures(shunhe_kpis, "SH")
    assert sh[("actual", "gdp")] == 208526  # not the 2012-07-31 value 241380
    # (208526/357000 - 182/366) x 100 = 58.41 - 49.73 = 8.68 points
    assert round(sh[("pace_gap", "gdp")], 2) == 8.68


def test_shunhe_livelihood_tasks_are_summed_from_the_communities(shunhe, shunhe_kpis):
    sh = _figures(shunhe_kpis, "SH")
    assert sh[("target", "livelihood_tasks")] == 66  # 12 + 10 + 13 + 11 + 9 + 11
    a = shunhe.actuals
    june = a[(a["indicator"] == "livelihood_tasks") & (a["date"] == pd.Timestamp("2012-06-30"))]
    assert len(june) == 6 and set(june["unit_id"]) == set(shunhe.hierarchy.children["SH"])
    assert sh[("actual", "livelihood_tasks")] == june["value"].sum()
    pace = unit_kpis(shunhe, "SH", shunhe.as_of()).targets.set_index("indicator")
    assert pace.loc["livelihood_tasks", "source"] == "children"
    assert pace.loc["gdp", "source"] == "own"


def test_regulator_root_contact_points_are_summed_from_the_bureaus(regulator):
    table = kpi_table(regulator, as_of=dt.date(2014, 3, 10))
    root = _figures(table, "CBRC")
    bureaus = regulator.hierarchy.children["CBRC"]
    assert len(bureaus) == 30
    assert root[("target", "contact_points")] == 90  # 30 bureaus x 3
    a = regulator.actuals
    final = a[a["date"] == pd.Timestamp("2014-03-10")]
    assert set(final["unit_id"]) == set(bureaus)
    assert root[("actual", "contact_points")] == final["value"].sum()

    # On 2014-02-28 the root sums the bureaus' values of that day; elapsed Feb 15..28 = 14 of 24 days.
    early = _figures(kpi_table(regulator, as_of=dt.date(2014, 2, 28)), "CBRC")
    assert early[("actual", "contact_points")] == a.loc[a["date"] == pd.Timestamp("2014-02-28"), "value"].sum()
    assert early[("elapsed", "contact_points")] == pytest.approx(14 / 24)


SAMPLE_UNITS = [
    ("weishi", "WS", "2010-05-31"),
    ("weishi", "WS-T01", "2010-04-15"),
    ("weishi", "WS-T01-V03", "2010-05-31"),
    ("shunhe", "SH", "2012-06-30"),
    ("shunhe", "SH-C01", "2012-06-30"),
    ("regulator", "CBRC", "2014-02-28"),
    ("regulator", "CBRC-SH", "2014-03-10"),
]


@pytest.mark.parametrize(("sample", "unit_id", "as_of"), SAMPLE_UNITS)
def test_unit_kpis_to_long_agrees_with_kpi_table(request, sample, unit_id, as_of):
    campaign = request.getfixturevalue(sample)
    when = campaign.as_of(as_of)
    table = kpi_table(campaign, as_of=when)
    long = unit_kpis(campaign, unit_id, as_of=when).to_long()
    assert list(long.columns) == KPI_COLUMNS
    expected = _figures(table, unit_id)
    got = _figures(long, unit_id)
    assert set(got) == set(expected)
    wrong = {k: (got[k], expected[k]) for k in got if not _same(got[k], expected[k])}
    assert wrong == {}


# --------------------------------------------------------------------------- a tiny campaign, by hand

TINY = {
    "units": UNITS_CSV,  # A -> B, C; B -> D
    "visits": (
        "date,unit_id,kind,group,persons\n"
        "2012-03-01,D,seminar,residents,5\n"
        "2012-03-02,B,visit,village_cadres,3\n"
        "2012-03-03,A,visit,residents,2\n"
        "2012-08-01,C,visit,residents,100\n"  # after 2012-06-30
        "2013-01-05,D,visit,residents,1\n"  # outside the campaign: flagged, not dropped
    ),
    "surveys": (
        "survey_id,unit_id,date,issued,returned,valid\n"
        "Q1,D,2012-03-01,10,10,10\n"
        "Q2,C,2012-03-05,90,45,9\n"
        "Q3,C,2012-09-01,1000,0,0\n"  # after 2012-06-30
    ),
}


@pytest.fixture
def tiny(make_campaign):
    return load_campaign(make_campaign(TINY))


def test_kpi_table_rolls_up_descendants_until_as_of(tiny):
    table = kpi_table(tiny, as_of=dt.date(2012, 6, 30))
    assert list(table.columns) == KPI_COLUMNS
    a, b, c, d = (_figures(table, u) for u in "ABCD")
    # A: D's seminar + B's visit + A's visit = 3 events; persons 5 + 3 + 2 = 10
    assert (a[("events", "")], a[("events", "seminar")], a[("events", "visit")]) == (3, 1, 2)
    assert (a[("persons", "")], a[("persons", "residents")], a[("persons", "village_cadres")]) == (10, 7, 3)
    assert a[("coverage", "")] == 0.5  # B covered (itself and through D), C only visited after as_of
    # A's surveys: Q1 + Q2 = 100 issued, 55 returned, 19 valid
    assert (a[("survey_issued", "")], a[("survey_returned", "")], a[("survey_valid", "")]) == (100, 55, 19)
    assert a[("survey_return_rate", "")] == pytest.approx(0.55)
    assert a[("survey_validity", "")] == pytest.approx(19 / 55)
    assert a[("survey_effective_rate", "")] == pytest.approx(0.19)
    # B: D's seminar + B's visit; its only child D is covered
    assert (b[("events", "")], b[("persons", "")], b[("coverage", "")]) == (2, 8, 1.0)
    # C: nothing before as_of; no children -> coverage no data
    assert (c[("events", "")], c[("persons", "")]) == (0, 0)
    assert math.isnan(c[("coverage", "")])
    assert c[("survey_return_rate", "")] == pytest.approx(0.5)  # 45 / 90
    assert math.isnan(d[("coverage", "")])
    assert ("events", "visit") not in d  # D's only visit before as_of is a seminar


def test_kpi_table_at_the_end_of_the_campaign(tiny):
    a = _figures(kpi_table(tiny, as_of=dt.date(2012, 12, 31)), "A")
    assert a[("events", "")] == 4  # the 2012-08-01 visit now counts; the 2013 one does not
    assert a[("coverage", "")] == 1.0
    assert a[("survey_issued", "")] == 1100  # 10 + 90 + 1000
    assert a[("survey_return_rate", "")] == pytest.approx(0.05)  # 55 / 1100


def test_a_second_date_counts_its_own_rows_from_the_rows_encoded_once(tiny):
    late = _figures(kpi_table(tiny, as_of=dt.date(2012, 12, 31)), "A")
    early = _figures(kpi_table(tiny, as_of=dt.date(2012, 6, 30)), "A")  # the rows encoded for 12-31, masked
    assert (late[("events", "")], early[("events", "")]) == (4, 3)
    assert (early[("persons", "")], early[("persons", "residents")]) == (10, 7)
    assert (late[("survey_issued", "")], early[("survey_issued", "")]) == (1100, 100)
    assert early[("coverage", "")] == 0.5


def test_kpi_table_zero_denominator_is_no_data(tiny):
    b = _figures(kpi_table(tiny, as_of=dt.date(2012, 2, 1)), "B")  # before any survey
    assert b[("survey_issued", "")] == 0
    assert math.isnan(b[("survey_return_rate", "")])


def test_unit_kpis_filters_and_children(tiny):
    k = unit_kpis(tiny, "A", as_of=dt.date(2012, 6, 30))
    assert (k.total_events, k.total_persons) == (3, 10)
    children = k.covered_children.set_index("unit_id")
    assert children.loc["B", "events"] == 2 and bool(children.loc["B", "covered"])
    assert children.loc["C", "events"] == 0 and not bool(children.loc["C", "covered"])
    assert unit_kpis(tiny, "A", as_of=dt.date(2012, 6, 30), kinds=["visit"]).total_persons == 5  # 3 + 2
    assert unit_kpis(tiny, "A", as_of=dt.date(2012, 6, 30), groups=["residents"]).total_persons == 7  # 5 + 2
    late = unit_kpis(tiny, "A", as_of=dt.date(2012, 6, 30), start="2012-03-02")
    assert late.total_events == 2  # B's and A's visits
    assert (late.surveys["issued"], late.surveys["valid"]) == (90, 9)  # only Q2


def test_unit_kpis_flags_cover_the_subtree_only(tiny):
    def found(unit_id: str) -> set[tuple]:
        flags = unit_kpis(tiny, unit_id, tiny.as_of()).flags
        return set(zip(flags["table"], flags["row"], flags["unit_id"], flags["flag"], strict=True))

    # persons 5, 3, 2, 100, 1: median 3, MAD median(2, 0, 1, 97, 2) = 2, z(100) = 0.6745 x 97 / 2 = 32.7
    # issued 10, 90, 1000: median 90, MAD median(80, 0, 910) = 80, z(1000) = 0.6745 x 910 / 80 = 7.7
    outliers = {("visits", 5, "C", "outlier"), ("surveys", 4, "C", "outlier")}
    late = ("visits", 6, "D", "out_of_period")
    assert found("A") == outliers | {late}
    assert found("B") == {late}  # D sits under B
    assert found("C") == outliers


def test_unit_kpis_unknown_unit(tiny):
    with pytest.raises(KeyError):
        unit_kpis(tiny, "Z", tiny.as_of())


def test_kpi_table_of_a_units_only_campaign_has_no_targets(make_campaign):
    campaign = load_campaign(make_campaign({"units": UNITS_CSV}))
    table = kpi_table(campaign, as_of=dt.date(2012, 6, 30))
    a = _figures(table, "A")
    assert a[("events", "")] == 0
    assert math.isnan(a[("survey_return_rate", "")])
    assert not table["metric"].isin(["target", "status"]).any()


def test_coverage_without_a_visits_table_is_no_data(make_campaign):
    # No visits table at all: coverage is unknown, not 0 %.
    from analytics import load_campaign
    from analytics.measures.kpis import kpi_table, unit_kpis

    folder = make_campaign({"units": "unit_id,name,parent_id\nA,a,\nB,b,A\n"})
    c = load_campaign(folder)
    assert math.isnan(unit_kpis(c, "A", c.as_of()).coverage)
    row = kpi_table(c, c.as_of()).query("unit_id == 'A' and metric == 'coverage'")
    assert math.isnan(float(row["value"].iloc[0]))
