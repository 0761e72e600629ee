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


def _family_rows_computed(monkeypatch) -> list:
    """The unit lists family_comparison computes comparison rows of (none when it slices the whole table)."""
    import analytics.report.comparison as comparison

    asked: list = []
    whole = comparison.compared_kpis

    def counted(*args, **kwargs):
        if kwargs.get("units") is not None:
            asked.append(kwargs["units"])
        return whole(*args, **kwargs)

    monkeypatch.setattr(comparison, "compared_kpis", counted)
    return asked


@pytest.mark.parametrize("folder", [WEISHI, SHUNHE])
def test_the_memoised_whole_table_is_sliced_with_the_same_figures(folder, monkeypatch):
    asked = _family_rows_computed(monkeypatch)
    campaign = load_campaign(folder).narrowed({})  # the same rows, an empty memo
    as_of = campaign.as_of()
    units = _units(campaign)
    computed = {u: family_comparison(campaign, u, as_of, 1.0) for u in units}  # nothing memoised: the family's rows
    assert len(asked) == len(units)
    published_table(campaign, as_of, 1.0)
    for unit_id in units:
        _assert_same(family_comparison(campaign, unit_id, as_of, 1.0), computed[unit_id])
    assert len(asked) == len(units)  # the memoised table was sliced: no family's rows computed
    other = comparison_date(campaign, as_of)  # another as_of, whose whole table is not memoised
    family_comparison(campaign, units[0], other, 1.0)
    assert len(asked) == len(units) + 1


def test_the_explorer_builds_the_whole_table_at_the_default_as_of_only(monkeypatch):
    from analytics.explore.state import CampaignIndex, Query

    asked = _family_rows_computed(monkeypatch)
    campaign = load_campaign(WEISHI).narrowed({})  # the same rows, an empty memo
    index = CampaignIndex(campaign)
    reference = load_campaign(WEISHI).narrowed({})
    home = campaign.as_of()
    units = _units(campaign)
    for unit_id in units:
        q = Query(unit_id, home)
        whole = unit_comparison(reference, published_table(reference, home, 1.0), unit_id, home, 1.0)
        _assert_same(index.comparison(q), whole)
    assert asked == []  # at the default as_of, slices of the table built once
    assert any(isinstance(k, tuple) and k[:2] == ("published_table", home) for k in campaign.memo)
    other = comparison_date(campaign, home)
    for unit_id in units:
        q = Query(unit_id, other)
        whole = unit_comparison(reference, published_table(reference, other, 1.0), unit_id, other, 1.0)
        _assert_same(index.comparison(q), whole)
    assert len(asked) == len(units)  # elsewhere, the family's rows alone
    assert not any(isinstance(k, tuple) and k[:2] == ("published_table", other) for k in campaign.memo)
