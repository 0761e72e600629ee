"""Data-quality findings about targets and actuals (DOMAIN.md "Which actuals count", "No row is dropped in
silence"), the same findings through `validate` in both languages, and a hierarchy 1,500 levels deep."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics import load_campaign
from analytics.cli import main
from analytics.measures.findings import quality_flags
from analytics.measures.kpis import campaign_flags, kpi_table, unit_kpis
from analytics.text.labels import message

UNITS = "unit_id,name,parent_id\nC,县,\nT1,甲乡,C\nT2,乙乡,C\nV1,一村,T1\n"
TARGETS = ("unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
           "T1,gdp,1000,万元,2012-01-01,2012-12-31,sum\n"    # row 2: summed into C
           "T2,gdp,800,万元,2012-01-01,2012-12-31,sum\n"     # row 3: no actual by as_of
           "C,share,90,%,2012-01-01,2012-12-31,none\n")     # row 4
ACTUALS = ("unit_id,indicator,date,value\n"
           "T1,gdp,2012-03-31,300\n"       # row 2
           "T1,gdp,2012-05-31,520\n"       # row 3
           "T1,gdp,2012-06-30,500\n"       # row 4: falls from 520
           "C,gdp,2012-06-30,2000\n"       # row 5: C's gdp is summed from T1 and T2: not counted
           "V1,gdp,2012-06-30,10\n"        # row 6: V1 has no gdp target, own or summed: not counted
           "C,share,2012-06-30,85\n"       # row 7
           "T2,gdp,2012-07-31,400\n")      # row 8: after as_of
META = "id: t\nname: {zh: 测试, en: Test}\nstart: 2012-01-01\nend: 2012-12-31\nas_of: 2012-06-30\n"


def _campaign(make_campaign):
    return load_campaign(make_campaign({"units": UNITS, "targets": TARGETS, "actuals": ACTUALS}, meta=META))


def test_actuals_not_counted_targets_without_actuals_and_falling_actuals_are_listed(make_campaign):
    campaign = _campaign(make_campaign)
    flags = campaign_flags(campaign, campaign.as_of())
    found = list(zip(flags["table"], flags["row"], flags["unit_id"], flags["flag"], strict=True))
    assert found == [
        ("actuals", 4, "T1", "decreasing_actual"),
        ("actuals", 5, "C", "actual_not_counted"),
        ("actuals", 6, "V1", "actual_not_counted"),
        ("targets", 3, "T2", "no_actual"),
    ]
    detail = dict(zip(flags["row"] + (flags["table"] == "targets") * 100, flags["detail"], strict=True))
    assert detail[4] == "cumulative gdp falls from 520 (2012-05-31, row 3) to 500 (2012-06-30)"
    assert detail[5] == "C's gdp is the sum of its units below: this actual of its own is not counted"
    assert detail[6] == "V1 has no target of gdp, own or summed from its units below: this actual is not counted"
    assert detail[103] == "no actual reported for gdp on or before 2012-06-30"
    # Every detail reads in Chinese from its code and parameters.
    zh = [message(c, "zh", **p) for c, p in zip(flags["code"], flags["params"], strict=True)]
    assert zh[3] == "截至2012-06-30，gdp没有填报实际值"


def test_no_actual_depends_on_as_of(make_campaign):
    campaign = _campaign(make_campaign)
    later = campaign_flags(campaign, dt.date(2012, 7, 31))
    assert "no_actual" not in set(later["flag"])  # T2 reported on 2012-07-31
    early = campaign_flags(campaign, dt.date(2012, 2, 29))
    assert set(early.loc[early["flag"] == "no_actual", "unit_id"]) == {"T1", "T2", "C"}


def test_unit_pages_list_the_findings_of_their_subtree(make_campaign):
    campaign = _campaign(make_campaign)
    k = unit_kpis(campaign, "T1", campaign.as_of())
    assert set(zip(k.flags["unit_id"], k.flags["flag"], strict=True)) == {
        ("T1", "decreasing_actual"), ("V1", "actual_not_counted")}


def test_validate_prints_findings_and_exits_0(make_campaign, capsys):
    folder = make_campaign({"units": UNITS, "targets": TARGETS, "actuals": ACTUALS}, meta=META)
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "4 data-quality findings (shown in the report too; not errors):" in out
    assert "  ! targets.csv, row 3: T2: No actual reported: no actual reported for gdp on or before 2012-06-30" in out
    assert main(["validate", "--language", "zh", str(folder)]) == 0
    assert "  ! targets.csv，第3行：T2：未填报实际值：截至2012-06-30，gdp没有填报实际值" in capsys.readouterr().out


def test_quality_flags_without_hierarchy_treat_every_unit_as_a_root():
    targets = pd.DataFrame({"unit_id": ["A"], "indicator": ["x"], "target": [1.0], "measure": ["件"],
                            "period_start": [pd.Timestamp("2012-01-01")], "period_end": [pd.Timestamp("2012-12-31")],
                            "aggregation": ["sum"]}, index=[2])
    actuals = pd.DataFrame({"unit_id": ["B"], "indicator": ["x"], "date": [pd.Timestamp("2012-03-01")],
                            "value": [1.0]}, index=[2])
    flags = quality_flags({"targets": targets, "actuals": actuals}, {"A", "B"}, dt.date(2012, 1, 1),
                          dt.date(2012, 12, 31))
    assert list(zip(flags["table"], flags["flag"], strict=True)) == [("actuals", "actual_not_counted"),
                                                                      ("targets", "no_actual")]


def test_a_hierarchy_1500_levels_deep_loads_rolls_up_and_validates(make_campaign, capsys):
    depth = 1500
    units = ["unit_id,name,parent_id", "U0,根,"] + [f"U{i},第{i}级,U{i - 1}" for i in range(1, depth)]
    visits = "date,unit_id,kind,group,persons\n" + f"2012-03-01,U{depth - 1},visit,residents,7\n"
    targets = ("unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
               f"U{depth - 1},x,10,件,2012-01-01,2012-12-31,sum\n")
    actuals = f"unit_id,indicator,date,value\nU{depth - 1},x,2012-03-01,4\n"
    folder = make_campaign({"units": "\n".join(units) + "\n", "visits": visits, "targets": targets,
                            "actuals": actuals}, meta=META)
    campaign = load_campaign(folder)
    kpis = kpi_table(campaign, campaign.as_of())
    root = kpis[kpis["unit_id"] == "U0"].set_index(["metric", "key"])["value"]
    assert root[("persons", "")] == 7  # the one visit at the deepest unit rolls up 1,499 levels
    assert root[("completion", "x")] == 0.4  # 4 / 10, summed up through every level
    assert main(["validate", str(folder)]) == 0
    assert "units: 1500 (1 root)" in capsys.readouterr().out


def test_grouped_modified_z_is_modified_z_per_group():
    """The vectorised per-group score gives modified_z's figures group by group (MAD, or the mean absolute
    deviation when more than half the values are equal, or zeros), and zeros in groups of fewer than three."""

    from analytics.measures.findings import grouped_modified_z, modified_z

    values = pd.Series([10, 12, 11, 300, 5, 5, 5, 5, 90, 7, 7, 7, 1, 2, np.nan, 4, 4, 6], dtype=float,
                       index=range(100, 118))
    groups = pd.Series(list("aaaabbbbbcccddeeee"), index=values.index)
    expected = values.groupby(groups, sort=False).transform(
        lambda p: modified_z(p) if len(p) >= 3 else pd.Series(0.0, index=p.index))
    got = grouped_modified_z(values, groups)
    pd.testing.assert_series_equal(got, expected, check_names=False)
    # worked by hand for group a (10, 12, 11, 300): median 11.5, deviations 1.5 0.5 0.5 288.5, MAD 1.0
    assert got.loc[103] == pytest.approx(0.6745 * 288.5)
    # group b (5, 5, 5, 5, 90): MAD 0, mean absolute deviation 85 / 5 = 17
    assert got.loc[108] == pytest.approx(85 / (1.253314 * 17))
    assert (got.loc[[112, 113]] == 0).all()  # group d has two values
    assert (got.loc[[109, 110, 111]] == 0).all()  # group c: no spread at all
