"""kpis.xlsx's units sheets are written column by column (report/xlsxcolumns.py): the same bytes as the row path
(xlsxrows: a Value per cell, then its XML), on awkward values and on the samples."""

from __future__ import annotations

import decimal
import io
import math
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.xml.functions import tostring

from analytics.frames import records_by_index
from analytics.measures.change import COVERAGE_KEY, compared_kpis
from analytics.report import downloads, xlsxcolumns
from analytics.report.downloads import (
    LIGHT_FILLS,
    NUMBER_FORMATS,
    TEXT_FORMATS,
    _cell,
    _column,
    _each,
    _light_cell,
    _light_column,
    _pace_format,
    _pace_formats,
    _Published,
    _yes_no,
    kpis_xlsx,
)
from analytics.report.scorecard import campaign_scorecard, lone_units, unit_kind_label
from analytics.report.xlsxcolumns import DataColumns, number_texts
from analytics.report.xlsxrows import DataRows, StyleIds, _rows_xml
from analytics.text.labels import as_number, indicator_status_label, status_label

AWKWARD = [
    None, math.nan, pd.NA, math.inf, -math.inf, True, False, 0, -0.0, 0.0, 7, -42, 10**15 - 1, 10**15, 10**16 - 1,
    -(10**17), 2**63 + 1, 0.1 + 0.2, 8.00002, 1e-05, 2 / 3, 5e-324, 1.7976931348623157e308, -1e-300, 1234.0, 2.5,
    np.float64(0.25), np.int64(12), decimal.Decimal("1.1"),
    "", "plain", '<&>"\'', "a\r\nb", "bell\x07\x00end", "=1+1", "+1", "-3", "@SUM(A1)", "\tx", "\rx",
    " padded ", "\u3000全角", "x\xa0", "单位名称", "emoji 🙂", "x" * 40_000, "&amp;", "]]>",
]


def _row_path(rows: list[list]) -> tuple[str, bytes]:
    """The data rows' XML and styles.xml as xlsxrows writes them, a Value per cell."""
    ws = Workbook(write_only=True).create_sheet()
    styles = StyleIds(ws, LIGHT_FILLS)
    xml = "".join(_rows_xml(rows, styles, DataRows(ws, [])))
    return xml, tostring(write_stylesheet(ws.parent))


def _column_path(columns: list) -> tuple[str, bytes]:
    ws = Workbook(write_only=True).create_sheet()
    styles = StyleIds(ws, LIGHT_FILLS)
    xml = b"".join(DataColumns(ws, columns).chunks(styles)).decode("utf-8")
    return xml, tostring(write_stylesheet(ws.parent))


def _rotated(values: list, by: int) -> list:
    return values[by:] + values[:by]


def test_number_texts_are_those_of_percent_16g():
    numbers = np.array([v for v in AWKWARD if type(v) in (float, int) and abs(v) < 1e300] + [-0.0, 1e15, 1e16, 2.0**53 + 2,
                       123456789012345.6, -0.5, 8.00003, 1e-4, 1e-5, 1e16 + 2, 99999999999999.99], dtype=np.float64)
    assert number_texts(numbers).to_pylist() == [f"{v:.16g}" for v in numbers.tolist()]
    assert number_texts(np.array([math.nan, math.inf, -math.inf, -0.0])).to_pylist() == [None, None, None, "-0"]


@pytest.mark.parametrize("chunk", [7, 10_000])
def test_columns_write_the_bytes_and_styles_of_the_row_path(monkeypatch, chunk):
    """Every awkward value under no format, a whole-number format and a percent format, as a list, as an object
    Series, coded by distinct value, as lights, and numbers with a format per row; in runs of 7 rows and in one."""
    monkeypatch.setattr(xlsxcolumns, "_CHUNK_ROWS", chunk)
    floats = pd.Series([v if type(v) is float else math.nan for v in AWKWARD], dtype=np.float64)
    texts = pd.Series([v if isinstance(v, str) else None for v in AWKWARD], dtype="str")
    lights = _rotated(["red", "yellow", "none", None, "green", math.nan, "=red"] * 7, 0)[:len(AWKWARD)]
    columns, cells = [], []
    for fmt in (None, "0", "#,##0", "0.00%"):
        for by in (0, 5):
            values = _rotated(AWKWARD, by)
            columns.append(_column(values, fmt))
            cells.append([_cell(v, fmt) for v in values])
        columns.append(_column(pd.Series(AWKWARD, dtype=object), fmt))
        cells.append([_cell(v, fmt) for v in AWKWARD])
        columns.append(_column(_each(AWKWARD, lambda v: v), fmt))
        cells.append([_cell(v, fmt) for v in AWKWARD])
        columns.append(_column(floats, fmt))
        cells.append([_cell(v, fmt) for v in floats.tolist()])
    columns.append(_column(texts))
    cells.append([_cell(v) for v in texts.tolist()])
    columns.append(_light_column(lights, "zh"))
    cells.append([_light_cell(v, "zh") for v in lights])
    columns.append(_column(floats, _pace_formats(floats)))
    cells.append([_cell(v, _pace_format("number", v)) for v in floats.tolist()])
    rows = [list(r) for r in zip(*cells, strict=True)]
    xml, styles = _column_path(columns)
    assert (xml, styles) == _row_path(rows)
    assert "<f>" not in xml and 's="' in xml and "&lt;&amp;&gt;" in xml and "\ufffd" in xml


def test_a_column_of_nothing_and_no_rows():
    assert _column_path([_column([None, math.nan, pd.NA])]) == _row_path([[_cell(None)]] * 3)
    assert _column_path([]) == _row_path([])


# -- the samples: kpis.xlsx against its units sheets made by the row path ------------------------------------------

def _reference_rows(campaign, sc, language, published: _Published, changes, columns, shown):
    """The units sheet's rows as the row path made them (a _cell per value, unit by unit)."""
    records = records_by_index(sc.units)
    appraised = campaign.meta.appraisal is not None
    alone = lone_units(campaign)
    ranks = ("rank", "col.rank_now", "col.rank_previous", "col.rank_change")
    sheet = downloads.Sheet(campaign, sc, language)
    names = campaign.hierarchy.name
    ident = [
        (lambda u, r: r["name"], None), (lambda u, r: u, None), (lambda u, r: names.get(r["parent_id"], ""), None),
        (lambda u, r: r["parent_id"], None), (lambda u, r: int(r["level"]), "0"),
        (lambda u, r: unit_kind_label(campaign.meta, r["kind"], language), None),
        (lambda u, r: _yes_no(sheet, r["no_activity"]), None),
        (lambda u, r: status_label(r["worst"], language) if isinstance(r["worst"], str) else None, None)]
    for uid in sc.units.index:
        r = records[uid]
        row = [_cell(value(uid, r), fmt) for value, fmt in ident]
        for f in shown:
            value = None if uid in alone and f.key in ranks else r.get(f.key)
            if f.format in TEXT_FORMATS:
                text = f.text(value, language)
                row.append(_cell(None if text == "—" else text))
            else:
                row.append(_cell(value, NUMBER_FORMATS[f.format]))
        for c in changes:
            value = None if uid in alone and c.label in ranks else _change(published, c.label, uid, appraised)
            row.append(_light_cell(value, language) if c.label in ("col.light", "col.coverage_light")
                       else _cell(value, c.number_format))
        mine = sc.pace_of(uid)
        for code in sc.indicators:
            t = mine.get(code)
            for key in columns[code]:
                if t is None:
                    row.append(_cell(None))
                elif key == "status":
                    row.append(_cell(indicator_status_label(t["status"], t.get("pacing"), language)))
                elif key == "light":
                    row.append(_light_cell(published.get(uid, "light", code), language))
                elif key.endswith("_change"):
                    row.append(_cell(published.get(uid, key, code), NUMBER_FORMATS["points"]))
                elif key == "level_gap":
                    row.append(_cell(t.get("level_gap"), NUMBER_FORMATS["points"]))
                else:
                    fmt = next(f.format for f in downloads.PACE_FIELDS if f.key == key)
                    row.append(_cell(t[key], _pace_format(fmt, t[key])))
        yield row


def _change(published: _Published, column: str, uid: str, appraised: bool) -> object:
    """A change column's value for one unit, looked up in the published table (_Published.get)."""
    rank, previous = ("rank", "rank_previous") if appraised else ("progress_rank", "progress_rank_previous")
    if column == "col.rank_change":
        now, before = as_number(published.get(uid, rank)), as_number(published.get(uid, previous))
        return None if now is None or before is None else before - now
    metric, key = {"col.light": ("light", ""), "col.coverage_light": ("light", COVERAGE_KEY),
                   "col.events_added": ("events_added", ""), "col.persons_added": ("persons_added", ""),
                   "col.rank_now": (rank, ""), "col.rank_previous": (previous, "")}[column]
    return published.get(uid, metric, key)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("name", ["weishi", "shunhe", "regulator"])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_sample_workbooks_are_those_of_the_row_path(request, monkeypatch, name, language):
    campaign = request.getfixturevalue(name)
    sc = campaign_scorecard(campaign, campaign.as_of())
    table = compared_kpis(campaign, sc.as_of)
    new = kpis_xlsx(campaign, sc, language, table)
    published = _Published(table)
    seen = {}
    real_indicator_columns, real_sheet = downloads._indicator_columns, downloads._sheet

    def indicator_columns(code, *args):
        found = real_indicator_columns(code, *args)
        seen[code] = [key for key, _, _ in found]
        return found

    def sheet(book, title, headers, widths, rows, **kw):
        if isinstance(rows, list) and not seen.get("units"):  # the units sheet, then the uncovered one
            seen["units"] = True
            changes = downloads._unit_changes(published, campaign.meta.appraisal is not None)
            shown = downloads.kpi_columns_of(campaign)
            reference = list(_reference_rows(campaign, sc, language, published, changes, seen, shown))
            return real_sheet(book, title, headers, widths, lambda: iter(reference), **kw)
        if isinstance(rows, list):
            records = records_by_index(sc.units)
            sheet_ = downloads.Sheet(campaign, sc, language)
            frame = sc.units.loc[sc.uncovered]
            values = [c.values(sheet_, frame) for c in downloads.UNCOVERED_COLUMNS]
            assert len(records) >= len(frame)
            reference = [[_cell(_value_at(v, i), c.number_format)
                          for v, c in zip(values, downloads.UNCOVERED_COLUMNS, strict=True)] for i in range(len(frame))]
            return real_sheet(book, title, headers, widths, lambda: iter(reference), **kw)
        return real_sheet(book, title, headers, widths, rows, **kw)

    monkeypatch.setattr(downloads, "_indicator_columns", indicator_columns)
    monkeypatch.setattr(downloads, "_sheet", sheet)
    old = kpis_xlsx(campaign, sc, language, table)
    assert seen.get("units")
    assert _parts(new) == _parts(old)


def _value_at(values, i):
    if isinstance(values, downloads.Coded):
        return values.values[values.codes[i]]
    return values.iloc[i] if isinstance(values, pd.Series) else values[i]
