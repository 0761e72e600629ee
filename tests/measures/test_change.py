"""measures.change.compared_kpis and level indicators, on a hand-made campaign and on Shunhe; every expected
figure worked out by hand here.

The small campaign: root R with children A and B, monthly reporting, as_of 2012-06-30 compared with 2012-05-31.
Elapsed share of 2012 (366 days): 31 May is day 152 (31+29+31+30+31), 30 June day 182.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from analytics import load_campaign
from analytics.errors import UsageError
from analytics.measures.change import compared_kpis
from analytics.measures.kpis import campaign_pace, kpi_table, status_counts

META = "id: t\nname: {zh: 测试, en: Test}\nstart: 2012-01-01\nend: 2012-12-31\nas_of: 2012-06-30\n"
UNITS = "unit_id,name,parent_id\nR,总,\nA,甲,R\nB,乙,R\n"
# Boundary dates: a row on the previous as_of (31 May) is not added in the period, one on as_of (30 June) is,
# one after as_of (1 July) is not counted at all.
VISITS = ("date,unit_id,kind,group,persons\n"
          "2012-05-31,A,visit,residents,5\n"
          "2012-06-01,A,seminar,staff,7\n"
          "2012-06-30,B,visit,residents,11\n"
          "2012-07-01,B,visit,residents,13\n")
# share: a level indicator (五好 share to reach 90) whose period ends on 15 June, written as `sum`: read as none.
TARGETS = ("unit_id,indicator,target,measure,period_start,period_end,aggregation,pacing\n"
           "A,gdp,100,万元,2012-01-01,2012-12-31,sum,\n"
           "B,gdp,100,万元,2012-01-01,2012-12-31,sum,linear\n"
           "A,share,90,%,2012-01-01,2012-06-15,sum,level\n")
ACTUALS = ("unit_id,indicator,date,value\n"
           "A,gdp,2012-05-31,40\nA,gdp,2012-06-30,50\n"
           "B,gdp,2012-05-31,30\nB,gdp,2012-06-30,60\n"
           "A,share,2012-05-15,80\n")


@pytest.fixture
def small(make_campaign):
    return load_campaign(make_campaign({"units": UNITS, "visits": VISITS, "targets": TARGETS, "actuals": ACTUALS},
                                       meta=META))


def _rows(table, unit, metric):
    part = table[(table["unit_id"] == unit) & (table["metric"] == metric)]
    return dict(zip(part["key"], part["value"], strict=True))


def test_level_indicator_is_read_as_never_summed_and_noted(small):
    assert [n.code for n in small.notes] == ["rule.level_not_summed"]
    assert small.targets.set_index("indicator").loc["share", "aggregation"] == "none"
    pace = campaign_pace(small, dt.date(2012, 6, 30))
    assert set(pace.loc[pace["unit_id"] == "R", "indicator"]) == {"gdp"}  # R sums gdp, never the share


def test_level_indicator_before_and_after_its_period_end(small):
    before = kpi_table(small, dt.date(2012, 5, 31))
    after = kpi_table(small, dt.date(2012, 6, 30))
    for table, status in ((before, "below"), (after, "missed")):
        share = {m: v for (u, m, k, v) in table.itertuples(index=False) if u == "A" and k == "share"}
        # completion 80 ÷ 90; the gap is actual − target in the indicator's measure (points, as it is a %): −10
        assert set(share) == {"target", "actual", "completion", "level_gap", "status"}  # no elapsed, no pace_gap
        assert share["completion"] == pytest.approx(80 / 90)
        assert share["level_gap"] == -10.0
        assert share["status"] == status
    # below counts as lagging: A at 31 May has gdp behind (40% − 41.53%) and the share below
    pace = campaign_pace(small, dt.date(2012, 5, 31))
    counts = status_counts(pace[pace["unit_id"] == "A"], pace[pace["unit_id"] == "A"]["unit_id"].unique())
    assert counts.loc["A", "targets_below"] == 1 and counts.loc["A", "targets_lagging"] == 2


def test_a_level_indicator_reaching_its_target_is_completed(make_campaign):
    actuals = ACTUALS + "A,share,2012-06-01,90\n"
    c = load_campaign(make_campaign({"units": UNITS, "targets": TARGETS, "actuals": actuals}, meta=META))
    pace = campaign_pace(c, dt.date(2012, 6, 10)).set_index(["unit_id", "indicator"])
    assert pace.loc[("A", "share"), "status"] == "completed" and pace.loc[("A", "share"), "level_gap"] == 0.0


def test_changes_in_points_and_statuses_before(small):
    t = compared_kpis(small)
    assert _rows(t, "R", "previous_as_of") == {"": "2012-05-31"}
    # A: 40% -> 50% = +10 points; gap −1.530055 (40 − 152/366) -> +0.273224 (50 − 182/366): +1.803279
    # B: 30% -> 60% = +30 points; R sums gdp: 70/200 = 35% -> 110/200 = 55%: +20 points
    assert _rows(t, "A", "completion_previous") == {"gdp": pytest.approx(0.40)}  # the share: not comparable
    assert _rows(t, "A", "completion_change") == {"gdp": pytest.approx(10.0)}
    assert _rows(t, "B", "completion_change") == {"gdp": pytest.approx(30.0)}
    assert _rows(t, "R", "completion_change") == {"gdp": pytest.approx(20.0)}
    assert _rows(t, "A", "pace_gap_previous") == {"gdp": pytest.approx(40 - 15200 / 366)}
    assert _rows(t, "A", "pace_gap_change") == {"gdp": pytest.approx(10 - 3000 / 366)}
    # the share's period ended on 15 June, before as_of: no comparable period, but its status before is known
    assert _rows(t, "A", "status_previous") == {"gdp": "behind", "share": "below"}
    assert _rows(t, "B", "status_previous") == {"gdp": "behind"}  # 30 − 41.53 = −11.53 points
    assert _rows(t, "B", "status") == {"gdp": "ahead"}  # 60 − 49.73 = +10.27 points


def test_lights_now_and_before(small):
    t = compared_kpis(small)
    assert _rows(t, "R", "light_threshold") == {"yellow": 10.0, "red": 30.0}
    assert _rows(t, "A", "light_threshold") == {}  # the root's only
    # A: gdp none both times; the share yellow (below) before, red (missed) now -> A yellow before, red now
    assert _rows(t, "A", "light") == {"gdp": "none", "share": "red", "": "red"}
    assert _rows(t, "A", "light_previous") == {"gdp": "none", "share": "yellow", "": "yellow"}
    # B: −11.53 points before (yellow: −30 < gap ≤ −10), +10.27 now
    assert _rows(t, "B", "light_previous") == {"gdp": "yellow", "": "yellow"}
    assert _rows(t, "B", "light") == {"gdp": "none", "": "none"}
    assert _rows(t, "R", "light") == {"gdp": "none", "": "none"}  # +5.27 points now, −6.53 before


def test_events_and_persons_added_on_the_boundary_dates(small):
    t = compared_kpis(small)
    # A: 31 May is the previous as_of itself (not added), 1 June is added; B: 30 June (as_of) added, 1 July not.
    assert _rows(t, "A", "events_added") == {"": 1, "seminar": 1, "visit": 0}
    assert _rows(t, "A", "persons_added") == {"": 7, "residents": 0, "staff": 7}
    assert _rows(t, "B", "events_added") == {"": 1, "visit": 1}
    assert _rows(t, "R", "events_added") == {"": 2, "seminar": 1, "visit": 1}
    assert _rows(t, "R", "persons_added") == {"": 18, "residents": 11, "staff": 7}


def test_progress_rank_before_and_now(small):
    t = compared_kpis(small)
    # now: B +10.273224 ahead of A +0.273224; before: A −1.530055 ahead of B −11.530055 -> they swap
    assert (_rows(t, "A", "progress_rank"), _rows(t, "B", "progress_rank")) == ({"": 2}, {"": 1})
    assert (_rows(t, "A", "progress_rank_previous"), _rows(t, "B", "progress_rank_previous")) == ({"": 1}, {"": 2})
    assert _rows(t, "R", "progress_rank") == {"": 1}
    assert _rows(t, "R", "rank_previous") == {}  # no appraisal: progress ranks only


def test_a_level_indicator_compared_inside_its_period_has_no_pace_rows(small):
    t = compared_kpis(small, dt.date(2012, 6, 10), "2012-06-01")
    assert _rows(t, "A", "completion_change") == {"gdp": pytest.approx(0.0), "share": pytest.approx(0.0)}
    assert set(_rows(t, "A", "pace_gap_change")) == {"gdp"}
    assert set(_rows(t, "A", "pace_gap_previous")) == {"gdp"}


def test_no_earlier_period_and_comparisons_off(small):
    early = compared_kpis(small, dt.date(2012, 1, 31))  # -> 2011-12-31, before the start
    off = compared_kpis(small, compare_to="none")
    for t in (early, off):
        assert not t["metric"].isin(["previous_as_of", "completion_change", "events_added", "light_previous"]).any()
        assert _rows(t, "R", "light_threshold") == {"yellow": 10.0, "red": 30.0}  # the lights are still there
    with pytest.raises(UsageError):
        compared_kpis(small, compare_to="2012-06-30")


def test_the_table_is_the_kpi_table_plus_the_new_rows(small):
    t = compared_kpis(small)
    base = kpi_table(small, small.as_of())
    new = t[~t["metric"].isin(base["metric"].unique())]
    assert len(t) == len(base) + len(new)
    kept = t[t["metric"].isin(base["metric"].unique())].reset_index(drop=True)
    assert kept.equals(base.astype({"value": object}).reset_index(drop=True))


def test_shunhe_june_against_may(shunhe):
    """Shunhe at 2012-06-30 against 2012-05-31 (the speech's figures, DOMAIN.md): 地区生产总值 164,736 -> 208,526
    of 357,000 (10k yuan): 46.14% -> 58.41%, +12.27 points; 11 visit rows dated 1-30 June (7, 9, 12, 23, 25 ×3,
    27, 28, 29 and 30 June) with 223 person-times (4+27+55+4+3+46+24+6+36+4+14)."""
    t = compared_kpis(shunhe)
    assert _rows(t, "SH", "previous_as_of") == {"": "2012-05-31"}
    assert round(_rows(t, "SH", "completion_previous")["gdp"] * 100, 2) == 46.14
    assert round(_rows(t, "SH", "completion")["gdp"] * 100, 2) == 58.41
    assert round(_rows(t, "SH", "completion_change")["gdp"], 2) == 12.27
    assert _rows(t, "SH", "events_added")[""] == 11
    assert _rows(t, "SH", "persons_added")[""] == 223
    # five_good_share is a level indicator: 90 of 100 by 30 June, below target (yellow), gap −10 points;
    # no actual by 31 May, so no data and no light then
    share = {m: v for (u, m, k, v) in t.itertuples(index=False) if u == "SH" and k == "five_good_share"}
    assert share["status"] == "below" and share["level_gap"] == -10.0 and share["light"] == "yellow"
    assert share["status_previous"] == "no_data" and "light_previous" not in share
    assert math.isnan(share["completion_change"])
    assert not {"elapsed", "pace_gap", "pace_gap_change"} & set(share)
    # with an appraisal, the rank before is the appraisal's rank among siblings
    assert _rows(t, "SH", "rank_previous") == {"": 1}
    assert "progress_rank" not in set(t["metric"])


def test_kpis_command_writes_the_comparison_rows_and_refuses_a_bad_date(make_campaign, tmp_path, capsys):
    import csv

    from analytics.cli import main

    folder = make_campaign({"units": UNITS, "visits": VISITS, "targets": TARGETS, "actuals": ACTUALS}, meta=META)
    out = tmp_path / "kpis.csv"
    assert main(["kpis", str(folder), "--out", str(out)]) == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = {(r["unit_id"], r["metric"], r["key"]): r["value"] for r in csv.DictReader(fh)}
    assert rows[("R", "previous_as_of", "")] == "2012-05-31"
    assert rows[("R", "events_added", "")] == "2"
    assert float(rows[("A", "completion_change", "gdp")]) == pytest.approx(10.0)
    assert main(["kpis", str(folder), "--compare-to", "2012-06-30", "--out", str(out)]) == 2
    assert "before as_of" in capsys.readouterr().err
    assert main(["kpis", str(folder), "--as-of", "2012-01-20", "--out", str(out)]) == 0
    assert "no earlier period: 2011-12-20 is before the start" in capsys.readouterr().err
