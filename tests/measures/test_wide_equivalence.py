"""The column-wise pace, findings and rollups (issue 15, item 5: pages of a unit with 100,000 children) give
exactly the figures of the row-by-row code they replaced: hand-worked cases first, then every unit and
indicator of the samples and of messy synthetic campaigns against that code, kept here as the reference."""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
import pandas as pd
import pytest

from analytics import load_campaign
from analytics.data.campaign import unit_depths
from analytics.measures.findings import no_actual_findings, target_findings
from analytics.measures.kpis import (
    METRICS,
    campaign_pace,
    children_figures,
    children_table,
    kpi_table,
    subtree_units,
    unit_kpis,
    unit_rollups,
)
from analytics.measures.metrics import (
    among,
    coverage_by_parent,
    current_periods,
    elapsed_share,
    grassroots_coverage,
    latest_actuals,
    pace_status,
    ratio,
    rollup,
    survey_rate_columns,
    survey_rates,
    target_pace,
    until,
)
from analytics.report.sections import UnitReport
from analytics.text.labels import message

from builders import SAMPLES, actuals_frame

D = dt.date


# --------------------------------------------------------------------------- the row-by-row reference


def reference_target_pace(targets, actuals, parent, as_of, tolerance=1.0) -> pd.DataFrame:
    """target_pace as it was: a dictionary of figures, summed level by level one row at a time."""
    columns = ["unit_id", "indicator", "measure", "aggregation", "source", "period_start", "period_end",
               "target", "actual", "completion", "elapsed", "pace_gap", "status"]
    if targets.empty:
        return pd.DataFrame(columns=columns)
    own = current_periods(targets, as_of)
    own = own.merge(latest_actuals(actuals, own, as_of), on=["unit_id", "indicator"], how="left")
    own["source"] = "own"
    figures = {(r.unit_id, r.indicator): r._asdict() for r in own.itertuples(index=False)}
    own_keys = set(figures)
    depth_of = unit_depths(parent)

    def depth(u: str) -> int:
        return depth_of.get(u, 0)

    for level in range(max((depth(u) for u, _ in figures), default=0), 0, -1):
        for key in [k for k, f in figures.items() if depth(k[0]) == level and f["aggregation"] == "sum"]:
            figure, up = figures[key], (parent[key[0]], key[1])
            if up in own_keys:
                continue
            agg = figures.setdefault(up, {
                "unit_id": up[0], "indicator": up[1], "measure": figure["measure"], "aggregation": "sum",
                "source": "children", "period_start": figure["period_start"], "period_end": figure["period_end"],
                "target": 0.0, "actual": math.nan})
            agg["target"] += float(figure["target"])
            if not pd.isna(figure["actual"]):
                agg["actual"] = float(figure["actual"]) + (0.0 if pd.isna(agg["actual"]) else agg["actual"])
            agg["period_start"] = min(agg["period_start"], figure["period_start"])
            agg["period_end"] = max(agg["period_end"], figure["period_end"])
    out = pd.DataFrame(list(figures.values()))
    out["target"] = out["target"].astype(float)
    out["actual"] = pd.to_numeric(out["actual"], errors="coerce").astype(float)
    out["completion"] = [ratio(a, t) for a, t in zip(out["actual"], out["target"], strict=True)]
    out["elapsed"] = [elapsed_share(s, e, as_of) for s, e in zip(out["period_start"], out["period_end"], strict=True)]
    out["pace_gap"] = (out["completion"] - out["elapsed"]) * 100.0
    ended = [pd.Timestamp(as_of) >= pd.Timestamp(e) for e in out["period_end"]]
    out["status"] = [pace_status(c, g, tolerance, x)
                     for c, g, x in zip(out["completion"], out["pace_gap"], ended, strict=True)]
    return out[columns].sort_values(["unit_id", "indicator"], kind="stable").reset_index(drop=True)


def reference_target_findings(targets, actuals, parent, as_of) -> list[dict]:
    """findings.target_findings as it was: a Python step per actual row and per target row."""
    found: list[dict] = []

    def add(table, row, unit_id, flag, column, written, code, **params) -> None:
        found.append({"table": table, "row": int(row), "unit_id": unit_id, "flag": flag, "column": column,
                      "value": written, "detail": message(code, "en", **params), "code": code, "params": params})

    own = set(zip(targets["unit_id"], targets["indicator"], strict=True))
    summed: set[tuple[str, str]] = set()
    rows = targets[targets["aggregation"] == "sum"]
    for unit, indicator in set(zip(rows["unit_id"], rows["indicator"], strict=True)):
        node = parent.get(unit)
        while node is not None and (node, indicator) not in own and (node, indicator) not in summed:
            summed.add((node, indicator))
            node = parent.get(node)
    for row, unit, indicator in zip(actuals.index, actuals["unit_id"], actuals["indicator"], strict=True):
        if (unit, indicator) in own:
            continue
        code = "flag.actual_summed_unit" if (unit, indicator) in summed else "flag.actual_no_target"
        add("actuals", row, unit, "actual_not_counted", "indicator", indicator, code, unit=unit, indicator=indicator)
    now = pd.Timestamp(as_of)
    current = current_periods(targets, as_of)
    current = current[current["period_start"] <= now]
    if not current.empty:
        key = current.reset_index(names="src_row")[["src_row", "unit_id", "indicator", "period_start", "period_end"]]
        hits = actuals[["unit_id", "indicator", "date"]].merge(key, on=["unit_id", "indicator"])
        hits = hits[(hits["date"] >= hits["period_start"]) & (hits["date"] <= hits["period_end"]) & (hits["date"] <= now)]
        reported = set(hits["src_row"])
        for r in key.itertuples(index=False):
            if r.src_row not in reported:
                add("targets", r.src_row, r.unit_id, "no_actual", "indicator", r.indicator, "flag.no_actual",
                    indicator=r.indicator, as_of=as_of.isoformat())
    return found  # the decreasing actuals that follow were already column-wise and are unchanged


def reference_rolled(campaign, units, visits, surveys) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """unit_rollups' totals and uncovered leaves as they were: metrics.rollup over the closure of `units`."""
    h = campaign.hierarchy
    ids = pd.Index(units, name="unit_id")
    closure = h.closure[h.closure["ancestor_id"].isin(units)]
    totals = pd.DataFrame({"events": rollup(visits, closure).reindex(ids, fill_value=0),
                           "persons": rollup(visits, closure, value="persons").reindex(ids, fill_value=0)})
    for name in ("issued", "returned", "valid"):
        totals[f"survey_{name}"] = rollup(surveys, closure, value=name).reindex(ids, fill_value=0)
    rates = [survey_rates(*row) for row in totals[["survey_issued", "survey_returned", "survey_valid"]]
             .itertuples(index=False)]
    for name in ("return_rate", "validity", "effective_rate"):
        totals[f"survey_{name}"] = [r[name] for r in rates]
    has_visits = "visits" in campaign.present
    children = [c for u in units for c in h.children[u]]
    active = set(rollup(visits, h.closure[h.closure["ancestor_id"].isin(children)]).index)
    totals["coverage"] = coverage_by_parent(h.parent, active, units) if has_visits else math.nan
    own = set(visits["unit_id"].unique())
    grass = grassroots_coverage(closure, h.leaves, own).reindex(ids)
    totals["leaves"] = grass["leaves"].fillna(0).astype("int64")
    totals["leaves_covered"] = grass["leaves_covered"].fillna(0).astype("int64")
    totals["grassroots_coverage"] = grass["grassroots_coverage"] if has_visits else math.nan
    uncovered: dict[str, list[str]] = {}
    if has_visits:
        pairs = closure[closure["unit_id"].isin(h.leaves - own)]
        for ancestor, part in pairs.groupby("ancestor_id", sort=False)["unit_id"]:
            uncovered[ancestor] = sorted(part, key=h.position.__getitem__)
    return totals, uncovered


# --------------------------------------------------------------------------- messy synthetic campaigns


def messy_tables(seed: int) -> dict[str, str]:
    """Four levels; a `sum` indicator with own targets at several levels, fractional targets and actuals, two
    periods and children with different periods; a `none` indicator with a past and a current period; falling
    actuals, actuals of summed units and of units without a target; targets without an actual; units never
    visited; questionnaires with nothing issued."""
    rng = random.Random(seed)
    units = [("R", "根", "", "county")]
    for t in range(4):
        units.append((f"T{t}", f"乡{t}", "R", "township"))
        for v in range(rng.randint(2, 6)):
            units.append((f"T{t}V{v}", f"村{t}-{v}", f"T{t}", "village"))
            for g in range(rng.choice([0, 0, 2, 3])):
                units.append((f"T{t}V{v}G{g}", f"组{t}-{v}-{g}", f"T{t}V{v}", "group"))
    ids = [u[0] for u in units]
    tables = {"units": "unit_id,name,parent_id,kind,sector,tags\n" + "".join(
        f"{u},{n},{p},{k},,{rng.choice(['advanced', 'lagging', '', ''])}\n" for u, n, p, k in units)}
    rows = ["date,unit_id,kind,group,persons,team,topic"]
    for _ in range(300):
        day = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 360))
        rows.append(f"{day},{rng.choice(ids[: len(ids) * 3 // 4])},{rng.choice(['seminar', 'visit', 'lecture'])},"
                    f"{rng.choice(['residents', 'staff'])},{rng.randint(0, 30)},,")
    tables["visits"] = "\n".join(rows) + "\n"
    rows = ["survey_id,unit_id,date,issued,returned,valid"]
    for i in range(40):
        issued = rng.choice([0, rng.randint(5, 300)])
        returned = rng.randint(0, issued)
        rows.append(f"S{i},{rng.choice(ids)},2012-{rng.randint(1, 12):02d}-10,{issued},{returned},{rng.randint(0, returned)}")
    tables["surveys"] = "\n".join(rows) + "\n"
    targets = ["unit_id,indicator,target,measure,period_start,period_end,aggregation"]
    actuals = ["unit_id,indicator,date,value"]
    leaves = {u for u in ids if not any(p == u for _, _, p, _ in units)}
    own_gdp = leaves | {u for u in ids if u.endswith("V1") or u == "T2"}
    for u in ids:
        if u in own_gdp and rng.random() < 0.9:
            start = rng.choice(["2012-01-01", "2012-02-15", "2011-12-01"])
            end = rng.choice(["2012-12-31", "2012-06-30", "2012-09-30"])
            targets.append(f"{u},gdp,{rng.choice([10, 0.1, 0.7, 12.3, 0.001, 7.77])},万元,{start},{end},sum")
            value = 0.0
            for m in sorted(rng.sample(range(1, 13), rng.randint(0, 5))):
                value = max(0.0, value + rng.choice([0.1, 0.2, 0.3, 1.7, -0.5, 3.3]))
                actuals.append(f"{u},gdp,2012-{m:02d}-{rng.randint(1, 28):02d},{round(value, 3)}")
        if rng.random() < 0.3:
            targets.append(f"{u},cash,{rng.choice([5, 2.5])},元,2011-01-01,2011-12-31,none")
            targets.append(f"{u},cash,{rng.choice([5, 2.5])},元,2012-01-01,2012-12-31,none")
            for m in sorted(rng.sample(range(1, 13), rng.randint(0, 3))):
                actuals.append(f"{u},cash,2012-{m:02d}-05,{rng.choice([1, 2.5, 6, 0.3])}")
        elif rng.random() < 0.1:
            actuals.append(f"{u},cash,2012-03-05,1")  # no cash target at the unit: not counted
        if u not in own_gdp and rng.random() < 0.2:
            actuals.append(f"{u},gdp,2012-04-01,3")  # a summed unit's own actual: not counted
    tables["targets"] = "\n".join(targets) + "\n"
    tables["actuals"] = "\n".join(actuals) + "\n"
    return tables


MESSY_YAML = ("id: messy\nname: {zh: 测试活动, en: Test campaign}\nstart: 2012-01-01\nend: 2012-12-31\n"
              "as_of: 2012-08-15\n")


@pytest.fixture(scope="module")
def campaigns(tmp_path_factory: pytest.TempPathFactory) -> list:
    folders = list(SAMPLES)
    for seed in (7, 8, 11):
        folder = tmp_path_factory.mktemp(f"messy{seed}")
        (folder / "campaign.yaml").write_text(MESSY_YAML, encoding="utf-8")
        for name, text in messy_tables(seed).items():
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
        folders.append(folder)
    # without a visits table: coverage and grassroots coverage are "no data" everywhere
    folder = tmp_path_factory.mktemp("novisits")
    (folder / "campaign.yaml").write_text(MESSY_YAML, encoding="utf-8")
    for name, text in messy_tables(7).items():
        if name != "visits":
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    folders.append(folder)
    return [load_campaign(f) for f in folders]


def _units(c) -> list[str]:
    """Every unit with units below it, and three leaves (a leaf's figures are its own rows')."""
    h = c.hierarchy
    return [u for u in h.ids if h.children[u]] + [u for u in h.ids if not h.children[u]][:3]


def _dates(c) -> list[dt.date]:
    meta = c.meta
    return sorted({meta.start, meta.default_as_of(), meta.end, meta.start + (meta.end - meta.start) / 3})


# --------------------------------------------------------------------------- hand-worked


def _targets(rows: list[tuple]) -> pd.DataFrame:
    """rows: (unit_id, indicator, target, aggregation, period_start, period_end)."""
    frame = pd.DataFrame(rows, columns=["unit_id", "indicator", "target", "aggregation", "period_start", "period_end"])
    frame["measure"] = "件"
    frame["target"] = frame["target"].astype("Float64")
    for c in ("period_start", "period_end"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def test_a_sum_is_a_running_total_in_the_order_of_the_units_feeding_it():
    # A <- B, C, E: B, C, E report 0.1, 0.2 and 0.3. Added one at a time onto 0.0 in row order,
    # ((0.0 + 0.1) + 0.2) + 0.3 = 0.6000000000000001 in floats; a compensated or pairwise sum would give 0.6.
    parent = {"A": None, "B": "A", "C": "A", "E": "A"}
    year = ("2012-01-01", "2012-12-31")
    targets = _targets([("B", "x", 0.1, "sum", *year), ("C", "x", 0.2, "sum", *year), ("E", "x", 0.3, "sum", *year)])
    actuals = actuals_frame([("B", "x", "2012-03-01", 0.1), ("C", "x", "2012-03-01", 0.2), ("E", "x", "2012-03-01", 0.3)])
    a = target_pace(targets, actuals, parent, D(2012, 6, 30)).set_index("unit_id").loc["A"]
    assert a["target"] == 0.6000000000000001 and a["actual"] == 0.6000000000000001
    assert a["completion"] == 1.0 and a["status"] == "completed"


def test_a_sum_without_any_actual_below_is_no_data_and_takes_the_widest_period():
    # A <- B (Jan-Jun), C (Mar-Dec); neither reported by as_of: A's target 10 + 20 = 30, actual no data,
    # period 2012-01-01 .. 2012-12-31 (the earliest start, the latest end): elapsed 182 / 366 on 2012-06-30.
    parent = {"A": None, "B": "A", "C": "A"}
    targets = _targets([("B", "x", 10, "sum", "2012-01-01", "2012-06-30"),
                        ("C", "x", 20, "sum", "2012-03-01", "2012-12-31")])
    a = target_pace(targets, actuals_frame([("B", "x", "2012-07-01", 5)]), parent, D(2012, 6, 30))
    a = a.set_index("unit_id").loc["A"]
    assert a["target"] == 30.0 and math.isnan(a["actual"]) and a["status"] == "no_data"
    assert (a["period_start"], a["period_end"]) == (pd.Timestamp("2012-01-01"), pd.Timestamp("2012-12-31"))
    assert a["elapsed"] == 182 / 366


def test_among_is_isin_for_text_and_other_columns():
    text = pd.Series(["a", None, "b", "c"], dtype="str")
    assert among(text, {"a", "c"}).tolist() == [True, False, False, True]
    assert among(text, ["a", None]).tolist() == text.isin(["a", None]).tolist()  # a missing value matches one
    assert among(text, [1, "b"]).tolist() == [False, False, True, False]  # not text: pandas decides
    assert among(pd.Series([1, 2, 3]), [2]).tolist() == [False, True, False]
    assert among(text, []).tolist() == [False] * 4


def test_survey_rate_columns_are_survey_rates_of_each_row():
    # 80/100, 60/80, 60/100; nothing issued: no data; 5 returned of 5 with 0 valid: validity 0, not no data
    issued, returned, valid = (pd.Series(v, dtype="Int64") for v in ([100, 0, 5], [80, 0, 5], [60, 0, 0]))
    got = survey_rate_columns(issued, returned, valid)
    assert got["return_rate"][0] == 0.8 and got["validity"][0] == 0.75 and got["effective_rate"][0] == 0.6
    assert all(math.isnan(got[k][1]) for k in got)
    assert got["validity"][2] == 0.0
    for i in range(3):
        expected = survey_rates(issued[i], returned[i], valid[i])
        assert all(got[k][i] == expected[k] or (math.isnan(got[k][i]) and math.isnan(expected[k])) for k in got)


# --------------------------------------------------------------------------- against the reference


def _linear(pace: pd.DataFrame, levels: set[str] | None = None) -> pd.DataFrame:
    """The rows of linear indicators without the level-indicator columns, which the row-by-row reference predates
    (a level indicator, Shunhe's five_good_share, is judged against its target alone: tests/measures/test_change.py
    and test_level_views.py). Given the reference's frame and the level indicators' codes, its other rows."""
    if levels is not None:
        return pace[~pace["indicator"].isin(levels)].reset_index(drop=True)
    linear = pace[pace["pacing"] == "linear"]
    assert linear["level_gap"].isna().all()
    return linear.drop(columns=["pacing", "level_gap"]).reset_index(drop=True)


def _levels(pace: pd.DataFrame) -> set[str]:
    return set(pace.loc[pace["pacing"] == "level", "indicator"])


def test_target_pace_is_the_row_by_row_pace_on_every_campaign(campaigns):
    for c in campaigns:
        for as_of in _dates(c):
            for tolerance in (0.0, 1.0, 2.5):
                fast = target_pace(c.targets, c.actuals, c.hierarchy.parent, as_of, tolerance)
                pd.testing.assert_frame_equal(
                    _linear(fast),
                    _linear(reference_target_pace(c.targets, c.actuals, c.hierarchy.parent, as_of, tolerance),
                            _levels(fast)),
                    check_exact=True, obj=f"{c.meta.id} {as_of} {tolerance}")
        # the memoised pace every page reads
        memo = campaign_pace(c, c.as_of())
        pd.testing.assert_frame_equal(_linear(memo), _linear(reference_target_pace(
            c.targets, c.actuals, c.hierarchy.parent, c.as_of()), _levels(memo)), check_exact=True)


def test_pace_status_of_gaps_at_the_tolerance_is_decided_as_before():
    # Gaps within float noise of ±tolerance and 0 go through pace_status's rounding, as every row did.
    parent = {"A": None}
    period = ("2012-01-01", "2012-04-09")  # 100 days; as_of day 56: elapsed 0.56
    rows = [("A", f"x{v}", 100, "none", *period) for v in (55, 56, 57)]
    actuals = actuals_frame([("A", f"x{v}", "2012-02-01", v) for v in (55, 56, 57)])
    for tolerance in (0.0, 1.0):
        got = _linear(target_pace(_targets(rows), actuals, parent, D(2012, 2, 25), tolerance))
        expected = reference_target_pace(_targets(rows), actuals, parent, D(2012, 2, 25), tolerance)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got["status"].tolist() == ["behind", "on_pace", "ahead"]  # gaps -1, 0, +1 at tolerance 1


def test_target_findings_are_the_row_by_row_findings_on_every_campaign(campaigns):
    for c in campaigns:
        for as_of in _dates(c):
            got = [f for f in target_findings(c.targets, c.actuals, c.hierarchy.parent)
                   if f["flag"] != "decreasing_actual"] + no_actual_findings(c.targets, c.actuals, as_of)
            expected = reference_target_findings(c.targets, c.actuals, c.hierarchy.parent, as_of)
            assert got == expected, (c.meta.id, as_of)


def test_rolled_figures_are_the_closure_rollups_for_every_family(campaigns):
    for c in campaigns:
        h = c.hierarchy
        for as_of in (c.meta.start, c.meta.default_as_of()):
            visits, surveys = until(c.visits, as_of), until(c.surveys, as_of)
            families = [[u, *h.children[u]] for u in _units(c)] if as_of == c.meta.start else []
            for units in [h.ids, *families, sorted(h.leaves)[:3], []]:
                got = unit_rollups(c, list(units), visits, surveys)
                totals, uncovered = reference_rolled(c, list(units), visits, surveys)
                pd.testing.assert_frame_equal(got.totals, totals, check_exact=True, obj=f"{c.meta.id} {units[:2]}")
                assert got.uncovered == uncovered
                closure = h.closure[h.closure["ancestor_id"].isin(units)]
                pd.testing.assert_series_equal(got.events, rollup(visits, closure, by="kind"), check_exact=True)
                pd.testing.assert_series_equal(got.persons, rollup(visits, closure, by="group", value="persons"),
                                               check_exact=True)


def test_kpi_table_is_in_the_order_a_lookup_per_row_gave(campaigns):
    for c in campaigns:
        table = kpi_table(c, c.as_of())
        order = {u: i for i, u in enumerate(c.hierarchy.ids)}
        metric_order = {m: i for i, m in enumerate(METRICS)}
        resorted = table.sort_values(["unit_id", "metric"], kind="stable",
                                     key=lambda col: col.map(order) if col.name == "unit_id" else col.map(metric_order))
        pd.testing.assert_frame_equal(table, resorted.reset_index(drop=True), check_exact=True)


def test_a_pages_children_figures_are_the_kpi_tables(campaigns):
    columns = ["unit_id", "name", "events", "persons", "coverage", "survey_issued", "survey_returned", "survey_valid",
               "survey_effective_rate", "targets_lagging", "tags"]
    for c in campaigns:
        for u in _units(c):
            got = children_figures(c, unit_kpis(c, u, c.as_of()))
            expected = children_table(c, u, c.as_of())
            if expected.empty:
                assert got.empty
                continue
            pd.testing.assert_frame_equal(got[columns], expected[columns], check_exact=True, check_dtype=False)
            # the same numbers, whole numbers as whole numbers
            assert (got["events"].to_numpy() == expected["events"].to_numpy()).all()


def test_tag_comparison_on_a_page_is_the_kpi_tables(campaigns):
    from analytics.measures.kpis import cached_kpi_wide
    from analytics.measures.metrics import tag_comparison

    for c in campaigns:
        for u in _units(c):
            report = UnitReport(c, u, c.meta.default_as_of(), "zh", 1.0, unit_kpis(c, u, c.as_of()), "")
            got = report._tag_comparison()
            subtree = c.hierarchy.descendants(u)[1:]
            tags = c.units.set_index("unit_id")["tags"].reindex(subtree)
            if not tags.fillna("").str.contains("advanced|lagging").any():
                assert got.empty
                continue
            wide = cached_kpi_wide(c, c.as_of())
            per_unit = wide.reindex(subtree)[["events", "persons", "survey_issued", "survey_returned", "survey_valid"]]
            per_unit.columns = ["events", "persons", "issued", "returned", "valid"]
            pd.testing.assert_frame_equal(got, tag_comparison(per_unit.astype(float), tags), check_exact=True)


def test_positions_stay_apart_for_two_hierarchies(campaigns):
    # Rollups on positions are computed per hierarchy: two campaigns never share them.
    a, b = campaigns[0], campaigns[3]
    ra = unit_rollups(a, a.hierarchy.ids, a.visits, a.surveys).totals
    rb = unit_rollups(b, b.hierarchy.ids, b.visits, b.surveys).totals
    assert list(ra.index) == a.hierarchy.ids and list(rb.index) == b.hierarchy.ids
    expected = reference_rolled(a, a.hierarchy.ids, a.visits, a.surveys)[0]
    assert np.array_equal(ra["events"].to_numpy(), expected["events"].to_numpy())


def test_a_units_subtree_is_its_descendants_in_file_order(campaigns):
    for c in campaigns:
        h = c.hierarchy
        for u in h.ids:
            got = subtree_units(c, u)
            assert sorted(got, key=h.position.__getitem__) == got
            assert set(got) == set(h.descendants(u)) and len(got) == len(h.descendants(u))


def reference_status_counts(pace: pd.DataFrame, units: pd.Index) -> pd.DataFrame:
    """kpis.status_counts as it was: a groupby of the unit and status texts."""
    from analytics.measures.metrics import LAGGING_STATUSES, STATUSES

    counts = pace.groupby(["unit_id", "status"]).size().unstack(fill_value=0) if len(pace) else pd.DataFrame()
    out = pd.DataFrame(index=units)
    for name in STATUSES:
        out[f"targets_{name}"] = counts[name].reindex(units, fill_value=0) if name in counts else 0
    out = out.fillna(0).astype("int64")
    out["targets_lagging"] = sum(out[f"targets_{s}"] for s in LAGGING_STATUSES)
    return out


def test_status_counts_are_the_groupbys(campaigns):
    from analytics.measures.kpis import status_counts
    from analytics.measures.metrics import STATUSES

    rng = random.Random(3)
    for _ in range(200):  # units asked for or not, statuses of every kind, nothing at all
        units = [f"U{i}" for i in range(rng.randint(0, 12))]
        rows = rng.randint(0, 30)
        pace = pd.DataFrame({"unit_id": pd.Series([rng.choice([*units, "X"]) for _ in range(rows)], dtype="str"),
                             "status": pd.Series([rng.choice(STATUSES) for _ in range(rows)], dtype="str")})
        index = pd.Index(units, name=rng.choice([None, "unit_id"]))
        pd.testing.assert_frame_equal(status_counts(pace, index), reference_status_counts(pace, index), check_exact=True)
    for c in campaigns:
        for u in _units(c):
            k = unit_kpis(c, u, c.as_of())
            pd.testing.assert_frame_equal(status_counts(k.family_targets, k.family.index),
                                          reference_status_counts(k.family_targets, k.family.index), check_exact=True)
