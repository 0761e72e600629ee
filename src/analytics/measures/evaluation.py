"""Ratings (群众评议), commitments (公开承诺) and the appraisal (考核评分), exactly as docs/domain.md defines them.

Pure functions, frames in and frames out, beside metrics.py: ratings and commitments roll up through the
hierarchy's closure table like every other figure; the appraisal scores the values of the KPI table, so a
score always agrees with the figures shown next to it. Every point is kept per unit and item (value,
full_at, weight, points earned and lost, whether the item applies and has data), so a reader can recompute it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from analytics.data.appraisal import AppraisalSpec
from analytics.data.campaign import Hierarchy
from analytics.measures.vocabulary import Status

SCORES = (1, 2, 3, 4, 5)
RATING_COLUMNS = ["unit_id", "question", "count", "mean", "satisfied", "satisfaction",
                  *(f"score_{s}" for s in SCORES)]
# A due commitment is exactly one of the first four; due = kept + late + overdue + due_today.
COMMITMENT_STATUSES = ("kept", "late", "overdue", "due_today", "not_due")
COMMITMENT_COLUMNS = ["due", "kept", "late", "overdue", "due_today", "not_due", "total", "fulfilment"]
ITEM_COLUMNS = ["unit_id", "item", "metric", "key", "weight", "full_at", "value", "applies", "has_data",
                "attainment", "points", "lost"]
SCORE_COLUMNS = ["parent_id", "points", "weights", "score", "grade", "rank", "ranked_among", "capped_by"]
_ALL = ""  # the question key of "all questions"
_CENT = Decimal("0.01")


# --------------------------------------------------------------------------- ratings


def ratings(
    responses: pd.DataFrame,
    surveys: pd.DataFrame,
    closure: pd.DataFrame,
    units: list[str],
    satisfaction_min: int = 4,
) -> pd.DataFrame:
    """Per unit and question ('' = all questions): rating count, mean score, satisfied count, satisfaction
    (满意率, scores ≥ satisfaction_min ÷ count) and the count of each score 1–5.

    A response counts at its survey's unit and every ancestor; only responses of the given (windowed) surveys
    count. Every unit in `units` gets a row per question of the whole responses table; a zero count gives a
    mean and a satisfaction of NaN ("no data"), never 0.
    """
    questions = [_ALL, *dict.fromkeys(responses["question"].dropna())]  # file order
    rows = responses[["survey_id", "question", "score"]].dropna().merge(
        surveys[["survey_id", "unit_id"]], on="survey_id")
    rows = rows.assign(score=rows["score"].astype("int64"))
    joined = rows.merge(closure[closure["ancestor_id"].isin(units)], on="unit_id")
    both = pd.concat([joined, joined.assign(question=_ALL)], ignore_index=True)
    counts = both.groupby(["ancestor_id", "question", "score"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(SCORES), fill_value=0)
    index = pd.MultiIndex.from_product([units, questions], names=["unit_id", "question"])
    counts = counts.reindex(index, fill_value=0).astype("int64")
    out = pd.DataFrame(index=index)
    out["count"] = counts.sum(axis=1)
    total = (counts * list(SCORES)).sum(axis=1)
    out["mean"] = _share(total, out["count"])
    out["satisfied"] = counts[[s for s in SCORES if s >= satisfaction_min]].sum(axis=1).astype("int64")
    out["satisfaction"] = _share(out["satisfied"], out["count"])
    for s in SCORES:
        out[f"score_{s}"] = counts[s]
    return out.reset_index()[RATING_COLUMNS]


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator ÷ denominator as floats, NaN where the denominator is 0."""
    return (numerator / denominator.where(denominator > 0)).astype("float64")


# --------------------------------------------------------------------------- commitments


def commitment_status(commitments: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The commitments with their status at as_of and, for overdue ones, the days overdue (as_of − due).

    kept: done ≤ due ≤ as_of; late: due < done ≤ as_of; overdue: not done by as_of and due < as_of;
    due_today: due = as_of and not done; not_due: due > as_of (done or not).
    """
    now = pd.Timestamp(as_of)
    out = commitments.copy()
    due, done = out["due"], out["done"]
    done_by_now = done.notna() & (done <= now)
    status = pd.Series("not_due", index=out.index, dtype=object)
    is_due = due <= now
    status[is_due & done_by_now & (done <= due)] = "kept"
    status[is_due & done_by_now & (done > due)] = "late"
    status[is_due & ~done_by_now & (due < now)] = "overdue"
    status[is_due & ~done_by_now & (due == now)] = "due_today"
    out["status"] = status
    days = (now - due).dt.days
    out["days_overdue"] = days.where(status == "overdue").astype("Int64")
    return out


def commitment_figures(status_rows: pd.DataFrame, closure: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    """Per unit (index), over its own and its descendants' commitments: due, kept, late, overdue, due_today,
    not_due, total, and fulfilment (承诺兑现率) = kept ÷ due (NaN when nothing is due)."""
    joined = status_rows[["unit_id", "status"]].merge(closure[closure["ancestor_id"].isin(units)], on="unit_id")
    counts = joined.groupby(["ancestor_id", "status"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=pd.Index(units, name="unit_id"), columns=list(COMMITMENT_STATUSES), fill_value=0)
    out = counts.fillna(0).astype("int64")
    out["due"] = out[["kept", "late", "overdue", "due_today"]].sum(axis=1)
    out["total"] = out["due"] + out["not_due"]
    out["fulfilment"] = _share(out["kept"], out["due"])
    return out[COMMITMENT_COLUMNS]


# --------------------------------------------------------------------------- appraisal


def round_score(value: float) -> float:
    """Round half up to 2 decimals (89.995 -> 90.00), in decimal: float noise below 1e-9 is removed first,
    so a score that is 89.995 by hand but 89.99499999999999 in binary still rounds up."""
    if value is None or math.isnan(value):
        return math.nan
    return float(Decimal(f"{value:.9f}").quantize(_CENT, rounding=ROUND_HALF_UP))


def shown_points(points: list[object], weights: float = 100.0) -> tuple[list[Decimal | None], bool]:
    """Item points as every view shows them (pages, kpis.xlsx, the explorer, the bulletin; docs/domain.md,
    "Appraisal"): rescaled to 100 (points × 100 ÷ the weights of the applicable items) and rounded to 2 decimals
    so that they add up to the rounded score: the cents that half-up rounding gains or loses go to the items
    rounded the most the other way (largest remainder; ties in item order). None / NaN (an item that does not
    apply) stays None. Also returns whether any item was moved off its own half-up rounding."""
    scale = Decimal(100) / Decimal(f"{weights:.9f}") if weights and weights > 0 else Decimal(1)
    exact: list[Decimal | None] = []
    for p in points:
        number = _float(p)
        exact.append(None if math.isnan(number) else Decimal(f"{number:.9f}") * scale)
    present = [i for i, p in enumerate(exact) if p is not None]
    rounded = [None if p is None else Decimal(f"{p:.9f}").quantize(_CENT, rounding=ROUND_HALF_UP) for p in exact]
    if not present:
        return rounded, False
    total = Decimal(f"{sum(exact[i] for i in present):.9f}").quantize(_CENT, rounding=ROUND_HALF_UP)
    steps = int((total - sum(rounded[i] for i in present)) / _CENT)
    if steps == 0:
        return rounded, False
    sign = 1 if steps > 0 else -1
    order = sorted(present, key=lambda i: -sign * (exact[i] - rounded[i]))
    for i in order[:abs(steps)]:
        rounded[i] += sign * _CENT
    return rounded, True


def appraisal_items(spec: AppraisalSpec, long: pd.DataFrame, hierarchy: Hierarchy) -> pd.DataFrame:
    """Per unit and item: the KPI value scored, full_at, weight, whether the item applies, whether it has data,
    attainment = min(value ÷ full_at, 1), points = weight × attainment and points lost = weight − points.

    `long` is the KPI table (unit_id, metric, key, value). An item does not apply where it is structurally
    impossible: coverage of direct children for a leaf, completion for a unit without a target of that
    indicator (own or summed); its points are NaN. Grassroots coverage applies to every unit (a leaf's is 1 or
    0, so a leaf with no activity earns 0 on it; docs/domain.md, "Appraisal"). An applicable item without
    data earns 0 points.
    Counts of events and persons absent from the table are 0 (the table lists only kinds and groups seen).
    """
    lookup = {(u, m, k): v for u, m, k, v in zip(long["unit_id"], long["metric"], long["key"], long["value"],
                                                  strict=True)}
    leaves = hierarchy.leaves
    rows = []
    for unit in hierarchy.ids:
        for item in spec.items:
            if item.metric == "coverage":
                applies = unit not in leaves
            elif item.metric == "completion":
                applies = (unit, "target", item.key) in lookup
            else:
                applies = True
            value = lookup.get((unit, item.metric, item.key), math.nan)
            if item.metric in ("events", "persons") and (unit, item.metric, "") in lookup:
                value = lookup.get((unit, item.metric, item.key), 0)
            value = _float(value)
            has_data = not math.isnan(value)
            attainment = min(value / item.full_at, 1.0) if applies and has_data else math.nan
            if not applies:
                points = lost = math.nan
            else:
                points = item.weight * attainment if has_data else 0.0
                lost = item.weight - points
            rows.append((unit, item.code, item.metric, item.key, item.weight, item.full_at, value, applies,
                         has_data, attainment, points, lost))
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def _float(value: object) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def veto_rules(long: pd.DataFrame, hierarchy: Hierarchy) -> dict[str, set[str]]:
    """Per unit, the veto conditions (一票否决) that hold at as_of: `no_activity` (no visit row at or below it:
    its events count is 0 or absent), `missed` (any indicator's status is missed), `overdue` (any overdue
    commitment at or below it)."""
    held: dict[str, set[str]] = {u: set() for u in hierarchy.ids}
    events = long[(long["metric"] == "events") & (long["key"] == "")].set_index("unit_id")["value"]
    for unit in hierarchy.ids:
        count = _float(events.get(unit, math.nan))
        if math.isnan(count) or count == 0:
            held[unit].add("no_activity")
    missed = long[(long["metric"] == "status") & (long["value"] == Status.MISSED)]["unit_id"]
    overdue = long[long["metric"] == "commitments_overdue"]
    overdue = overdue[[_float(v) > 0 for v in overdue["value"]]]["unit_id"]
    for rule, units in (("missed", missed), ("overdue", overdue)):
        for unit in units:
            if unit in held:
                held[unit].add(rule)
    return held


def appraisal_scores(spec: AppraisalSpec, items: pd.DataFrame, hierarchy: Hierarchy,
                     vetoed: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """Per unit (index): points earned, weights of the applicable items, score = 100 × points ÷ weights rounded
    half up to 2 decimals, grade (score ≥ threshold, then capped by the spec's veto rules that hold for the
    unit in `vetoed`; `capped_by` names the rule that lowered it, else ''), and rank among siblings (same
    parent, by score, highest first, ties share a rank: 1, 2, 2, 4) with the number of siblings ranked. No
    applicable item: no score, grade no_data, no rank."""
    applicable = items[items["applies"]]
    points = applicable.groupby("unit_id", sort=False)["points"].sum()
    weights = applicable.groupby("unit_id", sort=False)["weight"].sum()
    ids = pd.Index(hierarchy.ids, name="unit_id")
    out = pd.DataFrame(index=ids)
    out["parent_id"] = [hierarchy.parent[u] or "" for u in hierarchy.ids]
    out["points"] = points.reindex(ids).fillna(0.0)
    out["weights"] = weights.reindex(ids).fillna(0.0)
    exact = [100.0 * p / w if w > 0 else math.nan for p, w in zip(out["points"], out["weights"], strict=True)]
    out["score"] = [round_score(x) for x in exact]
    graded = [spec.capped(spec.grade(s), (vetoed or {}).get(u, set())) for u, s in zip(ids, out["score"],
                                                                                         strict=True)]
    out["grade"] = [g for g, _ in graded]
    out["capped_by"] = [rule for _, rule in graded]
    scored = out["score"].notna()
    ranks = out[scored].groupby("parent_id", sort=False)["score"].rank(method="min", ascending=False)
    out["rank"] = ranks.reindex(ids).astype("Int64")
    among = out[scored].groupby("parent_id", sort=False)["score"].transform("size")
    out["ranked_among"] = among.reindex(ids).fillna(0).astype("int64")
    return out[SCORE_COLUMNS]


@dataclass(frozen=True)
class Appraisal:
    """The campaign's appraisal at one as_of: every unit's items and scores."""

    spec: AppraisalSpec
    items: pd.DataFrame  # ITEM_COLUMNS, one row per unit and item
    scores: pd.DataFrame  # SCORE_COLUMNS, indexed by unit_id

    def long(self) -> pd.DataFrame:
        """KPI-table rows: appraisal_score, appraisal_item (key = item, value = points earned), grade, rank."""
        s = self.scores
        units = s.index.astype(str)
        parts = [
            pd.DataFrame({"unit_id": units, "metric": "appraisal_score", "key": "", "value": s["score"].to_numpy(object)}),
            pd.DataFrame({"unit_id": self.items["unit_id"], "metric": "appraisal_item", "key": self.items["item"],
                          "value": self.items["points"].to_numpy(object)}),
            pd.DataFrame({"unit_id": units, "metric": "grade", "key": "", "value": s["grade"].to_numpy(object)}),
            pd.DataFrame({"unit_id": units, "metric": "rank", "key": "",
                          "value": [math.nan if pd.isna(r) else int(r) for r in s["rank"]]}),
        ]
        capped = s[s["capped_by"] != ""]
        if len(capped):
            parts.append(pd.DataFrame({"unit_id": capped.index.astype(str), "metric": "grade_capped_by", "key": "",
                                       "value": capped["capped_by"].to_numpy(object)}))
        return pd.concat(parts, ignore_index=True)

    def of(self, unit_id: str, hierarchy: Hierarchy) -> UnitAppraisal:
        """One unit's score with its items, its siblings' ranking and its children's ranking."""
        me = self.scores.loc[unit_id]
        parent = hierarchy.parent[unit_id]
        siblings = hierarchy.children[parent] if parent is not None else hierarchy.roots
        return UnitAppraisal(
            unit_id=unit_id,
            score=float(me["score"]),
            grade=str(me["grade"]),
            rank=None if pd.isna(me["rank"]) else int(me["rank"]),
            ranked_among=int(me["ranked_among"]),
            capped_by=str(me["capped_by"]),
            points=float(me["points"]),
            weights=float(me["weights"]),
            items=self.items[self.items["unit_id"] == unit_id].drop(columns="unit_id").reset_index(drop=True),
            siblings=self.ranking(siblings, hierarchy),
            children=self.ranking(hierarchy.children[unit_id], hierarchy),
            spec=self.spec,
        )

    def ranking(self, units: list[str], hierarchy: Hierarchy) -> pd.DataFrame:
        """unit_id, name, score, grade, rank of the given units, best first (no score last, in file order)."""
        part = self.scores.reindex(units)[["score", "grade", "rank", "points", "weights", "capped_by"]].reset_index()
        part.insert(1, "name", [hierarchy.name[u] for u in units])
        part["_order"] = range(len(part))
        part = part.sort_values(["score", "_order"], ascending=[False, True], na_position="last", kind="stable")
        return part.drop(columns="_order").reset_index(drop=True)


@dataclass(frozen=True)
class UnitAppraisal:
    """One unit's appraisal: score (0–100, NaN without an applicable item), grade, rank among `ranked_among`
    siblings, points earned of the applicable `weights`, and the per-item breakdown."""

    unit_id: str
    score: float
    grade: str
    rank: int | None
    ranked_among: int
    points: float
    weights: float
    items: pd.DataFrame  # ITEM_COLUMNS without unit_id, in the spec's order
    siblings: pd.DataFrame  # ranking among the unit's siblings (itself included)
    children: pd.DataFrame  # ranking of the unit's children
    spec: AppraisalSpec
    capped_by: str = ""  # the veto rule that capped the grade ('' when none did)


def appraisal(spec: AppraisalSpec, long: pd.DataFrame, hierarchy: Hierarchy) -> Appraisal:
    """Score every unit on the spec's items from the KPI table `long`."""
    items = appraisal_items(spec, long, hierarchy)
    vetoed = veto_rules(long, hierarchy) if spec.veto else None
    return Appraisal(spec=spec, items=items, scores=appraisal_scores(spec, items, hierarchy, vetoed))


__all__ = [
    "COMMITMENT_STATUSES", "Appraisal", "UnitAppraisal", "appraisal", "appraisal_items", "appraisal_scores",
    "commitment_figures", "commitment_status", "ratings", "round_score", "shown_points", "veto_rules",
]
