"""What pages and the index say about the previous period (环比), read from the KPI table the run publishes.

`published_table` is the table kpis.csv holds: measures.change.compared_kpis (the comparison rows: changes in
points, lights, ranks, activity added) plus, given the output folder, the `restated` and `revised` rows of
report.history.published_kpis. A run's pages and its kpis.csv are made from the same call, so they agree; it is
memoised on the campaign (a kernel renders many units) under a key that includes the snapshots' files.

`Comparison` is that table's rows of one unit and its direct children, with what a page asks of them;
`family_comparison` computes those rows alone (the explorer's panel, at each new as_of), or slices the whole table
when the campaign has it memoised.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.data.campaign import Campaign
from analytics.frames import positions
from analytics.measures.change import compared_kpis, comparison_date
from analytics.measures.kpis import cached_kpi_table
from analytics.measures.periods import COMPARE_OFF
from analytics.report.layout import OutputLayout

LIGHT_ORDER = ("red", "yellow", "none")  # worst first


def history_files(reports_dir: Path | None, *days: dt.date | None) -> tuple:
    """The snapshot files of these as_of dates (name, size, mtime): part of the memo key, so that a snapshot
    written since is read."""
    if reports_dir is None:
        return ()
    out = []
    for day in days:
        if day is None:
            continue
        folder = Path(reports_dir) / OutputLayout.HISTORY / day.isoformat()
        try:
            out += [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())]
        except OSError:
            continue
    return tuple(out)


def published_table(campaign: Campaign, as_of: dt.date, tolerance: float, compare_to: object = None,
                    reports_dir: Path | str | None = None) -> pd.DataFrame:
    """The KPI table kpis.csv publishes (unit_id, metric, key, value): the comparison rows, and with an output
    folder its restated and revised rows (damaged snapshots are left out, as the run leaves them)."""
    from analytics.report.history import published_kpis

    previous = comparison_date(campaign, as_of, compare_to)
    folder = _reports_folder(reports_dir)

    def build() -> pd.DataFrame:
        table = compared_kpis(campaign, as_of, compare_to, tolerance)
        if folder is None:
            return table
        return published_kpis(campaign, table, as_of, tolerance, folder, previous_as_of=previous).table

    return campaign.memoised(_table_key(as_of, tolerance, compare_to, folder, history_files(folder, as_of, previous)),
                             build)


def _table_key(as_of: dt.date, tolerance: float, compare_to: object, folder: Path | None, snapshots: tuple) -> tuple:
    """published_table's memo key: `folder` as _reports_folder gives it, `snapshots` its history_files of as_of
    and of the date compared with."""
    return ("published_table", as_of, tolerance, str(compare_to), str(folder), snapshots)


@dataclass(frozen=True)
class Restatement:
    """A published figure that changed: `kind` restated (the previous period's) or revised (this period's);
    `metric` and `key` name the figure; `published` and `now` its values."""

    kind: str
    unit_id: str
    metric: str
    key: str
    published: object
    now: object


@dataclass(frozen=True)
class Comparison:
    """The published table's rows of a unit and its children, and the comparison's settings.

    `previous_as_of` None: no comparison (`off` True when switched off with compare_to none, else no earlier
    period)."""

    unit_id: str
    previous_as_of: dt.date | None
    off: bool
    rows: pd.DataFrame  # unit_id, metric, key, value
    thresholds: dict[str, float]  # yellow, red: points behind pace
    recomputed_previous: pd.DataFrame | None = None  # the KPI table at previous_as_of, for restated figures
    _metrics: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict, init=False, repr=False,
                                                              compare=False)

    def values(self, unit_id: str, metric: str) -> dict[str, object]:
        """key -> value of one unit's metric."""
        if unit_id == self.unit_id:  # the page's own unit, asked many times: its rows grouped once
            return dict(self._own.get(metric, {}))
        return dict(self._by_metric(metric).get(unit_id, {}))

    def _by_metric(self, metric: str) -> dict[str, dict[str, object]]:
        """unit -> key -> value of one metric's rows, grouped when first asked: a page asks each child for a few
        metrics, and a wide unit's rows are millions (one scan per question took seconds at 100,000 children)."""
        found = self._metrics.get(metric)
        if found is None:
            r = self.rows
            part = r[(r["metric"] == metric).to_numpy()]
            found = self._metrics[metric] = {}
            for unit, key, value in zip(part["unit_id"].tolist(), part["key"].astype(str).tolist(),
                                        part["value"].tolist(), strict=True):
                found.setdefault(unit, {})[key] = value
        return found

    @cached_property
    def _own(self) -> dict[str, dict[str, object]]:
        """metric -> key -> value of the rows of `unit_id`, in the rows' order."""
        r = self.rows
        part = r[(r["unit_id"] == self.unit_id).to_numpy()]
        out: dict[str, dict[str, object]] = {}
        for metric, key, value in zip(part["metric"], part["key"].astype(str), part["value"], strict=True):
            out.setdefault(metric, {})[key] = value
        return out

    def value(self, unit_id: str, metric: str, key: str = "") -> object:
        return self.values(unit_id, metric).get(key)

    def light(self, unit_id: str, key: str = "") -> str | None:
        """The unit's light (key '': its worst; else an indicator's): red, yellow, none, or None (no light)."""
        value = self.value(unit_id, "light", key)
        return value if isinstance(value, str) else None

    def light_previous(self, unit_id: str, key: str = "") -> str | None:
        value = self.value(unit_id, "light_previous", key)
        return value if isinstance(value, str) else None

    def rank_change(self, unit_id: str) -> tuple[int | None, int | None]:
        """(rank now, rank before): the appraisal rank with an appraisal, else the progress rank."""
        now = self.value(unit_id, "rank")
        before = self.value(unit_id, "rank_previous")
        if now is None and before is None:
            now = self.value(unit_id, "progress_rank")
            before = self.value(unit_id, "progress_rank_previous")
        return _whole(now), _whole(before)

    def restatements(self, unit_id: str) -> list[Restatement]:
        """The unit's restated and revised figures, with their values now (restated: recomputed at the previous
        as_of; revised: this table's)."""
        out = []
        for kind in ("restated", "revised"):
            for figure, published in self.values(unit_id, kind).items():
                metric, _, key = figure.partition(":")
                if kind == "revised":
                    now = self.value(unit_id, metric, key)
                else:
                    now = _value_of(self.recomputed_previous, unit_id, metric, key)
                out.append(Restatement(kind, unit_id, metric, key, published, now))
        return out


def _whole(value: object) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def _value_of(table: pd.DataFrame | None, unit_id: str, metric: str, key: str) -> object:
    if table is None:
        return None
    part = table[(table["unit_id"] == unit_id).to_numpy() & (table["metric"] == metric).to_numpy()
                 & (table["key"].astype(str) == key).to_numpy()]
    return part["value"].iloc[0] if len(part) else None


def unit_comparison(campaign: Campaign, table: pd.DataFrame, unit_id: str, as_of: dt.date, tolerance: float,
                    compare_to: object = None) -> Comparison:
    """The Comparison of `unit_id` and its direct children from the published table."""
    h = campaign.hierarchy
    family = {unit_id, *h.children[unit_id]}
    rows = table[table["unit_id"].isin(family).to_numpy()].reset_index(drop=True)
    root = [*h.ancestors(unit_id), unit_id][0]  # the thresholds are stated on the roots' rows
    thresholds_rows = table[(table["unit_id"] == root).to_numpy() & (table["metric"] == "light_threshold").to_numpy()]
    thresholds = {str(k): float(v) for k, v in zip(thresholds_rows["key"], thresholds_rows["value"], strict=True)}
    previous = comparison_date(campaign, as_of, compare_to)
    off = isinstance(compare_to, str) and compare_to.strip().lower() == COMPARE_OFF
    recomputed = None
    if previous is not None and rows["metric"].eq("restated").any():
        recomputed = cached_kpi_table(campaign, previous, tolerance)
    return Comparison(unit_id, previous, off, rows, thresholds, recomputed)


def family_comparison(campaign: Campaign, unit_id: str, as_of: dt.date, tolerance: float, compare_to: object = None,
                      reports_dir: Path | str | None = None) -> Comparison:
    """unit_comparison of `unit_id` from the published table, with the comparison rows computed for only the units it
    reads (the unit, its children and its root, whose rows state the thresholds): the same Comparison, without
    joining and ordering every unit's rows (the explorer asks for one at each new as_of).

    The whole published table is read instead when the campaign's memo already holds it (slicing it is cheaper than
    computing the family's rows), and when reports_dir's history/ has snapshots of as_of or of the date compared
    with: its restated and revised rows come from comparing every figure with the snapshots."""
    previous = comparison_date(campaign, as_of, compare_to)
    folder = _reports_folder(reports_dir)
    snapshots = history_files(folder, as_of, previous)
    if snapshots or campaign.is_memoised(_table_key(as_of, tolerance, compare_to, folder, snapshots)):
        table = published_table(campaign, as_of, tolerance, compare_to, reports_dir)
    else:  # no snapshot: the published table is compared_kpis' table, whose rows of these units are these
        h = campaign.hierarchy
        root = [*h.ancestors(unit_id), unit_id][0]
        table = compared_kpis(campaign, as_of, compare_to, tolerance, units=[unit_id, *h.children[unit_id], root])
    return unit_comparison(campaign, table, unit_id, as_of, tolerance, compare_to)


def _reports_folder(reports_dir: Path | str | None) -> Path | None:
    """The output folder as published_table reads it: None when not given or not a folder."""
    folder = Path(reports_dir) if reports_dir is not None else None
    return folder if folder is not None and folder.is_dir() else None


def unit_figures(table: pd.DataFrame, units: pd.Index) -> pd.DataFrame:
    """Per unit (index `units`, each once): its light and light before (key ''), restated or revised figures
    (count), rank and rank before (the appraisal's, else the progress rank), from the published table; NaN where
    the table has no row, None where its rows hold no value. Each column of the table is read whole."""
    at = positions(table["unit_id"], units.tolist())
    metric = table["metric"]
    whole = table["key"].astype(str).eq("").to_numpy() & (at >= 0)
    values = table["value"].to_numpy(dtype=object)

    def one(name: str) -> pd.Series:  # the first value that is not missing, as groupby's first() takes it
        rows = np.flatnonzero(whole & metric.eq(name).to_numpy())
        out = np.full(len(units), np.nan, dtype=object)
        out[at[rows]] = None
        held = rows[~pd.isna(values[rows])]
        places, first = np.unique(at[held], return_index=True)
        out[places] = values[held[first]]
        return pd.Series(out, index=units, dtype=object)

    appraised = metric.eq("rank").any()
    restated = metric.isin(["restated", "revised"]).to_numpy() & (at >= 0)
    return pd.DataFrame({
        "light": one("light"), "light_previous": one("light_previous"),
        "rank_now": one("rank" if appraised else "progress_rank"),
        "rank_previous": one("rank_previous" if appraised else "progress_rank_previous"),
        "restated": np.bincount(at[restated], minlength=len(units)).astype("int64"),
    }, index=units)


def indicator_changes(table: pd.DataFrame) -> dict[tuple[str, str], float]:
    """(unit_id, indicator) -> completion change in points, from the published table."""
    part = table[table["metric"].eq("completion_change").to_numpy()]
    part = part[~pd.isna(part["value"].to_numpy(dtype=object))]
    return {(u, k): float(v) for u, k, v in zip(part["unit_id"].tolist(), part["key"].tolist(), part["value"].tolist(),
                                                 strict=True)}


def previous_date(table: pd.DataFrame) -> dt.date | None:
    """The date the published table compares with (its previous_as_of rows), or None."""
    part = table.loc[table["metric"].eq("previous_as_of").to_numpy(), "value"]
    return dt.date.fromisoformat(str(part.iloc[0])) if len(part) else None


__all__ = ["LIGHT_ORDER", "Comparison", "Restatement", "family_comparison", "indicator_changes", "previous_date",
           "published_table", "unit_comparison", "unit_figures"]
