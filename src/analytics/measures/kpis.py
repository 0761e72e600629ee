"""One unit's figures (unit_kpis) and every unit's figures in tidy long form (kpi_table), from one rollup.

`unit_rollups` is the single place where rows become per-unit figures: events and person-times (total,
by kind, by group), questionnaires, coverage and grassroots coverage, each unit's own rows plus all its
descendants'. `kpi_table` runs it over the whole hierarchy; `unit_kpis` over one unit and its children.
Ratings, commitments and the appraisal come from analytics.measures.evaluation; the appraisal scores the rows of
the same KPI table, so a score always agrees with the figures beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.data.campaign import Campaign, Hierarchy
from analytics.data.meta import CampaignMeta
from analytics.frames import sorted_by
from analytics.measures.derived import derived
from analytics.measures.evaluation import (
    Appraisal,
    UnitAppraisal,
    appraisal,
    commitment_figures,
    commitment_status,
    ratings,
)
from analytics.measures.findings import dated_findings, flag_frame, standing_findings
from analytics.measures.metrics import LAGGING_STATUSES, STATUSES, among, survey_rate_columns, target_pace, until
from analytics.measures.vocabulary import Pacing
from analytics.text.labels import message

KPI_COLUMNS = ["unit_id", "metric", "key", "value"]
METRICS = (
    "events", "persons", "coverage", "grassroots_coverage", "survey_issued", "survey_returned", "survey_valid",
    "survey_return_rate", "survey_validity", "survey_effective_rate", "target", "actual", "completion", "elapsed",
    "pace_gap", "level_gap", "status", "rating_count", "rating_mean", "satisfaction", "commitments_due", "commitments_kept",
    "commitments_late", "commitments_overdue", "commitments_due_today", "commitment_fulfilment", "appraisal_score",
    "appraisal_item", "grade", "rank",
)
# Rating figures: KPI metric -> column of evaluation.ratings (key = question, '' = all questions).
_RATING_METRICS = {"rating_count": "count", "rating_mean": "mean", "satisfaction": "satisfaction"}
# Commitment figures: KPI metric -> column of evaluation.commitment_figures.
_COMMITMENT_METRICS = {"commitments_due": "due", "commitments_kept": "kept", "commitments_late": "late",
                       "commitments_overdue": "overdue", "commitments_due_today": "due_today",
                       "commitment_fulfilment": "fulfilment"}
_TEXT_METRICS = ("status", "grade")
_TARGET_METRICS = ("target", "actual", "completion", "elapsed", "pace_gap", "level_gap", "status")
_LINEAR_ONLY = ("elapsed", "pace_gap")  # a level indicator has level_gap instead (DOMAIN.md, "Level indicators")
_COUNTS = ("issued", "returned", "valid")
_RATES = ("return_rate", "validity", "effective_rate")


@dataclass
class Rolled:
    """Per-unit figures over own and descendants' rows, for the units asked for (index: unit_id)."""

    totals: pd.DataFrame  # events, persons, survey_issued/returned/valid, coverage, leaves, leaves_covered, ...
    events: pd.Series  # (unit_id, kind) -> rows
    persons: pd.Series  # (unit_id, group) -> sum of persons
    uncovered: dict[str, list[str]]  # unit_id -> leaves below it without a visit row of their own


def unit_rollups(campaign: Campaign, units: list[str], visits: pd.DataFrame, surveys: pd.DataFrame,
                   uncovered_of: list[str] | None = None) -> Rolled:
    """Every rolled-up figure of `units`, counting the given (already windowed and filtered) rows; the uncovered
    leaves of `uncovered_of` only (default: of every unit in `units`).

    The same figures as metrics.rollup over the closure (and metrics.coverage_by_parent, grassroots_coverage),
    on the units' positions in the hierarchy: each unit's own count or sum, then each ancestor's over the closure
    pairs, with numpy. Sums of whole numbers, so the order of the additions changes nothing.
    """
    at = _positions_of(campaign.hierarchy)
    return Rollup(campaign, _Rows.of(at, visits, ("persons",), ("kind", "group")), _Rows.of(at, surveys, _COUNTS, ())
                  ).rolled(units, units if uncovered_of is None else uncovered_of)


@dataclass(frozen=True)
class _Rows:
    """A table's rows as numbers for rollups: each row's unit position (-1 outside the hierarchy), its date, its
    values (a missing value is 0) and its keys as codes into sorted names (-1: no key). `dated`: the rows are in
    date order, so the rows up to a date are a slice (no copy)."""

    at: np.ndarray
    day: np.ndarray | None
    values: dict[str, np.ndarray]
    keys: dict[str, tuple[np.ndarray, pd.Index]]
    dated: bool = False

    @classmethod
    def of(cls, at: _Positions, frame: pd.DataFrame, values: tuple[str, ...], keys: tuple[str, ...],
           dated: bool = False) -> _Rows:
        day = frame["date"].to_numpy(dtype="datetime64[ns]") if "date" in frame.columns else None
        order = np.argsort(day, kind="stable") if dated and day is not None else slice(None)
        coded = {}
        for name in keys:
            codes, names = pd.factorize(frame[name], sort=True)
            coded[name] = (codes[order], pd.Index(names, name=name))
        return cls(at=at.positions(frame["unit_id"])[order], day=None if day is None else day[order],
                   values={name: pd.to_numeric(frame[name]).to_numpy(dtype="float64", na_value=0.0)[order]
                           for name in values},
                   keys=coded, dated=dated and day is not None)

    def until(self, when: dt.date) -> _Rows:
        """The rows dated on or before `when` (metrics.until)."""
        if self.day is None:
            return self
        limit = np.datetime64(pd.Timestamp(when))
        keep = slice(0, int(np.searchsorted(self.day, limit, side="right"))) if self.dated else self.day <= limit
        return _Rows(at=self.at[keep], day=self.day[keep], values={k: v[keep] for k, v in self.values.items()},
                     keys={k: (codes[keep], names) for k, (codes, names) in self.keys.items()}, dated=self.dated)


@derived
def _encoded(campaign: Campaign) -> tuple[_Rows, _Rows]:
    """The campaign's visits and surveys encoded once, in date order: every date's rollup is a slice of them."""
    at = _positions_of(campaign.hierarchy)
    return (_Rows.of(at, campaign.visits, ("persons",), ("kind", "group"), dated=True),
            _Rows.of(at, campaign.surveys, _COUNTS, (), dated=True))


class Rollup:
    """unit_rollups' figures of every unit of the hierarchy at once (one numpy pass over the rows), sliced for the
    units a page or a table asks for: `rolled(units, uncovered_of)`, or one unit's `events_of`, `persons_of`,
    `uncovered_of`."""

    def __init__(self, campaign: Campaign, visits: _Rows, surveys: _Rows):
        at = self.at = _positions_of(campaign.hierarchy)
        visit_at = visits.at  # -1: a unit outside the hierarchy
        events = at.rolled(visit_at)
        totals = pd.DataFrame({"events": events.astype("int64"),
                               "persons": at.rolled(visit_at, visits.values["persons"]).astype("int64")},
                              index=pd.Index(at.index, name="unit_id"))
        for name in _COUNTS:
            totals[f"survey_{name}"] = at.rolled(surveys.at, surveys.values[name]).astype("int64")
        for name, rate in survey_rate_columns(*(totals[f"survey_{c}"] for c in _COUNTS)).items():
            totals[f"survey_{name}"] = rate
        self.has_visits = has_visits = "visits" in campaign.present
        # Coverage: the share of a unit's children with a visit at or below them (their rolled events).
        with np.errstate(divide="ignore", invalid="ignore"):
            children = np.bincount(at.parent_at[at.has_parent], minlength=at.size)
            active = np.bincount(at.parent_at[at.has_parent & (events > 0)], minlength=at.size)
            coverage = np.where(children > 0, active / children, math.nan)
        totals["coverage"] = coverage if has_visits else math.nan
        # Grassroots coverage: leaves at any depth below a unit (itself, for a leaf), and those with a row of their
        # own.
        self.visited = visited = np.bincount(visit_at[visit_at >= 0], minlength=at.size) > 0
        leaves = at.leaves_below
        covered = np.bincount(at.ancestor_at, weights=(at.is_leaf & visited)[at.unit_at], minlength=at.size)
        totals["leaves"] = leaves.astype("int64")
        totals["leaves_covered"] = covered.astype("int64")
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(leaves > 0, covered / leaves, math.nan)
        totals["grassroots_coverage"] = share if has_visits else math.nan
        self.totals = totals  # every unit, in the hierarchy's order
        self.events = _Keyed(at, visit_at, *visits.keys["kind"])
        self.persons = _Keyed(at, visit_at, *visits.keys["group"], visits.values["persons"])

    def rolled(self, units: list[str], uncovered_of: list[str]) -> Rolled:
        """The figures of `units` (totals in their order) and the uncovered leaves of `uncovered_of`."""
        units_at = self.at.index.get_indexer(units)
        totals = self.totals_of(units)
        uncovered = {}
        if self.has_visits:
            for u in uncovered_of:
                leaves = self.uncovered_of(u)
                if leaves:
                    uncovered[u] = leaves
        return Rolled(totals=totals, events=self.events.series(units_at), persons=self.persons.series(units_at),
                      uncovered=uncovered)

    def totals_of(self, units: list[str]) -> pd.DataFrame:
        """The rolled totals of `units`, in their order (index unit_id)."""
        return self.totals.iloc[self.at.index.get_indexer(units)].set_axis(pd.Index(units, name="unit_id"))

    def uncovered_of(self, unit_id: str) -> list[str]:
        """The leaves at or below the unit without a visit row of their own, in file order ([] without visits)."""
        if not self.has_visits:
            return []
        at = self.at
        below = at.subtree_at(at.index.get_loc(unit_id))
        return at.index[np.sort(below[at.is_leaf[below] & ~self.visited[below]])].tolist()


class _Keyed:
    """Per unit position and key: the count of rows (or sum of values) at or below the unit, for every unit."""

    def __init__(self, at: _Positions, row_at: np.ndarray, codes: np.ndarray, names: pd.Index,
                 values: np.ndarray | None = None):
        """`codes`: each row's key as a position in the sorted `names` (-1: none); `values`: summed, else counted."""
        kept = (row_at >= 0) & (codes >= 0)
        width = len(names)
        cell = row_at[kept] * width + codes[kept]
        count = np.bincount(cell, minlength=at.size * width).reshape(at.size, width)
        own = count if values is None else np.bincount(
            cell, weights=values[kept], minlength=at.size * width).reshape(at.size, width)
        total = np.zeros((at.size, width))
        present = np.zeros((at.size, width), dtype=bool)
        for j in range(width):
            total[:, j] = np.bincount(at.ancestor_at, weights=own[at.unit_at, j], minlength=at.size)
            present[:, j] = np.bincount(at.ancestor_at, weights=count[at.unit_at, j], minlength=at.size) > 0
        self.at, self.names, self.key_name = at, names, names.name
        self.total, self.present = total.astype("int64"), present

    def series(self, units_at: np.ndarray) -> pd.Series:
        """metrics.rollup(rows, closure of the units, by=keys.name, value=values.name): per unit (of `units_at`)
        and key, where there is a row at or below it; the index (ancestor_id, key) sorted as groupby sorts it."""
        asked = np.unique(units_at[units_at >= 0])
        asked = asked[np.argsort(self.at.rank[asked])]
        unit, key = np.nonzero(self.present[asked])
        index = pd.MultiIndex.from_arrays([self.at.index[asked[unit]], self.names[key]],
                                          names=["ancestor_id", self.key_name])
        return pd.Series(self.total[asked[unit], key], index=index, name="n")

    def of(self, position: int, name: str) -> pd.Series:
        """One unit's row of `series`, indexed by key (an empty int64 series without any row)."""
        key = np.nonzero(self.present[position])[0]
        if not len(key):
            return pd.Series(dtype="int64", name=name)
        return pd.Series(self.total[position, key], index=pd.Index(self.names[key], name=self.key_name), name=name)


class _Positions:
    """A hierarchy's units by position (file order) and its closure pairs as positions, for rollups in numpy."""

    def __init__(self, h: Hierarchy):
        self.index = pd.Index(h.ids)
        self.size = len(h.ids)
        self.unit_at = self.index.get_indexer(h.closure["unit_id"])
        self.ancestor_at = self.index.get_indexer(h.closure["ancestor_id"])
        self.parent_at = self.index.get_indexer([h.parent[u] or "" for u in h.ids])
        self.has_parent = self.parent_at >= 0
        self.is_leaf = np.array([not h.children[u] for u in h.ids], dtype=bool)
        self.leaves_below = np.bincount(self.ancestor_at, weights=self.is_leaf[self.unit_at], minlength=self.size)
        self.rank = np.empty(self.size, dtype="int64")  # each unit's place in the ids' sorted order
        self.rank[np.argsort(np.asarray(h.ids, dtype=object), kind="stable")] = np.arange(self.size)
        # The closure's pairs grouped by ancestor (in closure order within one): a unit's subtree is one slice.
        self._by_ancestor = np.argsort(self.ancestor_at, kind="stable")
        self._first = np.searchsorted(self.ancestor_at[self._by_ancestor], np.arange(self.size + 1))

    def closure_of(self, position: int) -> np.ndarray:
        """The closure's rows whose ancestor is the unit at `position`, in the closure's order."""
        return self._by_ancestor[self._first[position]:self._first[position + 1]]

    def subtree_at(self, position: int) -> np.ndarray:
        """The positions of the unit and every unit below it, in the closure's order."""
        return self.unit_at[self.closure_of(position)]

    def positions(self, unit_ids: pd.Series) -> np.ndarray:
        """Each row's unit position (-1: not a unit of the hierarchy): the column's distinct values looked up once,
        not a hash lookup of a text per row."""
        codes, uniques = pd.factorize(unit_ids)
        if not len(uniques):
            return np.full(len(codes), -1, dtype="int64")
        found = np.append(self.index.get_indexer(uniques), -1)
        return found[codes]  # code -1 (a missing id) picks the appended -1

    def rolled(self, row_at: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """Per unit position: the count of rows (or the sum of `values`) at or below it; `row_at`: each row's unit
        position, -1 for none."""
        kept = row_at >= 0
        weights = None if values is None else values[kept]
        own = np.bincount(row_at[kept], weights=weights, minlength=self.size)
        return np.bincount(self.ancestor_at, weights=own[self.unit_at], minlength=self.size)

    def in_subtree(self, position: int, row_at: np.ndarray) -> np.ndarray:
        """Whether each row (its unit's position, -1 for none) is at or below the unit at `position`."""
        inside = np.zeros(self.size + 1, dtype=bool)  # the last slot: position -1, no unit
        inside[self.subtree_at(position)] = True
        return inside[row_at]

    def among(self, positions: np.ndarray, row_at: np.ndarray) -> np.ndarray:
        """Whether each row (its unit's position, -1 for none) is of one of the units at `positions`."""
        inside = np.zeros(self.size + 1, dtype=bool)
        inside[positions[positions >= 0]] = True
        return inside[row_at]


def subtree_units(campaign: Campaign, unit_id: str) -> list[str]:
    """The unit and every unit below it, in file order (the closure's pairs of the unit as ancestor), without a
    walk of the tree in Python: Hierarchy.descendants' units, in another order."""
    at = _positions_of(campaign.hierarchy)
    return at.index[at.subtree_at(at.index.get_loc(unit_id))].tolist()


_POSITIONS: weakref.WeakKeyDictionary[Hierarchy, _Positions] = weakref.WeakKeyDictionary()


def _positions_of(h: Hierarchy) -> _Positions:
    """The hierarchy's _Positions, computed once per hierarchy (views of a campaign share theirs)."""
    if h not in _POSITIONS:
        _POSITIONS[h] = _Positions(h)
    return _POSITIONS[h]


@dataclass
class UnitKpis:
    """One unit's figures as of a date: its own rows plus all its descendants'."""

    unit_id: str
    as_of: dt.date
    events: pd.Series  # by kind
    persons: pd.Series  # by group
    coverage: float
    grassroots_coverage: float
    uncovered: list[str]  # leaves below the unit without a visit row of their own, in file order
    covered_children: pd.DataFrame  # child unit_id, name, events, covered
    surveys: dict[str, float]  # issued, returned, valid, return_rate, validity, effective_rate
    targets: pd.DataFrame  # metrics.target_pace rows for this unit
    flags: pd.DataFrame  # metrics.quality_flags rows for rows in this unit's subtree
    # evaluation.ratings rows of this unit, question '' (all) first; empty without a responses table
    ratings: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    # due, kept, late, overdue, due_today, not_due, total, fulfilment; empty without a commitments table
    commitments: dict[str, float] = dataclasses.field(default_factory=dict)
    # the subtree's commitments with name (of the unit), status and days_overdue, most overdue first
    commitment_list: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    appraisal: UnitAppraisal | None = None  # None without an appraisal section in campaign.yaml
    leaves: int = 0  # leaf units at or below the unit (itself, for a leaf): grassroots coverage's denominator
    # The unit (first row) and its direct children, index unit_id: the rolled totals under kpi_wide's column
    # names (events, persons, coverage, grassroots_coverage, survey_*, leaves, leaves_covered), indicators per
    # status (targets_<status>, targets_lagging) and no_activity (no visit row at or below, visits present).
    family: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    family_targets: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)  # target_pace rows of `family`

    @property
    def overdue_commitments(self) -> pd.DataFrame:
        """The subtree's overdue commitments (逾期未兑现): unit, name, text, due, days overdue, most overdue first."""
        if self.commitment_list.empty:
            return self.commitment_list
        return self.commitment_list[self.commitment_list["status"] == "overdue"].reset_index(drop=True)

    def with_targets(self, targets: pd.DataFrame, family_targets: pd.DataFrame | None = None) -> UnitKpis:
        """The same figures with other target rows (the explorer judges targets at as_of and visits up to another
        date, or keeps a few indicators): the unit's, and its family's with their status counts recounted."""
        if family_targets is None:
            family_targets = self.family_targets
        family = self.family
        if len(family):
            counted = [c for c in family.columns if c.startswith("targets_")]
            family = family.drop(columns=counted).join(status_counts(family_targets, family.index))
        return dataclasses.replace(self, targets=targets, family=family, family_targets=family_targets)

    @property
    def no_activity(self) -> bool:
        """No visit row at or below the unit (docs/domain.md's "no activity"); False when there is no visits table."""
        return bool(len(self.family)) and bool(self.family["no_activity"].iloc[0])

    @property
    def children(self) -> pd.DataFrame:
        """The direct children's rows of `family`, in the hierarchy's order."""
        return self.family.iloc[1:]

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
        rows.append(("grassroots_coverage", "", self.grassroots_coverage))
        for name in (*_COUNTS, *_RATES):
            rows.append((f"survey_{name}", "", self.surveys[name]))
        for t in self.targets.itertuples(index=False):
            rows += [(m, t.indicator, getattr(t, m)) for m in target_metrics(getattr(t, "pacing", Pacing.LINEAR))]
        for r in self.ratings.to_dict("records"):
            rows += [(m, r["question"], _whole(r[c]) if m == "rating_count" else r[c])
                     for m, c in _RATING_METRICS.items()]
        if self.commitments:
            rows += [(m, "", self.commitments[c]) for m, c in _COMMITMENT_METRICS.items()]
        if self.appraisal is not None:
            a = self.appraisal
            rows.append(("appraisal_score", "", a.score))
            rows += [("appraisal_item", item, points) for item, points in zip(a.items["item"], a.items["points"],
                                                                            strict=True)]
            rows += [("grade", "", a.grade), ("rank", "", math.nan if a.rank is None else a.rank)]
        frame = pd.DataFrame(rows, columns=["metric", "key", "value"])
        frame.insert(0, "unit_id", self.unit_id)
        return frame


def unit_kpis(
    campaign: Campaign,
    unit_id: str,
    as_of: dt.date,
    tolerance: float = 1.0,
    start: dt.date | None = None,
    kinds: list[str] | None = None,
    groups: list[str] | None = None,
) -> UnitKpis:
    """One unit's figures; optional start date and kind/group filters narrow the visits looked at."""
    return units_kpis(campaign, [unit_id], as_of, tolerance, start, kinds, groups)[0]


def units_kpis(
    campaign: Campaign,
    unit_ids: list[str],
    as_of: dt.date,
    tolerance: float = 1.0,
    start: dt.date | None = None,
    kinds: list[str] | None = None,
    groups: list[str] | None = None,
) -> list[UnitKpis]:
    """unit_kpis of each of several units, from every unit's rollup: computed once per campaign and as_of (kept on
    the campaign, a kernel renders many units) for the whole window, once per call with a start or filters or on a
    narrowed view (the explorer's: a new view per query holds only the subtree's rows, and every unit's ratings and
    commitments would be computed for one query)."""
    h = campaign.hierarchy
    for unit_id in unit_ids:
        if unit_id not in h.parent:
            raise KeyError(f"unknown unit_id {unit_id!r}")
    when = as_of
    if start is None and kinds is None and groups is None and campaign.whole is campaign:
        surveys = windowed(campaign, "surveys", when)
        figures = _unit_figures(campaign, when, tolerance)
    else:
        visits = _window(campaign.visits, when, start)
        if kinds is not None:
            visits = visits[visits["kind"].isin(kinds)]
        if groups is not None:
            visits = visits[visits["group"].isin(groups)]
        surveys = _window(campaign.surveys, when, start)
        at = _positions_of(h)
        rollup = Rollup(campaign, _Rows.of(at, visits, ("persons",), ("kind", "group")),
                        _Rows.of(at, surveys, _COUNTS, ()))
        figures = UnitFigures(rollup, campaign_pace(campaign, when, tolerance),
                              campaign_flags(campaign, when))
    scored = campaign_appraisal(campaign, when, tolerance)
    return [_unit_kpis(campaign, unit_id, when, surveys, figures, scored) for unit_id in unit_ids]


class UnitFigures:
    """What unit_kpis slices for each unit, computed for every unit at once: the rollup, the rolled totals with
    indicators per status (`family`, every unit), the pace rows and the data-quality findings with their units'
    positions."""

    def __init__(self, rollup: Rollup, targets: pd.DataFrame, flags: pd.DataFrame,
                 rated: pd.DataFrame | None = None, promised: pd.DataFrame | None = None):
        at = rollup.at
        self.rollup = rollup
        self.family = with_statuses(rollup.totals, targets, rollup.has_visits)
        self.targets, self.target_at = targets, at.index.get_indexer(targets["unit_id"])
        self.flags, self.flag_at = flags, at.index.get_indexer(flags["unit_id"])
        # evaluation.ratings of every unit (a block of rows per unit, in the hierarchy's order, one row per
        # question) and evaluation.commitment_figures of every unit; None: computed per unit
        self.rated, self.promised = rated, promised

    def ratings_of(self, position: int) -> pd.DataFrame:
        """The rows of `rated` of the unit at `position` (question '' first), without unit_id."""
        width = len(self.rated) // self.rollup.at.size
        rows = self.rated.iloc[position * width:(position + 1) * width]
        return rows.drop(columns="unit_id").reset_index(drop=True)


def unit_figures(campaign: Campaign, as_of: dt.date, tolerance: float = 1.0) -> UnitFigures:
    """Every unit's rollup (rows up to as_of), rolled totals with statuses, pace rows and findings, computed once per
    campaign, as_of and tolerance: a batch's kernel builds it while warming up, pages slice it."""
    return _unit_figures(campaign, as_of, tolerance)


@derived
def _unit_figures(campaign: Campaign, when: dt.date, tolerance: float) -> UnitFigures:
    h = campaign.hierarchy
    rated = promised = None
    if "responses" in campaign.present:
        rated = ratings(campaign.responses, windowed(campaign, "surveys", when), h.closure, h.ids,
                        campaign.meta.satisfaction_min)
    if "commitments" in campaign.present:
        promised = commitment_figures(commitments_at(campaign, when), h.closure, h.ids)
    return UnitFigures(campaign_rollup(campaign, when), campaign_pace(campaign, when, tolerance),
                       campaign_flags(campaign, when), rated, promised)


def campaign_rollup(campaign: Campaign, as_of: dt.date) -> Rollup:
    """unit_rollups of every unit over the rows up to as_of, computed once per campaign and as_of."""
    return _rollup(campaign, as_of)


@derived
def _rollup(campaign: Campaign, when: dt.date) -> Rollup:
    visits, surveys = _encoded(campaign)
    return Rollup(campaign, visits.until(when), surveys.until(when))


def subtree_visits(campaign: Campaign, unit_id: str, as_of: dt.date) -> pd.DataFrame:
    """The visit rows up to as_of of the unit and every unit below it, in file order."""
    at = _positions_of(campaign.hierarchy)
    inside = at.in_subtree(at.index.get_loc(unit_id), _windowed_at(campaign, as_of))
    return windowed(campaign, "visits", as_of)[inside]


@derived
def _windowed_at(campaign: Campaign, when: dt.date) -> np.ndarray:
    """The unit position of each visit row up to `when`, in file order (windowed's rows)."""
    return _positions_of(campaign.hierarchy).positions(windowed(campaign, "visits", when)["unit_id"])


def windowed(campaign: Campaign, table: str, as_of: dt.date) -> pd.DataFrame:
    """The table's rows dated on or before as_of (metrics.until), computed once per campaign and as_of; shared by
    every page of a kernel, so read only (pandas' copy-on-write keeps a change made by a caller its own)."""
    return _windowed(campaign, table, as_of)


@derived
def _windowed(campaign: Campaign, table: str, when: dt.date) -> pd.DataFrame:
    return until(campaign.table(table), when)


def _unit_kpis(campaign: Campaign, unit_id: str, when: dt.date, surveys: pd.DataFrame, figures: UnitFigures,
               scored: Appraisal | None) -> UnitKpis:
    """The figures of one unit (and of its direct children, `family`), sliced from `figures` by position."""
    h = campaign.hierarchy
    rollup = figures.rollup
    at = rollup.at
    children = h.children[unit_id]
    position = at.index.get_loc(unit_id)
    family_at = np.concatenate([[position], at.index.get_indexer(children)]).astype("int64")
    totals = rollup.totals.iloc[family_at]
    me = totals.iloc[0]
    covered = pd.DataFrame({"unit_id": children, "name": [h.name[c] for c in children],
                            "events": totals["events"].iloc[1:].to_numpy(dtype="int64")})
    covered["covered"] = covered["events"] > 0
    surveys_out = {name: int(me[f"survey_{name}"]) for name in _COUNTS}
    surveys_out.update({name: me[f"survey_{name}"] for name in _RATES})
    targets = figures.targets
    family_targets = targets[at.among(family_at, figures.target_at)].reset_index(drop=True)
    me_only = h.closure.iloc[at.closure_of(position)]
    rated = pd.DataFrame()
    if figures.rated is not None:
        rated = figures.ratings_of(position)
    elif "responses" in campaign.present:
        rated = ratings(campaign.responses, surveys, me_only, [unit_id], campaign.meta.satisfaction_min)
        rated = rated.drop(columns="unit_id")
    promised: dict[str, float] = {}
    promised_list = pd.DataFrame()
    if "commitments" in campaign.present:
        status = commitments_at(campaign, when)
        if figures.promised is not None:
            figures_of = figures.promised.iloc[position]
        else:
            figures_of = commitment_figures(status, me_only, [unit_id]).loc[unit_id]
        promised = {k: (float(v) if k == "fulfilment" else int(v)) for k, v in figures_of.items()}
        inside = at.in_subtree(position, at.index.get_indexer(status["unit_id"]))
        promised_list = _commitment_list(status[inside], h.name)
    return UnitKpis(
        unit_id=unit_id,
        as_of=when,
        events=rollup.events.of(position, "events"),
        persons=rollup.persons.of(position, "persons"),
        coverage=float(me["coverage"]),
        grassroots_coverage=float(me["grassroots_coverage"]),
        uncovered=rollup.uncovered_of(unit_id),
        covered_children=covered,
        surveys=surveys_out,
        targets=targets[figures.target_at == position].reset_index(drop=True),
        flags=figures.flags[at.in_subtree(position, figures.flag_at)].reset_index(drop=True),
        ratings=rated,
        commitments=promised,
        commitment_list=promised_list,
        appraisal=None if scored is None else scored.of(unit_id, campaign.whole.hierarchy),
        leaves=int(me["leaves"]),
        family=figures.family.iloc[family_at],
        family_targets=family_targets,
    )


def campaign_pace(campaign: Campaign, as_of: dt.date, tolerance: float = 1.0) -> pd.DataFrame:
    """metrics.target_pace of every unit (own and summed targets), memoised per as_of and tolerance."""
    return _pace(campaign, as_of, tolerance)


@derived
def _pace(campaign: Campaign, when: dt.date, tolerance: float) -> pd.DataFrame:
    return target_pace(campaign.targets, campaign.actuals, campaign.hierarchy.parent, when, tolerance)


def pace_is_built(campaign: Campaign, as_of: dt.date, tolerance: float = 1.0) -> bool:
    """Whether campaign_pace, the data-quality findings and every unit's figures (unit_figures) are already kept on
    `campaign` (a warmed kernel's)."""
    return (_pace.cached(campaign, as_of, tolerance) and _findings.cached(campaign)
            and _unit_figures.cached(campaign, as_of, tolerance))


def narrowed_view(campaign: Campaign, tables: dict[str, pd.DataFrame],
                  pace: tuple[dt.date, float, pd.DataFrame] | None = None) -> Campaign:
    """campaign.narrowed(tables) keeping the data-quality findings of the whole campaign (judged among all rows)
    and, given (as_of, tolerance, frame), the whole campaign's campaign_pace, computed elsewhere: a view's
    targets are a subtree's, whose paces are the same rows."""
    view = campaign.narrowed(tables, keep=(_findings.key(),))
    if pace is not None:
        _pace.seed(view, pace[0], pace[1], value=pace[2])
    return view


def status_counts(pace: pd.DataFrame, units: pd.Index) -> pd.DataFrame:
    """Per unit: indicators per pace status (targets_<status>) and targets_lagging (behind or missed)."""
    # Counted on positions (a unit's, a status's) with numpy: the same counts as a groupby of the two text columns,
    # without factorizing them (a unit with 100,000 children has as many rows).
    known = pd.Index(units).unique()
    unit_at = known.get_indexer(pace["unit_id"]) if len(pace) else np.zeros(0, dtype="int64")
    status_at = pd.Index(STATUSES).get_indexer(pace["status"]) if len(pace) else np.zeros(0, dtype="int64")
    kept = (unit_at >= 0) & (status_at >= 0)
    width = len(STATUSES)
    counts = np.bincount(unit_at[kept] * width + status_at[kept], minlength=len(known) * width)
    counts = counts.reshape(len(known), width)[known.get_indexer(units)]
    out = pd.DataFrame({f"targets_{name}": counts[:, j].astype("int64") for j, name in enumerate(STATUSES)},
                       index=units)
    out["targets_lagging"] = sum(out[f"targets_{s}"] for s in LAGGING_STATUSES)
    return out


def with_statuses(totals: pd.DataFrame, pace: pd.DataFrame, has_visits: bool) -> pd.DataFrame:
    """Rolled totals plus indicators per status and `no_activity` (no visit row at or below the unit; False
    for every unit when the campaign has no visits table)."""
    out = totals.join(status_counts(pace, totals.index))
    out["no_activity"] = (pd.to_numeric(out["events"]) == 0) & has_visits
    return out


def _commitment_list(status: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Commitments with the unit's name, most overdue first, then by due date and file order."""
    out = status[["commitment_id", "unit_id", "text", "due", "done", "status", "days_overdue"]].copy()
    out.insert(2, "name", [names.get(u, u) for u in out["unit_id"]])
    out["_row"] = range(len(out))
    out = out.sort_values(["days_overdue", "due", "_row"], ascending=[False, True, True], na_position="last",
                          kind="stable")
    return out.drop(columns="_row").reset_index(drop=True)


def overdue_commitments(campaign: Campaign, as_of: dt.date) -> pd.DataFrame:
    """Every overdue commitment of the campaign at as_of (逾期未兑现), most overdue first: commitment_id, unit_id,
    name (of the unit), text, due, done (empty, or after as_of), status, days_overdue. Empty without a
    commitments table."""
    if "commitments" not in campaign.present:
        return pd.DataFrame()
    status = commitments_at(campaign, as_of)
    return _commitment_list(status[status["status"] == "overdue"], campaign.hierarchy.name)


def commitments_at(campaign: Campaign, as_of: dt.date) -> pd.DataFrame:
    """evaluation.commitment_status of the campaign's commitments at as_of (memoised on it)."""
    return _commitments(campaign, as_of)


@derived
def _commitments(campaign: Campaign, as_of: dt.date) -> pd.DataFrame:
    return commitment_status(campaign.commitments, as_of)


def campaign_appraisal(campaign: Campaign, as_of: dt.date,
                       tolerance: float = 1.0) -> Appraisal | None:
    """The appraisal of every unit (None without an appraisal section), scored on the KPI table's values.

    Computed once per as_of and tolerance on the whole campaign, even from a narrowed view: a rank compares a
    unit with its siblings, whose rows a view may not hold.
    """
    whole = campaign.whole
    spec = whole.meta.appraisal
    if spec is None:
        return None
    return _appraisal(whole, as_of, tolerance)


@derived
def _appraisal(whole: Campaign, when: dt.date, tolerance: float) -> Appraisal | None:
    return appraisal(whole.meta.appraisal, _figures_table(whole, when, tolerance), whole.hierarchy)


def _window(frame: pd.DataFrame, when: dt.date, start: dt.date | None) -> pd.DataFrame:
    rows = until(frame, when)
    return rows if start is None else rows[rows["date"] >= pd.Timestamp(start)]


def campaign_flags(campaign: Campaign, as_of: dt.date) -> pd.DataFrame:
    """Data-quality findings for the whole campaign as of a date (memoised on it, per as_of).

    The memo entry holds the whole campaign's tables, so a view made by narrowed_view judges its findings among
    all rows, for any as_of.
    """
    return _findings(campaign).at(as_of)


@derived
def _findings(campaign: Campaign) -> _Findings:
    return _Findings(campaign)


def finding_detail(finding, meta: CampaignMeta, language: str) -> str:
    """A data-quality finding (a row of metrics.quality_flags) in words of `language`, the codes in it (visit
    kind, indicator) given by their labels: "人次在“办实事”类活动中偏离中位数过大……"."""
    code = getattr(finding, "code", None)
    if not code:
        return str(getattr(finding, "detail", "") or "")
    params = dict(finding.params)
    if "kind" in params:
        params["kind"] = meta.kind_label(str(params["kind"]), language)
    if "indicator" in params:
        params["indicator"] = meta.indicator_label(str(params["indicator"]), language)
    return message(code, language, **params)


def finding_value(finding, meta: CampaignMeta, language: str) -> str:
    """The value a finding is about, as a reader of `language` reads it: an indicator or kind by its label, a date
    as YYYY-MM-DD, a whole number without '.0', anything else as written."""
    value = finding.value
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if finding.column == "indicator":
        return meta.indicator_label(str(value), language)
    if finding.column == "kind":
        return meta.kind_label(str(value), language)
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Findings:
    """metrics.quality_flags of one campaign, computed once per as_of; the findings that hold at any as_of
    (every one but targets without an actual yet) are judged once for all of them."""

    def __init__(self, campaign: Campaign):
        self._tables = campaign.tables
        self._early = campaign.before_start
        self._units = set(campaign.units["unit_id"].tolist())
        self._parent = campaign.hierarchy.parent
        self._start, self._end = campaign.meta.start, campaign.meta.end
        self._standing: list[dict] | None = None
        self._standing_frame: pd.DataFrame | None = None
        self._by_date: dict[dt.date, pd.DataFrame] = {}

    def at(self, as_of: dt.date) -> pd.DataFrame:
        if as_of not in self._by_date:
            if self._standing is None:
                self._standing = standing_findings(self._tables, self._units, self._start, self._end,
                                                   parent=self._parent, before_start=self._early)
                self._standing_frame = flag_frame(self._standing)
            dated = dated_findings(self._tables, as_of)
            # Without a finding of this date, the standing ones alone: one frame for every such as_of.
            self._by_date[as_of] = flag_frame(self._standing + dated) if dated else self._standing_frame
        return self._by_date[as_of]


def kpi_table(campaign: Campaign, as_of: dt.date, tolerance: float = 1.0,
              units: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every unit's figures in tidy long form: unit_id, metric, key, value (key '' for a total).

    Keys: events by visit kind, persons by group, target figures by indicator, rating figures by question
    ('' = all questions), appraisal_item by item (`metric` or `metric:key`); '' for every other metric.
    units: only these units' rows, the same rows as the whole table's (from the same rollup and pace rows; with an
    appraisal, which ranks siblings, sliced from every unit's).
    """
    h = campaign.hierarchy
    when = as_of
    scored = campaign_appraisal(campaign, when, tolerance)
    if scored is None:
        parts = [_figures(campaign, when, tolerance, units)]
    else:  # the figures the appraisal scored, computed once for both
        parts = [_figures_table(campaign, when, tolerance), scored.long()]
        if units is not None:
            parts = [p[p["unit_id"].isin(units).to_numpy(dtype=bool)] for p in parts]
    out = pd.concat([p.astype({"value": object}) for p in parts], ignore_index=True)
    return sorted_by(out, [("unit_id", h.ids), ("metric", METRICS)])


def _figures_table(campaign: Campaign, when: dt.date, tolerance: float) -> pd.DataFrame:
    """The KPI rows the appraisal scores (all but its own), memoised per as_of and tolerance; rows of one
    metric in key order, except rating figures, whose questions keep their file order ('' first)."""
    return _figures_memo(campaign, when, tolerance)


def _figures(campaign: Campaign, when: dt.date, tolerance: float,
             units: tuple[str, ...] | None = None) -> pd.DataFrame:
    """kpi_table's rows but the appraisal's, of every unit or of `units`."""
    h = campaign.hierarchy
    ids = h.ids if units is None else list(units)
    surveys = windowed(campaign, "surveys", when)
    rolled = campaign_rollup(campaign, when).rolled(ids, [])
    t = rolled.totals
    parts = [_frame(t["events"], "events"), _frame(t["persons"], "persons"),
             keyed_rows(rolled.events, "events"), keyed_rows(rolled.persons, "persons"),
             _frame(t["coverage"], "coverage"), _frame(t["grassroots_coverage"], "grassroots_coverage")]
    parts += [_frame(t[f"survey_{name}"], f"survey_{name}") for name in (*_COUNTS, *_RATES)]
    targets = campaign_pace(campaign, when, tolerance)
    if units is not None:
        targets = targets[targets["unit_id"].isin(ids).to_numpy(dtype=bool)]
    if not targets.empty:
        long = targets.melt(id_vars=["unit_id", "indicator", "pacing"], value_vars=list(_TARGET_METRICS),
                            var_name="metric")
        level = long["pacing"].eq(Pacing.LEVEL).to_numpy(bool)
        long = long[np.where(level, ~long["metric"].isin(_LINEAR_ONLY), long["metric"].ne("level_gap"))]
        parts.append(long.rename(columns={"indicator": "key"})[KPI_COLUMNS])
    parts = [p.sort_values(["unit_id", "metric", "key"], kind="stable") for p in parts]
    closure = h.closure
    if "responses" in campaign.present:
        rated = ratings(campaign.responses, surveys, closure, ids, campaign.meta.satisfaction_min)
        long = rated.melt(id_vars=["unit_id", "question"], value_vars=list(_RATING_METRICS.values()),
                          var_name="column")
        long["metric"] = long["column"].map({c: m for m, c in _RATING_METRICS.items()})
        long["value"] = pd.Series([_whole(v) if m == "rating_count" else v
                                   for m, v in zip(long["metric"], long["value"], strict=True)],
                                  index=long.index, dtype=object)
        parts.append(long.rename(columns={"question": "key"})[KPI_COLUMNS])
    if "commitments" in campaign.present:
        figures = commitment_figures(commitments_at(campaign, when), closure, ids)
        parts += [_frame(figures[column], metric) for metric, column in _COMMITMENT_METRICS.items()]
    return pd.concat([p.astype({"value": object}) for p in parts], ignore_index=True)


def _whole(value: object) -> object:
    """A count as an int (melting counts with means makes them floats: 1020.0 in kpis.csv); NaN stays."""
    if isinstance(value, float | np.floating) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    return value


def target_metrics(pacing: str) -> tuple[str, ...]:
    """The KPI rows of one target: a level indicator has level_gap, no elapsed or pace_gap."""
    if pacing == Pacing.LEVEL:
        return tuple(m for m in _TARGET_METRICS if m not in _LINEAR_ONLY)
    return tuple(m for m in _TARGET_METRICS if m != "level_gap")


def _frame(series: pd.Series, metric: str) -> pd.DataFrame:
    return pd.DataFrame({"unit_id": series.index.astype(str), "metric": metric, "key": "",
                         "value": series.to_numpy(dtype=object)})


def keyed_rows(series: pd.Series, metric: str) -> pd.DataFrame:
    """KPI rows (unit_id, metric, key, value) of a rollup's per-key series (Rolled.events, Rolled.persons)."""
    frame = series.rename("value").reset_index()
    frame.columns = ["unit_id", "key", "value"]
    frame.insert(1, "metric", metric)
    return frame[KPI_COLUMNS]


def cached_kpi_table(campaign: Campaign, as_of: dt.date, tolerance: float = 1.0) -> pd.DataFrame:
    """kpi_table computed once per campaign, as_of and tolerance (reports of many units share it)."""
    return _kpi_table(campaign, as_of, tolerance)


def kpi_wide(long: pd.DataFrame) -> pd.DataFrame:
    """Per unit: the totals (key '') as columns, plus counts of indicators per status (targets_<status>, and
    targets_lagging: behind or missed)."""
    totals = long[long["key"] == ""].pivot(index="unit_id", columns="metric", values="value")
    numeric = [c for c in totals.columns if c not in _TEXT_METRICS]
    totals[numeric] = totals[numeric].apply(pd.to_numeric, errors="coerce")
    status = long[long["metric"] == "status"].rename(columns={"value": "status"})
    return totals.join(status_counts(status, totals.index))


def cached_kpi_wide(campaign: Campaign, as_of: dt.date, tolerance: float = 1.0) -> pd.DataFrame:
    """kpi_wide of the cached kpi_table, computed once per campaign, as_of and tolerance."""
    return _kpi_wide(campaign, as_of, tolerance)


@derived
def _kpi_wide(campaign: Campaign, when: dt.date, tolerance: float) -> pd.DataFrame:
    return kpi_wide(cached_kpi_table(campaign, when, tolerance))


def children_table(campaign: Campaign, unit_id: str, as_of: dt.date,
                   tolerance: float = 1.0) -> pd.DataFrame:
    """The direct children of a unit with their rolled-up KPIs, in the hierarchy's order."""
    h = campaign.hierarchy
    when = as_of
    wide = cached_kpi_wide(campaign, when, tolerance)
    children = h.children[unit_id]
    return _named(campaign, wide.reindex(children).reset_index().rename(columns={"index": "unit_id"}))


def children_figures(campaign: Campaign, k: UnitKpis) -> pd.DataFrame:
    """The direct children of k's unit with their rolled-up figures, name and tags, in the hierarchy's order:
    children_table's figures (not its rating, commitment and appraisal columns) from the unit's own rollup,
    without the whole campaign's KPI table (a page of a unit with 100,000 children needs only theirs)."""
    children = campaign.hierarchy.children[k.unit_id]
    return _named(campaign, k.family.reindex(children).reset_index(names="unit_id"))


def _named(campaign: Campaign, out: pd.DataFrame) -> pd.DataFrame:
    """Rows of units (column unit_id) with their name (second column) and tags ('' for none, last column)."""
    h = campaign.hierarchy
    ids = out["unit_id"].tolist()
    out.insert(1, "name", [h.name[c] for c in ids])
    tags = campaign.units["tags"].set_axis(campaign.units["unit_id"]).reindex(ids)
    out["tags"] = [t if isinstance(t, str) else "" for t in tags.tolist()]
    return out


def rolled_totals(campaign: Campaign, units: list[str], as_of: dt.date) -> pd.DataFrame:
    """The rolled totals of some units (unit_rollups' totals over the rows up to as_of): the figures kpi_table
    gives those units, without computing every unit's."""
    return campaign_rollup(campaign, as_of).totals_of(units)


def children_ratings(campaign: Campaign, unit_id: str, as_of: dt.date,
                     start: dt.date | None = None) -> pd.DataFrame:
    """The direct children of a unit with their ratings over all questions (evaluation.ratings, question ''):
    unit_id, name, count, mean, satisfied, satisfaction, score_1 … score_5, in the hierarchy's order; the
    questionnaires looked at run from `start` (default: all) to as_of, as in unit_kpis. Empty without a
    responses table or without children."""
    h = campaign.hierarchy
    children = h.children[unit_id]
    if "responses" not in campaign.present or not children:
        return pd.DataFrame()
    surveys = _window(campaign.surveys, as_of, start)
    closure = h.closure[among(h.closure["ancestor_id"], children)]
    rated = ratings(campaign.responses, surveys, closure, children, campaign.meta.satisfaction_min)
    out = rated[rated["question"] == ""].drop(columns="question").reset_index(drop=True)
    out.insert(1, "name", [h.name[c] for c in out["unit_id"]])
    return out


def children_commitments(campaign: Campaign, unit_id: str, as_of: dt.date) -> pd.DataFrame:
    """The direct children of a unit with their commitments at as_of (evaluation.commitment_figures): unit_id,
    name, due, kept, late, overdue, due_today, not_due, total, fulfilment, in the hierarchy's order. Empty without
    a commitments table or without children."""
    h = campaign.hierarchy
    children = h.children[unit_id]
    if "commitments" not in campaign.present or not children:
        return pd.DataFrame()
    status = commitments_at(campaign, as_of)
    out = commitment_figures(status, h.closure[among(h.closure["ancestor_id"], children)], children).reset_index()
    out.columns.name = None
    out.insert(1, "name", [h.name[c] for c in out["unit_id"]])
    return out


# Computed once per campaign, as_of and tolerance (reports of many units share them); keys private to this module.
_figures_memo = derived(_figures)
_kpi_table = derived(kpi_table)
