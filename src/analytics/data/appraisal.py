"""The `appraisal` section of campaign.yaml (考核评分): weighted items and grade thresholds, read strictly.

    appraisal:
      items:                    # weights add up to 100
        - {metric: completion, key: gdp, weight: 30, full_at: 1.0}
        - {metric: satisfaction, weight: 20, full_at: 0.95}
      grades: {excellent: 90, good: 80, pass: 60}
      veto: {no_activity: fail, missed: pass, overdue: pass}   # optional 一票否决: caps the grade

`parse_appraisal` turns that mapping into an `AppraisalSpec` or a list of problems, each naming the item;
`check_appraisal_keys` checks the items' keys against the campaign's tables once they are read.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from analytics.data.contract import GROUPS, VISIT_KINDS
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
_SECTION_KEYS = ("items", "grades", "veto")
# 一票否决: a unit with no activity, with an indicator missed or with an overdue commitment has its grade capped
# at the rule's grade (the score is unchanged). Checked in this order; the lowest cap wins.
VETO_RULES = ("no_activity", "missed", "overdue")
VETO_GRADES = ("good", "pass", "fail")
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
    veto: tuple[tuple[str, str], ...] = ()  # ((rule, grade cap), ...) in VETO_RULES order

    def capped(self, grade: str, rules: set[str]) -> tuple[str, str]:
        """The grade after the veto rules that hold for a unit, and the rule that capped it ('' if none did).

        A cap lowers a grade, never raises it; of several rules the one with the lowest cap wins (ties: the first
        in VETO_RULES order). A unit without a score (no_data) is not capped."""
        if grade not in GRADES:
            return grade, ""
        best, rule_used = grade, ""
        for rule, cap in self.veto:
            if rule in rules and GRADES.index(cap) > GRADES.index(best):
                best, rule_used = cap, rule
        return best, rule_used

    def grade(self, score: Decimal | float) -> str:
        """The first grade whose threshold the score reaches (score ≥ threshold), else fail; no_data without a score."""
        if score is None or (isinstance(score, float) and math.isnan(score)):
            return "no_data"
        value = Decimal(str(score))
        for name, threshold in self.thresholds:
            if value >= Decimal(str(threshold)):
                return name
        return "fail"


def _closest(word: object, known: tuple[str, ...] | list[str]) -> str | None:
    match = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.5)
    return match[0] if match else None


def _number(value: Any) -> float | None:
    """A finite YAML number (not a bool, not text), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class _Found:
    """Problems of one campaign.yaml, each with its message code (analytics.text.messages, `appraisal.*`)."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def __call__(self, column: str, shown: Any, code: str, **params: Any) -> None:
        self.problems.append(Problem.of(self.file, None, column, shown, f"appraisal.{code}", **params))

    def unknown_key(self, column: str, code: str, word: object, known: tuple[str, ...], **params: Any) -> None:
        """A key not allowed here, with the closest allowed one, else the list of them."""
        suggestion = _closest(word, known)
        if suggestion is not None:
            self(column, None, f"{code}_hint", suggestion=suggestion, **params)
        else:
            self(column, None, code, known=", ".join(known), **params)


def parse_appraisal(value: Any, file: str = "campaign.yaml",
                    vocabulary: dict[str, dict[str, dict[str, str]]] | None = None,
                    ) -> tuple[AppraisalSpec | None, list[Problem]]:
    """The appraisal section as a spec, or None and every problem found (each naming its item).

    `vocabulary` holds campaign.yaml's own kinds and groups ({"kinds": {code: {zh, en}}, ...}): an item keyed
    by a kind's or group's Chinese label (events: 座谈会) is read as its code, as the visits table reads it.
    """
    bad = _Found(file)
    if not isinstance(value, dict):
        bad("appraisal", None, "mapping")
        return None, bad.problems
    for key in value:
        if key not in _SECTION_KEYS:
            bad.unknown_key(f"appraisal.{key}", "unknown_key", key, _SECTION_KEYS)
    items = _items(value.get("items"), bad, _label_codes(vocabulary or {}))
    thresholds = _thresholds(value.get("grades"), bad)
    veto = _veto(value.get("veto", {}), bad)
    if bad.problems or items is None or thresholds is None or veto is None:
        return None, bad.problems
    return AppraisalSpec(items=items, thresholds=thresholds, veto=veto), []


def _veto(raw: Any, bad: _Found) -> tuple[tuple[str, str], ...] | None:
    """`veto: {no_activity: fail, missed: pass, overdue: pass}`: each rule (any subset) and the grade it caps at."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        bad("appraisal.veto", raw, "veto_mapping")
        return None
    ok = True
    rules: dict[str, str] = {}
    for key, cap in raw.items():
        if key not in VETO_RULES:
            bad.unknown_key(f"appraisal.veto.{key}", "veto_unknown_rule", key, VETO_RULES)
            ok = False
        elif not isinstance(cap, str) or cap not in VETO_GRADES:
            bad(f"appraisal.veto.{key}", cap, "veto_grade", known=", ".join(VETO_GRADES))
            ok = False
        else:
            rules[key] = cap
    if not ok:
        return None
    return tuple((rule, rules[rule]) for rule in VETO_RULES if rule in rules)


def _label_codes(vocabulary: dict[str, dict[str, dict[str, str]]]) -> dict[str, dict[str, str]]:
    """For the keys of events and persons items: Chinese label -> code, the contract's and campaign.yaml's."""
    out: dict[str, dict[str, str]] = {}
    for what, base, extra in (("kind", VISIT_KINDS, "kinds"), ("group", GROUPS, "groups")):
        labels = {zh: code for code, (zh, _en) in base.items()}
        for code, names in (vocabulary.get(extra) or {}).items():
            if isinstance(names, dict) and names.get("zh"):
                labels[str(names["zh"])] = str(code)
        out[what] = labels
    return out


def _shown(number: float) -> str:
    """A weight as written, to the last digit that differs: 40, 60.000001, 1e+308."""
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _items(raw: Any, bad: _Found, labels: dict[str, dict[str, str]]) -> tuple[AppraisalItem, ...] | None:
    if raw is None:
        bad("appraisal.items", None, "items_required")
        return None
    if not isinstance(raw, list) or not raw:
        bad("appraisal.items", None, "items_list")
        return None
    items: list[AppraisalItem] = []
    ok = True
    seen: dict[str, int] = {}
    for number, entry in enumerate(raw, start=1):
        item = _item(number, entry, bad, labels)
        if item is None:
            ok = False
        elif item.code in seen:
            bad(f"appraisal.items[{number}]", item.code, "item_repeated", number=number, metric=item.metric,
                first=seen[item.code])
            ok = False
        else:
            seen[item.code] = number
            items.append(item)
    if not ok:
        return None
    total = math.fsum(i.weight for i in items)
    if not math.isclose(total, _TOTAL_WEIGHT, rel_tol=0, abs_tol=1e-9):
        shown = " + ".join(_shown(i.weight) for i in items)
        bad("appraisal.items", f"{shown} = {_shown(total)}", "weights_total", total=_TOTAL_WEIGHT)
        return None
    return tuple(items)


def _text_number(value: Any) -> dict[str, str] | None:
    """For a number YAML read as text (1e308: YAML 1.1 wants a decimal point and a sign in an exponent; "30" in
    quotes), how to write it; None for anything else (other text is simply not a number)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        float(text)
    except ValueError:
        return None
    mantissa, e, exponent = text.lower().partition("e")
    if e:
        mantissa = mantissa if "." in mantissa else f"{mantissa}.0"
        exponent = exponent if exponent[:1] in "+-" else f"+{exponent}"
        return {"text": text, "fixed": f"{mantissa}e{exponent}"}
    return {"text": text, "fixed": text}


def _item(number: int, entry: Any, bad: _Found, labels: dict[str, dict[str, str]]) -> AppraisalItem | None:
    """One item, or None after reporting each of its problems."""
    where = f"appraisal.items[{number}]"
    if not isinstance(entry, dict):
        bad(where, entry, "item_mapping", number=number)
        return None
    metric = entry.get("metric")
    # Every message names the item: "item 2 (coverage): …" / "第2项（coverage）：…" (analytics.text.messages).
    name = {"number": number, "metric": metric if isinstance(metric, str) else ""}
    ok = True
    for key in entry:
        if key not in _ITEM_KEYS:
            bad.unknown_key(f"{where}.{key}", "item_unknown_key", key, _ITEM_KEYS, **name)
            ok = False
    if not isinstance(metric, str) or not metric:
        bad(f"{where}.metric", metric, "metric_required", **name)
        ok = False
    elif metric not in ITEM_METRICS:
        if metric in _NOT_SCORABLE:
            bad(f"{where}.metric", metric, "metric_not_scorable", **name)
        else:
            suggestion = _closest(metric, list(ITEM_METRICS))
            if suggestion is not None:
                bad(f"{where}.metric", metric, "metric_unknown_hint", suggestion=suggestion, **name)
            else:
                bad(f"{where}.metric", metric, "metric_unknown", known=", ".join(ITEM_METRICS), **name)
        ok = False
    key = entry.get("key")
    key_text = ""
    if key is not None:
        if isinstance(key, bool) or not isinstance(key, str | int) or str(key).strip() == "":
            bad(f"{where}.key", key, "key_text", **name)
            ok = False
        else:
            key_text = str(key).strip()
            taken = ITEM_METRICS.get(metric) if isinstance(metric, str) else None
            key_text = labels.get(taken or "", {}).get(key_text, key_text)  # 座谈会 -> seminar
    if metric in ITEM_METRICS:
        if metric in _REQUIRED_KEY and key is None:
            bad(f"{where}.key", None, "key_required", **name)
            ok = False
        elif ITEM_METRICS[metric] is None and key is not None:
            bad(f"{where}.key", key, "key_not_taken", **name)
            ok = False
    weight = _number(entry.get("weight"))
    if "weight" not in entry:
        bad(f"{where}.weight", None, "weight_required", **name)
        ok = False
    elif (as_text := _text_number(entry.get("weight"))) is not None:
        code = "number_text_exponent" if as_text["fixed"] != as_text["text"] else "number_text"
        bad(f"{where}.weight", entry.get("weight"), code, field="weight", **as_text, **name)
        ok = False
    elif weight is None or weight <= 0:
        bad(f"{where}.weight", entry.get("weight"), "weight_positive", **name)
        ok = False
    full_at = _number(entry.get("full_at"))
    if "full_at" not in entry:
        bad(f"{where}.full_at", None, "full_at_required", **name)
        ok = False
    elif (as_text := _text_number(entry.get("full_at"))) is not None:
        code = "number_text_exponent" if as_text["fixed"] != as_text["text"] else "number_text"
        bad(f"{where}.full_at", entry.get("full_at"), code, field="full_at", **as_text, **name)
        ok = False
    elif full_at is None or full_at <= 0:
        bad(f"{where}.full_at", entry.get("full_at"), "full_at_positive", **name)
        ok = False
    if not ok:
        return None
    return AppraisalItem(metric=metric, weight=weight, full_at=full_at, key=key_text)


def _thresholds(raw: Any, bad: _Found) -> tuple[tuple[str, float], ...] | None:
    if raw is None:
        bad("appraisal.grades", None, "grades_required")
        return None
    if not isinstance(raw, dict):
        bad("appraisal.grades", raw, "grades_mapping")
        return None
    ok = True
    for key in raw:
        if key not in _THRESHOLDS:
            bad.unknown_key(f"appraisal.grades.{key}", "unknown_grade", key, _THRESHOLDS)
            ok = False
    values: dict[str, float] = {}
    for name in _THRESHOLDS:
        if name not in raw:
            bad(f"appraisal.grades.{name}", None, "grade_required")
            ok = False
            continue
        number = _number(raw[name])
        as_text = _text_number(raw[name])
        if as_text is not None and as_text["fixed"] != as_text["text"]:
            bad(f"appraisal.grades.{name}", raw[name], "grade_text_exponent", **as_text)
            ok = False
            continue
        if number is None or not 0 <= number <= 100:
            bad(f"appraisal.grades.{name}", raw[name], "grade_range")
            ok = False
            continue
        values[name] = number
    if not ok:
        return None
    if not values["excellent"] > values["good"] > values["pass"]:
        shown = ", ".join(f"{n} {values[n]:g}" for n in _THRESHOLDS)
        bad("appraisal.grades", shown, "grades_order")
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
    bad = _Found(file)
    known = {"indicator": (indicators, "targets", "indicator"), "question": (questions, "responses", "question"),
             "kind": (kinds, "visits", "visit kind"), "group": (groups, "visits", "group")}
    for number, item in enumerate(spec.items, start=1):
        kind = ITEM_METRICS[item.metric]
        if not item.key or kind is None:
            continue
        codes, table, what = known[kind]
        where, name = f"appraisal.items[{number}].key", {"number": number, "metric": item.code}
        if codes is None:
            bad(where, item.key, "key_no_table", table=table, **name)
        elif item.key not in codes:
            same_letters = [c for c in sorted(codes) if c.casefold() == item.key.casefold()]
            close = same_letters or difflib.get_close_matches(item.key, sorted(codes), n=1, cutoff=0.5)
            article = "an" if what[0] in "aeiou" else "a"
            if close:
                bad(where, item.key, "key_unknown_hint", what=what, article=article, table=table, suggestion=close[0],
                    **name)
            else:
                bad(where, item.key, "key_unknown", what=what, article=article, table=table, **name)
    return bad.problems


__all__ = ["GRADES", "ITEM_METRICS", "VETO_GRADES", "VETO_RULES", "AppraisalItem", "AppraisalSpec",
           "check_appraisal_keys", "parse_appraisal"]
