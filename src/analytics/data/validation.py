"""Turn text tables into typed frames and check them against the contract, collecting every problem.

Types are coerced here (with messages in plain words); value rules run as pandera schemas with lazy
validation so that every failure is reported at once; the unit hierarchy is checked as a graph.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analytics.data.contract import AGGREGATIONS, SECTORS, TABLES
from analytics.data.readers import RawTable
from analytics.errors import Problem

_INT = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_CHINESE_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
# Integers beyond this lose digits on their way through a float (and beyond 2**63 wrap around in Int64).
_MAX_INT = 2**53
_TOO_LARGE = "is too large to be a count"
_OUT_OF_RANGE_DATE = "is outside the dates this program handles (1678 to 2261)"


@dataclass(frozen=True)
class Vocabulary:
    """Allowed codes for visit kinds and groups, with the Chinese labels that map onto them."""

    kinds: dict[str, str]  # accepted text (code or label) -> code
    groups: dict[str, str]


def _normalise_number(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")


def _coerce_int(text: str) -> tuple[object, str | None]:
    clean = _normalise_number(text)
    if _INT.match(clean):
        value = float(clean)
        return (int(value), None) if abs(value) < _MAX_INT else (None, _TOO_LARGE)
    if _NUMBER.match(clean):
        return None, "must be a whole number"
    if _CHINESE_NUMERALS.search(clean):
        return None, "must be written in digits (Chinese numerals are not read)"
    return None, "must be a whole number written in digits"


def _coerce_number(text: str) -> tuple[object, str | None]:
    clean = _normalise_number(text)
    if _NUMBER.match(clean):
        value = float(clean)
        return (value, None) if math.isfinite(value) else (None, "is too large to be a number")
    if _CHINESE_NUMERALS.search(clean):
        return None, "must be written in digits (Chinese numerals are not read)"
    return None, "must be a number written in digits"


def _coerce_date(text: str) -> tuple[object, str | None]:
    clean = unicodedata.normalize("NFKC", text).strip()
    if len(clean) > 10 and clean[10:].strip() in ("00:00:00", "0:00:00"):
        clean = clean[:10]  # a date cell read from a workbook
    for fmt in _DATE_FORMATS:
        try:
            value = pd.to_datetime(clean, format=fmt)
        except (ValueError, TypeError):
            continue
        try:
            return value.as_unit("ns"), None  # the typed column is datetime64[ns]: year 0001 would overflow it
        except (ValueError, OverflowError):
            return None, _OUT_OF_RANGE_DATE
    return None, "is not a valid date; write it as YYYY-MM-DD"


def _coerce_text(text: str) -> tuple[object, str | None]:
    return text, None


def _coerce_tags(text: str) -> tuple[object, str | None]:
    tags = [t.strip() for t in re.split(r"[;；,，]", text) if t.strip()]
    return ";".join(tags), None


_COERCERS: dict[str, Callable[[str], tuple[object, str | None]]] = {
    "int": _coerce_int,
    "number": _coerce_number,
    "date": _coerce_date,
    "text": _coerce_text,
    "tags": _coerce_tags,
}
_DTYPES = {"int": "Int64", "number": "Float64", "date": "datetime64[ns]", "text": "str", "tags": "str"}


def coerce_table(raw: RawTable) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame with every contract column (absent optional ones empty), and the cells that failed."""
    problems: list[Problem] = []
    columns: dict[str, pd.Series] = {}
    for col in TABLES[raw.name]:
        if col.name not in raw.frame:
            columns[col.name] = pd.Series(None, index=raw.frame.index, dtype=_DTYPES[col.dtype])
            continue
        text = raw.frame[col.name].astype(object)
        empty = text.eq("")
        if not col.nullable and len(text) > 1 and empty.all():
            # One defect, one message: a required column left blank, not one line per row.
            rule = f"is empty in every row ({len(text)} rows); a value is required"
            problems.append(Problem(raw.file, None, raw.shown(col.name), None, rule))
        elif not col.nullable:
            for row in text.index[empty]:
                problems.append(Problem(raw.file, int(row), raw.shown(col.name), None, "is empty; a value is required"))
        # Fast vectorised parse for the common spelling; cells it cannot read go through the careful path.
        if col.dtype == "date":
            fast = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="coerce")
            fast = fast.where(fast.isna() | fast.between(pd.Timestamp.min, pd.Timestamp.max))  # fits datetime64[ns]
        elif col.dtype in ("int", "number"):
            fast = pd.to_numeric(text.where(~empty), errors="coerce")
            if col.dtype == "int":
                fast = fast.where(fast.isna() | ((fast == fast.round()) & (fast.abs() < _MAX_INT)))
            else:
                fast = fast.where(fast.isna() | fast.abs().lt(math.inf))  # "inf", "1e400": the careful path says why
        else:
            fast = text.where(~empty)
        slow = fast.isna() & ~empty
        if col.dtype == "tags":
            slow = ~empty
        values = fast  # typed as parsed; objects only when the careful path has cells to set
        if slow.any():
            values = fast.astype(object).where(fast.notna(), None) if col.dtype in ("date", "int", "number") else fast.copy()
            coerce = _COERCERS[col.dtype]
            for row in text.index[slow]:
                value, rule = coerce(text.at[row])
                if rule:
                    problems.append(Problem(raw.file, int(row), raw.shown(col.name), text.at[row], rule))
                values.at[row] = value
        if col.dtype == "date":
            columns[col.name] = pd.to_datetime(values).astype("datetime64[ns]")
        elif col.dtype in ("text", "tags"):
            columns[col.name] = values.astype(object).where(values.notna(), None).astype("str")
        elif col.dtype == "int":
            floats = values.astype("Float64") if values.dtype != object else pd.array(values.tolist(), dtype="Float64")
            columns[col.name] = pd.array(floats, dtype="Float64").astype("Int64")
        else:
            columns[col.name] = values.astype("Float64")
    return pd.DataFrame(columns, index=raw.frame.index), problems


def _isin(values: set[str], what: str) -> pa.Check:
    shown = ", ".join(sorted(values))
    return pa.Check(lambda s: s.isna() | s.isin(values), element_wise=False, error=f"is not a known {what} ({shown})")


def _schemas(vocab: Vocabulary, unit_ids: set[str] | None) -> dict[str, pa.DataFrameSchema]:
    # unit_ids None: no unit could be read, which is reported on units itself; references are not checked.
    known_unit = [] if unit_ids is None else [
        pa.Check(lambda s: s.isna() | s.isin(unit_ids), error="is not a unit_id in units")
    ]
    ge0 = pa.Check(lambda s: s.isna() | (s >= 0), error="must be 0 or more")
    return {
        "units": pa.DataFrameSchema(
            {
                "unit_id": pa.Column(nullable=True, unique=True, report_duplicates="exclude_first"),
                "sector": pa.Column(nullable=True, checks=_isin(set(SECTORS), "sector")),
            }
        ),
        "visits": pa.DataFrameSchema(
            {
                "unit_id": pa.Column(nullable=True, checks=known_unit),
                "kind": pa.Column(nullable=True, checks=_isin(set(vocab.kinds.values()), "visit kind")),
                "group": pa.Column(nullable=True, checks=_isin(set(vocab.groups.values()), "group")),
                "persons": pa.Column(nullable=True, checks=ge0),
            }
        ),
        "surveys": pa.DataFrameSchema(
            {
                "survey_id": pa.Column(nullable=True, unique=True, report_duplicates="exclude_first"),
                "unit_id": pa.Column(nullable=True, checks=known_unit),
                "issued": pa.Column(nullable=True, checks=ge0),
                "returned": pa.Column(nullable=True, checks=ge0),
                "valid": pa.Column(nullable=True, checks=ge0),
            }
        ),
        "targets": pa.DataFrameSchema(
            {
                "unit_id": pa.Column(nullable=True, checks=known_unit),
                "target": pa.Column(
                    nullable=True, checks=pa.Check(lambda s: s.isna() | (s > 0), error="must be greater than 0")
                ),
                "aggregation": pa.Column(nullable=True, checks=_isin(set(AGGREGATIONS), "aggregation")),
            }
        ),
        "actuals": pa.DataFrameSchema(
            {
                "unit_id": pa.Column(nullable=True, checks=known_unit),
                "value": pa.Column(nullable=True, checks=ge0),
            }
        ),
        "responses": pa.DataFrameSchema(
            {
                "score": pa.Column(
                    nullable=True,
                    checks=pa.Check(lambda s: s.isna() | s.between(1, 5), error="must be a score from 1 to 5"),
                )
            }
        ),
        "commitments": pa.DataFrameSchema(
            {
                "commitment_id": pa.Column(nullable=True, unique=True, report_duplicates="exclude_first"),
                "unit_id": pa.Column(nullable=True, checks=known_unit),
            }
        ),
    }


# Rules across columns of one row: (columns named in the message, test of a good row, rule in words).
_ROW_RULES: dict[str, list[tuple[tuple[str, ...], Callable[[pd.DataFrame], pd.Series], str]]] = {
    "surveys": [
        (("returned", "issued"), lambda d: ~(d.returned > d.issued).fillna(False), "returned must not exceed issued"),
        (("valid", "returned"), lambda d: ~(d.valid > d.returned).fillna(False), "valid must not exceed returned"),
    ],
    "targets": [
        (
            ("period_start", "period_end"),
            lambda d: ~(d.period_start > d.period_end).fillna(False),
            "period_start must not be after period_end",
        ),
    ],
}

_DUPLICATE_KEYS: dict[str, tuple[str, ...]] = {
    "targets": ("unit_id", "indicator", "period_start"),
    "actuals": ("unit_id", "indicator", "date"),
}


def check_table(raw: RawTable, frame: pd.DataFrame, vocab: Vocabulary, unit_ids: set[str] | None) -> list[Problem]:
    """Every value rule of the contract that fails in one coerced table."""
    problems: list[Problem] = []
    schema = _schemas(vocab, unit_ids).get(raw.name)
    present = [c for c in frame.columns if c in raw.headers]
    if schema is not None:
        schema = schema.select_columns([c for c in schema.columns if c in present])
        try:
            schema.validate(frame, lazy=True)
        except SchemaErrors as err:
            cases = err.failure_cases
            for case in cases.itertuples(index=False):
                if case.index is None or pd.isna(case.index):
                    continue
                rule = str(case.check)
                if rule.startswith("field_uniqueness"):
                    rule = "repeats a value that must be unique"
                problems.append(
                    Problem(raw.file, int(case.index), raw.shown(case.column), _written(raw, case), rule)
                )
    for names, good, rule in _ROW_RULES.get(raw.name, []):
        if not all(n in present for n in names):
            continue
        bad = frame.index[~good(frame)]
        for row in bad:
            shown = " and ".join(raw.shown(n) for n in names)
            values = ", ".join(f"{n}={_plain(frame.at[row, n])}" for n in names)
            problems.append(Problem(raw.file, int(row), shown, values, rule))
    key = _DUPLICATE_KEYS.get(raw.name)
    if key and all(k in present for k in key):
        dup = frame.duplicated(subset=list(key), keep="first") & frame[list(key)].notna().all(axis=1)
        for row in frame.index[dup]:
            values = ", ".join(f"{k}={_plain(frame.at[row, k])}" for k in key)
            problems.append(Problem(raw.file, int(row), ", ".join(key), values, "repeats an earlier row's key"))
    return problems


def check_survey_references(raw: RawTable, responses: pd.DataFrame, survey_ids: set[str] | None) -> list[Problem]:
    """Each response's survey_id names a survey: ratings roll up through that survey's unit.

    `survey_ids` None: the campaign has no (readable) surveys table, one problem for the whole file.
    """
    if survey_ids is None:
        return [Problem(raw.file, None, raw.shown("survey_id"), None,
                        "refers to surveys, but there is no surveys table; add surveys.csv (or a surveys sheet) "
                        "with one row per survey_id")]
    unknown = responses["survey_id"].notna() & ~responses["survey_id"].isin(survey_ids)
    return [Problem(raw.file, int(row), raw.shown("survey_id"), responses.at[row, "survey_id"],
                    "is not a survey_id in surveys")
            for row in responses.index[unknown]]


def _written(raw: RawTable, case) -> object:
    """The failing cell as the user typed it (-800, not the parsed -800.0), else the value pandera saw."""
    try:
        text = raw.frame.at[int(case.index), case.column]
    except (KeyError, ValueError, TypeError):
        return case.failure_case
    return text if isinstance(text, str) and text else case.failure_case


def _plain(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_hierarchy(raw: RawTable, units: pd.DataFrame) -> list[Problem]:
    """Existing parents, no cycles, at least one root."""
    problems: list[Problem] = []
    ids = set(units["unit_id"].dropna())
    if not ids:
        return []  # no unit_id could be read, which is reported already: every parent would look dangling
    parents = [p if isinstance(p, str) and p else None for p in units["parent_id"]]
    parent_of = dict(zip(units["unit_id"], parents, strict=True))
    row_of = {uid: row for row, uid in units["unit_id"].items() if isinstance(uid, str)}
    for row, uid, parent in zip(units.index, units["unit_id"], parents, strict=True):
        if parent is not None and parent not in ids:
            problems.append(Problem(raw.file, int(row), raw.shown("parent_id"), parent, "is not a unit_id in units"))
        elif parent is not None and parent == uid:
            problems.append(Problem(raw.file, int(row), raw.shown("parent_id"), parent, "a unit cannot be its own parent"))
    if ids and not any(parent_of.get(u) is None for u in ids):
        problems.append(Problem(raw.file, None, raw.shown("parent_id"), None, "no root unit: one unit needs an empty parent_id"))
    seen_in_cycle: set[str] = set()
    # File order, not set order: the same file must give the same message on every run.
    for start in sorted(ids, key=row_of.__getitem__):
        path: list[str] = []
        on_path: set[str] = set()
        node = start
        while node is not None and node in ids and node not in on_path:
            if node in seen_in_cycle:
                break
            path.append(node)
            on_path.add(node)
            node = parent_of.get(node)
        if node is not None and node in on_path and node not in seen_in_cycle:
            cycle = path[path.index(node):]
            if len(cycle) > 1:
                seen_in_cycle.update(cycle)
                shown = " → ".join(cycle + [node])
                first = min(cycle, key=lambda u: row_of[u])
                problems.append(Problem(raw.file, int(row_of[first]), raw.shown("parent_id"), shown, "parents form a cycle"))
    return problems


def vocabulary(extra_kinds: dict[str, dict], extra_groups: dict[str, dict]) -> Vocabulary:
    """Accepted kinds and groups: DOMAIN.md's codes and Chinese labels plus campaign.yaml's extras."""
    from analytics.data.contract import GROUPS, VISIT_KINDS

    def build(base: dict[str, tuple[str, str]], extra: dict[str, dict]) -> dict[str, str]:
        out: dict[str, str] = {}
        for code, (zh, _en) in base.items():
            out[code] = code
            out[zh] = code
        for code, labels in extra.items():
            out[str(code)] = str(code)
            if labels.get("zh"):
                out[str(labels["zh"])] = str(code)
        return out

    return Vocabulary(kinds=build(VISIT_KINDS, extra_kinds), groups=build(GROUPS, extra_groups))


def normalise_codes(frame: pd.DataFrame, vocab: Vocabulary) -> pd.DataFrame:
    """Visits with Chinese labels for kind and group replaced by their codes (unknown text kept for the check)."""
    out = frame.copy()
    for column, mapping in (("kind", vocab.kinds), ("group", vocab.groups)):
        if column in out:
            mapped = out[column].map(mapping)  # a dict lookup per distinct value, not a Python call per row
            out[column] = mapped.where(mapped.notna(), out[column])
    return out
