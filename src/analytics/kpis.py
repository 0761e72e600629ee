"""One unit's figures (unit_kpis) and every unit's figures in tidy long form (kpi_table)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from .campaign import Campaign
from .metrics import (
    coverage,
    events_by_kind,
    persons_by_group,
    quality_flags,
    survey_rates,
    survey_totals,
    target_pace,
    until,
)

KPI_COLUMNS = ["unit_id", "metric", "key", "value"]
METRICS = (
    "events", "persons", "coverage", "survey_issued", "survey_returned", "survey_valid", "survey_return_rate",
    "survey_validity", "survey_effective_rate", "target", "actual", "completion", "elapsed", "pace_gap", "status",
)
_TARGET_METRICS = ("target", "actual", "completion", "elapsed", "pace_gap", "status")


@dataclass
class UnitKpis:
    """One unit's figures as of a date: its own rows plus all its descendants'."""

    unit_id: str
    as_of: dt.date
    events: pd.Series  # by kind
    persons: pd.Series  # by group
    coverage: float
    covered_children: pd.DataFrame  # child unit_id, name, events, covered
    surveys: dict[str, float]  # issued, returned, valid, return_rate, validity, effective_rate
    targets: pd.DataFrame  # metrics.target_pace rows for this unit
    flags: pd.DataFrame  # metrics.quality_flags rows for rows in this unit's subtree

    @property
    def total_events(self) -> int:
        return int(self.events.sum())

    @property
    def total_persons(self) -> int:
        return int(self.persons.sum())

    def status_counts(self) -> dict[str, int]:
        """Indicators per pace status."""
        return {str(k): int(v) for k, v in self.targets["status"].value_counts().items()}

    def to_long(self) -> pd.DataFrame:
        """The same rows kpi_table gives for this unit."""
        rows = [("events", "", self.total_events), ("persons", "", self.total_persons)]
        rows += [("events", k, int(v)) for k, v in self.events.items()]
        rows += [("persons", k, int(v)) for k, v in self.persons.items()]
        rows.append(("coverage", "", self.coverage))
        for name in ("issued", "returned", "valid", "return_rate", "validity", "effective_rate"):
            rows.append((f"survey_{name}", "", self.surveys[name]))
        for t in self.targets.itertuples(index=False):
            rows += [(m, t.indicator, getattr(t, m)) for m in _TARGET_METRICS]
        return _long(self.unit_id, rows)


def _long(unit_id: str, rows: list[tuple[str, str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["metric", "key", "value"])
    frame.insert(0, "unit_id", unit_id)
    return frame


def unit_kpis(
    campaign: Campaign,
    unit_id: str,
    as_of: dt.date | str | None = None,
    tolerance: float = 1.0,
    start: dt.date | None = None,
    kinds: list[str] | None = None,
    groups: list[str] | None = None,
) -> UnitKpis:
    """One unit's figures; optional start date and kind/group filters narrow the visits looked at."""
    h = campaign.hierarchy
    if unit_id not in h.parent:
        raise KeyError(f"unknown unit_id {unit_id!r}")
    when = campaign.as_of(as_of)
    subtree = set(h.descendants(unit_id))
    visits = _visits_in(campaign, when, start, kinds, groups)
    mine = visits[visits["unit_id"].isin(subtree)]
    visited = set(mine["unit_id"].unique())
    children = h.children[unit_id]
    below = {c: set(h.descendants(c)) for c in children}
    per_child = mine.assign(child=mine["unit_id"].map(_child_map(h, unit_id))).groupby("child").size()
    covered = pd.DataFrame(
        {
            "unit_id": children,
            "name": [h.name[c] for c in children],
            "events": [int(per_child.get(c, 0)) for c in children],
        }
    )
    covered["covered"] = covered["events"] > 0
    surveys = until(campaign.surveys, when)
    if start is not None:
        surveys = surveys[surveys["date"] >= pd.Timestamp(start)]
    totals = survey_totals(surveys[surveys["unit_id"].isin(subtree)])
    targets = _memo(campaign, ("target_pace", when, tolerance),
                    lambda: target_pace(campaign.targets, campaign.actuals, h.parent, when, tolerance))
    flags = campaign_flags(campaign)
    return UnitKpis(
        unit_id=unit_id,
        as_of=when,
        events=events_by_kind(mine),
        persons=persons_by_group(mine),
        coverage=coverage(visited, children, below) if "visits" in campaign.present else math.nan,
        covered_children=covered,
        surveys={**totals, **survey_rates(totals["issued"], totals["returned"], totals["valid"])},
        targets=targets[targets["unit_id"] == unit_id].reset_index(drop=True),
        flags=flags[flags["unit_id"].isin(subtree)].reset_index(drop=True),
    )


def _visits_in(campaign, when, start, kinds, groups) -> pd.DataFrame:
    visits = until(campaign.visits, when)
    if start is not None:
        visits = visits[visits["date"] >= pd.Timestamp(start)]
    if kinds is not None:
        visits = visits[visits["kind"].isin(kinds)]
    if groups is not None:
        visits = visits[visits["group"].isin(groups)]
    return visits


def _child_map(h, unit_id: str) -> dict[str, str]:
    """unit in the subtree -> the direct child of unit_id it sits under."""
    out = {}
    for child in h.children[unit_id]:
        for u in h.descendants(child):
            out[u] = child
    return out


def campaign_flags(campaign: Campaign) -> pd.DataFrame:
    """Data-quality findings for the whole campaign."""
    cached = campaign.__dict__.get("_flags")
    if cached is None:
        cached = quality_flags(campaign.tables, set(campaign.units["unit_id"]), campaign.meta.start, campaign.meta.end)
        campaign.__dict__["_flags"] = cached
    return cached


def kpi_table(campaign: Campaign, as_of: dt.date | str | None = None, tolerance: float = 1.0) -> pd.DataFrame:
    """Every unit's figures in tidy long form: unit_id, metric, key, value (key '' for a total)."""
    h = campaign.hierarchy
    when = campaign.as_of(as_of)
    closure = h.closure
    visits = until(campaign.visits, when)
    v = visits[["unit_id", "kind", "group", "persons"]].merge(closure, on="unit_id")
    parts: list[pd.DataFrame] = []
    ids = pd.Index(h.ids, name="ancestor_id")
    events_total = v.groupby("ancestor_id").size().reindex(ids, fill_value=0)
    persons_total = v.groupby("ancestor_id")["persons"].sum().reindex(ids, fill_value=0)
    parts.append(_frame(events_total, "events", ""))
    parts.append(_frame(persons_total, "persons", ""))
    by_kind = v.groupby(["ancestor_id", "kind"]).size()
    parts.append(_keyed(by_kind, "events"))
    by_group = v.groupby(["ancestor_id", "group"])["persons"].sum()
    parts.append(_keyed(by_group, "persons"))
    visited = set(events_total.index[events_total > 0])
    cov = pd.Series(
        [
            (sum(c in visited for c in h.children[u]) / len(h.children[u]))
            if h.children[u] and "visits" in campaign.present else math.nan
            for u in h.ids
        ],
        index=ids,
    )
    parts.append(_frame(cov, "coverage", ""))
    s = until(campaign.surveys, when)[["unit_id", "issued", "returned", "valid"]].merge(closure, on="unit_id")
    sums = s.groupby("ancestor_id")[["issued", "returned", "valid"]].sum().reindex(ids, fill_value=0)
    for name in ("issued", "returned", "valid"):
        parts.append(_frame(sums[name], f"survey_{name}", ""))
    rates = pd.DataFrame(
        [survey_rates(i, r, va) for i, r, va in zip(sums["issued"], sums["returned"], sums["valid"], strict=True)],
        index=ids,
    )
    for name in ("return_rate", "validity", "effective_rate"):
        parts.append(_frame(rates[name], f"survey_{name}", ""))
    targets = target_pace(campaign.targets, campaign.actuals, h.parent, when, tolerance)
    if not targets.empty:
        long = targets.melt(id_vars=["unit_id", "indicator"], value_vars=list(_TARGET_METRICS), var_name="metric")
        parts.append(long.rename(columns={"indicator": "key"})[KPI_COLUMNS])
    out = pd.concat([p.astype({"value": object}) for p in parts], ignore_index=True)
    order = {u: i for i, u in enumerate(h.ids)}
    metric_order = {m: i for i, m in enumerate(METRICS)}
    out = out.sort_values(
        ["unit_id", "metric", "key"],
        key=lambda c: c.map(order) if c.name == "unit_id" else (c.map(metric_order) if c.name == "metric" else c),
        kind="stable",
    )
    return out.reset_index(drop=True)


def _frame(series: pd.Series, metric: str, key: str) -> pd.DataFrame:
    return pd.DataFrame({"unit_id": series.index.astype(str), "metric": metric, "key": key,
                         "value": series.to_numpy(dtype=object)})


def _keyed(series: pd.Series, metric: str) -> pd.DataFrame:
    frame = series.rename("value").reset_index()
    frame.columns = ["unit_id", "key", "value"]
    frame.insert(1, "metric", metric)
    return frame[KPI_COLUMNS]


def _memo(campaign: Campaign, key: tuple, build):
    memo = campaign.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = build()
    return memo[key]


def cached_kpi_table(campaign: Campaign, as_of: dt.date | str | None = None, tolerance: float = 1.0) -> pd.DataFrame:
    """kpi_table computed once per campaign, as_of and tolerance (reports of many units share it)."""
    when = campaign.as_of(as_of)
    return _memo(campaign, ("kpi_table", when, tolerance), lambda: kpi_table(campaign, when, tolerance))


def kpi_wide(long: pd.DataFrame) -> pd.DataFrame:
    """Per unit: the totals (key '') as columns, plus counts of indicators per pace status."""
    totals = long[long["key"] == ""].pivot(index="unit_id", columns="metric", values="value")
    totals = totals.apply(pd.to_numeric, errors="coerce")
    status = long[long["metric"] == "status"]
    counts = status.groupby(["unit_id", "value"]).size().unstack(fill_value=0)
    for name in ("completed", "ahead", "on_pace", "behind"):
        totals[f"targets_{name}"] = counts[name] if name in counts else 0
    counted = [c for c in totals.columns if c.startswith("targets_")]
    totals[counted] = totals[counted].fillna(0).astype("int64")
    return totals


def cached_kpi_wide(campaign: Campaign, as_of: dt.date | str | None = None, tolerance: float = 1.0) -> pd.DataFrame:
    """kpi_wide of the cached kpi_table, computed once per campaign, as_of and tolerance."""
    when = campaign.as_of(as_of)
    return _memo(campaign, ("wide", when, tolerance), lambda: kpi_wide(cached_kpi_table(campaign, when, tolerance)))


def children_table(campaign: Campaign, unit_id: str, as_of: dt.date | str | None = None,
                   tolerance: float = 1.0) -> pd.DataFrame:
    """The direct children of a unit with their rolled-up KPIs, in the hierarchy's order."""
    h = campaign.hierarchy
    when = campaign.as_of(as_of)
    wide = cached_kpi_wide(campaign, when, tolerance)
    children = h.children[unit_id]
    out = wide.reindex(children).reset_index().rename(columns={"index": "unit_id"})
    out.insert(1, "name", [h.name[c] for c in children])
    tags = dict(zip(campaign.units["unit_id"], campaign.units["tags"], strict=True))
    out["tags"] = [t if isinstance(t, str) else "" for t in (tags.get(c) for c in children)]
    return out
