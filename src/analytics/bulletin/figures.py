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
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.data.campaign import Campaign
from analytics.frames import codes, positions
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
    """The KPI table's rows of some units, read by whole columns: a wide unit's table has millions of rows (100,000
    children), and a lookup per row and figure took seconds.

    `get`, `num`, `text` and `keys_of` read one unit's rows (the bulletin's own unit, its root); `figure` one figure
    of every unit (unit -> value), `by_unit` one metric's rows (unit -> key -> value, keys in table order). Each is
    gathered when first asked for. A figure the table holds twice is read from its last row."""

    def __init__(self, table: pd.DataFrame, units: Iterable[str]):
        self._units = list(dict.fromkeys(units))
        at = positions(table["unit_id"], self._units)
        kept = np.flatnonzero(at >= 0)
        self._at = at[kept]
        metric, self._metrics = codes(table["metric"])
        key, self._keys = codes(table["key"].fillna("").astype(str))
        self._metric, self._key = metric[kept], key[kept]
        self._metric_code = {m: i for i, m in enumerate(self._metrics)}
        self._key_code = {k: i for i, k in enumerate(self._keys)}
        self._value = table["value"].to_numpy(dtype=object)[kept]
        self._found: dict[tuple, dict] = {}

    def _rows(self, metric: str, key: str | None = None) -> np.ndarray:
        """The rows of a metric (and key), in table order."""
        match = self._metric == self._metric_code.get(metric, -2)  # -2: no row (-1 is a missing metric)
        if key is not None:
            match &= self._key == self._key_code.get(key, -2)
        return np.flatnonzero(match)

    def _unit_ids(self, rows: np.ndarray) -> list[str]:
        return [self._units[p] for p in self._at[rows].tolist()]

    def figure(self, metric: str, key: str = "") -> dict[str, object]:
        """unit -> value of one figure (metric and key)."""
        found = self._found.get(("figure", metric, key))
        if found is None:
            rows = self._rows(metric, key)
            found = self._found["figure", metric, key] = dict(zip(self._unit_ids(rows), self._value[rows].tolist(),
                                                                  strict=True))
        return found

    def by_unit(self, metric: str) -> dict[str, dict[str, object]]:
        """unit -> key -> value of one metric's rows."""
        found = self._found.get(("by_unit", metric))
        if found is None:
            rows = self._rows(metric)
            found = self._found["by_unit", metric] = {}
            for unit, key, value in zip(self._unit_ids(rows), [self._keys[k] for k in self._key[rows].tolist()],
                                        self._value[rows].tolist(), strict=True):
                found.setdefault(unit, {})[key] = value
        return found

    def _own(self, unit: str) -> dict[tuple[str, str], object]:
        """(metric, key) -> value of one unit's rows, in table order."""
        found = self._found.get(("unit", unit))
        if found is None:
            place = self._units.index(unit) if unit in self._units else -2
            rows = np.flatnonzero((self._at == place) & (self._metric >= 0))
            found = self._found["unit", unit] = dict(zip(
                zip([self._metrics[m] for m in self._metric[rows].tolist()],
                    [self._keys[k] for k in self._key[rows].tolist()], strict=True),
                self._value[rows].tolist(), strict=True))
        return found

    def get(self, unit: str, metric: str, key: str = "") -> object:
        return self._own(unit).get((metric, key))

    def num(self, unit: str, metric: str, key: str = "") -> float | None:
        return _number(self.get(unit, metric, key))

    def text(self, unit: str, metric: str, key: str = "") -> str | None:
        return _text(self.get(unit, metric, key))

    def keys_of(self, unit: str, metric: str) -> list[str]:
        return [k for m, k in self._own(unit) if m == metric]


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


def _children(rows: _Rows, units: list[str], names: list[str], keys: list[str], appraised: bool) -> tuple[Child, ...]:
    """The children as the annex and the ranking paragraphs show them, each figure read for all of them at once."""
    rank_metric, previous_metric = ("rank", "rank_previous") if appraised else ("progress_rank",
                                                                                "progress_rank_previous")

    def each(metric: str, read) -> list:
        found = rows.figure(metric)
        return [read(found.get(u)) for u in units]

    def by_indicator(metric: str, read) -> list[dict]:  # indicator -> value, of the indicators a child has a row of
        found = {k: rows.figure(metric, k) for k in keys}
        return [{k: read(values[u]) for k, values in found.items() if u in values} for u in units]

    # Child's fields, in its order
    columns = zip(units, names, each("light", _text), each("light_previous", _text), each(rank_metric, _rank),
                  each(previous_metric, _rank), each("appraisal_score", _number), each("grade", _text),
                  each("appraisal_score_change", _number), by_indicator("completion", _number),
                  by_indicator("completion_change", _number), by_indicator("light", _text),
                  by_indicator("status", _text), each("commitments_overdue", lambda v: int(_number(v) or 0)),
                  strict=True)
    return tuple(itertools.starmap(Child, columns))


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
    scored = rows.figure("appraisal_score")
    appraised = any(c in scored for c in [unit_id, *children])
    keys = [i.key for i in indicators] or _in_file_order(dict.fromkeys(
        k for c in children for k in rows.by_unit("completion").get(c, {})), _measures(campaign))
    kids = _children(rows, children, [h.name[c] for c in children], keys, appraised)
    grassroots = rows.figure("grassroots_coverage")
    uncovered = tuple(h.name[u] for u in leaves if _number(grassroots.get(u)) == 0)
    restatements = []
    stated = {kind: rows.by_unit(kind) for kind in ("restated", "revised")}
    for uid in [unit_id, *children]:
        for kind, suffix in (("restated", "_previous"), ("revised", "")):
            for key, published in stated[kind].get(uid, {}).items():
                metric, _, sub = key.partition(":")
                restatements.append(Restatement(uid, h.name[uid], kind, metric, sub, published,
                                                rows.figure(metric + suffix, sub).get(uid)))
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
