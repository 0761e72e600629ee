"""Change since the previous period (环比): the KPI table at as_of with DOMAIN.md's comparison rows, recomputed from
the same data at the previous as_of (every row is dated, actuals are cumulative).

One campaign-wide pass per date: the KPI table at as_of (analytics.measures.kpis.cached_kpi_table, shared with the
run's other downloads), the target figures (analytics.measures.kpis.campaign_pace) at both dates, and at the previous
date only what is compared (the activity rollup from rows encoded once; the whole KPI table when an appraisal ranks
the units), then column-wise joins; nothing per unit.

Rows added to the KPI table (kpis.csv codes):

- at as_of: `light` (key = indicator, `grassroots_coverage` with coverage lights, '' for the unit's worst),
  `light_threshold` (roots only, key `yellow` / `red`, points), `progress_rank` (without an appraisal);
- with an earlier period: `previous_as_of` (key ''), `completion_previous`, `pace_gap_previous`,
  `completion_change`, `pace_gap_change` (key = indicator; changes in percentage points; only when both dates
  fall in the same target period, and no pace rows for a level indicator), `status_previous`, `light_previous`,
  `events_added` (key = kind or ''), `persons_added` (key = group or ''), `progress_rank_previous` (without an
  appraisal), `rank_previous` and `appraisal_score_change` (with one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

import numpy as np
import pandas as pd

from analytics.data.campaign import Campaign
from analytics.frames import sorted_by
from analytics.measures.kpis import (
    KPI_COLUMNS,
    METRICS,
    cached_kpi_table,
    campaign_pace,
    campaign_rollup,
    keyed_rows,
    kpi_table,
)
from analytics.measures.lights import coverage_lights, indicator_lights, worst_lights
from analytics.measures.periods import parse_compare_to
from analytics.measures.ranks import progress_ranks
from analytics.measures.vocabulary import Pacing

COMPARISON_METRICS = (
    "previous_as_of", "completion_previous", "pace_gap_previous", "completion_change", "pace_gap_change",
    "status_previous", "light_threshold", "light", "light_previous", "events_added", "persons_added",
    "progress_rank", "progress_rank_previous", "rank_previous", "appraisal_score_change",
)
COVERAGE_KEY = "grassroots_coverage"


def compared_kpis(campaign: Campaign, as_of: dt.date | str | None = None, compare_to: object = None,
                  tolerance: float = 1.0, units: Collection[str] | None = None) -> pd.DataFrame:
    """kpi_table at as_of plus the comparison rows above, in the KPI table's long form (unit_id, metric, key,
    value), units in file order and metrics in METRICS then COMPARISON_METRICS order.

    compare_to: None for the previous period by campaign.yaml's `reporting.period` (no earlier-period rows when
    it falls before the start), "none" for no comparison, or a date D with start ≤ D < as_of (else UsageError).
    units: only these units' rows, the same rows as the whole table's (a page reads its unit's and its children's):
    every unit's figures are computed as before (ranks compare siblings), only the joins and the ordering are
    done for fewer rows.
    """
    when = campaign.as_of(as_of)
    settings = campaign.meta.reporting
    previous = parse_compare_to(compare_to, start=campaign.meta.start, as_of=when, period=settings.period)
    ids = campaign.hierarchy.ids if units is None else _in_file_order(campaign, units)
    keep = _keeper(ids, units is not None)
    now = _kpi_rows(campaign, when, tolerance, ids, units is not None)
    pace = campaign_pace(campaign, when, tolerance)
    lights = _lights(campaign, now, keep(pace))
    parts = [now, lights, keep(_thresholds(campaign))]
    appraised = campaign.whole.meta.appraisal is not None
    if not appraised:
        parts.append(keep(_ranks(campaign, pace, "progress_rank")))
    if previous is not None:
        if appraised:
            before = _kpi_rows(campaign, previous, tolerance, ids, units is not None)
        else:
            before = _activity_at(campaign, previous, ids)
        before_pace = campaign_pace(campaign, previous, tolerance)
        parts += [
            _frame(pd.Series(previous.isoformat(), index=pd.Index(ids)), "previous_as_of"),
            *_target_changes(keep(pace), keep(before_pace), previous, when),
            _renamed(_lights(campaign, before, keep(before_pace)), "light_previous"),
            _added(now, before, "events"), _added(now, before, "persons"),
        ]
        if appraised:
            parts += [_renamed(before[before["metric"] == "rank"], "rank_previous"),
                      _score_change(now, before)]
        else:
            parts.append(keep(_ranks(campaign, before_pace, "progress_rank_previous")))
    return _ordered(campaign, pd.concat([p.astype({"value": object}) for p in parts if len(p)], ignore_index=True))


def comparison_date(campaign: Campaign, as_of: dt.date, compare_to: object = None) -> dt.date | None:
    """The date as_of is compared with (compared_kpis' rule), or None: no comparison."""
    return parse_compare_to(compare_to, start=campaign.meta.start, as_of=as_of, period=campaign.meta.reporting.period)


def _activity_at(campaign: Campaign, when: dt.date, units: list[str]) -> pd.DataFrame:
    """The KPI rows the comparison reads at the previous date without an appraisal, of `units`: events and persons
    (total and by key) and grassroots coverage, from one rollup of the rows encoded once; the rest of the KPI table
    at that date (surveys, ratings, commitments) is not compared, so not computed."""
    rolled = campaign_rollup(campaign, when).rolled(units, [])
    t = rolled.totals
    return pd.concat([_frame(t["events"], "events"), _frame(t["persons"], "persons"),
                      keyed_rows(rolled.events, "events"), keyed_rows(rolled.persons, "persons"),
                      _frame(t["grassroots_coverage"], "grassroots_coverage")], ignore_index=True)


def _kpi_rows(campaign: Campaign, when: dt.date, tolerance: float, units: list[str], narrow: bool) -> pd.DataFrame:
    """The KPI table at `when` (kept on the campaign, the run's downloads share it), or when `narrow` its rows of
    `units` alone."""
    return kpi_table(campaign, when, tolerance, tuple(units)) if narrow else cached_kpi_table(campaign, when, tolerance)


def _in_file_order(campaign: Campaign, units: Collection[str]) -> list[str]:
    """The units, each once, in the units file's order (KeyError for an unknown one)."""
    h = campaign.hierarchy
    for unit_id in units:
        if unit_id not in h.parent:
            raise KeyError(f"unknown unit_id {unit_id!r}")
    asked = set(units)
    return [u for u in h.ids if u in asked]


def _keeper(units: list[str], narrow: bool) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """A function giving a frame's rows of `units` (in the frame's order), or the frame itself when not `narrow`."""
    if not narrow:
        return lambda frame: frame
    wanted = pd.Index(units)
    return lambda frame: frame[wanted.get_indexer(frame["unit_id"]) >= 0]


def _frame(values: pd.Series, metric: str, key: str = "") -> pd.DataFrame:
    """Long rows of one metric from a Series indexed by unit_id."""
    return pd.DataFrame({"unit_id": values.index.to_numpy(dtype=object), "metric": metric, "key": key,
                         "value": values.to_numpy(dtype=object)}, columns=KPI_COLUMNS)


def _renamed(rows: pd.DataFrame, metric: str) -> pd.DataFrame:
    return rows.assign(metric=metric)[KPI_COLUMNS]


def _lights(campaign: Campaign, table: pd.DataFrame, pace: pd.DataFrame) -> pd.DataFrame:
    """`light` rows of one date: per indicator with data, per unit's grassroots coverage when coverage lights are
    set, and each unit's worst (key '')."""
    settings = campaign.meta.reporting.lights
    each = pd.DataFrame({"unit_id": pace["unit_id"].to_numpy(dtype=object), "metric": "light",
                         "key": pace["indicator"].to_numpy(dtype=object),
                         "value": indicator_lights(pace, settings.yellow, settings.red).to_numpy(dtype=object)})
    if settings.coverage is not None and "visits" in campaign.present:
        coverage = table[(table["metric"] == "grassroots_coverage") & (table["key"] == "")]
        shown = coverage_lights(coverage["value"], settings.coverage.yellow, settings.coverage.red)
        each = pd.concat([each, pd.DataFrame({"unit_id": coverage["unit_id"].to_numpy(dtype=object), "metric": "light",
                                              "key": COVERAGE_KEY, "value": shown.to_numpy(dtype=object)})],
                         ignore_index=True)
    each = each[each["value"].notna().to_numpy(dtype=bool)]
    worst = worst_lights(each["unit_id"], each["value"])
    return pd.concat([each, _frame(worst, "light")], ignore_index=True)


def _thresholds(campaign: Campaign) -> pd.DataFrame:
    """light_threshold rows of the roots: yellow and red, in points behind pace."""
    lights = campaign.meta.reporting.lights
    roots = pd.Index(campaign.hierarchy.roots)
    return pd.concat([_frame(pd.Series(lights.yellow, index=roots), "light_threshold", "yellow"),
                      _frame(pd.Series(lights.red, index=roots), "light_threshold", "red")], ignore_index=True)


def _ranks(campaign: Campaign, pace: pd.DataFrame, metric: str) -> pd.DataFrame:
    whole = campaign.whole.hierarchy
    return _frame(progress_ranks(pace, whole.parent), metric) if len(pace) else pd.DataFrame(columns=KPI_COLUMNS)


def _target_changes(now: pd.DataFrame, before: pd.DataFrame, previous: dt.date, when: dt.date) -> list[pd.DataFrame]:
    """completion/pace_gap previous and change (points) where both dates fall in the same target period;
    status_previous for every indicator the previous date has."""
    keys = ["unit_id", "indicator"]
    columns = [*keys, "period_start", "period_end", "completion", "pace_gap", "status"]
    joined = now[[*columns, "pacing"]].merge(before[columns], on=keys, how="inner", suffixes=("", "_previous"))
    same = ((joined["period_start"] == joined["period_start_previous"])
            & (joined["period_end"] == joined["period_end_previous"])
            & (joined["period_start"] <= pd.Timestamp(previous)) & (pd.Timestamp(when) <= joined["period_end"]))
    comparable = joined[same.to_numpy(dtype=bool)]
    linear = comparable[comparable["pacing"].ne(Pacing.LEVEL).to_numpy(dtype=bool)]

    def rows(frame: pd.DataFrame, metric: str, values) -> pd.DataFrame:
        return pd.DataFrame({"unit_id": frame["unit_id"].to_numpy(dtype=object), "metric": metric,
                             "key": frame["indicator"].to_numpy(dtype=object),
                             "value": np.asarray(values, dtype=object)}, columns=KPI_COLUMNS)

    completion = pd.to_numeric(comparable["completion"]).to_numpy(dtype="float64")
    completion_before = pd.to_numeric(comparable["completion_previous"]).to_numpy(dtype="float64")
    gap = pd.to_numeric(linear["pace_gap"]).to_numpy(dtype="float64")
    gap_before = pd.to_numeric(linear["pace_gap_previous"]).to_numpy(dtype="float64")
    return [
        rows(comparable, "completion_previous", completion_before),
        rows(linear, "pace_gap_previous", gap_before),
        rows(comparable, "completion_change", (completion - completion_before) * 100.0),
        rows(linear, "pace_gap_change", gap - gap_before),
        rows(joined, "status_previous", joined["status_previous"].to_numpy(dtype=object)),
    ]


def _added(now: pd.DataFrame, before: pd.DataFrame, metric: str) -> pd.DataFrame:
    """`<metric>_added` per unit and key: the figure now minus the figure at the previous date (rows dated
    previous < date ≤ as_of; a key the previous date lacks had 0)."""
    keys = ["unit_id", "key"]
    a = now.loc[now["metric"] == metric, [*keys, "value"]]
    b = before.loc[before["metric"] == metric, [*keys, "value"]]
    joined = a.merge(b, on=keys, how="left", suffixes=("", "_previous"))
    added = (pd.to_numeric(joined["value"]).to_numpy(dtype="float64")
             - pd.to_numeric(joined["value_previous"]).fillna(0).to_numpy(dtype="float64"))
    return pd.DataFrame({"unit_id": joined["unit_id"].to_numpy(dtype=object), "metric": f"{metric}_added",
                         "key": joined["key"].to_numpy(dtype=object), "value": added.astype("int64")},
                        columns=KPI_COLUMNS)


def _score_change(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """appraisal_score_change per unit: score now − score at the previous date (points of 0–100)."""
    a = now.loc[now["metric"] == "appraisal_score", ["unit_id", "value"]]
    b = before.loc[before["metric"] == "appraisal_score", ["unit_id", "value"]]
    joined = a.merge(b, on="unit_id", how="inner", suffixes=("", "_previous"))
    change = (pd.to_numeric(joined["value"]).to_numpy(dtype="float64")
              - pd.to_numeric(joined["value_previous"]).to_numpy(dtype="float64"))
    return pd.DataFrame({"unit_id": joined["unit_id"].to_numpy(dtype=object), "metric": "appraisal_score_change",
                         "key": "", "value": np.round(change, 2)}, columns=KPI_COLUMNS)


def _ordered(campaign: Campaign, table: pd.DataFrame) -> pd.DataFrame:
    """Units in file order, metrics in METRICS then COMPARISON_METRICS order (a metric neither names, such as the
    appraisal's grade_capped_by, before them), rows of one metric as they came."""
    return sorted_by(table, [("unit_id", campaign.hierarchy.ids), ("metric", [*METRICS, *COMPARISON_METRICS])],
                     absent_last=False)
