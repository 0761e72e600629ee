"""Data-quality findings: rows that break a rule of docs/domain.md, each with its spreadsheet row so a user can look.

Consistency, unknown units, out-of-period dates, outliers (modified z per kind or batch), actuals that are not
counted, targets without an actual by as_of, cumulative actuals that decrease. Pure: frames in, findings out.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics.measures.metrics import among, current_periods, summed_targets
from analytics.text.labels import message

OUTLIER_THRESHOLD = 3.5


def modified_z(values: pd.Series) -> pd.Series:
    """0.6745 (x − median) / MAD (Iglewicz and Hoaglin).

    When more than half the values are equal the MAD is zero; then the mean absolute deviation stands in,
    (x − median) / (1.253314 × MeanAD), so one wild value among many equal ones is still caught.
    Zeros when there is no spread at all.
    """
    x = values.astype(float)
    median = x.median()
    deviation = (x - median).abs()
    mad = deviation.median()
    if mad and not pd.isna(mad):
        return 0.6745 * (x - median) / mad
    mean_ad = deviation.mean()
    if mean_ad and not pd.isna(mean_ad):
        return (x - median) / (1.253314 * mean_ad)
    return pd.Series(0.0, index=values.index)


def grouped_modified_z(values: pd.Series, groups: pd.Series) -> pd.Series:
    """modified_z within each group, zeros in a group of fewer than three values: the same figures as
    `values.groupby(groups).transform(lambda p: modified_z(p) if len(p) >= 3 else 0)`, computed with the groups'
    vectorised medians and means instead of a Python call per group and a re-ordering of every row."""
    x = values.astype(float)
    by = x.groupby(groups, sort=False)
    median = by.transform("median")
    deviation = (x - median).abs()
    spread = deviation.groupby(groups, sort=False)
    mad, mean_ad, size = spread.transform("median"), spread.transform("mean"), by.transform("size")
    centred = x - median
    z = np.where(mad > 0, 0.6745 * centred / mad.where(mad > 0, 1.0),
                 np.where(mean_ad > 0, centred / (1.253314 * mean_ad.where(mean_ad > 0, 1.0)), 0.0))
    z = np.where(size >= 3, z, np.where(size.isna(), np.nan, 0.0))
    return pd.Series(z, index=values.index)


FLAG_COLUMNS = ["table", "row", "unit_id", "flag", "column", "value", "detail", "code", "params"]


def quality_flags(
    tables: dict[str, pd.DataFrame],
    unit_ids: set[str],
    start: dt.date,
    end: dt.date,
    threshold: float = OUTLIER_THRESHOLD,
    *,
    parent: dict[str, str | None] | None = None,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Data-quality findings, one row each: consistency, unknown units, out-of-period dates, outliers, actuals
    that are not counted, targets without an actual by as_of, cumulative actuals that decrease.

    `row` is the spreadsheet row of the finding (the frames' index), so a user can go and look. `detail` is the
    English text; `code` and `params` give it in either language (analytics.text.labels.message). `parent` (the
    hierarchy; default: every unit a root) says which targets are summed from the units below; `as_of`
    (default: end) which targets should have an actual by now.
    """
    return flag_frame(standing_findings(tables, unit_ids, start, end, threshold, parent=parent)
                      + dated_findings(tables, as_of or end))


def flag_frame(found: list[dict]) -> pd.DataFrame:
    """Findings (standing_findings + dated_findings) as quality_flags returns them, in spreadsheet order."""
    out = pd.DataFrame(found, columns=FLAG_COLUMNS)
    return out.sort_values(["table", "row", "flag"], kind="stable").reset_index(drop=True)


def standing_findings(
    tables: dict[str, pd.DataFrame],
    unit_ids: set[str],
    start: dt.date,
    end: dt.date,
    threshold: float = OUTLIER_THRESHOLD,
    *,
    parent: dict[str, str | None] | None = None,
    before_start: dict[str, pd.DataFrame] | None = None,
) -> list[dict]:
    """The findings of quality_flags that hold at any as_of (every one but no_actual), as rows of dicts.

    `before_start`: rows dated before the campaign's start, kept out of `tables` (no figure counts them), each
    listed here as not counted.

    Computed once, they serve every as_of (the explorer moves as_of without judging all rows again); no two
    findings here and in dated_findings share a (table, row, flag), so flag_frame orders them as one list."""
    found: list[dict] = []

    def add(table: str, frame: pd.DataFrame, mask: pd.Series, flag: str, column: str, code, params) -> None:
        """`code`: a message code, or a function of the row giving one."""
        for row in frame.index[mask.fillna(False).to_numpy(dtype=bool)]:
            values = params(row)
            code_of_row = code(row) if callable(code) else code
            found.append({"table": table, "row": int(row), "unit_id": frame.at[row, "unit_id"], "flag": flag,
                          "column": column, "value": frame.at[row, column],
                          "detail": message(code_of_row, "en", **values), "code": code_of_row, "params": values})

    surveys = tables.get("surveys")
    if surveys is not None and not surveys.empty:
        add("surveys", surveys, surveys["returned"] > surveys["issued"], "consistency", "returned",
            "flag.returned_gt_issued", lambda r: {"returned": _plain(surveys.at[r, "returned"]),
                                                  "issued": _plain(surveys.at[r, "issued"])})
        add("surveys", surveys, surveys["valid"] > surveys["returned"], "consistency", "valid",
            "flag.valid_gt_returned", lambda r: {"valid": _plain(surveys.at[r, "valid"]),
                                                 "returned": _plain(surveys.at[r, "returned"])})
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    for name in ("visits", "surveys", "actuals", "targets"):
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        known = pd.Series(among(frame["unit_id"], unit_ids), index=frame.index)
        add(name, frame, ~known, "unknown_unit", "unit_id", "flag.not_in_units", lambda r: {})
        if "date" in frame:
            outside = (frame["date"] < lo) | (frame["date"] > hi)
            add(name, frame, outside, "out_of_period", "date", "flag.outside_period",
                lambda r, f=frame: {"date": f.at[r, "date"].date().isoformat(), "start": str(start), "end": str(end)})
    for name, frame in (before_start or {}).items():
        column = "due" if name == "commitments" else "date"
        add(name, frame, pd.Series(True, index=frame.index), "out_of_period", column, "flag.before_start",
            lambda r, f=frame, c=column: {"date": f.at[r, c].date().isoformat(), "start": str(start)})
    visits = tables.get("visits")
    if visits is not None and len(visits) >= 3:
        # Per kind: a lecture to a hall of residents is not an outlier among seminars of ten.
        z = grouped_modified_z(visits["persons"], visits["kind"])
        add("visits", visits, z.abs() > threshold, "outlier", "persons", "flag.outlier_kind",
            lambda r: {"z": f"{z.at[r]:.1f}", "kind": str(visits.at[r, "kind"]), "threshold": threshold})
    if surveys is not None and len(surveys) >= 3:
        # Rating batches (surveys with responses: a dozen forms at a branch) are judged apart from questionnaire
        # batches (hundreds of forms at a town), as visits are per kind: among all, every questionnaire looked wild.
        responses = tables.get("responses")
        rated = set(responses["survey_id"].dropna()) if responses is not None and not responses.empty else set()
        batch = surveys["survey_id"].isin(rated).map({True: "rating", False: "questionnaire"})
        z2 = grouped_modified_z(surveys["issued"], batch)
        add("surveys", surveys, z2.abs() > threshold, "outlier", "issued",
            lambda r: f"flag.outlier_{batch.at[r]}" if rated else "flag.outlier",
            lambda r: {"z": f"{z2.at[r]:.1f}", "threshold": threshold})
    targets, actuals = tables.get("targets"), tables.get("actuals")
    if targets is not None and actuals is not None:
        found.extend(target_findings(targets, actuals, parent or dict.fromkeys(unit_ids)))
    return found


def dated_findings(tables: dict[str, pd.DataFrame], as_of: dt.date) -> list[dict]:
    """The findings of quality_flags that depend on as_of: targets with no actual by then (no_actual)."""
    targets, actuals = tables.get("targets"), tables.get("actuals")
    if targets is None or actuals is None:
        return []
    return no_actual_findings(targets, actuals, as_of)


def _finding(table: str, row, unit_id, flag: str, column: str, written, code: str, **params) -> dict:
    return {"table": table, "row": int(row), "unit_id": unit_id, "flag": flag, "column": column,
            "value": written, "detail": message(code, "en", **params), "code": code, "params": params}


def target_findings(targets: pd.DataFrame, actuals: pd.DataFrame, parent: dict[str, str | None]) -> list[dict]:
    """Actuals not counted and cumulative actuals that fall (docs/domain.md's "Which actuals count" and "No row is
    dropped in silence"); targets with no actual by as_of are no_actual_findings."""
    found: list[dict] = []

    def add(*args, **params) -> None:
        found.append(_finding(*args, **params))

    own = set(zip(targets["unit_id"].tolist(), targets["indicator"].tolist(), strict=True))
    summed = summed_targets(targets, parent)
    # Python lists, not the frame's columns: iterating Arrow text builds a scalar per value (100,000 actuals: 1 s).
    for row, unit, indicator in zip(actuals.index.tolist(), actuals["unit_id"].tolist(), actuals["indicator"].tolist(),
                                    strict=True):
        if (unit, indicator) in own:
            continue
        code = "flag.actual_summed_unit" if (unit, indicator) in summed else "flag.actual_no_target"
        add("actuals", row, unit, "actual_not_counted", "indicator", indicator, code, unit=unit, indicator=indicator)
    if not actuals.empty:
        a = actuals[["unit_id", "indicator", "date", "value"]].reset_index(names="src_row")
        periods = targets[["unit_id", "indicator", "period_start", "period_end"]]
        a = a.merge(periods, on=["unit_id", "indicator"], how="left")
        inside = (a["date"] >= a["period_start"]) & (a["date"] <= a["period_end"])
        # Cumulative since period_start: a new period starts again from 0. Rows outside every period of their
        # unit's targets are compared among themselves.
        a = a[inside | a["period_start"].isna()].drop_duplicates("src_row")
        a = a.sort_values(["unit_id", "indicator", "period_start", "date", "src_row"], kind="stable", na_position="last")
        group = a.groupby(["unit_id", "indicator", "period_start"], sort=False, dropna=False)
        a["prev"], a["prev_date"], a["prev_row"] = group["value"].shift(1), group["date"].shift(1), group["src_row"].shift(1)
        for r in a[a["value"] < a["prev"]].itertuples(index=False):
            add("actuals", r.src_row, r.unit_id, "decreasing_actual", "value", r.value, "flag.decreasing",
                indicator=r.indicator, previous=_plain(r.prev), previous_date=r.prev_date.date().isoformat(),
                previous_row=int(r.prev_row), number=_plain(r.value), date=r.date.date().isoformat())
    return found


def no_actual_findings(targets: pd.DataFrame, actuals: pd.DataFrame, as_of: dt.date) -> list[dict]:
    """Targets whose current period has started by as_of without an actual inside it on or before as_of."""
    found: list[dict] = []
    now = pd.Timestamp(as_of)
    current = current_periods(targets, as_of)
    current = current[current["period_start"] <= now]
    if not current.empty:
        key = current.reset_index(names="src_row")[["src_row", "unit_id", "indicator", "period_start", "period_end"]]
        hits = actuals[["unit_id", "indicator", "date"]].merge(key, on=["unit_id", "indicator"])
        hits = hits[(hits["date"] >= hits["period_start"]) & (hits["date"] <= hits["period_end"]) & (hits["date"] <= now)]
        unreported = key[~np.isin(key["src_row"].to_numpy(), hits["src_row"].to_numpy())]
        for r in unreported.itertuples(index=False):
            found.append(_finding("targets", r.src_row, r.unit_id, "no_actual", "indicator", r.indicator,
                                  "flag.no_actual", indicator=r.indicator, as_of=as_of.isoformat()))
    return found


def _plain(value: object) -> object:
    """A figure as shown in a message: 400.0 -> 400."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


__all__ = [
    "FLAG_COLUMNS", "OUTLIER_THRESHOLD", "dated_findings", "flag_frame", "modified_z", "no_actual_findings",
    "quality_flags", "standing_findings", "target_findings",
]
