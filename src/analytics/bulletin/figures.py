"""The figures a bulletin prints, every one taken from the KPI table (kpi_table's long rows), none computed again.

`bulletin_figures(table, …)` reads one unit's rows and its children's: the indicators with their comparison
rows (`*_previous`, `*_change`, `light*`, DOMAIN.md "KPI table rows"), activity and what was added in the
period, coverage and the uncovered grassroots units (leaves whose own grassroots coverage is 0), overdue
commitments, ranks, the light thresholds and restated or revised figures. Rows the table does not have (a
table from before the comparisons existed, a unit without targets, no earlier period) are None or empty, and
the wording says so in one sentence.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from analytics.data.campaign import Campaign
from analytics.measures.vocabulary import LAGGING_STATUSES, Light, Status

LAGGING = frozenset(LAGGING_STATUSES)
PROGRESSING = frozenset({Status.AHEAD, Status.COMPLETED})


# Light: a light as the KPI table writes it (`light`, `light_previous` rows), the measures' vocabulary.


@dataclass(frozen=True)
class Indicator:
    """One indicator of a unit: its KPI rows (key = indicator), None where the table has no such row."""

    key: str
    label: str
    measure: str
    target: float | None = None
    actual: float | None = None
    completion: float | None = None
    elapsed: float | None = None
    pace_gap: float | None = None  # percentage points
    level_gap: float | None = None  # level indicators: actual - target, in the measure
    status: str | None = None
    completion_previous: float | None = None
    completion_change: float | None = None  # points
    pace_gap_previous: float | None = None
    pace_gap_change: float | None = None
    status_previous: str | None = None
    light: str | None = None
    light_previous: str | None = None


@dataclass(frozen=True)
class Child:
    """One child unit as the ranked annex and the leading/lagging paragraph show it."""

    unit_id: str
    name: str
    light: str | None = None
    light_previous: str | None = None
    rank: int | None = None
    rank_previous: int | None = None
    score: float | None = None
    grade: str | None = None
    score_change: float | None = None
    completion: dict[str, float | None] = field(default_factory=dict)  # indicator -> completion
    change: dict[str, float | None] = field(default_factory=dict)  # indicator -> completion_change (points)
    lights: dict[str, str | None] = field(default_factory=dict)  # indicator -> light
    status: dict[str, str | None] = field(default_factory=dict)  # indicator -> status
    overdue: int = 0  # commitments overdue

    @property
    def newly_red(self) -> bool:
        return self.light == Light.RED and self.light_previous is not None and self.light_previous != Light.RED

    @property
    def lagging(self) -> list[str]:
        """Its indicators behind, missed or below target (by status: the KPI table's own words)."""
        return [k for k, s in self.status.items() if s in LAGGING]


@dataclass(frozen=True)
class Restatement:
    """A figure that differs from what was published: `restated` (previous period) or `revised` (this as_of)."""

    unit_id: str
    name: str
    kind: str  # restated | revised
    metric: str
    key: str
    published: object
    now: object  # the figure recomputed (None when the table has no row to show it)


@dataclass(frozen=True)
class BulletinFigures:
    unit_id: str
    name: str
    as_of: dt.date
    previous_as_of: dt.date | None
    indicators: tuple[Indicator, ...]
    elapsed: float | None  # the one elapsed share of the unit's linear indicators, when they share one
    events: float | None
    persons: float | None
    events_added: float | None
    persons_added: float | None
    coverage: float | None
    grassroots_coverage: float | None
    uncovered: tuple[str, ...]  # names of the leaves below the unit with no visit of their own
    commitments_overdue: float | None
    overdue_units: tuple[tuple[str, float], ...]  # children with overdue commitments: (name, count)
    children: tuple[Child, ...]
    thresholds: dict[str, float]  # light_threshold rows: yellow, red (points)
    restatements: tuple[Restatement, ...]
    has_appraisal: bool
    score: float | None = None
    grade: str | None = None
    snapshots: bool | None = None  # whether published snapshots were there to compare with (None: not asked)
    problems: int = 0  # data-quality findings in the unit's subtree

    @property
    def has_targets(self) -> bool:
        return bool(self.indicators)

    @property
    def compared(self) -> bool:
        return self.previous_as_of is not None


def _number(value: object) -> float | None:
    """A figure as a float; None for a missing, boolean or non-numeric value."""
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)  # numbers, and numbers written as text by a table read back from kpis.csv
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) or math.isinf(out) else out


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value)
    return text or None


def _rank(value: object) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _date(value: object) -> dt.date | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class _Rows:
    """(unit, metric, key) -> value over the rows of some units, and each unit's keys of a metric in table order.

    Each metric's rows are looked up when the metric is first asked for: a wide unit's table has millions of
    rows, most of them figures the bulletin never reads."""

    def __init__(self, table: pd.DataFrame, units: Iterable[str]):
        self._table = table[table["unit_id"].isin(set(units)).to_numpy(dtype=bool)]
        self._values: dict[str, dict[tuple[str, str], object]] = {}  # metric -> (unit, key) -> value
        self.keys: dict[str, dict[str, list[str]]] = {}  # metric -> unit -> keys, in table order

    def _metric(self, metric: str) -> dict[tuple[str, str], object]:
        found = self._values.get(metric)
        if found is None:
            part = self._table[(self._table["metric"] == metric).to_numpy(dtype=bool)]
            found = self._values[metric] = dict(zip(
                zip(part["unit_id"].tolist(), part["key"].fillna("").astype(str).tolist(), strict=True),
                part["value"].tolist(), strict=True))
        return found

    def has(self, unit: str, metric: str, key: str = "") -> bool:
        return (unit, key) in self._metric(metric)

    def get(self, unit: str, metric: str, key: str = "") -> object:
        return self._metric(metric).get((unit, key))

    def num(self, unit: str, metric: str, key: str = "") -> float | None:
        return _number(self.get(unit, metric, key))

    def text(self, unit: str, metric: str, key: str = "") -> str | None:
        return _text(self.get(unit, metric, key))

    def keys_of(self, unit: str, metric: str) -> list[str]:
        by_unit = self.keys.get(metric)
        if by_unit is None:  # dicts keep their keys in insertion order: the table's
            by_unit = self.keys[metric] = {}
            for u, key in self._metric(metric):
                by_unit.setdefault(u, []).append(key)
        return by_unit.get(unit, [])


def _indicators(rows: _Rows, campaign: Campaign, unit: str, language: str) -> tuple[Indicator, ...]:
    measures = _measures(campaign)
    keys = _in_file_order(dict.fromkeys(rows.keys_of(unit, "target") + rows.keys_of(unit, "completion")), measures)
    out = []
    for key in keys:
        out.append(Indicator(
            key=key, label=campaign.meta.indicator_label(key, language),
            measure=campaign.meta.measure_label(measures.get(key), language),
            target=rows.num(unit, "target", key), actual=rows.num(unit, "actual", key),
            completion=rows.num(unit, "completion", key), elapsed=rows.num(unit, "elapsed", key),
            pace_gap=rows.num(unit, "pace_gap", key), level_gap=rows.num(unit, "level_gap", key),
            status=rows.text(unit, "status", key),
            completion_previous=rows.num(unit, "completion_previous", key),
            completion_change=rows.num(unit, "completion_change", key),
            pace_gap_previous=rows.num(unit, "pace_gap_previous", key),
            pace_gap_change=rows.num(unit, "pace_gap_change", key),
            status_previous=rows.text(unit, "status_previous", key),
            light=rows.text(unit, "light", key), light_previous=rows.text(unit, "light_previous", key),
        ))
    return tuple(out)


def _in_file_order(keys: Iterable[str], measures: dict[str, object]) -> list[str]:
    """Indicators in the order the targets table first names them (the office's order: GDP before revenue), the
    KPI table's order for any other."""
    order = {k: i for i, k in enumerate(measures)}
    return sorted(keys, key=lambda k: order.get(k, len(order)))


def _measures(campaign: Campaign) -> dict[str, object]:
    """indicator -> its measure as the targets table writes it (a label, not a figure), in the table's order."""
    targets = campaign.targets
    if targets.empty or "measure" not in targets.columns:
        return {}
    first = targets.drop_duplicates("indicator")
    return dict(zip(first["indicator"].tolist(), first["measure"].tolist(), strict=True))


def _child(rows: _Rows, uid: str, name: str, keys: list[str], appraised: bool) -> Child:
    rank_metric, previous_metric = ("rank", "rank_previous") if appraised else ("progress_rank",
                                                                                "progress_rank_previous")
    return Child(
        unit_id=uid, name=name, light=rows.text(uid, "light"), light_previous=rows.text(uid, "light_previous"),
        rank=_rank(rows.get(uid, rank_metric)), rank_previous=_rank(rows.get(uid, previous_metric)),
        score=rows.num(uid, "appraisal_score"), grade=rows.text(uid, "grade"),
        score_change=rows.num(uid, "appraisal_score_change"),
        completion={k: rows.num(uid, "completion", k) for k in keys if rows.has(uid, "completion", k)},
        change={k: rows.num(uid, "completion_change", k) for k in keys if rows.has(uid, "completion_change", k)},
        lights={k: rows.text(uid, "light", k) for k in keys if rows.has(uid, "light", k)},
        status={k: rows.text(uid, "status", k) for k in keys if rows.has(uid, "status", k)},
        overdue=int(rows.num(uid, "commitments_overdue") or 0),
    )


def bulletin_figures(table: pd.DataFrame, campaign: Campaign, unit_id: str, as_of: dt.date, language: str = "zh",
                     snapshots: bool | None = None, problems: int = 0) -> BulletinFigures:
    """The bulletin's figures for `unit_id` and its children, read from `table` (the KPI table at `as_of`)."""
    h = campaign.hierarchy
    if unit_id not in h.name:
        raise KeyError(unit_id)
    children = h.children[unit_id]
    leaves = [u for u in h.descendants(unit_id) if u in h.leaves and u != unit_id] if children else []
    root = h.roots[0] if h.roots else unit_id
    rows = _Rows(table, {unit_id, root, *children, *leaves})
    indicators = _indicators(rows, campaign, unit_id, language)
    linear = {i.elapsed for i in indicators if i.elapsed is not None}
    appraised = any(rows.has(c, "appraisal_score") for c in [unit_id, *children])
    keys = [i.key for i in indicators] or _in_file_order(dict.fromkeys(
        k for c in children for k in rows.keys_of(c, "completion")), _measures(campaign))
    kids = tuple(_child(rows, c, h.name[c], keys, appraised) for c in children)
    uncovered = tuple(h.name[u] for u in leaves if rows.num(u, "grassroots_coverage") == 0)
    restatements = []
    for uid in [unit_id, *children]:
        for kind, suffix in (("restated", "_previous"), ("revised", "")):
            for key in rows.keys_of(uid, kind):
                metric, _, sub = key.partition(":")
                restatements.append(Restatement(uid, h.name[uid], kind, metric, sub, rows.get(uid, kind, key),
                                                rows.get(uid, metric + suffix, sub)))
    thresholds = {k: v for k in ("yellow", "red") if (v := rows.num(root, "light_threshold", k)) is not None}
    return BulletinFigures(
        unit_id=unit_id, name=h.name[unit_id], as_of=as_of,
        previous_as_of=_date(rows.get(unit_id, "previous_as_of")),
        indicators=indicators, elapsed=linear.pop() if len(linear) == 1 else None,
        events=rows.num(unit_id, "events"), persons=rows.num(unit_id, "persons"),
        events_added=rows.num(unit_id, "events_added"), persons_added=rows.num(unit_id, "persons_added"),
        coverage=rows.num(unit_id, "coverage"), grassroots_coverage=rows.num(unit_id, "grassroots_coverage"),
        uncovered=uncovered, commitments_overdue=rows.num(unit_id, "commitments_overdue"),
        overdue_units=tuple((c.name, float(c.overdue)) for c in kids if c.overdue),
        children=kids, thresholds=thresholds, restatements=tuple(restatements), has_appraisal=appraised,
        score=rows.num(unit_id, "appraisal_score"), grade=rows.text(unit_id, "grade"),
        snapshots=snapshots, problems=problems,
    )


def annex_order(children: Iterable[Child]) -> list[Child]:
    """附件1's order: red (already red), newly red, yellow, then the rest; by rank within each (no rank last),
    then file order."""
    def group(c: Child) -> int:
        if c.light == Light.RED:
            return 1 if c.newly_red else 0
        return 2 if c.light == Light.YELLOW else 3

    listed = list(children)
    return sorted(listed, key=lambda c: (group(c), c.rank is None, c.rank or 0))


__all__ = ["LAGGING", "PROGRESSING", "BulletinFigures", "Child", "Indicator", "Light", "Restatement",
           "annex_order", "bulletin_figures"]
