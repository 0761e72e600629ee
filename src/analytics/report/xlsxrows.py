"""A workbook's data rows written as worksheet XML directly, at the speed of the data (issue 25).

openpyxl's write-only mode makes an object per cell, hashes its style and writes it through lxml: about 30 µs
a cell, 100 s for the 3.2 million cells of a campaign of 100,000 units. Here openpyxl still makes the workbook
(styles, page setup, headers and footers, frozen panes, column widths, the header row); the data rows, one
`Value` per cell, are streamed into each sheet's part of the saved package afterwards, as the same XML openpyxl
writes for such a cell: `<c r="B2" s="3" t="n"><v>0.25</v></c>`, text as an inline string.

    styles = StyleIds(ws)                     # any sheet of the workbook: registers each style once
    rows = DataRows(ws, generator_of_rows)    # rows of Value(value, number_format, fill, quote)
    data = with_rows(saved_bytes, [rows, ...], styles)

A Value's text is a text cell whatever it says (never a formula: there is no formula cell here at all), with
Excel's quote prefix when it looks like one (`spreadsheet.put_text`'s rule); numbers are written as openpyxl
writes them ("%.16g"); dates as Excel serial numbers under their format.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.constants import ARC_STYLE
from openpyxl.xml.functions import tostring

from analytics.spreadsheet import ILLEGAL_XML, is_formula_like

_ILLEGAL_XML = re.compile(ILLEGAL_XML)  # as spreadsheet.put_text: shown as U+FFFD
ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))  # a text's escapes (xlsxcolumns too)
_ESCAPES = str.maketrans(dict(ESCAPES))
_CHUNK_ROWS = 2000  # rows joined before they go to the compressor
_INFINITE = (math.inf, -math.inf)
EXACT = 10**15  # an int of fewer digits is written by "%.16g" as its digits


class Value(NamedTuple):
    """One data cell: a str (a text cell), a number, a date, or None (empty); its number format and light fill
    (a key of the fills given to StyleIds), and whether text gets Excel's quote prefix."""

    value: object
    number_format: str | None = None
    fill: str | None = None
    quote: bool = False


def text_value(text: object, fill: str | None = None) -> Value:
    """Text that stays text: control characters XML cannot hold shown as U+FFFD, formula-like text quoted."""
    text = _ILLEGAL_XML.sub("\ufffd", str(text))
    return Value(text, None, fill, is_formula_like(text))


class StyleIds:
    """The workbook's style index of each (number format, fill, quote) a data cell uses, registered with openpyxl
    through one cell of a sheet of the workbook (so styles.xml lists it); 0 for no style."""

    def __init__(self, ws, fills: dict[str, PatternFill]):
        self.ws, self.fills, self.ids = ws, fills, {}
        self.attrs: dict[tuple, str] = {}  # the same, as a cell's ` s="3"` attribute ('' for none)

    def attr(self, value: Value) -> str:
        """The cell's style attribute: ` s="3"`, or '' for no style."""
        key = (value.number_format, value.fill, value.quote)
        found = self.attrs.get(key)
        if found is None:
            style = self.of(value)
            found = self.attrs[key] = f' s="{style}"' if style else ""
        return found

    def of(self, value: Value) -> int:
        key = (value.number_format, value.fill, value.quote)
        found = self.ids.get(key)
        if found is None:
            cell = WriteOnlyCell(self.ws)
            if value.number_format:
                cell.number_format = value.number_format
            if value.fill:
                cell.fill = self.fills[value.fill]
            if value.quote:
                cell.quotePrefix = True
            found = self.ids[key] = cell.style_id if cell.has_style else 0
        return found


class DataRows:
    """The data rows of one sheet (rows 2, 3, ...), written after its header row when the package is made."""

    def __init__(self, ws, rows: Iterable[list[Value]]):
        self.ws, self.rows, self.count = ws, rows, 0

    def chunks(self, styles: StyleIds) -> Iterator[bytes]:
        """The rows' XML in pieces of a few thousand rows (UTF-8), `count` set once they are all made."""
        for text in _rows_xml(self.rows, styles, self):
            yield text.encode("utf-8")


def _number_text(number: object) -> str:
    value = float(number)  # type: ignore[arg-type]
    return "" if math.isnan(value) or math.isinf(value) else f"{number:.16g}"


def cell_xml(ref: str, cell: Value, styles: StyleIds) -> str:
    """The cell as openpyxl writes it (empty unstyled cells are left out)."""
    s = styles.attr(cell)
    value = cell.value
    if type(value) is float:  # most cells: asked first
        return f'<c r="{ref}"{s} t="n"><v>{"" if value != value or value in _INFINITE else f"{value:.16g}"}</v></c>'
    if type(value) is int and -EXACT < value < EXACT:
        return f'<c r="{ref}"{s} t="n"><v>{value}</v></c>'
    if isinstance(value, str):
        if not value:
            return f'<c r="{ref}"{s} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{value.translate(_ESCAPES)}</t></is></c>'
    if value is None:
        return f'<c r="{ref}"{s} t="n"></c>' if s else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):
        value = to_excel(value)
    return f'<c r="{ref}"{s} t="n"><v>{_number_text(value)}</v></c>'


def _rows_xml(rows: Iterable[list[Value]], styles: StyleIds, counter: DataRows) -> Iterator[str]:
    letters: list[str] = []
    chunk: list[str] = []
    number = 1
    for row in rows:
        number += 1
        while len(letters) < len(row):
            letters.append(get_column_letter(len(letters) + 1))
        chunk.append(f'<row r="{number}">')
        chunk.extend(cell_xml(f"{letter}{number}", cell, styles) for letter, cell in zip(letters, row, strict=False))
        chunk.append("</row>")
        if len(chunk) > _CHUNK_ROWS * 8:
            yield "".join(chunk)
            chunk = []
    counter.count = number - 1
    if chunk:
        yield "".join(chunk)


def _write_behind(fh, chunks: Iterable[bytes]) -> None:
    """Each chunk written to fh (compressed) in a thread while the next one is made: zlib lets go of the GIL while
    it compresses, and a wide sheet's 150 MB of XML take seconds to compress. One chunk is written at a time, in
    order, so the bytes are those of writing them one after the other; a sheet of one chunk is written here."""
    writer, pending, held = None, None, None
    try:
        for chunk in chunks:
            if held is None and writer is None:
                held = chunk
                continue
            if writer is None:
                writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-write")
                pending = writer.submit(fh.write, held)
            pending.result()  # type: ignore[union-attr]
            pending = writer.submit(fh.write, chunk)
        if writer is None:
            if held is not None:
                fh.write(held)
        else:
            pending.result()  # type: ignore[union-attr]
    finally:
        if writer is not None:
            writer.shutdown(wait=True)


_FILTER = re.compile(rb'<autoFilter ref="([A-Z]+)1:([A-Z]+)\d+"')


def with_rows(package: bytes, sheets: list[DataRows], styles: StyleIds, sheet_index: dict[int, int]) -> bytes:
    """The saved workbook `package` with each sheet's data rows streamed in after its header row, and its filter
    over them. `sheet_index` maps id(DataRows.ws) to the sheet's 1-based position in the workbook. styles.xml is
    written last, from the workbook as the rows left it (they register the styles they use)."""
    parts = {f"xl/worksheets/sheet{sheet_index[id(rows.ws)]}.xml": rows for rows in sheets}
    out, filled = io.BytesIO(), set()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            rows = parts.get(info.filename)
            if info.filename == ARC_STYLE:
                continue
            if rows is None:
                target.writestr(info, data)
                continue
            filled.add(info.filename)
            head, end, tail = data.rpartition(b"</sheetData>")
            if not end:
                raise ValueError(f"{info.filename}: no sheetData to fill")
            part = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            part.compress_type = zipfile.ZIP_DEFLATED
            with target.open(part, "w") as fh:
                fh.write(head)
                _write_behind(fh, rows.chunks(styles))
                fh.write(end)
                last = rows.count + 1
                fh.write(_FILTER.sub(lambda m, last=last: b'<autoFilter ref="%s1:%s%d"' % (m[1], m[2], last), tail))
        target.writestr(source.getinfo(ARC_STYLE), tostring(write_stylesheet(styles.ws.parent)))
    if filled != parts.keys():
        raise ValueError(f"sheets not in the package: {sorted(parts.keys() - filled)}")
    return out.getvalue()


__all__ = ["DataRows", "StyleIds", "Value", "cell_xml", "text_value", "with_rows"]
