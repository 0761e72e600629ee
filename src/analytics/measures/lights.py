"""Warning lights (三色预警), DOMAIN.md's "Lights": per indicator, per unit (its worst), and for grassroots coverage.

Per indicator of a unit: red (红灯) when missed or gap ≤ −red; yellow (黄灯) when −red < gap ≤ −yellow; none
otherwise; the gap rounded to 9 decimals before comparing, as for statuses. A level indicator is red when missed
and yellow when below its target. Completed indicators have no light (`none`); an indicator with no data has
none to judge (None: no light row; it is a data-quality finding already). With coverage lights set, grassroots
coverage strictly below yellow is yellow and strictly below red is red (reaching the threshold is enough); a unit
without coverage (no visits table, no leaves) has no coverage light. A unit's light is its worst.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.measures.vocabulary import LIGHTS, Light, Pacing, Status

__all__ = ["LIGHTS", "coverage_lights", "indicator_lights"]
_GAP_DECIMALS = 9


def indicator_lights(pace: pd.DataFrame, yellow: float, red: float) -> pd.Series:
    """The light of each row of metrics.target_pace (status, pace_gap, pacing): red, yellow, none, or None for
    an indicator with no data; the frame's index."""
    status = pace["status"].to_numpy(dtype=object)
    gap = np.round(pd.to_numeric(pace["pace_gap"], errors="coerce").to_numpy(dtype="float64"), _GAP_DECIMALS)
    level = (pace["pacing"] == Pacing.LEVEL).to_numpy(dtype=bool) if "pacing" in pace else np.zeros(len(pace), bool)
    judged = ~level & ~np.isin(status, (Status.COMPLETED, Status.MISSED, Status.NO_DATA)) & ~np.isnan(gap)
    out = np.full(len(pace), Light.NONE, dtype=object)
    out[judged & (gap <= -yellow)] = Light.YELLOW
    out[judged & (gap <= -red)] = Light.RED
    out[level & (status == Status.BELOW)] = Light.YELLOW
    out[status == Status.MISSED] = Light.RED
    out[status == Status.NO_DATA] = None
    return pd.Series(out, index=pace.index, name="light", dtype=object)


def coverage_lights(coverage: pd.Series, yellow: float, red: float) -> pd.Series:
    """The light of each grassroots coverage (a fraction): red below `red`, yellow below `yellow`, else none;
    None where the coverage is missing (no data)."""
    share = pd.to_numeric(coverage, errors="coerce").to_numpy(dtype="float64")
    out = np.full(len(share), Light.NONE, dtype=object)
    out[share < yellow] = Light.YELLOW
    out[share < red] = Light.RED
    out[np.isnan(share)] = None
    return pd.Series(out, index=coverage.index, name="light", dtype=object)


def worst_lights(units: pd.Series, lights: pd.Series) -> pd.Series:
    """Per unit (index: unit_id, in order of first appearance): the worst of its lights (red, yellow, none);
    lights that are None are left out, a unit with none of them left out too."""
    severity = pd.Index(LIGHTS).get_indexer(lights.to_numpy(dtype=object))
    kept = severity >= 0
    if not kept.any():
        return pd.Series(dtype=object, name="light")
    worst = pd.Series(severity[kept], index=pd.Index(units.to_numpy(dtype=object)[kept], name="unit_id"))
    worst = worst.groupby(level=0, sort=False).min()
    return pd.Series(np.asarray(LIGHTS, dtype=object)[worst.to_numpy()], index=worst.index, name="light")
