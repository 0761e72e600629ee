"""Rows and lookups of pandas frames at the speed of their columns.

pandas 3 keeps text in Arrow columns: reading one value at a time from them (iterating a column, `itertuples`,
`to_dict("records")`) costs about a microsecond a value, and pandas' index lookups convert the whole column to
Python objects first. A wide campaign's tables have millions of such values; these helpers take each column
whole (`tolist`, Arrow's own lookups) instead.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def positions(values: pd.Series, order: Sequence[str]) -> np.ndarray:
    """Each value's position in `order` (-1 where it is not there), looked up by Arrow in one pass."""
    found = _text(values)
    return _places(found, pa.array(list(order), type=found.type))


def codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each value's code, its place among the column's distinct values (-1 for a missing value), and those
    values: a column of text to compare as integers."""
    found = _text(values)
    distinct = pc.unique(found).drop_null()
    return _places(found, distinct), distinct.to_pylist()


def _text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    found = pa.array(values, from_pandas=True)
    if not pa.types.is_string(found.type) and not pa.types.is_large_string(found.type):
        found = found.cast(pa.large_string())
    return found


def _places(found: pa.Array | pa.ChunkedArray, value_set: pa.Array) -> np.ndarray:
    return pc.index_in(found, value_set=value_set).fill_null(-1).to_numpy(zero_copy_only=False)


def sorted_by(frame: pd.DataFrame, keys: Sequence[tuple[str, Sequence[str]]], absent_last: bool = True) -> pd.DataFrame:
    """The frame's rows ordered by each key column's position in its order (the first key first; a value not in
    its order after those that are, or before them), rows that tie in their order (a stable sort), with a fresh
    index. Each column is taken whole by its own array (a pandas sort keyed on Arrow text took seconds on
    millions of rows)."""
    at = []
    for column, order in reversed(keys):
        found = positions(frame[column], order)
        at.append(np.where(found < 0, len(order), found) if absent_last else found)
    rows_in_order = np.lexsort(at) if at else np.arange(len(frame))
    return pd.DataFrame({name: frame[name].array.take(rows_in_order) for name in frame.columns})


def records(frame: pd.DataFrame) -> list[dict[Hashable, object]]:
    """frame.to_dict("records"): one dict per row, column -> value (each column read whole by `tolist`, so Python
    values as to_dict gives them, except that an object column's numpy scalars are left as they are)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values, strict=True)) for values in zip(*_lists(frame), strict=True)]


def records_by_index(frame: pd.DataFrame) -> dict[Hashable, dict[Hashable, object]]:
    """frame.to_dict("index"): index label -> its row as a dict (a unique index)."""
    return dict(zip(frame.index.tolist(), records(frame), strict=True))


def rows(frame: pd.DataFrame) -> list[tuple]:
    """The frame's rows as tuples of its columns' values, in column order (itertuples without the index)."""
    return list(zip(*_lists(frame), strict=True))


def _lists(frame: pd.DataFrame) -> list[list]:
    return [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]


__all__ = ["codes", "positions", "records", "records_by_index", "rows", "sorted_by"]
