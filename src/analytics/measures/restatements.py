"""Restatements and revisions (数据修订): figures that differ from what was published (DOMAIN.md, "Periods, change
since the last period, and what was published").

Pure functions over KPI tables in long form (unit_id, metric, key, value). A `restated` row is a figure recomputed
now for the previous as_of that differs from the latest snapshot of that as_of; a `revised` row is a figure for
as_of itself that differs from any earlier snapshot of the same as_of. Both have key `metric` or `metric:key` (the
figure) and the published value (restated: as in that snapshot; revised: as first published). Compared: every
figure except the comparison rows; numbers after rounding both to 6 decimals (a missing number equals a missing
number), text by equality, a number never equals a text. A figure that is in a snapshot but no longer in the
table (or the reverse) is not compared: there is nothing to set beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

FIGURE = ["unit_id", "metric", "key"]
COLUMNS = [*FIGURE, "value"]
RESTATED, REVISED = "restated", "revised"
DECIMALS = 6
# Rows that compare or annotate figures rather than being figures: never compared themselves.
COMPARISON_METRICS = frozenset({RESTATED, REVISED, "previous_as_of"})
COMPARISON_SUFFIXES = ("_change", "_previous", "_added")
COMPARISON_PREFIX = "light"


def compared_figures(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a KPI table that are figures (not comparison rows), one per unit, metric and key, with each
    value's kind and rounded number (`_text`, `_number`) for comparing."""
    metric = table["metric"].astype(str)
    kept = ~(metric.isin(COMPARISON_METRICS) | metric.str.endswith(COMPARISON_SUFFIXES)
             | metric.str.startswith(COMPARISON_PREFIX))
    figures = table.loc[kept.to_numpy(), COLUMNS].astype({c: str for c in FIGURE}).drop_duplicates(FIGURE)
    figures = figures.reset_index(drop=True).astype({"value": object})
    figures["_text"] = _is_text(figures["value"])
    figures["_number"] = _rounded(figures["value"], figures["_text"].to_numpy())
    return figures


def same_values(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Per position, whether two figures' values are the same: numbers rounded to 6 decimals, text as is."""
    a_text, b_text = _is_text(a), _is_text(b)
    return _same(a.astype(object).to_numpy(), a_text, _rounded(a, a_text),
                 b.astype(object).to_numpy(), b_text, _rounded(b, b_text))


def restated_rows(recomputed: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """`restated` rows: each figure of `recomputed` (the KPI table recomputed now at the previous as_of) whose value
    differs from `published` (that as_of's latest snapshot); value = the figure as published."""
    held = compared_figures(recomputed).merge(compared_figures(published), on=FIGURE, how="inner",
                                              suffixes=("", "_published"))
    changed = held[~_same_merged(held)]
    return _rows(changed, RESTATED, changed["value_published"])


def revised_rows(current: pd.DataFrame, snapshots: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """`revised` rows: each figure of `current` (the KPI table for as_of) whose value differs from its value in any
    of `snapshots` (the earlier snapshots of the same as_of, oldest first); value = the figure as first published
    (in the oldest snapshot that holds it)."""
    if not snapshots:  # nothing to compare with (comparing a wide table's figures takes seconds): no row
        return _rows(pd.DataFrame(columns=COLUMNS), REVISED, pd.Series([], dtype=object))
    now = compared_figures(current)
    changed = np.zeros(len(now), dtype=bool)
    first = np.full(len(now), None, dtype=object)
    first_seen = np.zeros(len(now), dtype=bool)
    for snapshot in snapshots:
        held = now.merge(compared_figures(snapshot), on=FIGURE, how="left", suffixes=("", "_published"),
                         indicator=True)
        there = (held["_merge"] == "both").to_numpy()
        changed |= there & ~_same_merged(held)
        new = there & ~first_seen
        first[new] = held["value_published"].to_numpy(dtype=object)[new]
        first_seen |= there
    return _rows(now[changed], REVISED, pd.Series(first[changed], dtype=object))


def with_restatements(table: pd.DataFrame, *rows: pd.DataFrame) -> pd.DataFrame:
    """The KPI table with `restated` and `revised` rows, each after its unit's rows (units in the table's order)."""
    if not any(len(r) for r in rows):
        return table
    out = pd.concat([table.astype({"value": object}), *rows], ignore_index=True)
    units = pd.Index(pd.unique(table["unit_id"]))
    at = units.get_indexer(out["unit_id"])
    at[at < 0] = len(units)
    return out.iloc[np.argsort(at, kind="stable")].reset_index(drop=True)


def figure_name(metric: str, key: str) -> str:
    """A figure's name in `restated` and `revised` rows' key: `metric`, or `metric:key`."""
    return f"{metric}:{key}" if key else metric


def _rows(figures: pd.DataFrame, metric: str, values: pd.Series) -> pd.DataFrame:
    keys = [figure_name(str(m), "" if _missing(k) else str(k)) for m, k in zip(figures["metric"], figures["key"],
                                                                            strict=True)]
    return pd.DataFrame({"unit_id": figures["unit_id"].to_numpy(dtype=object), "metric": metric,
                         "key": np.array(keys, dtype=object), "value": values.to_numpy(dtype=object)},
                        columns=COLUMNS)


def _is_text(values: pd.Series) -> np.ndarray:
    return np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))


def _rounded(values: pd.Series, text: np.ndarray) -> np.ndarray:
    numbers = pd.to_numeric(values.astype(object).where(~text), errors="coerce")
    return np.round(numbers.to_numpy(dtype="float64", na_value=np.nan), DECIMALS)


def _same_merged(held: pd.DataFrame) -> np.ndarray:
    """_same over a merge of two compared_figures frames (the second's columns suffixed `_published`); rows
    without the second side (a left merge) mean nothing: callers keep only the rows held by both."""
    text_b = held["_text_published"].fillna(False).to_numpy(dtype=bool)
    return _same(held["value"].to_numpy(dtype=object), held["_text"].to_numpy(dtype=bool),
                 held["_number"].to_numpy(dtype="float64"), held["value_published"].to_numpy(dtype=object), text_b,
                 held["_number_published"].to_numpy(dtype="float64", na_value=np.nan))


def _same(a: np.ndarray, a_text: np.ndarray, a_number: np.ndarray, b: np.ndarray, b_text: np.ndarray,
          b_number: np.ndarray) -> np.ndarray:
    numbers = (a_number == b_number) | (np.isnan(a_number) & np.isnan(b_number))
    return np.where(a_text & b_text, a == b, ~a_text & ~b_text & numbers)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)
