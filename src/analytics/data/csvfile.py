"""CSV bytes -> records exactly as the csv module reads them, held as Arrow text columns, not as Python objects.

`utf8_bytes` finds the encoding (UTF-8, UTF-8 with BOM, GB18030; NUL bytes or any other encoding refused) and
gives the file as UTF-8 bytes. `read_records` reads those: a regular file (every record as many cells as the
header's) is parsed by pyarrow's CSV reader, one text column per cell position; any other file (ragged rows,
a quote left open, blank lines at the top, a cell longer than the csv module takes) is read by the csv module
record by record, its cells gathered into Arrow columns a chunk at a time. Both give the csv module's records:
the title and header records as lists, the rows below as columns, and the ragged rows as problems.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from analytics.data.contract import ENCODINGS
from analytics.errors import Problem

# What str.strip() strips (every character whose str.isspace() is true), for Arrow's trim: the two must read
# every cell alike. Written out (tests/data/test_readers.py computes it again): working it out over every code point
# took 0.15 s of each process's start, the batch's kernels included.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# Records gathered per Arrow chunk on the csv module's path.
CHUNK_ROWS = 1 << 16
# Bytes Arrow parses at a time (its memory for parsing is about this per thread).
BLOCK_BYTES = 1 << 22
# Where the first records (title lines, header) are looked for on the fast path.
HEAD_BYTES = 1 << 20
# Records that decide where the header is (readers._header_row reads at most the first three).
HEAD_RECORDS = 3
ASCII_WHITESPACE = "".join(c for c in WHITESPACE if c.isascii())
BOM = b"\xef\xbb\xbf"


def decode(data: bytes, file: str) -> tuple[str | None, Problem | None]:
    """Text of a CSV file in one of the accepted encodings, detected rather than chosen by the user."""
    nul = False
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, None
        nul = True  # UTF-16 without a BOM (or binary) can pass as UTF-8: its NUL bytes give it away
    return None, Problem.of(file, None, None, None, "csv.not_text_nul" if nul else "csv.not_text")


def utf8_bytes(data: bytes, file: str) -> tuple[bytes | None, Problem | None]:
    """The file as UTF-8 without a BOM, as `decode` reads it; the same problem when it cannot be read.

    UTF-8 is checked by Arrow without making a Python string of the file; only GB18030 files are decoded.
    """
    if b"\x00" in data:
        return None, decode(data, file)[1]  # NUL is byte 0 in both encodings: never text
    body = data[len(BOM):] if data.startswith(BOM) else data
    if _valid_utf8(body):
        return body, None
    text, problem = decode(data, file)
    return (None, problem) if problem else (text.encode("utf-8"), None)


def _valid_utf8(data: bytes) -> bool:
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


@dataclass
class Records:
    """A CSV file's records with trailing blank records dropped.

    `head` holds the records up to the header (`head[top]`, below `top` title lines); `body` the records under
    it as `width` text columns, each cell stripped as str.strip() strips (cells beyond the header's width left
    out, missing cells of a short record ""); `ragged` the problems of records whose number of cells does not
    fit the header.
    """

    first: list[str]  # the file's first record, as read (for the separator check)
    head: list[list[str]]
    top: int
    body: list[pa.ChunkedArray] = field(default_factory=list)
    rows: int = 0
    ragged: list[Problem] = field(default_factory=list)


# top_of(records) -> index of the header record; width_of(header record) -> number of columns it names.
Layout = tuple[Callable[[list[list[str]]], int], Callable[[list[str]], int]]


class Text:
    """A file's UTF-8 bytes, held so that the reader can let go of them once they are parsed."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data: bytes | None = data


def read_records(source: Text, file: str, layout: Layout) -> Records | Problem:
    """The records of UTF-8 CSV bytes, or the problem of a file the csv module cannot read (csv.malformed)."""
    return _arrow_records(source, file, layout) or _module_records(source.data, file, layout)


# ---------------------------------------------------------------------------------------------------------
# The csv module, record by record


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cycle collector while many records are made: lists of text hold no cycles, and the
    collector's repeated passes over them took half the parse time of a 50 MB file."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _module_records(data: bytes, file: str, layout: Layout) -> Records | Problem:
    with _collector_paused():
        return _module_records_of(data, file, layout)


def _module_records_of(data: bytes, file: str, layout: Layout) -> Records | Problem:
    top_of, width_of = layout
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""))
    count = 0
    first: list[str] | None = None
    waiting: list[list[str]] = []  # records read before the header is found
    body: _Body | None = None
    try:
        for record in reader:
            count += 1
            if first is None:
                first = record
            if body is not None:
                body.add(record)
                continue
            waiting.append(record)
            # Once a record after the third is filled, trailing blanks cannot reach the first three.
            if len(waiting) >= HEAD_RECORDS and not _blank(record):
                body = _start(waiting, file, top_of, width_of)
    except csv.Error as exc:  # e.g. a cell over the field size limit: usually a quote that is never closed
        return Problem.of(file, 1 + count, None, None, "csv.malformed", detail=str(exc))
    if body is None:
        while waiting and _blank(waiting[-1]):
            waiting.pop()
        if not waiting:
            return Records(first or [], [], 0)
        body = _start(waiting, file, top_of, width_of)
    return body.records(first or [])


def _start(records: list[list[str]], file: str, top_of, width_of) -> _Body:
    top = top_of(records)
    body = _Body(file, records[: top + 1], top, width_of(records[top]))
    for record in records[top + 1:]:
        body.add(record)
    return body


def _blank(record: list[str]) -> bool:
    return not any(c.strip() for c in record)


class _Body:
    """Records under the header, gathered into Arrow columns; blank records held back until a filled one
    follows (trailing blank records are not rows)."""

    def __init__(self, file: str, head: list[list[str]], top: int, width: int):
        self.file, self.head, self.top, self.width = file, head, top, width
        self.row = top + 2  # spreadsheet row of the next record
        self.columns: list[list[str]] = [[] for _ in range(width)]
        self.chunks: list[list[pa.Array]] = [[] for _ in range(width)]
        self.rows = 0  # rows kept (blank ones held back are not counted yet)
        self.blank = 0
        self.ragged: list[Problem] = []

    def add(self, record: list[str]) -> None:
        row, self.row = self.row, self.row + 1
        if _blank(record):
            self.blank += 1
            return
        if self.blank:
            for column in self.columns:
                column.extend([""] * self.blank)
            self.rows += self.blank
            self.blank = 0
        cells, width = len(record), self.width
        if cells > width and any(c.strip() for c in record[width:]):
            self.ragged.append(Problem.of(self.file, row, None, None, "csv.ragged", cells=cells, width=width))
        elif cells < width:
            # A line break inside a cell of a short row: a quote opened there swallowed the rows after it.
            code = "csv.ragged_quote" if any("\n" in c for c in record) else "csv.ragged"
            self.ragged.append(Problem.of(self.file, row, None, None, code, cells=cells, width=width))
            record = record + [""] * (width - cells)
        for column, cell in zip(self.columns, record, strict=False):
            column.append(cell)
        self.rows += 1
        if len(self.columns[0] if self.columns else ()) >= CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        for column, chunks in zip(self.columns, self.chunks, strict=True):
            chunks.append(pa.array(column, type=pa.large_string()))
            column.clear()

    def records(self, first: list[str]) -> Records:
        self._flush()
        body = [stripped(pa.chunked_array(chunks, type=pa.large_string())) for chunks in self.chunks]
        return Records(first, self.head, self.top, body, self.rows, self.ragged)


# ---------------------------------------------------------------------------------------------------------
# pyarrow's CSV reader, for regular files


def _arrow_records(source: Text, file: str, layout: Layout) -> Records | None:
    """The records of a regular file, or None when the csv module must read it (see the module doc).

    Once Arrow has read the file, `source` lets go of its bytes: only the columns are kept.
    """
    top_of, width_of = layout
    data = source.data
    found = _head(data)
    if found is None:
        return None
    head, starts = found
    top = top_of(head)
    header = head[top]
    columns = len(header)
    names = [f"c{i}" for i in range(columns)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(memoryview(data)[starts[top]:]),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=BLOCK_BYTES, use_threads=True),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.large_string()),
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a record with another number of cells, a quote never closed: the csv module reads it
    cells = [table.column(i) for i in range(columns)]
    del table
    if len(cells[0]) == 0 or [c[0].as_py() for c in cells] != header:
        return None
    if any("\n" in c[-1].as_py() for c in cells):
        return None  # a quote opened in the last record may run to the end of the file: the csv module decides
    limit = csv.field_size_limit()
    quoted = b'"' in data  # without a quote no cell holds a line break
    for c in cells:
        # A cell's bytes bound its characters: most files need no count of characters.
        if pc.max(pc.binary_length(c)).as_py() > limit and pc.max(pc.utf8_length(c)).as_py() > limit:
            return None  # the csv module refuses such a cell (csv.malformed, with the row)
        if quoted and pc.any(pc.match_substring(c, "\r")).as_py():
            # A line break inside a quoted cell: Arrow may lose the \n of a \r\n that ends one of its blocks.
            return None
    source.data = data = None  # the columns hold every cell now
    for i, c in enumerate(cells):  # one column at a time, so that only one is held twice
        cells[i] = stripped(c.slice(1))
        del c
    blank = _blank_rows(cells)
    rows = len(blank)
    while rows and blank[rows - 1]:
        rows -= 1  # trailing blank records are not rows
    width = width_of(header)
    ragged: list[Problem] = []
    if columns > width and rows:
        extra = _blank_rows([c.slice(0, rows) for c in cells[width:]])
        for i in np.flatnonzero(~extra):
            ragged.append(Problem.of(file, int(i) + top + 2, None, None, "csv.ragged", cells=columns, width=width))
    body = [c.slice(0, rows) for c in cells[:width]]
    return Records(head[0], head[: top + 1], top, body, rows, ragged)


def _head(data: bytes) -> tuple[list[list[str]], list[int]] | None:
    """The first records (each filled) and the byte offset where each starts, read by the csv module from the
    start of the file; None when there are fewer, or a blank one among them (the csv module's path decides)."""
    prefix = data[:HEAD_BYTES]
    whole = len(prefix) == len(data)
    if not whole:
        cut = max(prefix.rfind(b"\n"), prefix.rfind(b"\r"))
        if cut < 0:
            return None
        prefix = prefix[: cut + 1]
    lines = _Lines(prefix.decode("utf-8"))
    head: list[list[str]] = []
    starts: list[int] = []
    reader = csv.reader(lines)
    try:
        for _ in range(HEAD_RECORDS + 1):  # one more than needed, so that the ones used are complete
            start = lines.offset
            record = next(reader)
            head.append(record)
            starts.append(start)
    except (StopIteration, csv.Error):
        pass
    if len(head) <= HEAD_RECORDS and not whole:
        return None  # the third record may go on beyond the bytes looked at
    head, starts = head[:HEAD_RECORDS], starts[:HEAD_RECORDS]
    if len(head) < HEAD_RECORDS or any(_blank(r) for r in head):
        return None
    return head, starts


class _Lines:
    """Lines of a text as the csv module reads a file opened with newline="", with the byte offset reached."""

    def __init__(self, text: str):
        self._lines: Iterator[str] = iter(io.StringIO(text, newline=""))
        self.offset = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.offset += len(line.encode("utf-8"))
        return line


def _blank_rows(columns: list[pa.ChunkedArray]) -> np.ndarray:
    """Per row, whether every (stripped) cell of these columns is empty."""
    if not columns:
        return np.zeros(0, dtype=bool)
    blank = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        blank &= pc.equal(column, "").to_numpy(zero_copy_only=False)
    return blank


def stripped(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Cells as str.strip() leaves them."""
    # Arrow trims a few characters several times faster than all of them: an ASCII column (dates, codes, counts)
    # can only hold the ASCII ones.
    ascii_only = pc.all(pc.string_is_ascii(column)).as_py() is not False
    return pc.utf8_trim(column, characters=ASCII_WHITESPACE if ascii_only else WHITESPACE)
