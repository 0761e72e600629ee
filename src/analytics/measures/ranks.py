"""Ranks for comparisons (DOMAIN.md, "Rank for comparisons"): among siblings (units with the same parent; roots
among roots), highest first, ties sharing a rank (1, 2, 2, 4).

Without an appraisal the rank is by the mean pace gap over the unit's linear indicators with data (own or summed
from its children), the mean rounded to 6 decimals before ranking; a unit with no such indicator has no rank.
With an appraisal, its rank among siblings (analytics.measures.evaluation) is the rank, and nothing here is needed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.measures.vocabulary import Pacing

MEAN_DECIMALS = 6


def mean_pace_gaps(pace: pd.DataFrame) -> pd.Series:
    """Per unit (index unit_id): the mean pace gap (points) over its linear indicators with data (rows of
    metrics.target_pace), rounded to 6 decimals; units without one are left out."""
    gap = pd.to_numeric(pace["pace_gap"], errors="coerce")
    linear = pace["pacing"].ne(Pacing.LEVEL) if "pacing" in pace else pd.Series(True, index=pace.index)
    rows = linear.to_numpy(dtype=bool) & gap.notna().to_numpy(dtype=bool)
    means = gap[rows].groupby(pace["unit_id"][rows].to_numpy(dtype=object), sort=False).mean()
    return means.round(MEAN_DECIMALS).rename_axis("unit_id").rename("mean_pace_gap")


def sibling_ranks(scores: pd.Series, parent: dict[str, str | None]) -> pd.Series:
    """Per unit of `scores` (index unit_id; NaN: no rank, left out): its rank among the scored units with the same
    parent, highest score first, ties sharing the best rank (1, 2, 2, 4). Scores are ranked as given."""
    scored = scores.dropna()
    if scored.empty:
        return pd.Series(dtype="int64", name="rank")
    groups = np.asarray([parent.get(u) or "" for u in scored.index], dtype=object)
    ranks = scored.groupby(groups, sort=False).rank(method="min", ascending=False)
    return ranks.astype("int64").rename("rank")


def progress_ranks(pace: pd.DataFrame, parent: dict[str, str | None]) -> pd.Series:
    """The rank for comparisons without an appraisal: sibling_ranks of mean_pace_gaps."""
    return sibling_ranks(mean_pace_gaps(pace), parent)
