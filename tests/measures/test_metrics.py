"""metrics on tiny hand-made frames; every expected number is worked out in the test."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from analytics.measures.findings import modified_z, quality_flags
from analytics.measures.metrics import (
    actual_over_time,
    coverage_by_parent,
    elapsed_share,
    grassroots_coverage,
    pace_status,
    ratio,
    rollup,
    survey_rates,
    tag_comparison,
    target_pace,
    worst_status,
)

from builders import actuals_frame

D = dt.date
YEAR_2012 = (pd.Timestamp("2012-01-01"), pd.Timestamp("2012-12-31"))


def _visits(rows: list[tuple], index: list[int] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "unit_id", "kind", "group", "persons"], index=index)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["persons"] = frame["persons"].astype("Int64")
    return frame


def _surveys(rows: list[tuple], index: list[int] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["survey_id", "unit_id", "date", "issued", "returned", "valid"], index=index)
    frame["date"] = pd.to_datetime(frame["date"])
    for c in ("issued", "returned", "valid"):
        frame[c] = frame[c].astype("Int64")
    return frame


def _targets(rows: list[tuple], period=YEAR_2012) -> pd.DataFrame:
    """rows: (unit_id, indicator, target, aggregation)."""
    frame = pd.DataFrame(rows, columns=["unit_id", "indicator", "target", "aggregation"])
    frame["measure"] = "件"
    frame["period_start"], frame["period_end"] = period
    frame["target"] = frame["target"].astype("Float64")
    return frame


def _row(pace: pd.DataFrame, unit_id: str, indicator: str) -> pd.Series:
    rows = pace[(pace["unit_id"] == unit_id) & (pace["indicator"] == indicator)]
    assert len(rows) == 1, pace
    return rows.iloc[0]


# --------------------------------------------------------------------------- events, persons, coverage

VISITS = _visits(
    [
        ("2012-03-01", "A", "seminar", "residents", 5),
        ("2012-03-02", "B", "seminar", "village_cadres", 3),
        ("2012-03-03", "B", "visit", "residents", 7),
    ]
)


# A -> B -> D, A -> C: every unit with itself and each ancestor
CLOSURE = pd.DataFrame({"unit_id": ["A", "B", "B", "C", "C", "D", "D", "D"],
                        "ancestor_id": ["A", "A", "B", "A", "C", "A", "B", "D"]})
PARENT = {"A": None, "B": "A", "C": "A", "D": "B"}


def test_rollup_counts_rows_not_persons():
    # A's subtree holds all three rows: 3 events; B's holds rows 2 and 3: 2 events; C and D none
    events = rollup(VISITS, CLOSURE)
    assert events.to_dict() == {"A": 3, "B": 2}
    # seminar: rows 1 and 2 -> 2 events under A (8 persons, which must not matter); visit: 1
    assert rollup(VISITS, CLOSURE, by="kind").loc["A"].to_dict() == {"seminar": 2, "visit": 1}


def test_rollup_sums_persons_by_group():
    # under A: residents 5 + 7 = 12, village_cadres 3; under B: residents 7, village_cadres 3
    persons = rollup(VISITS, CLOSURE, by="group", value="persons")
    assert persons.loc["A"].to_dict() == {"residents": 12, "village_cadres": 3}
    assert persons.loc["B"].to_dict() == {"residents": 7, "village_cadres": 3}


def test_rollup_repeats_a_row_for_each_ancestor():
    # D's one row of 4 persons counts for D, B and A
    persons = rollup(_visits([("2012-03-01", "D", "visit", "residents", 4)]), CLOSURE, value="persons")
    assert persons.to_dict() == {"A": 4, "B": 4, "D": 4}


def test_rollup_of_no_visits_is_empty():
    assert rollup(VISITS.iloc[:0], CLOSURE).empty
    assert rollup(VISITS.iloc[:0], CLOSURE, by="kind", value="persons").empty


def test_coverage_counts_a_child_covered_through_a_grandchild():
    # A's children B and C; D sits under B. A visit to D makes B active; C is not: 1 of 2.
    assert coverage_by_parent(PARENT, {"B", "D"}, ["A"])["A"] == 0.5
    assert coverage_by_parent(PARENT, {"B", "D", "C"}, ["A"])["A"] == 1.0


def test_coverage_of_19_visited_children_out_of_19_is_one():
    parent = {"R": None, **{f"V{i}": "R" for i in range(19)}}
    children = [f"V{i}" for i in range(19)]
    assert coverage_by_parent(parent, set(children), ["R"])["R"] == 1.0
    # 18 of 19 = 0.947...
    assert coverage_by_parent(parent, set(children[1:]), ["R"])["R"] == pytest.approx(18 / 19)


def test_coverage_without_children_is_no_data():
    assert math.isnan(coverage_by_parent(PARENT, {"C"}, ["C"])["C"])


def test_grassroots_coverage_counts_leaves_at_any_depth():
    # Leaves: C and D. Only D has a visit of its own.
    out = grassroots_coverage(CLOSURE, {"C", "D"}, {"D"})
    assert out.loc["A"].to_dict() == {"leaves": 2, "leaves_covered": 1, "grassroots_coverage": 0.5}
    assert out.loc["B", "grassroots_coverage"] == 1.0  # its one leaf, D, is visited
    assert out.loc["C", "grassroots_coverage"] == 0.0  # a leaf's own figure is 1 or 0
    assert out.loc["D", "grassroots_coverage"] == 1.0


def test_grassroots_coverage_ignores_visits_to_inner_units():
    # A visit to B (not a leaf) covers no leaf: B's coverage counts it, grassroots coverage does not.
    out = grassroots_coverage(CLOSURE, {"C", "D"}, {"B"})
    assert out.loc["A", "grassroots_coverage"] == 0.0


# --------------------------------------------------------------------------- surveys


def test_survey_rates_definitions():
    rates = survey_rates(issued=200, returned=150, valid=120)
    assert rates["return_rate"] == pytest.approx(0.75)  # 150 / 200
    assert rates["validity"] == pytest.approx(0.8)  # 120 / 150
    assert rates["effective_rate"] == pytest.approx(0.6)  # 120 / 200


def test_survey_rates_are_ratios_of_sums_not_means_of_ratios():
    surveys = _surveys([("Q1", "A", "2012-03-01", 10, 10, 10), ("Q2", "B", "2012-03-02", 90, 45, 9)])
    totals = {c: int(surveys[c].sum()) for c in ("issued", "returned", "valid")}
    assert totals == {"issued": 100, "returned": 55, "valid": 19}  # 10+90, 10+45, 10+9
    rates = survey_rates(**totals)
    assert rates["return_rate"] == pytest.approx(0.55)  # 55/100; the mean of ratios would be (1 + 0.5)/2 = 0.75
    assert rates["validity"] == pytest.approx(19 / 55)  # mean of ratios would be (1 + 0.2)/2 = 0.6
    assert rates["effective_rate"] == pytest.approx(0.19)  # mean of ratios would be (1 + 0.1)/2 = 0.55


def test_zero_denominators_give_no_data_not_zero():
    rates = survey_rates(issued=0, returned=0, valid=0)
    assert all(math.isnan(v) for v in rates.values())
    # nothing returned out of 10: return rate is a true 0, validity has no denominator
    rates = survey_rates(issued=10, returned=0, valid=0)
    assert rates["return_rate"] == 0.0
    assert math.isnan(rates["validity"])
    assert rates["effective_rate"] == 0.0
    assert math.isnan(ratio(5, None)) and math.isnan(ratio(5, float("nan")))


# --------------------------------------------------------------------------- elapsed share and pace status


def test_elapsed_share_domain_example():
    # 2012 is a leap year: Jan 31 + Feb 29 + Mar 31 + Apr 30 + May 31 + Jun 30 = 182 days of 366
    assert elapsed_share(D(2012, 1, 1), D(2012, 12, 31), D(2012, 6, 30)) == pytest.approx(182 / 366)
    assert round(182 / 366, 4) == 0.4973


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2011, 6, 1), 0.0),  # long before the period: (-213 + 1)/366 clipped to 0
        (D(2011, 12, 31), 0.0),  # the day before: (-1 + 1)/366 = 0
        (D(2012, 1, 1), 1 / 366),  # the first day counts as elapsed
        (D(2012, 12, 31), 1.0),  # the last day: 366/366
        (D(2013, 3, 1), 1.0),  # after the period: 426/366 clipped to 1
    ],
)
def test_elapsed_share_is_clipped_to_the_period(as_of, expected):
    assert elapsed_share(D(2012, 1, 1), D(2012, 12, 31), as_of) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("completion", "gap", "tolerance", "expected"),
    [
        (0.6, 1.0, 1.0, "ahead"),  # gap == +tolerance is ahead
        (0.6, 0.999, 1.0, "on_pace"),
        (0.6, 0.0, 1.0, "on_pace"),
        (0.6, -0.999, 1.0, "on_pace"),
        (0.6, -1.0, 1.0, "behind"),  # gap == -tolerance is behind
        (0.6, 1.5, 2.0, "on_pace"),  # a wider tolerance
        (0.6, 2.0, 2.0, "ahead"),
        (0.6, -2.0, 2.0, "behind"),
        (1.0, -30.0, 1.0, "completed"),  # 100% is completed whatever the gap
        (1.2, 50.0, 1.0, "completed"),
        (0.999, 60.0, 1.0, "ahead"),
    ],
)
def test_pace_status_at_the_tolerance_boundaries(completion, gap, tolerance, expected):
    assert pace_status(completion, gap, tolerance) == expected


def test_pace_status_without_completion_is_no_data():
    assert pace_status(float("nan"), float("nan")) == "no_data"
    assert pace_status(None, 0.0) == "no_data"


def test_pace_status_once_the_period_has_ended_is_missed_unless_completed():
    # 办实事 97.5% at 100% elapsed: the period is over, the target was not met.
    assert pace_status(0.975, -2.5, 1.0, ended=True) == "missed"
    assert pace_status(1.0, 0.0, 1.0, ended=True) == "completed"  # completed comes first
    assert pace_status(float("nan"), float("nan"), 1.0, ended=True) == "no_data"


def test_pace_status_with_zero_tolerance_needs_a_gap_to_be_ahead_or_behind():
    assert pace_status(0.5, 0.0, 0.0) == "on_pace"  # gap 0 is neither > 0 nor < 0
    assert pace_status(0.5, 0.001, 0.0) == "ahead"
    assert pace_status(0.5, -0.001, 0.0) == "behind"


@pytest.mark.parametrize("tolerance", [float("nan"), float("inf"), -5, "x", None])
def test_pace_status_refuses_a_tolerance_that_is_not_finite_and_non_negative(tolerance):
    with pytest.raises(ValueError, match="tolerance"):
        pace_status(0.5, 0.0, tolerance)


# --------------------------------------------------------------------------- target_pace


def test_target_pace_shunhe_gdp_example():
    targets = _targets([("SH", "gdp", 357000, "none")])
    actuals = actuals_frame(
        [
            ("SH", "gdp", "2012-05-31", 170000),
            ("SH", "gdp", "2012-06-30", 208526),
            ("SH", "gdp", "2012-07-31", 241380),  # after as_of: ignored
        ]
    )
    row = _row(target_pace(targets, actuals, {"SH": None}, D(2012, 6, 30)), "SH", "gdp")
    assert row["actual"] == 208526
    assert row["completion"] == pytest.approx(208526 / 357000)  # 0.584106...
    assert round(row["completion"], 4) == 0.5841
    assert row["elapsed"] == pytest.approx(182 / 366)
    # (0.584106 - 0.497268) x 100 = 8.68 points
    assert round(row["pace_gap"], 2) == 8.68
    assert row["status"] == "ahead"
    assert row["source"] == "own"


def test_target_pace_takes_the_latest_actual_on_or_before_as_of():
    targets = _targets([("A", "x", 100, "none")])
    actuals = actuals_frame([("A", "x", "2012-06-30", 60), ("A", "x", "2012-03-31", 20), ("A", "x", "2012-05-31", 40)])
    pace = target_pace(targets, actuals, {"A": None}, D(2012, 6, 29))
    assert _row(pace, "A", "x")["actual"] == 40  # 2012-05-31 is the latest on or before 06-29
    pace = target_pace(targets, actuals, {"A": None}, D(2012, 6, 30))
    assert _row(pace, "A", "x")["actual"] == 60  # on as_of itself counts


def test_target_pace_ignores_actuals_outside_the_period():
    q1 = (pd.Timestamp("2012-01-01"), pd.Timestamp("2012-03-31"))
    targets = _targets([("A", "x", 50, "none")], period=q1)
    actuals = actuals_frame(
        [
            ("A", "x", "2011-12-31", 999),  # before the period
            ("A", "x", "2012-02-29", 20),
            ("A", "x", "2012-04-15", 999),  # after the period
        ]
    )
    row = _row(target_pace(targets, actuals, {"A": None}, D(2012, 5, 1)), "A", "x")
    assert row["actual"] == 20
    assert row["completion"] == pytest.approx(0.4)  # 20 / 50
    assert row["elapsed"] == 1.0  # the period is over
    assert row["pace_gap"] == pytest.approx(-60.0)  # (0.4 - 1) x 100
    assert row["status"] == "missed"  # the period ended on 03-31 at 40%: not behind, missed

    # Only the pre-period value exists on 2012-01-15: no actual, so no completion and no status.
    row = _row(target_pace(targets, actuals, {"A": None}, D(2012, 1, 15)), "A", "x")
    assert math.isnan(row["actual"]) and math.isnan(row["completion"])
    assert row["status"] == "no_data"


def test_target_pace_gap_of_exactly_one_point_is_ahead():
    # 100-day period, as_of day 56: elapsed 56/100 = 0.56; actual 57 of 100 = 0.57; gap exactly +1 point.
    # In floats 0.57 - 0.56 is 0.0099999999999999, so this guards against float noise flipping the status.
    period = (pd.Timestamp("2012-01-01"), pd.Timestamp("2012-04-09"))  # 31 + 29 + 31 + 9 = 100 days
    targets = _targets([("A", "x", 100, "none"), ("A", "y", 100, "none")], period=period)
    actuals = actuals_frame([("A", "x", "2012-02-01", 57), ("A", "y", "2012-02-01", 55)])
    pace = target_pace(targets, actuals, {"A": None}, D(2012, 2, 25))  # Jan 31 + Feb 25 = day 56
    assert _row(pace, "A", "x")["elapsed"] == pytest.approx(0.56)
    assert _row(pace, "A", "x")["pace_gap"] == pytest.approx(1.0)
    assert _row(pace, "A", "x")["status"] == "ahead"
    assert _row(pace, "A", "y")["pace_gap"] == pytest.approx(-1.0)  # 0.55 - 0.56
    assert _row(pace, "A", "y")["status"] == "behind"


def test_target_pace_tolerance_is_a_parameter():
    targets = _targets([("A", "x", 100, "none")])
    actuals = actuals_frame([("A", "x", "2012-06-30", 51)])  # 51% vs 49.73% elapsed: gap 1.27 points
    assert _row(target_pace(targets, actuals, {"A": None}, D(2012, 6, 30)), "A", "x")["status"] == "ahead"
    pace = target_pace(targets, actuals, {"A": None}, D(2012, 6, 30), tolerance=2.0)
    assert _row(pace, "A", "x")["status"] == "on_pace"


# A -> B, C;  B -> D, E
PARENT = {"A": None, "B": "A", "C": "A", "D": "B", "E": "B"}


def test_sum_indicators_without_own_target_take_their_childrens_sums_over_two_levels():
    targets = _targets([("D", "tasks", 10, "sum"), ("E", "tasks", 20, "sum"), ("C", "tasks", 30, "sum")])
    actuals = actuals_frame([("D", "tasks", "2012-06-30", 4), ("E", "tasks", "2012-06-30", 6), ("C", "tasks", "2012-06-30", 15)])
    pace = target_pace(targets, actuals, PARENT, D(2012, 6, 30))
    b = _row(pace, "B", "tasks")
    assert (b["source"], b["target"], b["actual"]) == ("children", 30.0, 10.0)  # D + E: 10 + 20, 4 + 6
    a = _row(pace, "A", "tasks")
    assert (a["source"], a["target"], a["actual"]) == ("children", 60.0, 25.0)  # B + C: 30 + 30, 10 + 15
    assert a["completion"] == pytest.approx(25 / 60)  # 0.4167
    # (0.416667 - 0.497268) x 100 = -8.06 points
    assert a["pace_gap"] == pytest.approx((25 / 60 - 182 / 366) * 100)
    assert a["status"] == "behind"


def test_none_indicators_are_never_summed():
    targets = _targets([("D", "share", 10, "none"), ("E", "share", 20, "none"), ("C", "share", 30, "none")])
    actuals = actuals_frame([("D", "share", "2012-06-30", 4)])
    pace = target_pace(targets, actuals, PARENT, D(2012, 6, 30))
    assert sorted(pace["unit_id"]) == ["C", "D", "E"]


def test_an_own_target_is_not_replaced_by_the_childrens_sum():
    targets = _targets([("A", "tasks", 100, "sum"), ("B", "tasks", 10, "sum"), ("C", "tasks", 30, "sum")])
    actuals = actuals_frame([("A", "tasks", "2012-06-30", 50), ("B", "tasks", "2012-06-30", 4)])
    a = _row(target_pace(targets, actuals, PARENT, D(2012, 6, 30)), "A", "tasks")
    assert (a["source"], a["target"], a["actual"]) == ("own", 100.0, 50.0)


def test_target_pace_of_no_targets_is_empty():
    empty = _targets([])
    assert target_pace(empty, actuals_frame([]), PARENT, D(2012, 6, 30)).empty


# --------------------------------------------------------------------------- outliers and quality flags


def test_modified_z_uses_median_and_mad():
    # median 3; |x - 3| = 2, 1, 0, 1, 5 -> MAD = median(0, 1, 1, 2, 5) = 1; z = 0.6745 (x - 3) / 1
    z = modified_z(pd.Series([1, 2, 3, 4, 8]))
    assert list(z) == pytest.approx([-1.349, -0.6745, 0.0, 0.6745, 3.3725])


def test_modified_z_without_spread_is_zero():
    # 5, 5, 5, 5: no deviation at all -> nothing can be called an outlier
    assert list(modified_z(pd.Series([5, 5, 5, 5]))) == [0.0, 0.0, 0.0, 0.0]


def test_modified_z_falls_back_to_mean_absolute_deviation_when_mad_is_zero():
    # 5 x5 and 500: median 5, MAD 0; MeanAD = 495 / 6 = 82.5; z(500) = 495 / (1.253314 * 82.5) = 4.787
    z = modified_z(pd.Series([5, 5, 5, 5, 5, 500]))
    assert z.iloc[:5].tolist() == [0.0] * 5
    assert z.iloc[5] == pytest.approx(4.787, abs=1e-3)


def _flags(visits=None, surveys=None, threshold=3.5) -> pd.DataFrame:
    tables = {"visits": visits if visits is not None else VISITS, "surveys": surveys if surveys is not None else
              _surveys([("Q1", "A", "2012-03-01", 10, 9, 8)])}
    return quality_flags(tables, {"A", "B"}, D(2012, 1, 1), D(2012, 12, 31), threshold=threshold)


def test_quality_flags_consistency_rules_keep_the_spreadsheet_row():
    surveys = _surveys([("Q1", "A", "2012-03-01", 10, 12, 8), ("Q2", "A", "2012-03-02", 10, 9, 10)], index=[2, 3])
    flags = _flags(surveys=surveys)
    found = set(zip(flags["table"], flags["row"], flags["flag"], flags["column"], strict=True))
    assert found == {("surveys", 2, "consistency", "returned"), ("surveys", 3, "consistency", "valid")}


def test_quality_flags_unknown_unit_and_out_of_period():
    visits = _visits(
        [("2012-03-01", "A", "visit", "residents", 5), ("2012-03-01", "Z", "visit", "residents", 5),
         ("2013-01-01", "B", "visit", "residents", 5)],
        index=[2, 3, 4],
    )
    flags = _flags(visits=visits)
    found = set(zip(flags["table"], flags["row"], flags["flag"], strict=True))
    assert found == {("visits", 3, "unknown_unit"), ("visits", 4, "out_of_period")}
    assert "2013-01-01 is outside 2012-01-01–2012-12-31" in flags.loc[flags["row"] == 4, "detail"].item()


def test_quality_flags_outliers_above_the_threshold_only():
    def visits(last: int) -> pd.DataFrame:
        return _visits([("2012-03-01", "A", "visit", "residents", p) for p in (1, 2, 3, 4, last)], index=[2, 3, 4, 5, 6])

    # last = 9: z = 0.6745 x (9 - 3) / 1 = 4.047 > 3.5 -> flagged
    flags = _flags(visits=visits(9))
    assert list(zip(flags["row"], flags["flag"], strict=True)) == [(6, "outlier")]
    # last = 8: z = 3.3725 <= 3.5 -> not flagged by default, flagged with threshold 3
    assert _flags(visits=visits(8)).empty
    assert list(_flags(visits=visits(8), threshold=3.0)["row"]) == [6]


def test_quality_flags_judge_rating_batches_apart_from_questionnaire_batches():
    # Three questionnaire batches (500, 300, 450 forms) and five rating batches (8, 9, 10, 12, 40 forms).
    surveys = _surveys([("Q1", "A", "2012-03-01", 500, 450, 440), ("Q2", "A", "2012-03-02", 300, 280, 270),
                        ("Q3", "B", "2012-03-03", 450, 400, 390)]
                       + [(f"R{i}", "B", "2012-06-01", n, n, n) for i, n in enumerate((8, 9, 10, 12, 40), start=1)],
                       index=list(range(2, 10)))
    responses = pd.DataFrame({"survey_id": [f"R{i}" for i in range(1, 6)], "question": "q", "score": 4})

    def outliers(tables: dict) -> dict[int, str]:
        flags = quality_flags(tables, {"A", "B"}, D(2012, 1, 1), D(2012, 12, 31))
        return dict(zip(flags["row"], flags["detail"], strict=True))

    # All eight together: median (12 + 40) / 2 = 26; |x - 26| = 474, 274, 424, 18, 17, 16, 14, 14 -> MAD 17.5;
    # z(500) = 0.6745 x 474 / 17.5 = 18.3, z(300) = 10.6, z(450) = 16.3: every questionnaire batch "wild".
    assert outliers({"surveys": surveys}) == {
        2: "modified z-score 18.3 (threshold 3.5)", 3: "modified z-score 10.6 (threshold 3.5)",
        4: "modified z-score 16.3 (threshold 3.5)"}
    # Apart. Questionnaires: median 450, |x - 450| = 50, 150, 0 -> MAD 50; z(300) = 0.6745 x -150 / 50 = -2.0.
    # Ratings: median 10, |x - 10| = 2, 1, 0, 2, 30 -> MAD 2; z(40) = 0.6745 x 30 / 2 = 10.1 > 3.5.
    assert outliers({"surveys": surveys, "responses": responses}) == {
        9: "modified z-score 10.1 among rating surveys (threshold 3.5)"}
    # Fewer than three batches of a kind are not judged (as visits of a kind): two questionnaires alone.
    two = surveys.drop(index=[4, 9])
    assert outliers({"surveys": two, "responses": responses}) == {}


def test_quality_flags_of_clean_tables_are_empty():
    flags = _flags()
    assert flags.empty
    # The report's columns, then the message code and parameters that give `detail` in either language.
    assert list(flags.columns) == ["table", "row", "unit_id", "flag", "column", "value", "detail", "code", "params"]


# --------------------------------------------------------------------------- tag comparison


def test_tag_comparison_recomputes_rates_from_sums():
    per_unit = pd.DataFrame(
        {"events": [2, 0, 1], "persons": [10, 0, 4], "issued": [10, 90, 50], "returned": [8, 90, 0],
         "valid": [4, 90, 0]},
        index=pd.Index(["V1", "V2", "V3"], name="unit_id"),
    )
    tags = pd.Series({"V1": "advanced", "V2": "advanced;pilot", "V3": "lagging", "V4": "lagging", "V5": None})
    out = tag_comparison(per_unit, tags).set_index("tag")
    adv = out.loc["advanced"]
    assert adv["units"] == 2
    assert (adv["issued"], adv["returned"], adv["valid"]) == (100, 98, 94)  # 10+90, 8+90, 4+90
    assert adv["return_rate"] == pytest.approx(0.98)  # 98/100; mean of ratios would be (0.8 + 1)/2 = 0.9
    assert adv["effective_rate"] == pytest.approx(0.94)  # 94/100; mean of ratios would be (0.4 + 1)/2 = 0.7
    assert adv["visited_share"] == pytest.approx(0.5)  # V1 has events, V2 has none
    lag = out.loc["lagging"]
    assert lag["units"] == 2  # V4 has no figures at all and counts as zeros
    assert lag["issued"] == 50 and lag["returned"] == 0
    assert lag["return_rate"] == 0.0  # 0/50
    assert math.isnan(lag["validity"])  # 0/0 is no data
    assert lag["visited_share"] == pytest.approx(0.5)


def test_tag_comparison_skips_tags_nobody_carries():
    per_unit = pd.DataFrame({"events": [1]}, index=["V1"])
    out = tag_comparison(per_unit, pd.Series({"V1": "advanced"}))
    assert list(out["tag"]) == ["advanced"]


# -- actual over time (DOMAIN.md, "Summed actuals over time") -------------------------------------------------------

def _series(frame: pd.DataFrame) -> list[tuple[str, float]]:
    return [(d.date().isoformat(), float(v)) for d, v in zip(frame["date"], frame["actual"], strict=True)]


TOWN = {"R": None, "A": "R", "B": "R", "C": "R"}  # R sums A and B; C has no target of x


def test_actual_over_time_of_an_own_target_is_its_cumulative_actuals_up_to_as_of():
    targets = _targets([("A", "x", 100, "none")])
    actuals = actuals_frame([("A", "x", "2012-03-31", 30), ("A", "x", "2012-01-31", 10), ("A", "x", "2012-07-31", 70)])
    got = actual_over_time(targets, actuals, {"A": None}, "A", "x", D(2012, 6, 30))
    assert _series(got) == [("2012-01-31", 10.0), ("2012-03-31", 30.0)]  # sorted by date; 07-31 is after as_of


def test_summed_actual_at_each_date_adds_each_childs_latest_value_on_or_before_it():
    targets = _targets([("A", "x", 100, "sum"), ("B", "x", 50, "sum")])
    actuals = actuals_frame([
        ("A", "x", "2012-01-31", 10), ("A", "x", "2012-03-31", 30),
        ("B", "x", "2012-02-29", 5), ("B", "x", "2012-03-15", 8), ("B", "x", "2012-04-30", 12),
        ("C", "x", "2012-02-01", 999),  # C has no target of x: never summed (a data-quality finding elsewhere)
    ])
    got = actual_over_time(targets, actuals, TOWN, "R", "x", D(2012, 3, 31))
    # 01-31: A 10 (B has not reported yet)      -> 10
    # 02-29: A 10 + B 5                          -> 15
    # 03-15: A 10 (latest on or before) + B 8    -> 18
    # 03-31: A 30 + B 8                          -> 38   (B's 04-30 is after as_of)
    assert _series(got) == [("2012-01-31", 10.0), ("2012-02-29", 15.0), ("2012-03-15", 18.0), ("2012-03-31", 38.0)]
    # The last point is target_pace's actual for R on the same as_of: 30 + 8.
    pace = target_pace(targets, actuals, TOWN, D(2012, 3, 31))
    assert _row(pace, "R", "x")["actual"] == 38.0


def test_summed_actual_goes_through_units_without_a_target_of_their_own():
    # R -> M (no target) -> A, B: R's sum is A + B through M; a `none` target never feeds its parent.
    parent = {"R": None, "M": "R", "A": "M", "B": "M", "N": "R"}
    targets = _targets([("A", "x", 10, "sum"), ("B", "x", 20, "sum"), ("N", "x", 5, "none")])
    actuals = actuals_frame([("A", "x", "2012-02-01", 4), ("B", "x", "2012-02-10", 6), ("N", "x", "2012-02-05", 3)])
    got = actual_over_time(targets, actuals, parent, "R", "x", D(2012, 12, 31))
    assert _series(got) == [("2012-02-01", 4.0), ("2012-02-10", 10.0)]  # 4; then 4 + 6
    assert _series(actual_over_time(targets, actuals, parent, "M", "x", D(2012, 12, 31))) == _series(got)
    assert actual_over_time(targets, actuals, parent, "R", "y", D(2012, 12, 31)).empty  # no such indicator
    assert actual_over_time(targets, actuals_frame([]), parent, "R", "x", D(2012, 12, 31)).empty


def test_summed_actual_takes_a_units_last_row_of_a_date_and_follows_a_value_that_goes_down():
    targets = _targets([("A", "x", 100, "sum"), ("B", "x", 50, "sum")])
    actuals = actuals_frame([("A", "x", "2012-01-31", 10), ("A", "x", "2012-02-29", 8),  # A goes down (flagged elsewhere)
                        ("B", "x", "2012-02-29", 5), ("B", "x", "2012-02-29", 7)])  # two rows of one date: the last
    got = actual_over_time(targets, actuals, TOWN, "R", "x", D(2012, 6, 30))
    # 01-31: A 10 -> 10;  02-29: A 8 + B 7 -> 15
    assert _series(got) == [("2012-01-31", 10.0), ("2012-02-29", 15.0)]


def test_actual_over_time_keeps_each_units_own_period():
    # A's target runs over Q1 only: its April value (a new period, not counted) is left out.
    q1 = (pd.Timestamp("2012-01-01"), pd.Timestamp("2012-03-31"))
    targets = pd.concat([_targets([("A", "x", 10, "sum")], period=q1), _targets([("B", "x", 10, "sum")])])
    actuals = actuals_frame([("A", "x", "2012-02-01", 4), ("A", "x", "2012-04-02", 1), ("B", "x", "2012-04-01", 2)])
    got = actual_over_time(targets, actuals, TOWN, "R", "x", D(2012, 6, 30))
    assert _series(got) == [("2012-02-01", 4.0), ("2012-04-01", 6.0)]  # 4; then A's 4 still + B's 2


def test_worst_status_orders_missed_behind_no_data_on_pace_ahead_completed():
    assert worst_status(["ahead", "completed"]) == "ahead"
    assert worst_status(["on_pace", "no_data", "ahead"]) == "no_data"
    assert worst_status(["behind", "missed"]) == "missed"
    assert worst_status([]) is None
