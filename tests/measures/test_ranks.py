"""measures.ranks: the rank for comparisons among siblings, ties 1, 2, 2, 4 on the mean rounded to 6 decimals."""

from __future__ import annotations

import math

import pandas as pd

from analytics.measures.ranks import mean_pace_gaps, progress_ranks, sibling_ranks

PARENT = {"R": None, "A": "R", "B": "R", "C": "R", "D": "R", "E": "R", "X": "A", "Y": "A"}


def _pace(rows):
    return pd.DataFrame(rows, columns=["unit_id", "indicator", "pacing", "pace_gap"])


def test_mean_over_linear_indicators_with_data():
    pace = _pace([
        ("A", "gdp", "linear", 10.0), ("A", "tax", "linear", -4.0),  # mean 3
        ("A", "share", "level", math.nan),  # a level indicator never counts
        ("A", "late", "linear", math.nan),  # no data: left out, not 0
        ("B", "share", "level", math.nan),  # no linear indicator with data: no mean, no rank
    ])
    assert mean_pace_gaps(pace).to_dict() == {"A": 3.0}


def test_ties_share_a_rank_and_the_next_is_skipped():
    # means: A 5, B 2 + 1e-7 (rounds to 2), C 2, D −1, E no indicator; X and Y are A's children, ranked apart.
    pace = _pace([
        ("A", "g", "linear", 5.0), ("B", "g", "linear", 2.0000001), ("C", "g", "linear", 1.0),
        ("C", "t", "linear", 3.0), ("D", "g", "linear", -1.0), ("X", "g", "linear", -7.0), ("Y", "g", "linear", 9.0),
        ("R", "g", "linear", 0.5),
    ])
    ranks = progress_ranks(pace, PARENT)
    assert ranks.to_dict() == {"A": 1, "B": 2, "C": 2, "D": 4, "X": 2, "Y": 1, "R": 1}


def test_rank_changes_between_two_dates():
    # Before: A 1, B 2, C 2, D 4. Now C overtakes both (C 1), A and B tie (2, 2), D stays 4:
    # C moved up 1 (2 -> 1), A moved down 1 (1 -> 2), B unchanged (2 -> 2), D unchanged.
    before = sibling_ranks(pd.Series({"A": 5.0, "B": 2.0, "C": 2.0, "D": -1.0}), PARENT)
    now = sibling_ranks(pd.Series({"A": 3.0, "B": 3.0, "C": 4.0, "D": 0.0}), PARENT)
    moved = (before - now).to_dict()  # positive: moved up
    assert before.to_dict() == {"A": 1, "B": 2, "C": 2, "D": 4}
    assert now.to_dict() == {"A": 2, "B": 2, "C": 1, "D": 4}
    assert moved == {"A": -1, "B": 0, "C": 1, "D": 0}


def test_no_scores_no_ranks():
    assert sibling_ranks(pd.Series({"A": math.nan}, dtype="float64"), PARENT).empty
