"""Turn text tables into typed frames and check them against the contract, collecting every problem.

Types are coerced here (with messages in plain words); value rules run as pandera schemas with lazy
validation so that every failure is reported at once; the unit hierarchy is checked as a graph.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.data.contract import AGGREGATIONS, DTYPES, PACINGS, SECTORS, TABLES, TAGS, label_codes
from analytics.data.readers import RawTable
from analytics.errors import Note, Problem

if TYPE_CHECKING:
    import pandera.pandas as pandera

_INT = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_CHINESE_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")
# Thousands separators in regular groups of three (1,234,567 or 1 234 567) are read with a note; any other
# comma or space between digits (1,5: a decimal comma?) is ambiguous and refused.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:(?P<sep>[, ])\d{3})(?:(?P=sep)\d{3})*(?:\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_GROUPED = re.compile(r"^[+-]?[\d, ]*\d[\d, ]*(?:\.\d+)?$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
_COMPACT_DATE = re.compile(r"^\d+$")
_DAY_MONTH = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}$")
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$")
# Integers beyond this lose digits on their way through a float (and beyond 2**63 wrap around in Int64).
_MAX_INT = 2**53


@dataclass(frozen=True)
class Vocabulary:
    """Allowed codes for visit kinds and groups, with the Chinese labels that map onto them."""

    kinds: dict[str, str]  # accepted text (code or label) -> code
    groups: dict[str, str]


# A coercer returns (value, code, params): code None when the text reads cleanly; a problem code (value None)
# when it cannot be read; a note code (value set) when it was read through an accepted habit.
Coerced = tuple[object, str | None, dict]
_OK: dict = {}


def _number_text(text: str) -> tuple[str | None, str | None, dict]:
    """(digits to parse, code, params): thousands separators removed with a note code; ambiguous ones refused."""
    clean = unicodedata.normalize("NFKC", text).strip()
    if clean.endswith("%") and _NUMBER.match(clean[:-1].strip().replace(",", "")):
        return None, "cell.percent_sign", {"number": clean[:-1].strip()}
    if "," not in clean and " " not in clean:
        return clean, None, _OK
    match = _THOUSANDS.match(clean)
    if match:
        plain = clean.replace(match.group("sep"), "")
        return plain, "cell.thousands_read", {"written": clean, "number": plain}
    if _DECIMAL_COMMA.match(clean):
        return None, "cell.decimal_comma", {"dot": clean.replace(",", "."), "plain": clean.replace(",", "")}
    if _GROUPED.match(clean):
        return None, "cell.digit_groups", {"written": clean}
    return clean, None, _OK


def _coerce_int(text: str) -> Coerced:
    clean, code, params = _number_text(text)
    if clean is None:
        return None, code, params
    if _INT.match(clean):
        value = float(clean)
        return (int(value), code, params) if abs(value) < _MAX_INT else (None, "cell.too_large_count", _OK)
    if _NUMBER.match(clean):
        return None, "cell.whole_number", _OK
    if _CHINESE_NUMERALS.search(clean):
        return None, "cell.chinese_numerals", _OK
    return None, "cell.whole_number_digits", _OK


def _coerce_number(text: str) -> Coerced:
    clean, code, params = _number_text(text)
    if clean is None:
        return None, code, params
    if _NUMBER.match(clean):
        value = float(clean)
        return (value, code, params) if math.isfinite(value) else (None, "cell.too_large_number", _OK)
    if _CHINESE_NUMERALS.search(clean):
        return None, "cell.chinese_numerals", _OK
    return None, "cell.number_digits", _OK


def _coerce_date(text: str) -> Coerced:
    clean = unicodedata.normalize("NFKC", text).strip()
    if len(clean) > 10 and clean[10:].strip() in ("00:00:00", "0:00:00"):
        clean = clean[:10]  # a date cell read from a workbook
    for fmt in _DATE_FORMATS:
        try:
            value = pd.to_datetime(clean, format=fmt)
        except (ValueError, TypeError):
            continue
        try:
            return value.as_unit("ns"), None, _OK  # the typed column is datetime64[ns]: year 0001 would overflow it
        except (ValueError, OverflowError):
            return None, "cell.date_out_of_range", _OK
    if _COMPACT_DATE.match(clean):
        return None, "cell.date_compact", _OK  # 20120630, 120630 (yymmdd or ddmmyy?), an Excel serial: never guessed
    if _DAY_MONTH.match(clean):
        return None, "cell.date_day_month", _OK
    if _TWO_DIGIT_YEAR.match(clean):
        return None, "cell.date_two_digit_year", _OK
    return None, "cell.date_invalid", _OK


def _coerce_text(text: str) -> Coerced:
    return text, None, _OK


def _coerce_tags(text: str) -> Coerced:
    tags = [t.strip() for t in re.split(r"[;；,，、]", text) if t.strip()]
    return ";".join(_TAG_CODES.get(t, t) for t in tags), None, _OK


_TAG_CODES = label_codes(TAGS)

_COERCERS: dict[str, Callable[[str], Coerced]] = {
    "int": _coerce_int,
    "number": _coerce_number,
    "date": _coerce_date,
    "text": _coerce_text,
    "tags": _coerce_tags,
}


def coerce_table(raw: RawTable) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame with every contract column (absent optional ones empty), and the cells that failed.

    Habits read through (thousands separators) are added to `raw.notes`, one per column.
    """
    problems: list[Problem] = []
    columns: dict[str, pd.Series] = {}
    for col in TABLES[raw.name]:
        if col.name not in raw.frame:
            columns[col.name] = pd.Series(None, index=raw.frame.index, dtype=DTYPES[col.dtype])
            continue
        text = raw.frame[col.name]
        if text.dtype != "str":
            text = text.astype(object)
        refused = {r: p for (r, c), p in raw.refused.items() if c == col.name and r in text.index}
        if refused:
            for problem in refused.values():
                if problem is not None:
                    problems.append(problem)
            text = text.copy()
            text.loc[list(refused)] = ""
        empty = text.eq("")
        if refused:
            empty_required = empty & ~text.index.isin(list(refused))
        else:
            empty_required = empty
        if not col.nullable and len(text) > 1 and empty_required.all():
            # One defect, one message: a required column left blank, not one line per row.
            problems.append(Problem.of(raw.file, None, raw.shown(col.name), None, "cell.required_column", rows=len(text)))
        elif not col.nullable:
            for row in text.index[empty_required]:
                problems.append(Problem.of(raw.file, int(row), raw.shown(col.name), None, "cell.required"))
        # Fast vectorised parse for the common spelling; cells it cannot read go through the careful path.
        fast = _fast_values(text, empty, col.dtype)
        slow = fast.isna() & ~empty
        if col.dtype == "tags":
            slow = ~empty
        values = fast  # typed as parsed; objects only when the careful path has cells to set
        if slow.any():
            values = fast.astype(object).where(fast.notna(), None) if col.dtype in ("date", "int", "number") else fast.copy()
            coerce = _COERCERS[col.dtype]
            # One note per column (per file, when the table gathers several files' rows): its first cell and a count.
            habits: dict[str, tuple[int, object, str, dict, list[int]]] = {}
            for row in text.index[slow]:
                value, code, params = coerce(text.at[row])
                if code and value is None:
                    problems.append(Problem.of(raw.file, int(row), raw.shown(col.name), text.at[row], code, **params))
                elif code:
                    habits.setdefault(raw.source_of_row(int(row)), (int(row), text.at[row], code, params, []))[4].append(
                        int(row))
                values.at[row] = value
            for first, written, code, params, rows in habits.values():
                raw.notes.append(Note.of(raw.file, first, raw.shown(col.name), written, code, rows=len(rows), **params))
        if col.dtype == "date":
            columns[col.name] = pd.to_datetime(values).astype("datetime64[ns]")
        elif values.dtype == "str":
            columns[col.name] = values  # text read as it is: missing cells are already missing
        elif col.dtype in ("text", "tags"):
            columns[col.name] = values.astype(object).where(values.notna(), None).astype("str")
        elif col.dtype == "int":
            floats = values.astype("Float64") if values.dtype != object else pd.array(values.tolist(), dtype="Float64")
            columns[col.name] = pd.array(floats, dtype="Float64").astype("Int64")
        else:
            columns[col.name] = values.astype("Float64")
    return pd.DataFrame(columns, index=raw.frame.index), problems


def _fast_values(text: pd.Series, empty: pd.Series, dtype: str) -> pd.Series:
    """The cells the vectorised parse reads (missing elsewhere), typed: datetime64[ns] for dates, float64 for
    numbers, the text itself for text. Plain spellings (2012-06-30, 35) of an Arrow-backed column are read by
    Arrow; every other cell by pandas on Python strings, as before."""
    if dtype == "date":
        fast = _plain_dates(text) if text.dtype == "str" else None
        rest = ~empty if fast is None else ~empty & fast.isna()
        if rest.any():
            parsed = pd.to_datetime(text[rest].astype(object), format="%Y-%m-%d", errors="coerce")
            parsed = parsed.where(parsed.isna() | parsed.between(pd.Timestamp.min, pd.Timestamp.max))  # fits [ns]
            fast = parsed.reindex(text.index) if fast is None else fast.where(~rest, parsed.reindex(text.index))
        return fast if fast is not None else pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if dtype in ("int", "number"):
        fast = _plain_counts(text) if dtype == "int" and text.dtype == "str" else None
        rest = ~empty if fast is None else ~empty & fast.isna()
        if rest.any():
            parsed = pd.to_numeric(text[rest].astype(object), errors="coerce").astype(float)
            if dtype == "int":
                parsed = parsed.where(parsed.isna() | ((parsed == parsed.round()) & (parsed.abs() < _MAX_INT)))
            else:
                parsed = parsed.where(parsed.isna() | parsed.abs().lt(math.inf))  # "inf", "1e400": careful path
            fast = parsed.reindex(text.index) if fast is None else fast.where(~rest, parsed.reindex(text.index))
        return fast if fast is not None else pd.Series(math.nan, index=text.index, dtype=float)
    return text.where(~empty)


# Spellings Arrow reads exactly as pandas does: a date of four, two and two ASCII digits; a count of up to 15
# ASCII digits (below 2**53, so exact as a float too).
_PLAIN_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PLAIN_COUNT = r"^[0-9]{1,15}$"


def _arrow(text: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The Arrow strings behind a str column (no copy)."""
    return pa.array(text.array)


def _plain_counts(text: pd.Series) -> pd.Series:
    """Counts written as plain digits, as float64 (NaN for every other cell)."""
    cells = _arrow(text)
    plain = pc.fill_null(pc.match_substring_regex(cells, _PLAIN_COUNT), False)
    numbers = pc.cast(pc.if_else(plain, cells, "0"), pa.int64()).to_numpy().astype(float)
    numbers[~plain.to_numpy(zero_copy_only=False)] = math.nan
    return pd.Series(numbers, index=text.index)


def _plain_dates(text: pd.Series) -> pd.Series:
    """Dates written YYYY-MM-DD that are real calendar dates within datetime64[ns] (NaT for every other cell)."""
    cells = _arrow(text)
    match = pc.fill_null(pc.match_substring_regex(cells, _PLAIN_DATE), False)
    plain = match.to_numpy(zero_copy_only=False)
    if not plain.any():
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    filled = pc.if_else(match, cells, "2000-01-01")
    year, month, day = (pc.cast(pc.utf8_slice_codeunits(filled, a, b), pa.int64()).to_numpy()
                        for a, b in ((0, 4), (5, 7), (8, 10)))
    # Whole years well inside datetime64[ns] (1677-09-21 … 2262-04-11); the rest is read by pandas.
    ok = plain & (year >= 1678) & (year <= 2261) & (month >= 1) & (month <= 12) & (day >= 1)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + np.where(ok, day - 1, 0).astype("timedelta64[D]")
    ok &= dates.astype("datetime64[M]") == months  # day 30 of February runs into March: not a date
    out = dates.astype("datetime64[ns]")
    out[~ok] = np.datetime64("NaT")
    return pd.Series(out, index=text.index)


# Pandera checks carry a message code as their error text ("rule.ge0"), or "unknown_code:<what>" and
# "unknown_unit", which check_table turns into a message with the known codes and the likely one.
def _isin(values: set[str], what: str) -> pandera.Check:
    import pandera.pandas as pandera

    return pandera.Check(lambda s: s.isna() | s.isin(values), element_wise=False, error=f"unknown_code:{what}")


def _schemas(vocab: Vocabulary, unit_ids: set[str] | None) -> dict[str, pandera.DataFrameSchema]:
    # pandera (with typeguard) takes ~0.5 s to import: only a load that validates pays for it, never one served
    # from the validated-data cache.
    import pandera.pandas as pandera

    # unit_ids None: no unit could be read, which is reported on units itself; references are not checked.
    known_unit = [] if unit_ids is None else [
        pandera.Check(lambda s: s.isna() | s.isin(unit_ids), error="unknown_unit")
    ]
    ge0 = pandera.Check(lambda s: s.isna() | (s >= 0), error="rule.ge0")
    return {
        "units": pandera.DataFrameSchema(
            {
                "unit_id": pandera.Column(nullable=True, unique=True, report_duplicates="exclude_first"),
                "sector": pandera.Column(nullable=True, checks=_isin(set(SECTORS), "sector")),
            }
        ),
        "visits": pandera.DataFrameSchema(
            {
                "unit_id": pandera.Column(nullable=True, checks=known_unit),
                "kind": pandera.Column(nullable=True, checks=_isin(set(vocab.kinds.values()), "visit kind")),
                "group": pandera.Column(nullable=True, checks=_isin(set(vocab.groups.values()), "group")),
                "persons": pandera.Column(nullable=True, checks=ge0),
            }
        ),
        "surveys": pandera.DataFrameSchema(
            {
                "survey_id": pandera.Column(nullable=True, unique=True, report_duplicates="exclude_first"),
                "unit_id": pandera.Column(nullable=True, checks=known_unit),
                "issued": pandera.Column(nullable=True, checks=ge0),
                "returned": pandera.Column(nullable=True, checks=ge0),
                "valid": pandera.Column(nullable=True, checks=ge0),
            }
        ),
        "targets": pandera.DataFrameSchema(
            {
                "unit_id": pandera.Column(nullable=True, checks=known_unit),
                "target": pandera.Column(
                    nullable=True, checks=pandera.Check(lambda s: s.isna() | (s > 0), error="rule.gt0")
                ),
                "aggregation": pandera.Column(nullable=True, checks=_isin(set(AGGREGATIONS), "aggregation")),
                "pacing": pandera.Column(nullable=True, checks=_isin(set(PACINGS), "pacing")),
            }
        ),
        "actuals": pandera.DataFrameSchema(
            {
                "unit_id": pandera.Column(nullable=True, checks=known_unit),
                "value": pandera.Column(nullable=True, checks=ge0),
            }
        ),
        "responses": pandera.DataFrameSchema(
            {
                "score": pandera.Column(
                    nullable=True,
                    checks=pandera.Check(lambda s: s.isna() | s.between(1, 5), error="rule.score"),
                )
            }
        ),
        "commitments": pandera.DataFrameSchema(
            {
                "commitment_id": pandera.Column(nullable=True, unique=True, report_duplicates="exclude_first"),
                "unit_id": pandera.Column(nullable=True, checks=known_unit),
            }
        ),
    }


# Rules across columns of one row: (columns named in the message, test of a good row, message code).
_ROW_RULES: dict[str, list[tuple[tuple[str, ...], Callable[[pd.DataFrame], pd.Series], str]]] = {
    "surveys": [
        (("returned", "issued"), lambda d: ~(d.returned > d.issued).fillna(False), "rule.returned_gt_issued"),
        (("valid", "returned"), lambda d: ~(d.valid > d.returned).fillna(False), "rule.valid_gt_returned"),
    ],
    "targets": [
        (
            ("period_start", "period_end"),
            lambda d: ~(d.period_start > d.period_end).fillna(False),
            "rule.period_reversed",
        ),
    ],
}

_DUPLICATE_KEYS: dict[str, tuple[str, ...]] = {
    "targets": ("unit_id", "indicator", "period_start"),
    "actuals": ("unit_id", "indicator", "date"),
}


def check_table(raw: RawTable, frame: pd.DataFrame, vocab: Vocabulary, unit_ids: set[str] | None,
                unit_names: dict[str, str] | None = None) -> list[Problem]:
    """Every value rule of the contract that fails in one coerced table.

    `unit_names` (unit_id -> name) lets an unknown unit_id that is a unit's name, or an id in other case or
    width, name the likely unit_id.
    """
    from pandera.errors import SchemaErrors

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
                written = _written(raw, case)
                code, params = _check_message(str(case.check), written, vocab, unit_ids, unit_names)
                problems.append(Problem.of(raw.file, int(case.index), raw.shown(case.column), written, code, **params))
    for names, good, code in _ROW_RULES.get(raw.name, []):
        if not all(n in present for n in names):
            continue
        bad = frame.index[~good(frame)]
        for row in bad:
            shown = " and ".join(raw.shown(n) for n in names)
            values = ", ".join(f"{n}={_plain(frame.at[row, n])}" for n in names)
            problems.append(Problem.of(raw.file, int(row), shown, values, code))
    key = _DUPLICATE_KEYS.get(raw.name)
    if key and all(k in present for k in key):
        dup = frame.duplicated(subset=list(key), keep="first") & frame[list(key)].notna().all(axis=1)
        for row in frame.index[dup]:
            values = ", ".join(f"{k}={_plain(frame.at[row, k])}" for k in key)
            problems.append(Problem.of(raw.file, int(row), ", ".join(key), values, "rule.repeated_key",
                                       key=", ".join(key)))
    if raw.name == "responses" and all(k in present for k in _ONE_ANSWER):
        problems.extend(_repeated_answers(raw, frame))
    return problems


# One answer per respondent, question and survey: a second one (a form entered twice) would count twice.
_ONE_ANSWER = ("survey_id", "respondent", "question")


def _repeated_answers(raw: RawTable, responses: pd.DataFrame) -> list[Problem]:
    """Each later row answering a question of a survey that the same respondent answered already, naming both
    rows. Rows without a respondent are anonymous forms and are not compared."""
    key = list(_ONE_ANSWER)
    named = responses[responses[key].notna().all(axis=1)]
    named = named[named["respondent"].astype(str).str.strip() != ""]
    first: dict[tuple, int] = {}
    problems: list[Problem] = []
    for row, survey, respondent, question in zip(named.index.tolist(), named["survey_id"].tolist(),
                                                 named["respondent"].tolist(), named["question"].tolist(), strict=True):
        at = (survey, respondent, question)
        if at not in first:
            first[at] = int(row)
            continue
        problems.append(Problem.of(raw.file, int(row), ", ".join(raw.shown(k) for k in key),
                                   f"{survey}, {respondent}, {question}", "rule.repeated_answer", first=first[at],
                                   again=int(row), respondent=respondent, question=question, survey=survey))
    return problems


# Characters a screen does not show: zero-width spaces and joiners, the BOM, soft hyphens, direction marks.
def _visible(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Zl", "Zp")
                   and ch not in "\u115f\u1160\u3164\uffa0")


def _invisible_twins(raw: RawTable, units: pd.DataFrame) -> list[Problem]:
    """unit_ids that differ only by characters nobody can see: two units that look like one."""
    problems: list[Problem] = []
    seen: dict[str, tuple[int, str]] = {}
    for row, uid in zip(units.index.tolist(), units["unit_id"].tolist(), strict=True):
        if not isinstance(uid, str):
            continue
        shown = _visible(uid)
        if shown in seen and seen[shown][1] != uid:
            other_row, other = seen[shown]
            hidden = sorted({f"U+{ord(ch):04X}" for ch in uid + other if _visible(ch) == ""})
            problems.append(Problem.of(raw.file, int(row), raw.shown("unit_id"), uid, "rule.unit_id_invisible",
                                       other=other_row, chars=", ".join(hidden), shown=shown))
        seen.setdefault(shown, (int(row), uid))
    return problems


def check_survey_references(raw: RawTable, responses: pd.DataFrame, survey_ids: set[str] | None) -> list[Problem]:
    """Each response's survey_id names a survey: ratings roll up through that survey's unit.

    `survey_ids` None: the campaign has no (readable) surveys table, one problem for the whole file.
    """
    if survey_ids is None:
        return [Problem.of(raw.file, None, raw.shown("survey_id"), None, "rule.no_surveys_table")]
    unknown = responses["survey_id"].notna() & ~responses["survey_id"].isin(survey_ids)
    return [Problem.of(raw.file, int(row), raw.shown("survey_id"), responses.at[row, "survey_id"], "rule.unknown_survey")
            for row in responses.index[unknown]]


_KNOWN_SHOWN = 12  # codes listed in a message before "…"


def _check_message(check: str, written: object, vocab: Vocabulary, unit_ids: set[str] | None,
                   unit_names: dict[str, str] | None) -> tuple[str, dict]:
    """Message code and parameters for a failed pandera check."""
    if check.startswith("field_uniqueness"):
        return "rule.unique", {}
    if check == "unknown_unit":
        return unit_hint(str(written), unit_ids or set(), unit_names or {})
    if check.startswith("unknown_code:"):
        what = check.split(":", 1)[1]
        known = {"visit kind": set(vocab.kinds.values()), "group": set(vocab.groups.values()),
                 "sector": set(SECTORS), "aggregation": set(AGGREGATIONS),
                 "pacing": set(PACINGS)}.get(what, set())
        shown = sorted(known)
        listed = ", ".join(shown[:_KNOWN_SHOWN]) + (", …" if len(shown) > _KNOWN_SHOWN else "")
        accepted = {"visit kind": vocab.kinds, "group": vocab.groups}.get(what, {c: c for c in known})
        suggestion = likely_code(str(written), accepted)
        if suggestion:
            return "rule.unknown_code_hint", {"what": what, "known": listed, "suggestion": suggestion}
        return "rule.unknown_code", {"what": what, "known": listed}
    return check, {}


def folded(text: str) -> str:
    """Text compared up to case and full-width letters: 'ＧＤＰ ' and 'gdp' fold alike."""
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def likely_code(written: str, accepted: dict[str, str]) -> str | None:
    """The code that `written` most likely means (accepted: text -> code): the same up to case and width, else
    the one close match (difflib), else None."""
    target = folded(written)
    same = sorted({code for text, code in accepted.items() if folded(text) == target})
    if len(same) == 1:
        return same[0]
    close = difflib.get_close_matches(target, [folded(t) for t in accepted], n=2, cutoff=0.6)
    codes = sorted({code for text, code in accepted.items() if folded(text) in close})
    return codes[0] if len(codes) == 1 else None


def unit_hint(written: str, unit_ids: set[str], unit_names: dict[str, str]) -> tuple[str, dict]:
    """Message for a unit_id that is not in units: the unit whose name it is, or the id it matches up to case."""
    by_name = sorted(u for u, name in unit_names.items() if isinstance(name, str) and folded(name) == folded(written))
    if len(by_name) == 1:
        return "rule.unit_name_not_id", {"suggestion": by_name[0]}
    same = sorted(u for u in unit_ids if folded(u) == folded(written))
    if len(same) == 1:
        return "rule.unknown_unit_hint", {"suggestion": same[0]}
    return "rule.unknown_unit", {}


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
    problems: list[Problem] = _invisible_twins(raw, units)
    ids = set(units["unit_id"].dropna())
    if not ids:
        return problems  # no unit_id could be read, which is reported already: every parent would look dangling
    parents = [p if isinstance(p, str) and p else None for p in units["parent_id"]]
    parent_of = dict(zip(units["unit_id"], parents, strict=True))
    row_of = {uid: row for row, uid in units["unit_id"].items() if isinstance(uid, str)}
    names = dict(zip(units["unit_id"], units["name"], strict=True))
    for row, uid, parent in zip(units.index, units["unit_id"], parents, strict=True):
        if parent is not None and parent not in ids:
            code, params = unit_hint(parent, ids, names)
            problems.append(Problem.of(raw.file, int(row), raw.shown("parent_id"), parent, code, **params))
        elif parent is not None and parent == uid:
            problems.append(Problem.of(raw.file, int(row), raw.shown("parent_id"), parent, "rule.own_parent"))
    if ids and not any(parent_of.get(u) is None for u in ids):
        problems.append(Problem.of(raw.file, None, raw.shown("parent_id"), None, "rule.no_root"))
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
                problems.append(Problem.of(raw.file, int(row_of[first]), raw.shown("parent_id"), shown, "rule.cycle"))
    return problems


def vocabulary(extra_kinds: dict[str, dict], extra_groups: dict[str, dict]) -> Vocabulary:
    """Accepted kinds and groups: docs/domain.md's codes and their Chinese and English labels (a template shows
    labels) plus campaign.yaml's extras."""
    from analytics.data.contract import GROUPS, VISIT_KINDS

    return Vocabulary(kinds=label_codes(VISIT_KINDS, extra_kinds), groups=label_codes(GROUPS, extra_groups))


def normalise_codes(frame: pd.DataFrame, vocab: Vocabulary) -> pd.DataFrame:
    """Visits with Chinese labels for kind and group replaced by their codes (unknown text kept for the check)."""
    out = frame.copy()
    for column, mapping in (("kind", vocab.kinds), ("group", vocab.groups)):
        if column in out:
            # A dict lookup per distinct value, not per row.
            codes, distinct = pd.factorize(out[column])
            if len(distinct) and any(mapping.get(v, v) != v for v in distinct):
                shown = pd.array([mapping.get(v, v) for v in distinct], dtype=out[column].dtype)
                out[column] = pd.Series(shown.take(codes, allow_fill=True), index=out.index)
    return out


def number_or_none(text: str) -> float | None:
    """The number a cell holds as validation reads it (thousands separators included), else None."""
    value, _code, _params = _coerce_number(text)
    return None if value is None else float(value)
