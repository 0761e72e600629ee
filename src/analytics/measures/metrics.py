"""Metric functions exactly as docs/domain.md defines them. Pure: frames in, frames or numbers out.

Rollups use the hierarchy's closure table (every unit paired with itself and each ancestor): joining rows
to it and grouping by ancestor gives every unit's own-plus-descendants figures in one pass.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.data.campaign import unit_depths
from analytics.measures.vocabulary import LAGGING_STATUSES, SEVERITY, STATUSES, Pacing, Status
from analytics.options import check_tolerance


def until(frame: pd.DataFrame, as_of: dt.date, column: str = "date") -> pd.DataFrame:
    """Rows dated on or before as_of."""
    return _kept(frame, frame[column] <= pd.Timestamp(as_of))


def between(frame: pd.DataFrame, start: dt.date | None, end: dt.date | None, column: str = "date") -> pd.DataFrame:
    """Rows dated within [start, end]; an open end is unbounded."""
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= frame[column] >= pd.Timestamp(start)
    if end is not None:
        keep &= frame[column] <= pd.Timestamp(end)
    return _kept(frame, keep)


def _kept(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """frame[keep]; when every row is kept, a shallow copy instead of a copy of every column (copy-on-write keeps
    it apart from the input), which saves a copy of each table per unit when as_of is past every row."""
    return frame.copy(deep=False) if keep.all() else frame[keep]


def among(column: pd.Series, values: Iterable) -> np.ndarray:
    """column.isin(values) as a boolean array. On a text column the wanted values go to Arrow in one call:
    pandas' isin builds a Python scalar for each of them (100,000 unit ids: 0.2 s a call, against 0.02 s)."""
    wanted = values if isinstance(values, list) else list(values)
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        data = column.array.__arrow_array__()
        try:
            value_set = pa.array(wanted, type=data.type)
        except (pa.ArrowTypeError, pa.ArrowInvalid):  # a value that is not text: pandas decides
            pass
        else:
            return pc.is_in(data, value_set=value_set).to_numpy(zero_copy_only=False).astype(bool, copy=False)
    return column.isin(wanted).to_numpy(dtype=bool)


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or NaN ("no data") when the denominator is zero or missing."""
    if denominator is None or pd.isna(denominator) or denominator == 0 or pd.isna(numerator):
        return math.nan
    return float(numerator) / float(denominator)


def rollup(rows: pd.DataFrame, closure: pd.DataFrame, by: str | None = None, value: str | None = None) -> pd.Series:
    """Per ancestor (and per `by` code): the row count, or the sum of `value`, over its own and descendants' rows.

    `closure` holds (unit_id, ancestor_id) pairs: the whole hierarchy's for every unit's figures, or only the
    pairs of a few ancestors for theirs. This is the one rollup every figure of a unit goes through.
    """
    keys = ["ancestor_id"] + ([by] if by else [])
    own_keys = ["unit_id"] + ([by] if by else [])
    # Each unit's own count (or sum) first, then those summed per ancestor: the same figures, but the join with the
    # closure is over units and codes rather than rows (a root's figures over 1,000,000 visit rows: ~1 s -> ~0.1 s).
    own = rows[own_keys + ([value] if value else [])].groupby(own_keys, sort=False)
    own = (own[value].sum() if value else own.size()).rename("n").reset_index()
    joined = own.merge(closure, on="unit_id")
    return joined.groupby(keys, sort=True)["n"].sum().astype("int64")


def coverage_by_parent(parent: dict[str, str | None], active: set[str], units: list[str]) -> pd.Series:
    """Coverage of each unit in `units`: the share of its direct children with activity at or below them
    (`active`: units whose own-plus-descendants rows are not empty). NaN ("no data") for a unit without children."""
    hit: dict[str, int] = {}
    total: dict[str, int] = {}
    wanted = set(units)
    for child, up in parent.items():
        if up in wanted:
            total[up] = total.get(up, 0) + 1
            hit[up] = hit.get(up, 0) + (child in active)
    return pd.Series([hit[u] / total[u] if total.get(u) else math.nan for u in units], index=units, dtype="float64")


def grassroots_coverage(closure: pd.DataFrame, leaves: set[str], visited_own: set[str]) -> pd.DataFrame:
    """Per ancestor in `closure`: leaves below it (at any depth), leaves with a visit row of their own, and the
    share (基层覆盖率). A leaf counts itself, so its share is 1 or 0."""
    pairs = closure[among(closure["unit_id"], leaves)]
    covered = pd.Series(among(pairs["unit_id"], visited_own), index=pairs.index)
    out = pd.DataFrame({"leaves": pairs.groupby("ancestor_id").size(),
                        "leaves_covered": covered.groupby(pairs["ancestor_id"]).sum()})
    out = out.fillna(0).astype("int64")
    out["grassroots_coverage"] = out["leaves_covered"] / out["leaves"]
    return out


def survey_rates(issued: float, returned: float, valid: float) -> dict[str, float]:
    """Return rate, validity and effective rate as ratios of sums."""
    return {
        "return_rate": ratio(returned, issued),
        "validity": ratio(valid, returned),
        "effective_rate": ratio(valid, issued),
    }


def survey_rate_columns(issued: pd.Series, returned: pd.Series, valid: pd.Series) -> dict[str, np.ndarray]:
    """survey_rates of every row at once: return rate, validity and effective rate per row."""
    return {"return_rate": _ratios(returned, issued), "validity": _ratios(valid, returned),
            "effective_rate": _ratios(valid, issued)}


def _ratios(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    """ratio() of each pair of values: NaN where the denominator is zero or missing, or the numerator missing."""
    top = pd.to_numeric(numerator).to_numpy(dtype="float64", na_value=np.nan)
    bottom = pd.to_numeric(denominator).to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isnan(bottom) | (bottom == 0) | np.isnan(top), np.nan, top / bottom)


def elapsed_share(period_start: dt.date, period_end: dt.date, as_of: dt.date) -> float:
    """(as_of − start + 1 day) ÷ (end − start + 1 day), clipped to [0, 1]."""
    start, end, now = (pd.Timestamp(x) for x in (period_start, period_end, as_of))
    days = (end - start).days + 1
    if days <= 0:
        return math.nan
    return min(1.0, max(0.0, ((now - start).days + 1) / days))


def pace_status(completion: float, gap_points: float, tolerance: float = 1.0, ended: bool = False) -> str:
    """The status of a target, in docs/domain.md's order: completed (completion ≥ 100%), missed (the period has
    ended: as_of ≥ period_end), ahead (gap ≥ tolerance and > 0), behind (gap ≤ −tolerance and < 0), else on_pace;
    no_data without a completion to judge."""
    check_tolerance(tolerance)
    if completion is None or pd.isna(completion):
        return Status.NO_DATA
    if completion >= 1.0:
        return Status.COMPLETED
    if ended:
        return Status.MISSED
    # The gap is a difference of two ratios: 57% - 56% comes out as 0.99999999999999 points, so float
    # noise is rounded away before the comparison, or a gap of exactly one point would miss "ahead".
    gap = round(float(gap_points), 9)
    if gap >= tolerance and gap > 0:
        return Status.AHEAD
    if gap <= -tolerance and gap < 0:
        return Status.BEHIND
    return Status.ON_PACE


def worst_status(statuses) -> str | None:
    """The most severe of some pace statuses (SEVERITY order: missed, behind, no_data, on_pace, ahead,
    completed); None for none."""
    rank = {s: i for i, s in enumerate(SEVERITY)}
    found = [s for s in statuses if s in rank]
    return min(found, key=rank.__getitem__) if found else None


def latest_actuals(actuals: pd.DataFrame, periods: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Latest cumulative actual on or before as_of inside each (unit, indicator) target's period."""
    a = actuals[actuals["date"] <= pd.Timestamp(as_of)]
    a = a.merge(periods[["unit_id", "indicator", "period_start", "period_end"]], on=["unit_id", "indicator"])
    a = a[(a["date"] >= a["period_start"]) & (a["date"] <= a["period_end"])]
    a = a.sort_values("date", kind="stable").groupby(["unit_id", "indicator"], sort=False).tail(1)
    return a[["unit_id", "indicator", "value"]].rename(columns={"value": "actual"})


def current_periods(targets: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One target row per (unit, indicator): the period holding as_of, else the latest one started before it."""
    if targets.empty:
        return targets.copy()
    now = pd.Timestamp(as_of)
    t = targets.copy()
    t["_holds"] = (t["period_start"] <= now) & (now <= t["period_end"])
    t["_started"] = t["period_start"] <= now
    t = t.sort_values(["_holds", "_started", "period_start"], kind="stable")
    return t.groupby(["unit_id", "indicator"], sort=False).tail(1).drop(columns=["_holds", "_started"])


def target_pace(
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    parent: dict[str, str | None],
    as_of: dt.date,
    tolerance: float = 1.0,
) -> pd.DataFrame:
    """Per unit and indicator: target, actual, completion, elapsed, pace gap (points) and status.

    A unit with no own target for a `sum` indicator takes the sums of its children's targets and actuals
    (recursively, so a county sums townships that sum villages); `none` indicators are never summed.
    Column `source` says `own` or `children`. A level indicator (`pacing` level) has no elapsed share and no pace
    gap: its `level_gap` is actual − target, its status completed, below or missed (NaN level_gap elsewhere).
    """
    columns = ["unit_id", "indicator", "measure", "aggregation", "pacing", "source", "period_start", "period_end",
               "target", "actual", "completion", "elapsed", "pace_gap", "level_gap", "status"]
    if targets.empty:
        return pd.DataFrame(columns=columns)
    check_tolerance(tolerance)
    own = current_periods(targets, as_of)
    own = own.merge(latest_actuals(actuals, own, as_of), on=["unit_id", "indicator"], how="left")
    if "pacing" in own:  # a level indicator is never summed, whatever its aggregation says
        own["aggregation"] = own["aggregation"].where(own["pacing"].ne(Pacing.LEVEL).fillna(True).to_numpy(bool), "none")
    parts = [{
        "unit_id": own["unit_id"].tolist(), "indicator": own["indicator"].tolist(),
        "measure": own["measure"].tolist(), "aggregation": own["aggregation"].tolist(), "source": ["own"] * len(own),
        "pacing": own["pacing"].fillna(Pacing.LINEAR).tolist() if "pacing" in own else [Pacing.LINEAR] * len(own),
        "period_start": own["period_start"].to_numpy(), "period_end": own["period_end"].to_numpy(),
        "target": own["target"].to_numpy(dtype="float64", na_value=np.nan),
        "actual": pd.to_numeric(own["actual"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan),
    }]
    parts += _summed_levels(parts[0], parent)
    # One frame, as the figures always were: each text column's type inferred from all its values.
    out = pd.DataFrame({name: [v for part in parts for v in part[name]] for name in _PACE_TEXT})
    for name in _PACE_ARRAYS:
        out[name] = np.concatenate([part[name] for part in parts])
    _judge(out, as_of, tolerance)
    return out[columns].sort_values(["unit_id", "indicator"], kind="stable").reset_index(drop=True)


_PACE_TEXT = ("unit_id", "indicator", "measure", "aggregation", "pacing", "source")
_PACE_ARRAYS = ("period_start", "period_end", "target", "actual")


def _summed_levels(own: dict, parent: dict[str, str | None]) -> list[dict]:
    """The figures of units without an own target of a `sum` indicator that units below them have, one part per
    level, deepest first: a unit summed from its children is complete before it feeds its parent.

    A sum adds its terms one at a time onto 0.0, in the order of the units feeding it (own targets in their row
    order, then sums in the order they arose), so every figure is the same float as a running total gives; the
    actual is NaN when no unit feeding it has one. Measure: the first unit's; period: the widest.
    """
    depth_of = unit_depths(parent)
    own_keys = set(zip(own["unit_id"], own["indicator"], strict=True))
    at_level: dict[int, list[int]] = {}
    for i, (unit, how) in enumerate(zip(own["unit_id"], own["aggregation"], strict=True)):
        if how == "sum" and depth_of.get(unit, 0) > 0:
            at_level.setdefault(depth_of[unit], []).append(i)
    parts: list[dict] = []
    below: dict | None = None  # the sums made one level down: they feed this level, after its own targets
    for level in range(max(at_level, default=0), 0, -1):
        rows = np.asarray(at_level.get(level, []), dtype="int64")
        feed = {name: [own[name][i] for i in rows] for name in ("unit_id", "indicator", "measure")}
        feed |= {name: own[name][rows] for name in _PACE_ARRAYS}
        if below is not None:
            feed = {name: (feed[name] + below[name] if isinstance(feed[name], list)
                           else np.concatenate([feed[name], below[name]])) for name in feed}
        below = None
        slot: dict[tuple[str, str], int] = {}
        codes, keep = [], []
        for j, (unit, indicator) in enumerate(zip(feed["unit_id"], feed["indicator"], strict=True)):
            up = (parent[unit], indicator)
            if up not in own_keys:
                keep.append(j)
                codes.append(slot.setdefault(up, len(slot)))
        if not slot:
            continue
        n, at, kept = len(slot), np.asarray(codes, dtype="int64"), np.asarray(keep, dtype="int64")
        target = np.zeros(n)
        np.add.at(target, at, feed["target"][kept])
        values = feed["actual"][kept]
        reported = ~np.isnan(values)
        actual = np.zeros(n)
        np.add.at(actual, at[reported], values[reported])
        actual[np.bincount(at[reported], minlength=n) == 0] = np.nan
        first = kept[np.unique(at, return_index=True)[1]]  # codes count up from 0 in order of first appearance
        start = feed["period_start"][kept].copy()
        end = feed["period_end"][kept].copy()
        earliest = np.full(n, np.datetime64("NaT"), dtype=start.dtype)
        latest = np.full(n, np.datetime64("NaT"), dtype=end.dtype)
        earliest[:] = pd.Series(start).groupby(at, sort=True).min().to_numpy()
        latest[:] = pd.Series(end).groupby(at, sort=True).max().to_numpy()
        below = {
            "unit_id": [u for u, _ in slot], "indicator": [i for _, i in slot],
            "measure": [feed["measure"][j] for j in first], "aggregation": ["sum"] * n, "pacing": [Pacing.LINEAR] * n,
            "source": ["children"] * n,
            "period_start": earliest, "period_end": latest, "target": target, "actual": actual,
        }
        parts.append(below)
    return parts


def _judge(figures: pd.DataFrame, as_of: dt.date, tolerance: float) -> None:
    """Completion, elapsed share, pace gap and status of every row, in place: ratio, elapsed_share and
    pace_status column-wise."""
    completion = _ratios(figures["actual"], figures["target"])
    now = pd.Timestamp(as_of)
    start, end = pd.to_datetime(figures["period_start"]), pd.to_datetime(figures["period_end"])
    days = ((end - start).dt.days + 1).to_numpy(dtype="float64")
    passed = ((now - start).dt.days + 1).to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        elapsed = np.where(days <= 0, np.nan, np.minimum(1.0, np.maximum(0.0, passed / days)))
    level = (figures["pacing"] == Pacing.LEVEL).to_numpy(dtype=bool) if "pacing" in figures else np.zeros(len(figures), bool)
    elapsed = np.where(level, np.nan, elapsed)
    figures["completion"] = completion
    figures["elapsed"] = elapsed
    figures["pace_gap"] = (figures["completion"] - figures["elapsed"]) * 100.0
    actual = figures["actual"].to_numpy(dtype="float64", na_value=np.nan)
    figures["level_gap"] = np.where(level, actual - figures["target"].to_numpy(dtype="float64", na_value=np.nan),
                                    np.nan)
    gap = figures["pace_gap"].to_numpy()
    ended = (now >= end).to_numpy(dtype=bool)
    status = np.select(
        [np.isnan(completion), completion >= 1.0, ended, (gap >= tolerance) & (gap > 0), (gap <= -tolerance) & (gap < 0)],
        [Status.NO_DATA, Status.COMPLETED, Status.MISSED, Status.AHEAD, Status.BEHIND], default=Status.ON_PACE
    ).astype(object)
    # A level indicator is judged against its target alone: below it before the period ends, missed after.
    status[level & ~np.isnan(completion) & (completion < 1.0) & ~ended] = Status.BELOW
    # pace_status rounds the gap to 9 decimals before comparing: where that could matter, it decides.
    near = ~level & ~np.isnan(gap) & ((np.abs(gap - tolerance) < 1e-6) | (np.abs(gap + tolerance) < 1e-6) | (np.abs(gap) < 1e-6))
    for i in np.flatnonzero(near):
        status[i] = pace_status(completion[i], gap[i], tolerance, bool(ended[i]))
    figures["status"] = status.tolist()


def actual_over_time(
    targets: pd.DataFrame,
    actuals: pd.DataFrame,
    parent: dict[str, str | None],
    unit_id: str,
    indicator: str,
    as_of: dt.date,
) -> pd.DataFrame:
    """A unit's cumulative actual of one indicator by date, up to as_of: columns `date`, `actual`.

    With its own target, the unit's own actuals inside that target's period. A unit that takes its children's
    sums (docs/domain.md, "Summed actuals over time"): at each date d on which any unit below reported, the sum
    over the units feeding the sum of each one's latest cumulative actual on or before d, inside its own
    period. A unit below that has not reported yet by d adds nothing; a date on which none has is left out.
    The last row equals target_pace's actual for the same as_of. Empty when there is nothing to show.
    """
    empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "actual": pd.Series(dtype="float64")})
    if targets.empty or actuals.empty:
        return empty
    periods = current_periods(targets[targets["indicator"] == indicator], as_of)
    own = dict(zip(periods["unit_id"].tolist(), periods["aggregation"].tolist(), strict=True))  # unit -> aggregation
    feeding = [unit_id] if unit_id in own else _summed_from(unit_id, own, parent)
    if not feeding:
        return empty
    rows = actuals[(actuals["indicator"] == indicator) & among(actuals["unit_id"], feeding)
                   & (actuals["date"] <= pd.Timestamp(as_of))]
    rows = rows.merge(periods[["unit_id", "period_start", "period_end"]], on="unit_id")
    rows = rows[(rows["date"] >= rows["period_start"]) & (rows["date"] <= rows["period_end"])]
    if rows.empty:
        return empty
    # Each unit's last value per date (file order breaks a tie), then what each report adds to the unit's
    # previous value: the sum at d is the running total of those steps up to d. The same figures as carrying
    # every unit's latest value forward in one column per unit, without a table of dates x units (a unit with
    # 100,000 units below it would make one of 100,000 columns).
    last = rows.groupby(["unit_id", "date"], sort=True)["value"].last().astype("float64")
    step = last.groupby(level="unit_id", sort=False).diff().fillna(last)
    total = step.groupby(level="date").sum().sort_index().cumsum()
    return pd.DataFrame({"date": total.index.to_numpy(), "actual": total.to_numpy(dtype="float64")})


def _summed_from(unit_id: str, own: dict[str, str], parent: dict[str, str | None]) -> list[str]:
    """The units whose own targets a unit's summed figure adds up, as target_pace sums them: below the unit,
    each first unit on a path down with an own target of aggregation `sum` (a unit without one is summed from
    its own children in turn)."""
    children: dict[str, list[str]] = {}
    for child, up in parent.items():
        if up is not None:
            children.setdefault(up, []).append(child)
    out: list[str] = []
    stack = list(children.get(unit_id, ()))
    while stack:
        node = stack.pop()
        if node in own:
            if own[node] == "sum":
                out.append(node)
        else:
            stack.extend(children.get(node, ()))
    return out


def summed_targets(targets: pd.DataFrame, parent: dict[str, str | None]) -> set[tuple[str, str]]:
    """(unit, indicator) pairs whose target is summed from the units below (no own target of a `sum` indicator
    that a descendant has), as target_pace sums them."""
    own = set(zip(targets["unit_id"].tolist(), targets["indicator"].tolist(), strict=True))
    summed: set[tuple[str, str]] = set()
    rows = targets[targets["aggregation"] == "sum"]
    for unit, indicator in set(zip(rows["unit_id"].tolist(), rows["indicator"].tolist(), strict=True)):
        node = parent.get(unit)
        while node is not None and (node, indicator) not in own and (node, indicator) not in summed:
            summed.add((node, indicator))
            node = parent.get(node)
    return summed


def tag_comparison(per_unit: pd.DataFrame, tags: pd.Series, compare: tuple[str, ...] = ("advanced", "lagging")) -> pd.DataFrame:
    """Totals of per-unit figures for units carrying each tag, plus the tagged-unit count.

    `per_unit` is indexed by unit_id with additive columns (events, persons, issued, returned, valid);
    rates are recomputed from the summed columns, never averaged.
    """
    rows = []
    for tag in compare:
        ids = tags.index[tags.fillna("").map(lambda t, tag=tag: tag in t.split(";"))]
        if len(ids) == 0:
            continue
        part = per_unit.reindex(ids).fillna(0)
        sums = part.sum(numeric_only=True)
        row = {"tag": tag, "units": len(ids), **{k: float(v) for k, v in sums.items()}}
        if {"issued", "returned", "valid"} <= set(sums.index):
            row.update(survey_rates(sums["issued"], sums["returned"], sums["valid"]))
        if "events" in sums.index:
            row["visited_share"] = float((part["events"] > 0).mean())
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = [
    "LAGGING_STATUSES", "SEVERITY", "STATUSES", "actual_over_time", "among", "between", "coverage_by_parent",
    "current_periods", "elapsed_share", "grassroots_coverage", "latest_actuals", "pace_status", "ratio", "rollup",
    "summed_targets", "survey_rate_columns", "survey_rates", "tag_comparison", "target_pace", "until", "worst_status",
]
