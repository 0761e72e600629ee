"""The explorer's panel computes the comparison rows of only the units it reads (report.comparison.family_comparison):
they are exactly the rows the unit's page reads from the whole published table, with and without an earlier
period, with and without an appraisal, and with restated figures from a reports folder's snapshots."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import load_campaign
from analytics.measures.change import comparison_date
from analytics.measures.kpis import kpi_table
from analytics.report.comparison import Comparison, family_comparison, published_table, unit_comparison
from analytics.report.history import publish, published_kpis

from builders import SHUNHE, WEISHI


def _units(campaign) -> list[str]:
    """The root, a unit in the middle of the tree (with children and a parent) and a leaf."""
    h = campaign.hierarchy
    root = h.roots[0]
    middle = next(u for u in h.ids if h.parent[u] is not None and h.children[u])
    leaf = next(u for u in h.ids if not h.children[u])
    return [root, middle, leaf]


def _assert_same(family: Comparison, whole: Comparison) -> None:
    pd.testing.assert_frame_equal(family.rows, whole.rows)
    assert family.unit_id == whole.unit_id
    assert family.thresholds == whole.thresholds
    assert (family.previous_as_of, family.off) == (whole.previous_as_of, whole.off)
    for u in family.rows["unit_id"].unique():
        assert family.restatements(u) == whole.restatements(u)


@pytest.mark.parametrize(("folder", "days"), [
    (WEISHI, (dt.date(2010, 4, 15), dt.date(2010, 5, 31))),  # no appraisal: progress ranks
    (SHUNHE, (dt.date(2012, 3, 31), dt.date(2012, 6, 30))),  # an appraisal: its ranks, ratings, commitments
])
@pytest.mark.parametrize("compare_to", [None, "none", "start"])
def test_the_family_rows_are_the_published_tables(folder, days, compare_to):
    campaign = load_campaign(folder)
    for as_of in days:
        against = campaign.meta.start if compare_to == "start" else compare_to
        table = published_table(campaign, as_of, 1.0, against)
        for unit_id in _units(campaign):
            whole = unit_comparison(campaign, table, unit_id, as_of, 1.0, against)
            family = family_comparison(campaign, unit_id, as_of, 1.0, against)
            assert len(family.rows), (unit_id, as_of)
            _assert_same(family, whole)


def test_restated_figures_from_the_reports_folders_snapshots(tmp_path):
    campaign = load_campaign(SHUNHE)
    as_of = dt.date(2012, 6, 30)
    previous = comparison_date(campaign, as_of)
    root = campaign.hierarchy.roots[0]
    # A snapshot of the previous date whose root's event count differs from the data's now: a restated figure.
    then = kpi_table(campaign, previous)
    at = (then["unit_id"].eq(root) & then["metric"].eq("events") & then["key"].eq("")).to_numpy()
    then.loc[at, "value"] = int(then.loc[at, "value"].iloc[0]) + 1
    assert publish(published_kpis(campaign, then, previous, 1.0, tmp_path), tmp_path) is not None
    table = published_table(campaign, as_of, 1.0, None, tmp_path)
    for unit_id in _units(campaign):
        whole = unit_comparison(campaign, table, unit_id, as_of, 1.0)
        _assert_same(family_comparison(campaign, unit_id, as_of, 1.0, None, tmp_path), whole)
    restated = family_comparison(campaign, root, as_of, 1.0, None, tmp_path).restatements(root)
    assert [(r.kind, r.metric) for r in restated] == [("restated", "events")]
