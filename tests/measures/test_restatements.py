"""measures.restatements: which figures differ from what was published, on hand-made KPI tables."""

from __future__ import annotations

import math

import pandas as pd

from analytics.measures.restatements import (
    compared_figures,
    restated_rows,
    revised_rows,
    same_values,
    with_restatements,
)


def _table(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit_id", "metric", "key", "value"]).astype({"value": object})


def _listed(rows: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in rows.itertuples(index=False)]


def test_numbers_are_compared_at_six_decimals_and_text_as_is():
    a = pd.Series([0.12345649, 0.1234566, 3, math.nan, math.nan, "ahead", "ahead", 1], dtype=object)
    b = pd.Series([0.12345641, 0.1234564, 3.0, math.nan, 0, "ahead", "behind", "1"], dtype=object)
    # 0.123456 both | 0.123457 vs 0.123456 | 3 = 3.0 | no data = no data | no data vs 0 | same text | other text |
    # a number never equals a text
    assert same_values(a, b).tolist() == [True, False, True, True, False, True, False, False]


def test_comparison_rows_are_never_compared():
    table = _table(("A", "completion", "gdp", 0.5), ("A", "completion_change", "gdp", 1.0),
                   ("A", "completion_previous", "gdp", 0.4), ("A", "events_added", "", 3),
                   ("A", "light", "gdp", "red"), ("A", "light_threshold", "red", 30), ("A", "restated", "x", 1),
                   ("A", "revised", "x", 1), ("A", "previous_as_of", "", "2012-05-31"), ("A", "progress_rank", "", 2))
    assert _listed(compared_figures(table)[["metric", "key"]]) == [("completion", "gdp"), ("progress_rank", "")]


def test_restated_lists_each_changed_figure_with_the_published_value():
    # Published for 2012-04-30: actual 400 of a 1,000 target, 40% complete, 6.939891 points ahead (121/366
    # elapsed); the April actual was corrected to 380, so now 38% and 4.939891 points. Status ahead both times.
    published = _table(("A", "target", "gdp", 1000.0), ("A", "actual", "gdp", 400.0), ("A", "completion", "gdp", 0.4),
                       ("A", "pace_gap", "gdp", 6.939891), ("A", "status", "gdp", "ahead"), ("B", "events", "", 2),
                       ("B", "events", "visit", 2))
    now = _table(("A", "target", "gdp", 1000.0), ("A", "actual", "gdp", 380.0), ("A", "completion", "gdp", 0.38),
                 ("A", "pace_gap", "gdp", 4.939891), ("A", "status", "gdp", "ahead"), ("B", "events", "", 2),
                 ("B", "events", "visit", 2), ("B", "events", "lecture", 1))  # new since: nothing to restate
    assert _listed(restated_rows(now, published)) == [
        ("A", "restated", "actual:gdp", 400.0), ("A", "restated", "completion:gdp", 0.4),
        ("A", "restated", "pace_gap:gdp", 6.939891)]


def test_a_changed_status_is_restated_as_text():
    published = _table(("A", "status", "gdp", "on_pace"), ("A", "grade", "", "优秀"))
    now = _table(("A", "status", "gdp", "behind"), ("A", "grade", "", "优秀"))
    assert _listed(restated_rows(now, published)) == [("A", "restated", "status:gdp", "on_pace")]


def test_revised_gives_the_value_first_published_when_any_earlier_snapshot_differs():
    v1 = _table(("A", "events", "", 10), ("A", "persons", "", 100), ("A", "coverage", "", 0.5))
    v2 = _table(("A", "events", "", 12), ("A", "persons", "", 100), ("A", "coverage", "", 0.5),
                ("A", "events", "visit", 7))
    now = _table(("A", "events", "", 12), ("A", "persons", "", 100), ("A", "coverage", "", 0.75),
                 ("A", "events", "visit", 8), ("A", "events_added", "", 5))
    # events: 10 in v1, 12 in v2 and now -> first published 10; coverage 0.5 -> 0.75; events:visit first in v2
    # (7); persons never changed; events_added is a comparison row.
    assert _listed(revised_rows(now, [v1, v2])) == [
        ("A", "revised", "events", 10), ("A", "revised", "coverage", 0.5), ("A", "revised", "events:visit", 7)]
    assert revised_rows(now, []).empty
    assert revised_rows(v2, [v2]).empty


def test_rows_go_after_their_units_rows():
    table = _table(("A", "events", "", 1), ("B", "events", "", 2), ("C", "events", "", 3))
    restated = _table(("C", "restated", "events", 4), ("A", "restated", "events", 0))
    revised = _table(("A", "revised", "events", 2))
    assert _listed(with_restatements(table, restated, revised)) == [
        ("A", "events", "", 1), ("A", "restated", "events", 0), ("A", "revised", "events", 2),
        ("B", "events", "", 2), ("C", "events", "", 3), ("C", "restated", "events", 4)]
    assert with_restatements(table, restated.iloc[:0]) is table
