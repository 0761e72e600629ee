"""Downloads for people: kpis.xlsx (one row per unit, headers in the report's language) and kpis.csv (tidy long
form for machines, with each unit's name beside its code).

kpis.xlsx's first sheet has, per unit, the identity columns of `UNIT_COLUMNS` (name, code, parent, level, kind,
...), every key figure of `scorecard.KPI_COLUMNS` the campaign has, then for each indicator the
`scorecard.PACE_FIELDS` (target, actual, completion, gap, status). Its second sheet lists every grassroots unit
without a visit (the full list that pages cut at 50). With an appraisal, a sheet gives each unit's score,
grade, rank and every item's value and points; with commitments, a sheet lists every overdue commitment
(pages list the first 50). Percentages are fractions under an Excel percent format, gaps are numbers of points,
counts are integers; text is stored as text cells, so a name like `=1+1` never runs (docs/domain.md, "Spreadsheet
safety"). The header row is frozen and filters are on. To add a column, append a `KpiColumn` to
scorecard.KPI_COLUMNS (it goes to the index and the explorer too) or a `UnitColumn` to UNIT_COLUMNS here.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analytics.data.campaign import Campaign
from analytics.frames import positions
from analytics.measures.change import COVERAGE_KEY, compared_kpis
from analytics.measures.evaluation import shown_points
from analytics.measures.kpis import cached_kpi_table, campaign_appraisal, overdue_commitments
from analytics.report.evaluation_sections import PERCENT_METRICS, item_label, item_value_text
from analytics.report.history import named_table
from analytics.report.scorecard import (
    PACE_FIELDS,
    Scorecard,
    figure_text,
    kpi_columns_of,
    lone_units,
    unit_kind_label,
)
from analytics.report.xlsxcolumns import Choices, Column, DataColumns
from analytics.report.xlsxrows import DataRows, StyleIds, Value, text_value, with_rows
from analytics.spreadsheet import csv_bytes, csv_text, put_text
from analytics.text.labels import (
    as_number,
    fmt_date,
    fmt_number,
    indicator_status_label,
    label,
    status_label,
)
from analytics.text.language import rules_of

# Excel number formats by figure format (scorecard.FORMATS and PACE_FIELDS' formats).
NUMBER_FORMATS = {
    "int": "#,##0",
    "percent": "0.00%",
    "points": "+0.00;-0.00;0.00",
    "number": "#,##0.00",
    "score": "0.00",
}
# One date style per language, as labels.fmt_date writes it: 2012年6月30日, 30 June 2012.
DATE_FORMATS = {"zh": 'yyyy"年"m"月"d"日"', "en": "d mmmm yyyy"}
TEXT_FORMATS = ("text", "grade")  # figures written as text cells (a grade by its name)
RANK_CHANGE_FORMAT = '"▲"0;"▼"0;"="'  # places moved up (previous rank − rank): ▲2, ▼1, =
# Lights as cells: the word says it on paper without colour; the fill (Excel's own red and yellow) on screen.
LIGHT_FILLS = {"red": PatternFill("solid", fgColor="FFC7CE"), "yellow": PatternFill("solid", fgColor="FFEB9C")}


@dataclass(frozen=True)
class Sheet:
    """What a column's value may look at: the campaign, the scorecard and the report's language."""

    campaign: Campaign
    scorecard: Scorecard
    language: str


@dataclass(frozen=True)
class UnitColumn:
    """An identity column of a sheet: its header (a label key), its values for the sheet's units from (Sheet, the
    units' rows of Scorecard.units, index unit_id, in the sheet's order) as a Series or a list, one per unit; its
    number format and width. Values are taken column by column (a wide campaign has 100,000 units)."""

    label: str
    values: Callable[[Sheet, pd.DataFrame], pd.Series | list]
    number_format: str | None = None
    width: int = 12


def _yes_no(s: Sheet, idle: object) -> str | None:
    return label("sheet.yes" if idle else "sheet.no", s.language) if s.scorecard.has_visits else None


def _parent_names(s: Sheet, units: pd.DataFrame) -> Coded:
    names = s.campaign.hierarchy.name
    return _each(units["parent_id"], lambda p: names.get(p, ""))


def _paths(s: Sheet, units: pd.DataFrame) -> list[str]:
    h = s.campaign.hierarchy
    return [" › ".join(h.name[a] for a in h.ancestors(u)) for u in units.index.tolist()]


UNIT_COLUMNS: list[UnitColumn] = [
    UnitColumn("col.name", lambda s, t: t["name"], width=24),
    UnitColumn("col.unit_id", lambda s, t: t.index.to_series(), width=14),
    UnitColumn("col.parent", _parent_names, width=20),
    UnitColumn("col.parent_id", lambda s, t: t["parent_id"], width=14),
    UnitColumn("col.level", lambda s, t: t["level"], "0", width=6),
    UnitColumn("col.kind", lambda s, t: _each(t["kind"], lambda k: unit_kind_label(s.campaign.meta, k, s.language)),
               width=10),
    UnitColumn("col.no_activity", lambda s, t: _each(t["no_activity"], lambda idle: _yes_no(s, idle)), width=8),
    UnitColumn("col.progress", lambda s, t: _each(t["worst"], lambda w: status_label(w, s.language)
                                                   if isinstance(w, str) else None), width=14),
]

# The second sheet: every leaf without a visit row of its own (rows of Scorecard.units too).
UNCOVERED_COLUMNS: list[UnitColumn] = [
    UnitColumn("col.name", lambda s, t: t["name"], width=24),
    UnitColumn("col.unit_id", lambda s, t: t.index.to_series(), width=14),
    UnitColumn("col.parent", _parent_names, width=20),
    UnitColumn("col.level", lambda s, t: t["level"], "0", width=6),
    UnitColumn("col.kind", lambda s, t: _each(t["kind"], lambda k: unit_kind_label(s.campaign.meta, k, s.language)),
               width=10),
    UnitColumn("col.path", _paths, width=40),
]


def _header_cell(ws, text: object) -> WriteOnlyCell:
    """A header cell: bold text that stays text (spreadsheet.put_text: never a formula, quote prefix on
    formula-like text)."""
    cell = WriteOnlyCell(ws)
    put_text(cell, str(text))
    cell.font = Font(bold=True)
    return cell


_EMPTY = Value(None)


def _cell(value: object, number_format: str | None = None) -> Value:
    """A number under its format, text as text (never a formula: xlsxrows.text_value), nothing for a missing
    value."""
    if isinstance(value, str):
        return text_value(value)
    # as_number's answer without its abstract-class check for the common case (a float or an int): millions of cells
    kind = type(value)
    if kind is float:
        number = None if math.isnan(value) or math.isinf(value) else value
    elif kind is int:
        number = float(value)
    else:
        number = as_number(value)
    if number is None:
        return _EMPTY
    return Value(int(number) if number_format in ("0", "#,##0") and float(number).is_integer() else number,
                 number_format or None)


_WHOLE_FORMATS = ("0", "#,##0")  # _cell writes a whole number under these as an int: -0.0 as 0


class Coded(NamedTuple):
    """A column's values as each row's index (`codes`) into its distinct `values`."""

    codes: np.ndarray
    values: list


def _each(values: pd.Series | list, make: Callable[[object], object]) -> Coded:
    """make(v) of each value, called once per distinct value (by type and value; every NaN alike, -0.0 apart from
    0.0): text and booleans are told apart by pandas' factorize, other values one by one."""
    items = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    if isinstance(items.dtype, pd.StringDtype) or items.dtype == bool or (
            items.dtype == object and pd.api.types.infer_dtype(items, skipna=True) in ("string", "boolean")):
        codes, uniques = pd.factorize(items, use_na_sentinel=True)
        results = [make(v) for v in uniques.tolist()]
        missing = np.flatnonzero(codes < 0)
        if len(missing):  # None, NaN, pd.NA: each kind of missing value asked once
            rest = _each_one_by_one(items.iloc[missing].tolist(), make)
            codes[missing] = len(results) + rest.codes
            results += rest.values
        return Coded(codes.astype(np.int64), results)
    return _each_one_by_one(items.tolist(), make)


def _each_one_by_one(items: list, make: Callable[[object], object]) -> Coded:
    known: dict = {}
    results: list = []
    codes = np.empty(len(items), dtype=np.int64)
    for i, value in enumerate(items):
        key = (type(value), value)
        if isinstance(value, float):  # every NaN alike; -0.0 is not 0.0
            key = (type(value), "NaN") if math.isnan(value) else (type(value), value, math.copysign(1.0, value))
        try:
            found = known[key]
        except KeyError:
            found = known[key] = len(results)
            results.append(make(value))
        except TypeError:  # unhashable
            found = len(results)
            results.append(make(value))
        codes[i] = found
    return Coded(codes, results)


def _number_of(value: object) -> float:
    """The number _cell writes for a value that is not text (NaN for none)."""
    kind = type(value)
    if kind is float:
        return value  # type: ignore[return-value]
    if kind is int:
        return float(value)  # type: ignore[arg-type]
    number = as_number(value)
    return math.nan if number is None else number


def _column(values: pd.Series | list | np.ndarray | Coded, number_format: str | Choices | None = None) -> Column:
    """The cells `_cell(value, number_format)` makes of each value, as a Column: text as text, a number under the
    format (a whole one under "0" or "#,##0" as an int), none for a missing value. Series of numbers or of text
    and lists of numbers are taken whole, coded values by their distinct values, other values one by one."""
    fmt = number_format or None
    if isinstance(values, Coded):
        distinct = _column(values.values, fmt)
        codes = pa.array(values.codes, pa.int64())
        texts = None if distinct.texts is None else pa.DictionaryArray.from_arrays(codes, distinct.texts)
        numbers = None if distinct.numbers is None else distinct.numbers[values.codes]
        return Column(texts=texts, numbers=numbers, formats=fmt)
    if isinstance(values, pd.Series) and values.dtype.kind in "fiu":
        return Column(numbers=_whole_zero(values.to_numpy(dtype=np.float64, na_value=np.nan), fmt), formats=fmt)
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        return Column(texts=pa.array(values, from_pandas=True).cast(pa.large_string()))
    items = values.tolist() if isinstance(values, pd.Series | np.ndarray) else list(values)
    if pd.api.types.infer_dtype(items, skipna=True) in ("floating", "integer", "mixed-integer-float", "empty"):
        try:  # numbers and None (NaN for none): float() of each, as _cell
            return Column(numbers=_whole_zero(np.array(items, dtype=np.float64), fmt), formats=fmt)
        except (TypeError, ValueError):
            pass
    texts = [v if isinstance(v, str) else None for v in items]
    numbers = np.array([math.nan if isinstance(v, str) else _number_of(v) for v in items], dtype=np.float64)
    return Column(texts=pa.array(texts, pa.large_string()) if any(t is not None for t in texts) else None,
                  numbers=_whole_zero(numbers, fmt), formats=fmt)


def _whole_zero(numbers: np.ndarray, fmt: str | Choices | None) -> np.ndarray:
    """-0.0 as 0.0 where the format writes whole numbers as ints (_cell: int(-0.0) is 0; "%.16g" says "-0")."""
    if isinstance(fmt, Choices):
        whole = np.isin(np.arange(len(fmt.options)), [i for i, f in enumerate(fmt.options) if f in _WHOLE_FORMATS])
        return np.where(whole[fmt.index], numbers + 0.0, numbers)
    return numbers + 0.0 if fmt in _WHOLE_FORMATS else numbers


def _blanked(column: Column, rows: np.ndarray) -> Column:
    """The column without cells in these rows (a bool mask)."""
    if not rows.any():
        return column
    texts = column.texts
    if texts is not None:
        texts = pc.if_else(pa.array(rows), pa.nulls(len(texts), texts.type), texts)
    numbers = None if column.numbers is None else np.where(rows, np.nan, column.numbers)
    return column._replace(texts=texts, numbers=numbers)


def _light_column(values: list | np.ndarray, language: str) -> Column:
    """_light_cell of each value: its word under its fill, none for no light."""
    coded = _each(list(values), lambda v: _light_cell(v, language))
    fills = (None, *LIGHT_FILLS)
    which = np.array([fills.index(c.fill) for c in coded.values], dtype=np.int64)
    words = _column(Coded(coded.codes, [c.value for c in coded.values]))
    return words._replace(fills=Choices(fills, which[coded.codes]))


@dataclass
class _Book:
    """The workbook being made: openpyxl's write-only workbook (styles, sheets' setup, header rows) and each
    sheet's data rows, streamed into the saved package by xlsxrows.with_rows."""

    wb: Workbook
    sheets: list[DataRows]
    styles: StyleIds | None = None

    def package(self) -> bytes:
        out = io.BytesIO()
        self.wb.save(out)
        if self.styles is None:
            return out.getvalue()
        index = {id(ws): i for i, ws in enumerate(self.wb.worksheets, start=1)}
        return with_rows(out.getvalue(), self.sheets, self.styles, index)


def _print_text(text: str) -> str:
    """Text for a printed header or footer: '&' doubled so a name never reads as a field code (&P, &D, …)."""
    return text.replace("&", "&&")


def _sheet(book: _Book, title: str, headers: list[str], widths: list[int],
           rows: Callable[[], Iterator[list[Value]]] | list[Column], *, running: str = "",
           numeric: list[bool] | None = None) -> None:
    """A sheet that reads on screen and on paper: headers wrapped in a row tall enough for three lines (numbers'
    headers right-aligned over them), the header row and the names frozen, filters on; printed landscape, one
    page wide (fitToWidth=1, fitToHeight=0, both written), the header row repeated on every page, and a running
    header (`running`: campaign and as_of) with the sheet's name and page n / N in the footer. `rows`: a function
    giving the data rows (lists of Values), or the data's Columns (xlsxcolumns: the units sheets)."""
    ws = book.wb.create_sheet(title)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2"  # the header row and the names stay in view
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    if running:
        ws.oddHeader.left.text = _print_text(running)
    ws.oddFooter.left.text = _print_text(title)
    ws.oddFooter.right.text = "&P / &N"
    ws.row_dimensions[1].height = 48  # three lines of a wrapped header, never cut to "地区生产总值 ·"
    header = []
    for i, h in enumerate(headers):
        cell = _header_cell(ws, h)
        right = bool(numeric and i < len(numeric) and numeric[i])
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="right" if right else "left")
        header.append(cell)
    ws.append(header)
    # The filter's last row is set when the rows are written (xlsxrows.with_rows).
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(headers)))}1"
    if book.styles is None:
        book.styles = StyleIds(ws, LIGHT_FILLS)
    book.sheets.append(DataColumns(ws, rows) if isinstance(rows, list) else DataRows(ws, rows()))


def _running(campaign: Campaign, sc: Scorecard, language: str, published: _Published | None = None) -> str:
    """The printed pages' running header: the campaign's name, the as_of date and the date compared with."""
    text = f"{campaign.meta.title(language)} · {label('sheet.as_of', language)} {fmt_date(sc.as_of, language)}"
    previous = None
    if published is not None and published.has("previous_as_of"):
        rows = published.table.loc[published.table["metric"] == "previous_as_of", "value"]
        previous = pd.Timestamp(rows.iloc[0]).date() if len(rows) else None
    if previous is not None:
        text += f" · {label('sheet.compared_with', language)} {fmt_date(previous, language)}"
    return text


class _Published:
    """The published KPI table (long form) looked up by (unit, metric, key)."""

    def __init__(self, table: pd.DataFrame):
        self.table = table
        # (unit, key) -> value, made for a metric when first asked: the sheets read a few of the table's metrics,
        # and a wide campaign's table has millions of rows.
        self.value: dict[str, dict[tuple[str, str], object]] = {}
        self.arrays: dict[str, pa.Array] = {}  # columns as Arrow arrays, and the metric column encoded
        self.metrics: tuple[np.ndarray, list[str]] | None = None
        self.columns: dict[str, tuple] = {}  # metric -> (ids, its rows, their keys, their units' places in ids)

    def get(self, unit_id: str, metric: str, key: str = "") -> object:
        found = self.value.get(metric)
        if found is None:
            rows = self.table[(self.table["metric"] == metric).to_numpy(dtype=bool)]
            found = self.value[metric] = dict(zip(zip(rows["unit_id"].tolist(), rows["key"].fillna("").tolist(),
                                                      strict=True), rows["value"].tolist(), strict=True))
        return found.get((unit_id, key))

    def column(self, ids: list[str], metric: str, key: str = "") -> np.ndarray:
        """get(unit, metric, key) of each of the units, in their order (an object array, None where the table has
        no such row). The metric's rows are read once by Arrow: their keys and their units' places in `ids`."""
        found = self.columns.get(metric)
        if found is None or found[0] is not ids:
            rows = self._rows(metric)[::-1]  # the last row first: get's answer
            taken = pa.array(rows, pa.int64())
            keys = np.array(pc.fill_null(self._arrow("key").take(taken), "").to_pylist(), dtype=object)
            at = positions(self._arrow("unit_id").take(taken).to_pandas(), ids)
            found = self.columns[metric] = (ids, rows, keys, at)
        _, rows, keys, at = found
        mine = np.flatnonzero((keys == key) & (at >= 0))
        first = mine[np.unique(at[mine], return_index=True)[1]]  # each unit's first in this order: its last row
        values = np.full(len(ids), None, dtype=object)
        values[at[first]] = self.table["value"].to_numpy(dtype=object)[rows[first]]
        return values

    def _arrow(self, column: str) -> pa.Array:
        found = self.arrays.get(column)
        if found is None:
            found = self.arrays[column] = pa.array(self.table[column], from_pandas=True)
        return found

    def _rows(self, metric: str) -> np.ndarray:
        """The positions of the table's rows of this metric (the metric column is encoded once)."""
        if self.metrics is None:
            encoded = pc.dictionary_encode(self._arrow("metric"))
            self.metrics = (encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist())
        codes, names = self.metrics
        return np.flatnonzero(codes == names.index(metric)) if metric in names else np.array([], dtype=np.int64)

    def has(self, metric: str, key: str | None = None) -> bool:
        rows = self._rows(metric)
        if key is None or not len(rows):
            return bool(len(rows))
        return bool(pc.any(pc.equal(self._arrow("key").take(pa.array(rows, pa.int64())), key)).as_py())


@dataclass(frozen=True)
class _UnitChange:
    """A per-unit comparison column of the units sheet: header label key, values of the units (their ids, in order)
    from the published table."""

    label: str
    values: Callable[[_Published, list[str]], list]
    number_format: str | None = None


def _rank_changes(now: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Places moved up (before − now) of each unit, NaN where either rank is missing (labels.as_number's)."""
    return _as_numbers(before) - _as_numbers(now)


def _as_numbers(values: np.ndarray) -> np.ndarray:
    """labels.as_number of each value, NaN for None; numbers alone are converted whole."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("floating", "integer", "mixed-integer-float", "empty"):
        try:
            numbers = np.array(values, dtype=np.float64)
            return np.where(np.isfinite(numbers), numbers, np.nan)
        except (TypeError, ValueError):
            pass
    return np.array([math.nan if (n := as_number(v)) is None else n for v in values.tolist()], dtype=np.float64)


def _unit_changes(kpis: _Published, appraised: bool) -> list[_UnitChange]:
    """The unit's light, activity added in the period, and rank before → now, when the table has them."""
    rank, previous = ("rank", "rank_previous") if appraised else ("progress_rank", "progress_rank_previous")
    out = [_UnitChange("col.light", lambda p, ids: p.column(ids, "light"))] if kpis.has("light") else []
    if kpis.has("light", COVERAGE_KEY):  # campaign.yaml sets coverage lights: beside the unit's, like an indicator's
        out.append(_UnitChange("col.coverage_light", lambda p, ids: p.column(ids, "light", COVERAGE_KEY)))
    if kpis.has("previous_as_of"):
        out += [_UnitChange("col.events_added", lambda p, ids: p.column(ids, "events_added"), "#,##0"),
                _UnitChange("col.persons_added", lambda p, ids: p.column(ids, "persons_added"), "#,##0")]
    if kpis.has(rank):
        out.append(_UnitChange("col.rank_now", lambda p, ids: p.column(ids, rank), "0"))
    if kpis.has(previous):
        out += [_UnitChange("col.rank_previous", lambda p, ids: p.column(ids, previous), "0"),
                _UnitChange("col.rank_change", lambda p, ids: _rank_changes(p.column(ids, rank),
                                                                            p.column(ids, previous)),
                            RANK_CHANGE_FORMAT)]
    return out


def _light_cell(light: object, language: str) -> Value:
    """A light as its word (红灯 / 黄灯 / —) in a cell filled with its colour: the word still reads on paper."""
    key = light if light in ("red", "yellow", "none") else None
    if not key:
        return _EMPTY
    return text_value(label(f"sheet.light.{key}", language), key if key in LIGHT_FILLS else None)


def _indicator_columns(code: str, name: str, measure: str, level: bool, compared: bool, lights: bool,
                       language: str) -> list[tuple[str, str, int]]:
    """One indicator's columns (key, header, width): target, actual, completion and its change, the gap (pace gap
    in points and its change, or a level indicator's gap to its target in its measure) and the status and light."""
    unit = ""
    if measure:
        unit = rules_of(language).bracketed(measure)
    out = []
    for f in PACE_FIELDS:
        if f.key == "pace_gap" and level:
            gap_unit = label("sheet.points", language) if measure == "%" else measure
            gap = rules_of(language).bracketed(gap_unit)
            out.append(("level_gap", f"{name} · {label('col.level_gap', language)}{gap if gap_unit else ''}", 12))
            continue
        out.append((f.key, f"{name} · {label(f.label, language)}{unit if f.key in ('target', 'actual') else ''}",
                    14 if f.format == "status" else 12))
        if compared and f.key in ("completion", "pace_gap"):
            out.append((f"{f.key}_change", f"{name} · {label(f'col.{f.key}_change', language)}", 12))
    if lights:
        out.append(("light", f"{name} · {label('col.light', language)}", 8))
    return out


def _pace_rows(pace: pd.DataFrame, ids: list[str], code: str) -> np.ndarray:
    """Each unit's row of the indicator in `pace` (Scorecard.pace_of's: the last one), -1 for none."""
    mine = np.flatnonzero((pace["indicator"] == code).to_numpy(dtype=bool))[::-1]
    found = positions(pd.Series(ids, dtype=object), pace["unit_id"].take(mine).tolist())
    return np.where(found < 0, -1, mine[np.maximum(found, 0)])


def _indicator_cells(pace: pd.DataFrame, ids: list[str], code: str, keys: list[str], published: _Published,
                     language: str) -> list[Column]:
    """One indicator's columns of the units sheet (keys as _indicator_columns gives them): none for a unit without
    the indicator; its status in words; its light and changes from the published table; its figures under their
    formats (targets and actuals whole without decimals)."""
    rows = _pace_rows(pace, ids, code) if len(pace) else np.full(len(ids), -1, dtype=np.int64)
    absent = rows < 0
    missing = pd.Series([None] * len(ids), dtype=object)
    mine = pace.iloc[np.maximum(rows, 0)].reset_index(drop=True) if len(pace) else pace  # any row where absent

    def field(key: str) -> pd.Series:
        return mine[key] if key in mine and len(pace) else missing

    out = []
    for key in keys:
        if key == "status":
            status, pacing = _each(field("status"), lambda v: v), _each(field("pacing"), lambda v: v)
            which, pairs = pd.factorize(status.codes * len(pacing.values) + pacing.codes)
            labels = [indicator_status_label(status.values[p // len(pacing.values)],
                                             pacing.values[p % len(pacing.values)], language) for p in pairs.tolist()]
            column = _column(Coded(which.astype(np.int64), labels))
        elif key == "light":
            column = _light_column(published.column(ids, "light", code), language)
        elif key.endswith("_change"):
            column = _column(published.column(ids, key, code), NUMBER_FORMATS["points"])
        elif key == "level_gap":
            column = _column(field("level_gap"), NUMBER_FORMATS["points"])
        else:
            fmt = next(f.format for f in PACE_FIELDS if f.key == key)
            values = field(key)
            formats = _pace_formats(values) if fmt == "number" else _pace_format(fmt, None)
            column = _column(values, formats)
        out.append(_blanked(column, absent))
    return out


def kpis_xlsx(campaign: Campaign, sc: Scorecard, language: str, kpis: pd.DataFrame | None = None,
              tolerance: float = 1.0) -> bytes:
    """The workbook's bytes: units with their figures, the change since the previous period and each indicator's
    pace and light; the uncovered grassroots units; the appraisal and overdue commitments when the campaign has
    them; the restated and revised figures when `kpis` (the published KPI table, kpis.csv's rows) has any.
    Without `kpis`, the comparison rows are recomputed (compared_kpis at sc.as_of, no snapshots); `tolerance` is
    the run's (the statuses of restated figures are recomputed with it)."""
    meta = campaign.meta
    published = _Published(compared_kpis(campaign, sc.as_of, tolerance=tolerance) if kpis is None else kpis)
    book = _Book(Workbook(write_only=True), [])
    measures, pacing = {}, {}
    if len(sc.pace):  # each indicator's last measure given and its last pacing (the pace has a row per unit)
        given = sc.pace[[isinstance(m, str) for m in sc.pace["measure"].tolist()]]
        last = given.drop_duplicates("indicator", keep="last")
        measures = {i: meta.measure_label(m, language) for i, m in zip(last["indicator"], last["measure"], strict=True)}
        if "pacing" in sc.pace:
            last = sc.pace.drop_duplicates("indicator", keep="last")
            pacing = dict(zip(last["indicator"], last["pacing"], strict=True))
    shown = kpi_columns_of(campaign)
    changes = _unit_changes(published, meta.appraisal is not None)
    compared, lights = published.has("previous_as_of"), published.has("light")
    headers = ([label(c.label, language) for c in UNIT_COLUMNS] + [label(f.label, language) for f in shown]
               + [label(c.label, language) for c in changes])
    widths = [c.width for c in UNIT_COLUMNS] + [11] * len(shown) + [9] * len(changes)
    columns = {code: _indicator_columns(code, meta.indicator_label(code, language), measures.get(code, ""),
                                        pacing.get(code) == "level", compared, lights, language)
               for code in sc.indicators}
    for code in sc.indicators:
        headers += [h for _, h, _ in columns[code]]
        widths += [w for _, _, w in columns[code]]
    sheet = Sheet(campaign, sc, language)
    ids = sc.units.index.tolist()
    alone = lone_units(campaign)  # no siblings: their ranks are left blank, as the pages say nothing of them
    lone = np.array([u in alone for u in ids], dtype=bool)
    ranks = ("rank", "col.rank_now", "col.rank_previous", "col.rank_change")
    cells = [_column(c.values(sheet, sc.units), c.number_format) for c in UNIT_COLUMNS]
    for f in shown:
        values = sc.units[f.key] if f.key in sc.units else [None] * len(ids)
        if f.format in TEXT_FORMATS:
            column = _column(_each(values, lambda v, f=f: None if (t := f.text(v, language)) == "—" else t))
        else:
            column = _column(values, NUMBER_FORMATS[f.format])
        cells.append(_blanked(column, lone) if f.key in ranks else column)
    for c in changes:
        values = c.values(published, ids)
        column = _light_column(values, language) if c.label in ("col.light", "col.coverage_light") \
            else _column(values, c.number_format)
        cells.append(_blanked(column, lone) if c.label in ranks else column)
    for code in sc.indicators:
        cells += _indicator_cells(sc.pace, ids, code, [key for key, _, _ in columns[code]], published, language)

    numeric = ([c.number_format is not None for c in UNIT_COLUMNS] + [f.format not in TEXT_FORMATS for f in shown]
               + [c.number_format is not None for c in changes]
               + [key not in ("status", "light") for code in sc.indicators for key, _, _ in columns[code]])
    running = _running(campaign, sc, language, published)
    _sheet(book, label("sheet.units", language), headers, widths, cells, running=running, numeric=numeric)
    uncovered = sc.units.loc[sc.uncovered]
    _sheet(book, label("sheet.uncovered", language), [label(c.label, language) for c in UNCOVERED_COLUMNS],
           [c.width for c in UNCOVERED_COLUMNS], [_column(c.values(sheet, uncovered), c.number_format)
                                                  for c in UNCOVERED_COLUMNS], running=running,
           numeric=[c.number_format is not None for c in UNCOVERED_COLUMNS])
    if campaign.meta.appraisal is not None:
        _appraisal_sheet(book, campaign, sc, language)
    if "commitments" in campaign.present:
        _overdue_sheet(book, campaign, sc, language)
    if published.has("restated") or published.has("revised"):
        _restated_sheet(book, campaign, published, language, running, tolerance)
    return book.package()


def _figure_name(campaign: Campaign, figure: str, language: str) -> str:
    """A restated figure in words: 'metric:key' -> '地区生产总值 · 完成率', 'GDP · Completion'; 'events' -> '活动次数'."""
    metric, _, key = figure.partition(":")
    text = label(f"metric.{metric}", language)
    if text == f"metric.{metric}":
        text = label(f"col.{metric}", language)
    if text == f"col.{metric}":
        text = metric
    if not key:
        return text
    subject = campaign.meta.indicator_label(key, language) if key in set(campaign.targets["indicator"]) else key
    return f"{subject} · {text}"


def _restated_sheet(book: _Book, campaign: Campaign, published: _Published, language: str, running: str,
                    tolerance: float) -> None:
    """数据修订: every figure that differs from what was published (unit, figure, kind, published, now). `restated`:
    the figure recomputed now for the previous as_of; `revised`: this as_of's figure, first published otherwise."""
    t = published.table
    previous = t.loc[t["metric"] == "previous_as_of", "value"]
    before = _Published(cached_kpi_table(campaign, pd.Timestamp(previous.iloc[0]).date(), tolerance)
                        if len(previous) else t.iloc[:0])
    rows_of = t[t["metric"].isin(("restated", "revised"))]
    names = campaign.hierarchy.name
    headers = [label(k, language) for k in ("col.name", "col.unit_id", "col.figure", "col.revision", "col.published",
                                            "col.now")]

    def value_cell(metric: str, value: object) -> Value:
        if metric in ("completion", "coverage", "grassroots_coverage") or metric.endswith(("_rate", "_share")) \
                or metric in ("survey_validity", "satisfaction", "commitment_fulfilment"):
            return _cell(value, NUMBER_FORMATS["percent"])
        if metric.endswith("gap"):
            return _cell(value, NUMBER_FORMATS["points"])
        return _cell(value, "#,##0.00" if as_number(value) is not None and not float(value).is_integer()
                     else "#,##0")

    def rows():
        for uid, kind, figure, value in zip(rows_of["unit_id"], rows_of["metric"], rows_of["key"], rows_of["value"],
                                            strict=True):
            metric, _, key = str(figure).partition(":")
            now = (before if kind == "restated" else published).get(uid, metric, key)
            yield [_cell(names.get(uid, "")), _cell(uid), _cell(_figure_name(campaign, str(figure), language)),
                   _cell(label(f"sheet.kind.{kind}", language)), value_cell(metric, value),
                   value_cell(metric, now)]

    _sheet(book, label("sheet.restated", language), headers, [24, 14, 28, 14, 14, 14], rows, running=running,
           numeric=[False, False, False, False, True, True])


def _appraisal_sheet(book: _Book, campaign: Campaign, sc: Scorecard, language: str) -> None:
    """考核评分 by item: per unit, score, grade, rank, the weights that apply, then each item's value and points
    (empty where the item does not apply), so every score can be recomputed from the sheet."""
    scored = campaign_appraisal(campaign, sc.as_of)
    spec = scored.spec
    names = [item_label(i.metric, i.key, campaign.meta, language) for i in spec.items]
    headers = [label(k, language) for k in ("col.name", "col.unit_id", "col.score", "col.grade", "col.rank_among_siblings",
                                            "col.weights_applied")]
    for name, item in zip(names, spec.items, strict=True):  # each item's full marks and weight in its headers
        full, weight = item_value_text(item.metric, item.full_at), fmt_number(item.weight)
        headers += [f"{name} · {label('col.item_value', language)} · {label('col.full_at', language)} {full}",
                    f"{name} · {label('col.points', language)} · {label('col.weight', language)} {weight}"]
    items = {(u, code): row for u, code, row in zip(scored.items["unit_id"], scored.items["item"],
                                                    scored.items.to_dict("records"), strict=True)}
    scores = scored.scores
    alone = lone_units(campaign)

    def rows():
        for uid in sc.units.index:
            s = scores.loc[uid]
            row = [_cell(sc.units.at[uid, "name"]), _cell(uid), _cell(s["score"], NUMBER_FORMATS["score"]),
                   _cell(None if pd.isna(s["score"]) else figure_text(s["grade"], "grade", language)),
                   _cell(None if pd.isna(s["rank"]) or uid in alone else int(s["rank"]), "0"),
                   _cell(s["weights"], "General")]
            # The points as the page shows them: rescaled and rounded so that they add up to the score.
            mine = [items[(uid, item.code)] for item in spec.items]
            shown, _ = shown_points([it["points"] if it["applies"] else None for it in mine], float(s["weights"]))
            for item, it, points in zip(spec.items, mine, shown, strict=True):
                value = as_number(it["value"]) if it["applies"] else None
                row.append(_cell(value, "0.00%" if item.metric in PERCENT_METRICS else "#,##0.00"))
                row.append(_cell(None if points is None else float(points), NUMBER_FORMATS["score"]))
            yield row

    _sheet(book, label("sheet.appraisal", language), headers, [24, 14, 10, 8, 8, 10] + [14] * (2 * len(names)), rows,
           running=_running(campaign, sc, language), numeric=[False, False, True, False, True, True]
           + [True] * (2 * len(names)))


def _overdue_sheet(book: _Book, campaign: Campaign, sc: Scorecard, language: str) -> None:
    """逾期未兑现的承诺: every commitment overdue at as_of (pages list the first 50), most overdue first."""
    overdue = overdue_commitments(campaign, sc.as_of)
    headers = [label(k, language) for k in ("col.name", "col.unit_id", "col.commitment_id", "col.commitment",
                                            "col.due", "col.days_overdue")]

    def rows():
        for c in overdue.itertuples(index=False):
            due = Value(pd.Timestamp(c.due).date(), DATE_FORMATS.get(language, DATE_FORMATS["en"]))
            yield [_cell(c.name), _cell(c.unit_id), _cell(c.commitment_id), _cell(c.text), due,
                   _cell(int(c.days_overdue), "0")]

    _sheet(book, label("sheet.overdue", language), headers, [24, 14, 14, 40, 16, 10], rows,
           running=_running(campaign, sc, language), numeric=[False, False, False, False, True, True])


def _pace_format(fmt: str, value: object) -> str:
    """Targets and actuals: whole numbers without decimals; other figures by their format."""
    if fmt == "number":
        number = as_number(value)
        return "#,##0" if number is not None and float(number).is_integer() else "#,##0.00"
    return NUMBER_FORMATS[fmt]


def _pace_formats(values: pd.Series | list) -> Choices:
    """_pace_format("number", value) of each value: "#,##0" for a whole number, "#,##0.00" for any other."""
    if isinstance(values, pd.Series) and values.dtype.kind == "f":
        numbers = values.to_numpy()
        whole = np.isfinite(numbers) & (np.trunc(numbers) == numbers)
    else:
        whole = np.array([_pace_format("number", v) == "#,##0" for v in
                          (values.tolist() if isinstance(values, pd.Series) else values)], dtype=bool)
    return Choices(("#,##0.00", "#,##0"), whole.astype(np.int64))


def kpis_csv(campaign: Campaign, table: pd.DataFrame) -> str:
    """The KPI table as CSV text for kpis.csv: unit_id, unit_name, metric, key, value (spreadsheet-safe)."""
    return csv_text(named_table(campaign, table))


def kpis_csv_bytes(campaign: Campaign, table: pd.DataFrame) -> bytes:
    """kpis.csv's bytes as the file holds them (kpis_csv's text in UTF-8 with a BOM), without the whole text."""
    return csv_bytes(named_table(campaign, table), "utf-8-sig")


__all__ = ["NUMBER_FORMATS", "UNCOVERED_COLUMNS", "UNIT_COLUMNS", "Sheet", "UnitColumn", "kpis_csv", "kpis_csv_bytes",
           "kpis_xlsx"]
