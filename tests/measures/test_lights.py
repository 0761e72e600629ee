"""measures.lights: lights at their thresholds (exactly −10 and −30 points), level indicators, coverage, the worst."""

from __future__ import annotations

import math

import pandas as pd

from analytics.measures.lights import coverage_lights, indicator_lights, worst_lights


def _pace(rows):
    return pd.DataFrame(rows, columns=["unit_id", "indicator", "pacing", "status", "pace_gap"])


def test_indicator_lights_at_the_thresholds():
    pace = _pace([
        ("A", "a", "linear", "behind", -9.999999),  # just short of yellow: none
        ("A", "b", "linear", "behind", -10.0),  # exactly −yellow: yellow (gap ≤ −yellow)
        ("A", "c", "linear", "behind", -29.999999),  # −red < gap ≤ −yellow: yellow
        ("A", "d", "linear", "behind", -30.0),  # exactly −red: red
        ("A", "e", "linear", "behind", -45.0),
        ("A", "f", "linear", "ahead", 12.0),
        ("A", "g", "linear", "missed", -0.5),  # missed is red whatever the gap
        ("A", "h", "linear", "completed", -60.0),  # completed: no light
        ("A", "i", "linear", "no_data", math.nan),  # nothing to judge
    ])
    assert indicator_lights(pace, yellow=10, red=30).tolist() == [
        "none", "yellow", "yellow", "red", "red", "none", "red", "none", None]


def test_float_noise_is_rounded_away_before_comparing():
    # 0.2 − 0.5 = −0.30000000000000004: ×100 is −30.000000000000004 points, red either way; 0.6 − 0.7 gives
    # −0.09999999999999998: −9.999999999999998 points, which rounds to −10 and is yellow, as a reader expects.
    gaps = [(0.6 - 0.7) * 100, (0.2 - 0.5) * 100]
    pace = _pace([("A", "a", "linear", "behind", gaps[0]), ("A", "b", "linear", "behind", gaps[1])])
    assert gaps[0] > -10  # the comparison without rounding would say "none"
    assert indicator_lights(pace, yellow=10, red=30).tolist() == ["yellow", "red"]


def test_level_indicators_are_yellow_below_and_red_when_missed():
    pace = _pace([
        ("A", "share", "level", "below", math.nan),
        ("B", "share", "level", "missed", math.nan),
        ("C", "share", "level", "completed", math.nan),
        ("D", "share", "level", "no_data", math.nan),
    ])
    assert indicator_lights(pace, yellow=10, red=30).tolist() == ["yellow", "red", "none", None]


def test_coverage_lights_reaching_the_threshold_is_enough():
    coverage = pd.Series([0.8, 0.79, 0.5, 0.49, 1.0, math.nan], index=list("ABCDEF"))
    assert coverage_lights(coverage, yellow=0.8, red=0.5).tolist() == ["none", "yellow", "yellow", "red", "none", None]


def test_a_units_light_is_its_worst():
    units = pd.Series(["A", "A", "A", "B", "B", "C", "D"])
    lights = pd.Series(["none", "yellow", "none", "red", "yellow", "none", None])
    worst = worst_lights(units, lights)
    assert worst.to_dict() == {"A": "yellow", "B": "red", "C": "none"}  # D: no light at all, no row
