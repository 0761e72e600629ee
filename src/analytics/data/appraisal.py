"""The `appraisal` section of campaign.yaml (考核评分): weighted items and grade thresholds, read strictly.

    appraisal:
      items:                    # weights add up to 100
        - {metric: completion, key: gdp, weight: 30, full_at: 1.0}
        - {metric: satisfaction, weight: 20, full_at: 0.95}
      grades: {excellent: 90, good: 80, pass: 60}

`parse_appraisal` turns that mapping into an `AppraisalSpec` or a list of problems, each naming the item;
`check_appraisal_keys` checks the items' keys against the campaign's tables once they are read.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from analytics.errors import Problem

# Metrics an item may score (numeric, higher is better) -> what its key is: "indicator" (required), "question",
# "kind" or "group" (optional), or None (no key).
ITEM_METRICS: dict[str, str | None] = {
    "completion": "indicator",
    "coverage": None,
    "grassroots_coverage": None,
    "survey_return_rate": None,
    "survey_validity": None,
    "survey_effective_rate": None,
    "rating_mean": None,
    "satisfaction": "question",
    "commitment_fulfilment": None,
    "events": "kind",
    "persons": "group",
}
_REQUIRED_KEY = {"completion"}
# KPI-table metrics that exist but cannot be an item: counts and texts where higher is not better, or not a score.
_NOT_SCORABLE = {
    "target", "actual", "elapsed", "pace_gap", "status", "survey_issued", "survey_returned", "survey_valid",
    "rating_count", "commitments_due", "commitments_kept", "commitments_late", "commitments_overdue",
    "commitments_due_today", "appraisal_score", "appraisal_item", "grade", "rank",
}
GRADES = ("excellent", "good", "pass", "fail")  # best first; fail is below the pass threshold
_SECTION_KEYS = ("items", "grades")
_ITEM_KEYS = ("metric", "key", "weight", "full_at")
_THRESHOLDS = ("excellent", "good", "pass")
_TOTAL_WEIGHT = 100


@dataclass(frozen=True)
class AppraisalItem:
    """One scored item: weight × min(value ÷ full_at, 1) points."""

    metric: str
    weight: float
    full_at: float
    key: str = ""

    @property
    def code(self) -> str:
        """The item's key in the KPI table: `metric` or `metric:key`."""
        return f"{self.metric}:{self.key}" if self.key else self.metric


@dataclass(frozen=True)
class AppraisalSpec:
    """The appraisal of campaign.yaml: items (weights add up to 100) and grade thresholds, best first."""

    items: tuple[AppraisalItem, ...]
    thresholds: tuple[tuple[str, float], ...]  # (("excellent", 90.0), ("good", 80.0), ("pass", 60.0))

    def grade(self, score: Decimal | float) -> str:
        """The first grade whose threshold the score reaches (score ≥ threshold), else fail; no_data without a score."""
        if score is None or (isinstance(score, float) and math.isnan(score)):
            return "no_data"
        value = Decimal(str(score))
        for name, threshold in self.thresholds:
            if value >= Decimal(str(threshold)):
                return name
        return "fail"


def _closest(word: object, known: tuple[str, ...] | list[str]) -> str:
    match = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.5)
    return f"; did you mean {match[0]}?" if match else f"; known keys: {', '.join(known)}"


def _number(value: Any) -> float | None:
    """A finite YAML number (not a bool, not text), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_appraisal(value: Any, file: str = "campaign.yaml") -> tuple[AppraisalSpec | None, list[Problem]]:
    """The appraisal section as a spec, or None and every problem found (each naming its item)."""
    problems: list[Problem] = []

    def bad(column: str, shown: Any, rule: str) -> None:
        problems.append(Problem(file, None, column, shown, rule))

    if not isinstance(value, dict):
        bad("appraisal", None, "must be a mapping with items and grades")
        return None, problems
    for key in value:
        if key not in _SECTION_KEYS:
            bad(f"appraisal.{key}", None, "is not a key of appraisal" + _closest(key, _SECTION_KEYS))
    items = _items(value.get("items"), bad)
    thresholds = _thresholds(value.get("grades"), bad)
    if problems or items is None or thresholds is None:
        return None, problems
    return AppraisalSpec(items=items, thresholds=thresholds), []


def _items(raw: Any, bad) -> tuple[AppraisalItem, ...] | None:
    if raw is None:
        bad("appraisal.items", None, "is required: a list of {metric, key, weight, full_at}")
        return None
    if not isinstance(raw, list) or not raw:
        bad("appraisal.items", None, "must be a list of items such as {metric: coverage, weight: 20, full_at: 1.0}")
        return None
    items: list[AppraisalItem] = []
    ok = True
    seen: dict[str, int] = {}
    for number, entry in enumerate(raw, start=1):
        item = _item(number, entry, bad)
        if item is None:
            ok = False
        elif item.code in seen:
            bad(f"appraisal.items[{number}]", item.code,
                f"item {number} ({item.metric}): repeats item {seen[item.code]}; each metric and key is scored once")
            ok = False
        else:
            seen[item.code] = number
            items.append(item)
    if not ok:
        return None
    total = math.fsum(i.weight for i in items)
    if not math.isclose(total, _TOTAL_WEIGHT, rel_tol=0, abs_tol=1e-9):
        shown = " + ".join(f"{i.weight:g}" for i in items)
        bad("appraisal.items", f"{shown} = {total:g}", f"weights must add up to {_TOTAL_WEIGHT}")
        return None
    return tuple(items)


def _item(number: int, entry: Any, bad) -> AppraisalItem | None:
    """One item, or None after reporting each of its problems."""
    where = f"appraisal.items[{number}]"
    if not isinstance(entry, dict):
        bad(where, entry, f"item {number} must be a mapping such as {{metric: coverage, weight: 20, full_at: 1.0}}")
        return None
    metric = entry.get("metric")
    name = f"item {number} ({metric})" if isinstance(metric, str) and metric else f"item {number}"
    ok = True
    for key in entry:
        if key not in _ITEM_KEYS:
            bad(f"{where}.{key}", None, f"{name}: is not a key of an item" + _closest(key, _ITEM_KEYS))
            ok = False
    if not isinstance(metric, str) or not metric:
        bad(f"{where}.metric", metric, f"{name}: metric is required, e.g. completion, coverage, satisfaction")
        ok = False
    elif metric not in ITEM_METRICS:
        if metric in _NOT_SCORABLE:
            rule = "is not a metric where higher is better, so it cannot be scored"
        else:
            match = difflib.get_close_matches(metric, list(ITEM_METRICS), n=1, cutoff=0.5)
            rule = "is not a metric that can be scored" + (
                f"; did you mean {match[0]}?" if match else f"; use one of {', '.join(ITEM_METRICS)}")
        bad(f"{where}.metric", metric, f"{name}: {rule}")
        ok = False
    key = entry.get("key")
    key_text = ""
    if key is not None:
        if isinstance(key, bool) or not isinstance(key, str | int) or str(key).strip() == "":
            bad(f"{where}.key", key, f"{name}: key must be a code written as text")
            ok = False
        else:
            key_text = str(key).strip()
    if metric in ITEM_METRICS:
        kind = ITEM_METRICS[metric]
        if metric in _REQUIRED_KEY and key is None:
            bad(f"{where}.key", None, f"{name}: key is required: the {kind} code, e.g. key: gdp")
            ok = False
        elif kind is None and key is not None:
            bad(f"{where}.key", key, f"{name}: {metric} takes no key")
            ok = False
    weight = _number(entry.get("weight"))
    if "weight" not in entry:
        bad(f"{where}.weight", None, f"{name}: weight is required: a number greater than 0")
        ok = False
    elif weight is None or weight <= 0:
        bad(f"{where}.weight", entry.get("weight"), f"{name}: weight must be a number greater than 0")
        ok = False
    full_at = _number(entry.get("full_at"))
    if "full_at" not in entry:
        bad(f"{where}.full_at", None, f"{name}: full_at is required: the value that earns the full weight (1.0 for 100%)")
        ok = False
    elif full_at is None or full_at <= 0:
        bad(f"{where}.full_at", entry.get("full_at"), f"{name}: full_at must be a number greater than 0")
        ok = False
    if not ok:
        return None
    return AppraisalItem(metric=metric, weight=weight, full_at=full_at, key=key_text)


def _thresholds(raw: Any, bad) -> tuple[tuple[str, float], ...] | None:
    if raw is None:
        bad("appraisal.grades", None, "is required: {excellent: 90, good: 80, pass: 60}")
        return None
    if not isinstance(raw, dict):
        bad("appraisal.grades", raw, "must be a mapping such as {excellent: 90, good: 80, pass: 60}")
        return None
    ok = True
    for key in raw:
        if key not in _THRESHOLDS:
            bad(f"appraisal.grades.{key}", None, "is not a grade" + _closest(key, _THRESHOLDS))
            ok = False
    values: dict[str, float] = {}
    for name in _THRESHOLDS:
        if name not in raw:
            bad(f"appraisal.grades.{name}", None, "is required: the lowest score of that grade (0 to 100)")
            ok = False
            continue
        number = _number(raw[name])
        if number is None or not 0 <= number <= 100:
            bad(f"appraisal.grades.{name}", raw[name], "must be a score from 0 to 100")
            ok = False
            continue
        values[name] = number
    if not ok:
        return None
    if not values["excellent"] > values["good"] > values["pass"]:
        shown = ", ".join(f"{n} {values[n]:g}" for n in _THRESHOLDS)
        bad("appraisal.grades", shown, "thresholds must be in order: excellent > good > pass")
        return None
    return tuple((name, values[name]) for name in _THRESHOLDS)


def check_appraisal_keys(
    spec: AppraisalSpec,
    *,
    indicators: set[str] | None,
    questions: set[str] | None,
    kinds: set[str],
    groups: set[str],
    file: str = "campaign.yaml",
) -> list[Problem]:
    """Each item's key names something the campaign has: a target's indicator, a question, a visit kind or group.

    `indicators` / `questions` None: the campaign has no targets / responses table.
    """
    problems: list[Problem] = []
    known = {"indicator": (indicators, "targets", "indicator"), "question": (questions, "responses", "question"),
             "kind": (kinds, "visits", "visit kind"), "group": (groups, "visits", "group")}
    for number, item in enumerate(spec.items, start=1):
        kind = ITEM_METRICS[item.metric]
        if not item.key or kind is None:
            continue
        codes, table, what = known[kind]
        where, name = f"appraisal.items[{number}].key", f"item {number} ({item.code})"
        if codes is None:
            problems.append(Problem(file, None, where, item.key, f"{name}: there is no {table} table to take it from"))
        elif item.key not in codes:
            same_letters = [c for c in sorted(codes) if c.casefold() == item.key.casefold()]
            close = same_letters or difflib.get_close_matches(item.key, sorted(codes), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]}?" if close else ""
            article = "an" if what[0] in "aeiou" else "a"
            problems.append(Problem(file, None, where, item.key, f"{name}: is not {article} {what} in {table}{hint}"))
    return problems


__all__ = ["GRADES", "ITEM_METRICS", "AppraisalItem", "AppraisalSpec", "check_appraisal_keys", "parse_appraisal"]
