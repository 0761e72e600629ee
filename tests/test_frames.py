"""analytics.frames: rows and lookups read column by column give what pandas' row-wise readers give."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.frames import codes, positions, records, records_by_index, rows, sorted_by


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_id": pd.Series(["T1", "T2", None], dtype="str"),
        "share": [0.25, math.nan, 1.0],
        "count": np.array([3, 0, 7], dtype="int64"),
        "flag": [True, False, True],
        "day": pd.to_datetime(["2024-06-30", "2024-07-01", None]),
        "mixed": pd.Series([1, "behind", None], dtype=object),
    }, index=pd.Index(["a", "b", "c"]))


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a is b or a == b or (pd.isna(a) and pd.isna(b))


def test_records_and_rows_are_pandas_rows():
    frame = _frame()
    expected = frame.to_dict("records")
    found = records(frame)
    assert [list(r) for r in found] == [list(r) for r in expected]
    assert all(_same(found[i][k], expected[i][k]) for i in range(3) for k in frame.columns)
    assert list(records_by_index(frame)) == ["a", "b", "c"]
    assert records_by_index(frame)["b"]["count"] == 0
    tuples = list(frame.itertuples(index=False))
    assert all(_same(x, y) for got, want in zip(rows(frame), tuples, strict=True) for x, y in zip(got, want, strict=True))
    assert records(frame.iloc[:0]) == [] and rows(frame.iloc[:0]) == []


def test_positions_by_arrow():
    values = pd.Series(["T2", "X", "T1", None, "T2"], dtype="str")
    assert positions(values, ["T1", "T2"]).tolist() == [1, -1, 0, -1, 1]
    assert positions(pd.Series(["b", "a"], dtype=object), ("a", "b")).tolist() == [1, 0]


def test_codes_number_each_distinct_value():
    found, distinct = codes(pd.Series(["m2", "m1", None, "m2", "m3"], dtype="str"))
    assert sorted(distinct) == ["m1", "m2", "m3"] and len(found) == 5
    assert [distinct[c] if c >= 0 else None for c in found.tolist()] == ["m2", "m1", None, "m2", "m3"]
    found, distinct = codes(pd.Series([], dtype="str"))
    assert found.tolist() == [] and distinct == []

def test_sorted_by_orders_by_position_stably():
    frame = pd.DataFrame({"unit_id": pd.array(["B", "A", "B", "Z", "A"], dtype="str"),
                          "metric": pd.array(["m2", "m1", "m1", "m1", "odd"], dtype="str"),
                          "value": np.array([1, 2, 3, 4, 5], dtype=object)}, index=[10, 11, 12, 13, 14])
    keys = [("unit_id", ["A", "B"]), ("metric", ["m1", "m2"])]
    last = sorted_by(frame, keys)
    # A before B, the unknown unit Z last; within A the unknown metric "odd" after m1
    assert last["value"].tolist() == [2, 5, 3, 1, 4] and last.index.tolist() == [0, 1, 2, 3, 4]
    first = sorted_by(frame, keys, absent_last=False)
    assert first["value"].tolist() == [4, 5, 2, 3, 1]
    assert [str(t) for t in last.dtypes] == [str(t) for t in frame.dtypes]
    # the same order as pandas' stable sort on the positions, unknown ones last
    at = {"A": 0, "B": 1}, {"m1": 0, "m2": 1}
    expected = frame.assign(u=frame["unit_id"].map(at[0]), m=frame["metric"].map(at[1])).sort_values(
        ["u", "m"], kind="stable", na_position="last")
    assert last["value"].tolist() == expected["value"].tolist()
