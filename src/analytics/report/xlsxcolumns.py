"""A sheet's data rows written column by column: the same XML as xlsxrows' row path, made by Arrow's kernels.

xlsxrows writes a cell at a time (a `Value`, then its XML): about 4 µs a cell in Python, 15 s for the 3.4 million
cells of a campaign of 100,000 units. Here a sheet is a list of `Column`s, each holding all its rows at once (the
texts as an Arrow string array, the numbers as a float64 array). Each column's distinct values are made into cell
bodies once, by Arrow's string kernels for the whole sheet at a time (only the distinct numbers that are not whole
are formatted by Python: "%.16g", openpyxl's form, has no Arrow kernel), and each run of rows is one Arrow `take`
of its pieces from a pool: markup, row numbers, bodies.

    rows = DataColumns(ws, [Column(texts=names), Column(numbers=shares, formats="0.00%"), ...])

The XML is byte for byte what `xlsxrows.cell_xml` writes for the Value of each cell (tests/report/
test_xlsxcolumns.py compares the two): a text cell wherever `texts` is not null (an inline string, control
characters as U+FFFD and Excel's quote prefix on formula-like text, as `xlsxrows.text_value`), else a number cell
wherever `numbers` is finite (under its number format), else no cell. Styles are registered with StyleIds in the
order the row path meets them (row by row, left to right), so styles.xml and the style ids are the same too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils import get_column_letter

from analytics.report.xlsxrows import ESCAPES, EXACT, DataRows, StyleIds, Value
from analytics.spreadsheet import FORMULA_PREFIXES, ILLEGAL_XML

_TEXT = pa.large_string()
_CHUNK_ROWS = 10000  # rows made at once: a few MB of XML for the compressor while the next run is made
_SPECIAL = f"{ILLEGAL_XML[:-1]}&<>\\r]"  # a character to replace (ILLEGAL_XML) or to escape (ESCAPES)
# str.strip's whitespace, which asks for xml:space="preserve" at either end of a text, as xlsxrows.
_SPACE = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x110000)) if c.isspace())
_EDGE_SPACE = f"^[{_SPACE}]|[{_SPACE}]$"


class Choices(NamedTuple):
    """A per-row choice among a few values (number formats, fills): `options[index[row]]`."""

    options: tuple
    index: np.ndarray


class Column(NamedTuple):
    """One column's cells for every data row: a text cell where `texts` (a large_string array) is not null, else a
    number cell where `numbers` (float64) is finite, else none. `formats`: the number cells' format (one, or a
    Choices per row); `fills`: the text cells' fill (a key of StyleIds' fills; one, or a Choices per row)."""

    texts: pa.Array | None = None
    numbers: np.ndarray | None = None
    formats: str | Choices | None = None
    fills: str | Choices | None = None


def number_texts(numbers: np.ndarray) -> pa.Array:
    """Each number as xlsxrows.cell_xml writes it ("%.16g"), null for NaN and the infinities: whole numbers of
    fewer than 16 digits by Arrow's integer cast (the same digits; -0.0 is not among them: "%.16g" writes "-0"),
    the others formatted by Python once per distinct value (by their bits)."""
    finite = np.isfinite(numbers)
    whole = finite & (np.abs(numbers) < EXACT) & (np.trunc(numbers) == numbers) & ~(
        (numbers == 0) & np.signbit(numbers))
    texts = pc.cast(pa.array(np.where(whole, numbers, 0).astype(np.int64), mask=~whole), _TEXT)
    other = finite & ~whole
    if not other.any():
        return texts
    distinct, inverse = np.unique(numbers[other].view(np.int64), return_inverse=True)
    formatted = pa.array([f"{v:.16g}" for v in distinct.view(np.float64).tolist()], _TEXT)
    index = np.zeros(len(numbers), dtype=np.int64)
    index[other] = inverse.reshape(-1)
    return pc.coalesce(texts, formatted.take(pa.array(index, mask=~other)))


def _formula_like(texts: pa.Array) -> pa.Array:
    """spreadsheet.is_formula_like of each text (null stays null)."""
    found = pc.starts_with(texts, FORMULA_PREFIXES[0])
    for prefix in FORMULA_PREFIXES[1:]:
        found = pc.or_(found, pc.starts_with(texts, prefix))
    return found


def _join(*parts, missing: str | None = None) -> pa.Array:
    """The parts (large_string arrays or str) joined row by row; null where a part is null, or with a null part
    as `missing` when given."""
    parts = tuple(pa.scalar(p, _TEXT) if isinstance(p, str) else p for p in parts)
    if missing is None:
        return pc.binary_join_element_wise(*parts, pa.scalar("", _TEXT))
    return pc.binary_join_element_wise(*parts, pa.scalar("", _TEXT), null_handling="replace",
                                       null_replacement=missing)


def text_bodies(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Each text's cell after its style attribute (` t="inlineStr"><is><t>…</t></is></c>`, escaped, with
    xml:space="preserve" when it starts or ends with whitespace) and whether it gets Excel's quote prefix, as
    xlsxrows.text_value and cell_xml make them; null where the text is null."""
    special = pc.any(pc.match_substring_regex(texts, _SPECIAL)).as_py()  # most texts have nothing to replace
    if special:
        texts = pc.replace_substring_regex(texts, ILLEGAL_XML, "\ufffd")
    quote = pc.fill_null(_formula_like(texts), False).to_numpy(zero_copy_only=False)
    escaped = texts
    for old, new in ESCAPES if special else ():
        escaped = pc.replace_substring(escaped, old, new)
    opening = pc.if_else(pc.match_substring_regex(texts, _EDGE_SPACE), pa.scalar('<is><t xml:space="preserve">', _TEXT),
                         pa.scalar("<is><t>", _TEXT))
    bodies = _join(' t="inlineStr">', opening, escaped, "</t></is></c>")
    empty = pc.equal(pc.binary_length(texts), 0)
    return pc.if_else(empty, pa.scalar(' t="inlineStr"></c>', _TEXT), bodies), quote


def _chosen(choice: str | Choices | None, n: int) -> Choices:
    if isinstance(choice, Choices):
        return choice
    return Choices((choice,), np.zeros(n, dtype=np.int64))


class _Cells(NamedTuple):
    """A column's cells by their distinct values: `texts` (a string array: the dictionary of a dictionary array),
    `numbers` (float64), each row's value (an index into texts, then numbers after them; -1 for no cell) and style
    key (an index into `keys`, -1 for no cell); keys are (number format, fill, quote) as StyleIds has them, a
    text's quote flag is added to its key once the texts' flags are known."""

    texts: pa.Array
    numbers: np.ndarray
    value: np.ndarray
    key: np.ndarray
    keys: list[tuple]


def _text_rows(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """A text column's distinct texts (a dictionary array's dictionary) and each row's text (-1 for none)."""
    if not isinstance(texts, pa.DictionaryArray):
        texts = pc.dictionary_encode(texts.cast(_TEXT))
    dictionary = texts.dictionary.cast(_TEXT)
    rows = pc.fill_null(texts.indices.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
    valid = dictionary.is_valid().to_numpy(zero_copy_only=False)
    return dictionary, np.where((rows >= 0) & valid[np.maximum(rows, 0)] if len(valid) else False, rows, -1)


def _cells(column: Column, n: int) -> _Cells:
    """The column's cells as _Cells: its text where there is one, else its number where finite."""
    texts, value = pa.array([], _TEXT), np.full(n, -1, dtype=np.int64)
    key = np.full(n, -1, dtype=np.int64)
    keys: list[tuple] = []
    if column.texts is not None:
        texts, value = _text_rows(column.texts)
        fills = _chosen(column.fills, n)
        keys = [(None, fill, q) for fill in fills.options for q in (False, True)]
        key = np.where(value >= 0, fills.index * 2, -1)  # + 1 for a quoted text: _Sheet adds it
    numbers = np.array([], dtype=np.float64)
    if column.numbers is not None:
        written = np.where(value >= 0, np.nan, column.numbers)
        finite = np.isfinite(written)
        which, distinct = pd.factorize(written[finite].view(np.int64))  # by their bits: -0.0 is not 0.0
        numbers = distinct.view(np.float64)
        value = value.copy()
        value[finite] = len(texts) + which
        formats = _chosen(column.formats, n)
        key = np.where(finite, len(keys) + formats.index, key)
        keys += [(fmt, None, False) for fmt in formats.options]
    return _Cells(texts, numbers, value, key, keys)


def _register(cells: list[_Cells], styles: StyleIds) -> list[list[str]]:
    """Each column's style attributes by key, the keys registered with StyleIds in the order the row path first
    meets them (row by row, then column by column): styles.xml lists them in that order."""
    first = []
    for j, c in enumerate(cells):
        codes, rows = np.unique(c.key, return_index=True)
        first += [(int(row), j, int(code)) for code, row in zip(codes, rows, strict=True) if code >= 0]
    attrs = [[""] * len(c.keys) for c in cells]  # a key no cell has is never registered
    for _, j, code in sorted(first):
        attrs[j][code] = styles.attr(Value(None, *cells[j].keys[code]))
    return attrs


def _rests(cells: list[_Cells]) -> tuple[pa.Array, np.ndarray, list[int]]:
    """Every column's distinct values as the rest of a cell after its style attribute (` t="n"><v>1</v></c>`),
    texts then numbers, column after column; each text's quote flag; where each column's values start. The
    kernels run once for the whole sheet."""
    texts = pa.concat_arrays([c.texts for c in cells]) if cells else pa.array([], _TEXT)
    text_rests, quote = text_bodies(texts)
    numbers = np.concatenate([c.numbers for c in cells]) if cells else np.array([])
    number_rests = _join(' t="n"><v>', number_texts(numbers), "</v></c>")
    pieces, starts, t, m = [], [], 0, 0
    for c in cells:
        starts.append(sum(len(p) for p in pieces))
        pieces += [text_rests.slice(t, len(c.texts)), number_rests.slice(m, len(c.numbers))]
        t, m = t + len(c.texts), m + len(c.numbers)
    return (pa.concat_arrays(pieces) if pieces else pa.array([], _TEXT)), quote, starts


def _buffer_bytes(text: pa.Array) -> bytes:
    """The UTF-8 bytes of a large_string array's values, one after the other."""
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset:text.offset + len(text) + 1]
    return text.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0])).to_pybytes()


class _Sheet:
    """A sheet's data rows as one pool of pieces (the fixed markup, the row numbers, each column's distinct cell
    bodies) and each row as the pieces it is made of: `<row r="` 2 `">`, then per cell `<c r="B` 2 and its body
    (three empty pieces for no cell), then `</row>`. A run of rows is one Arrow `take` of its pieces."""

    _EMPTY, _OPEN, _NUMBERED, _CLOSE = range(4)

    def __init__(self, columns: Sequence[Column], n: int, styles: StyleIds):
        cells = [_cells(c, n) for c in columns]
        rests, quote, starts = _rests(cells)
        quoted, t = [], 0
        for c in cells:  # a quoted text's key is its fill's quoted one (the key after it)
            texts = (c.value >= 0) & (c.value < len(c.texts))
            key = c.key.copy()
            key[texts] += quote[t + c.value[texts]]
            quoted.append(c._replace(key=key))
            t += len(c.texts)
        cells = quoted
        attrs = _register(cells, styles)
        # Each column's distinct (style, value) pairs, then every pair's body `" s="3"` + rest, joined at once.
        pair_style, pair_rest, self.body, self.starts, at = [], [], [], [], 0
        for c, attr, start in zip(cells, attrs, starts, strict=True):
            present = c.value >= 0
            width = len(c.texts) + len(c.numbers) + 1
            which, pairs = pd.factorize(c.key[present] * width + c.value[present])
            key, value = np.divmod(pairs.astype(np.int64), width)
            pair_style += [attr[k] for k in key.tolist()]
            pair_rest.append(start + value)
            body = np.full(n, -1, dtype=np.int64)
            body[present] = which
            self.body.append(body)
            self.starts.append(at)
            at += len(pairs)
        chosen = np.concatenate(pair_rest) if pair_rest else np.array([], dtype=np.int64)
        bodies = _join('"', pa.array(pair_style, _TEXT), rests.take(pa.array(chosen, pa.int64())))
        fixed = ["", '<row r="', '">', "</row>"] + [f'<c r="{get_column_letter(j + 1)}' for j in range(len(cells))]
        numbers = pc.cast(pa.array(np.arange(2, n + 2, dtype=np.int64)), _TEXT)
        self.pool = pa.concat_arrays([pa.array(fixed, _TEXT), numbers, bodies])
        self.numbered = len(fixed)  # where the row numbers start in the pool
        self.starts = [self.numbered + n + s for s in self.starts]

    def xml(self, lo: int, hi: int) -> bytes:
        """Rows lo:hi (0 is the sheet's row 2) as worksheet XML."""
        count = len(self.body)
        pieces = np.empty((4 + 3 * count, hi - lo), dtype=np.int64)
        number = np.arange(self.numbered + lo, self.numbered + hi, dtype=np.int64)
        pieces[0], pieces[1], pieces[2], pieces[-1] = self._OPEN, number, self._NUMBERED, self._CLOSE
        for j, (body, start) in enumerate(zip(self.body, self.starts, strict=True)):
            mine = body[lo:hi]
            present = mine >= 0
            pieces[3 + 3 * j] = np.where(present, 4 + j, self._EMPTY)
            pieces[4 + 3 * j] = np.where(present, number, self._EMPTY)
            pieces[5 + 3 * j] = np.where(present, start + mine, self._EMPTY)
        return _buffer_bytes(self.pool.take(pa.array(pieces.T.reshape(-1))))


class DataColumns(DataRows):
    """The data rows of one sheet given as columns of equal length (rows 2, 3, ...)."""

    def __init__(self, ws, columns: Sequence[Column]):
        super().__init__(ws, [])
        self.columns = list(columns)
        lengths = {len(c.texts) if c.texts is not None else len(c.numbers) for c in self.columns}  # type: ignore
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self.length = lengths.pop() if lengths else 0

    def chunks(self, styles: StyleIds) -> Iterator[bytes]:
        self.count = self.length
        if not self.length:
            return
        sheet = _Sheet(self.columns, self.length, styles)
        for lo in range(0, self.length, _CHUNK_ROWS):
            yield sheet.xml(lo, min(lo + _CHUNK_ROWS, self.length))


__all__ = ["Choices", "Column", "DataColumns", "number_texts", "text_bodies"]
