"""Real-world spreadsheet habits that need more than one cell to read with certainty.

- Percent-formatted workbook cells hold fractions (85% is stored 0.85): under an indicator whose measure is
  `%` the value is read × 100 with a note; under any other measure, or in a column of counts, it is refused.
- A totals row at the bottom of a table (合计, 小计, 总计, Total) is dropped with a note when its figures equal
  the sums of the rows above, and refused otherwise.

Both work on the text frames (RawTable) before values are typed, changing them in place.
"""

from __future__ import annotations

import math
import unicodedata

from analytics.data.contract import TABLES
from analytics.data.readers import TOTAL_WORDS, RawTable
from analytics.errors import Note, Problem

PERCENT = "%"


def measure_text(value: object) -> str:
    """A measure as compared: full-width ％ and surrounding spaces folded (NFKC)."""
    return unicodedata.normalize("NFKC", str(value)).strip() if isinstance(value, str) else ""


def _dtype(table: str, column: str) -> str:
    return next((c.dtype for c in TABLES[table] if c.name == column), "text")


def resolve_percent_cells(raws: dict[str, RawTable]) -> list[Problem]:
    """Read percent cells of target and actual figures under measure %, refuse the others (see module doc).

    The measure of an actual is that of its unit's target of the indicator, else the one measure the
    indicator's targets share.
    """
    problems: list[Problem] = []
    own_measure: dict[tuple[str, str], str] = {}
    indicator_measures: dict[str, set[str]] = {}
    targets = raws.get("targets")
    if targets is not None and {"unit_id", "indicator"} <= set(targets.frame.columns):
        measures = targets.frame["measure"] if "measure" in targets.frame else None
        for row in targets.frame.index:
            unit, indicator = targets.frame.at[row, "unit_id"], targets.frame.at[row, "indicator"]
            measure = measure_text(measures.at[row]) if measures is not None else ""
            own_measure.setdefault((unit, indicator), measure)
            indicator_measures.setdefault(indicator, set()).add(measure)
    for raw in raws.values():
        read: dict[tuple[str, str], list[tuple[int, str, str]]] = {}  # (column, file) -> cells read
        for (row, column), (shown, number) in sorted(raw.percent.items()):
            if row not in raw.frame.index or column not in raw.frame.columns or (row, column) in raw.refused:
                continue
            dtype = _dtype(raw.name, column)
            if dtype not in ("int", "number"):
                continue  # a percent format on a text or date cell changes nothing that is read
            written = raw.frame.at[row, column]
            where = (raw.file, row, raw.shown(column), written)
            if dtype == "int":
                raw.refused[(row, column)] = Problem.of(*where, "xlsx.percent_count", shown=shown)
                continue
            if raw.name == "targets":
                measure = measure_text(raw.frame.at[row, "measure"]) if "measure" in raw.frame else ""
            elif raw.name == "actuals" and {"unit_id", "indicator"} <= set(raw.frame.columns):
                unit, indicator = raw.frame.at[row, "unit_id"], raw.frame.at[row, "indicator"]
                measure = own_measure.get((unit, indicator))
                if measure is None:
                    shared = indicator_measures.get(indicator, set())
                    measure = next(iter(shared)) if len(shared) == 1 else ""
            else:
                measure = ""
            if measure == PERCENT:
                raw.frame.at[row, column] = number
                read.setdefault((column, raw.source_of_row(row)), []).append((row, shown, number))
            elif measure:
                raw.refused[(row, column)] = Problem.of(*where, "xlsx.percent_other_measure", shown=shown,
                                                        measure=measure)
            else:
                raw.refused[(row, column)] = Problem.of(*where, "xlsx.percent_no_measure", shown=shown)
        for (column, _file), cells in read.items():
            row, shown, number = cells[0]
            code = "xlsx.percent_read" if len(cells) == 1 else "xlsx.percent_read_many"
            raw.notes.append(Note.of(raw.file, row, raw.shown(column), shown, code, shown=shown, number=number,
                                     more=len(cells) - 1))
    return problems


def drop_totals_row(raw: RawTable) -> list[Problem]:
    """Drop a totals row at the bottom whose figures are the column sums (a note); refuse one that is not."""
    from analytics.data.validation import number_or_none

    frame = raw.frame
    if len(frame) < 2:
        return []
    last = frame.index[-1]
    filled = [str(v) for v in frame.loc[last] if v != ""]
    words = filled[:1] if filled and _folded(filled[0]) in TOTAL_WORDS else []  # the row's first filled cell
    figures = [c.name for c in TABLES[raw.name] if c.dtype in ("int", "number") and c.name in frame.columns]
    if not words or not figures:
        return []
    above = frame.drop(index=last)
    differ: list[tuple[str, str, str]] = []
    for column in figures:
        written = frame.at[last, column]
        if written == "":
            continue
        total = number_or_none(written)
        parts = [number_or_none(v) for v in above[column] if v != ""]
        if total is None or any(p is None for p in parts):
            return []  # a figure that cannot be read is reported where it is; the row is left as it is
        summed = math.fsum(parts)
        if not math.isclose(total, summed, rel_tol=1e-9, abs_tol=1e-9):
            differ.append((column, written, _plain(summed)))
    raw.frame = above
    if differ:
        column = differ[0][0]
        detail = "; ".join(f"{c}: {w} written, {s} summed" for c, w, s in differ)
        return [Problem.of(raw.file, int(last), raw.shown(column), words[0], "table.totals_differ", word=words[0],
                           detail=detail)]
    raw.notes.append(Note.of(raw.file, int(last), None, words[0], "table.totals_dropped", word=words[0]))
    return []


def _folded(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).replace(" ", "").strip().casefold()


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
