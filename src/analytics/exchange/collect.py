"""Merge returned workbooks into a new campaign folder, judging every row by the rules `validate` applies.

The merged campaign is the base campaign's rows, where each office that returned a file has its subtree's
rows (table by table) replaced by the good rows of its file. Rows are judged together, in one set of text
tables per table holding the base rows kept and every return's rows, through the data layer's own
`validated_tables`: a survey id used by two offices, an actual whose indicator no target has, a measure
that does not match its siblings' are found exactly as `validate` would find them in the merged folder.
Each problem is then located back in the file and row it came from; rows with a problem are left out and
the tables judged again, until no row has one (rows left out can leave others without what they refer
to). Rows naming a unit outside the office's subtree are refused as well.

Nothing here writes a file: `write_merged` does, atomically, and checks its own output with load_campaign.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analytics.data.campaign import Campaign
from analytics.data.contract import TABLES
from analytics.data.loading import load_campaign, validated_tables
from analytics.data.readers import RawTable
from analytics.data.sources import META_FILE
from analytics.data.validation import coerce_table
from analytics.errors import AnalyticsError, CampaignDataError, Note, Problem
from analytics.exchange.folders import folder_replaced
from analytics.exchange.returns import Returned, find_returns, match_offices
from analytics.exchange.rows import office_masks, office_tables, rows_digest, table_text
from analytics.fileio import write_bytes_atomic

# A file in the merged folder saying it was written by collect (ignored by the reader: it starts with a dot):
# only such a folder is ever replaced by a later collect.
MERGED_MARK = ".collected-by-campaign-analytics"
_MAX_PASSES = 50


@dataclass(frozen=True)
class Finding:
    """A problem as its office reads it, with the cells of its workbook to mark (none for a whole file)."""

    problem: Problem
    table: str | None = None
    cells: tuple[str, ...] = ()  # e.g. ("E7", "D7"): the columns it names, in its row


@dataclass
class TableCount:
    base_rows: int = 0  # the campaign's rows of the office in this table
    returned: int = 0  # data rows read from the file (totals and blank rows not counted)
    accepted: int = 0
    rejected: int = 0
    kept_base: bool = False  # the table could not be read, or was not in the file: base rows kept
    removed: int = 0  # base rows not in the merged campaign as they were (removed, changed, or left out)


@dataclass
class ReturnResult:
    """What became of one returned file."""

    ret: Returned
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    tables: dict[str, TableCount] = field(default_factory=dict)
    unchanged: bool | None = None  # rows exactly as pre-filled (templates only)
    base_changed: bool | None = None  # the campaign's rows of the office changed since the template was made
    merged_rows: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # its rows in the merge

    @property
    def all_notes(self) -> list[Note]:
        """The habits read in the file, then what collect noted about it, each once."""
        return list(dict.fromkeys([*self.ret.notes, *self.notes]))

    @property
    def rows_accepted(self) -> int:
        return sum(t.accepted for t in self.tables.values())

    @property
    def rows_rejected(self) -> int:
        return sum(t.rejected for t in self.tables.values())


@dataclass
class CollectResult:
    campaign: Campaign
    merged: dict[str, pd.DataFrame]  # typed tables of the merged campaign (units first)
    returns: list[ReturnResult]
    silent: list[str]  # children of the root no merged file covers any part of: their base rows are kept
    notes: list[Note]  # files of RETURNED_DIR left unread
    base_problems: list[Problem] = field(default_factory=list)  # base rows left out because of returned rows

    @property
    def problems(self) -> int:
        return sum(len(r.findings) for r in self.returns) + len(self.base_problems)

    @property
    def exit_code(self) -> int:
        """0: every returned row accepted; 1: some rows or files left out (the good rows are merged)."""
        return 1 if self.problems else 0


# --- public API ----------------------------------------------------------------------------------------


def collect(returned_dir: Path, campaign: Campaign) -> CollectResult:
    """Read, match and judge every return in returned_dir against the base campaign (which is valid)."""
    returns, notes = find_returns(Path(returned_dir))
    match_offices(returns, campaign)
    results = [ReturnResult(ret) for ret in returns]
    base_units = table_text(campaign.units, "units").set_index("unit_id", drop=False)
    for result in results:
        _check_units(result, base_units)
    merged, base_problems = _judge(campaign, [r for r in results if not r.ret.refused])
    for result in results:
        _finish(result, campaign)
    h = campaign.hierarchy
    covered: set[str] = set()
    for result in results:
        if not result.ret.refused and result.ret.office is not None:
            covered.update(h.descendants(result.ret.office))
    level = [c for r in h.roots for c in h.children[r]] or list(h.roots)
    silent = [u for u in level if not covered.intersection(h.descendants(u))]
    return CollectResult(campaign, merged, results, silent, notes, base_problems)


def merged_csv(frame: pd.DataFrame, table: str) -> bytes:
    """A merged table as the CSV file written: canonical columns and text, UTF-8 with a BOM (so that Excel
    shows Chinese right), "\\n" line ends; the same frame always gives the same bytes."""
    text = table_text(frame.reset_index(drop=True), table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(text.columns))
    writer.writerows(text.values.tolist())
    return buffer.getvalue().encode("utf-8-sig")


def write_merged(result: CollectResult, out_dir: Path) -> list[Path]:
    """Write the merged campaign folder atomically (exchange.folders), after checking it with load_campaign;
    returns the files written."""
    out_dir = Path(out_dir)
    written = [out_dir / META_FILE]
    with folder_replaced(out_dir) as temp:
        (temp / META_FILE).write_bytes((result.campaign.source / META_FILE).read_bytes())
        for name, frame in result.merged.items():
            if len(frame) == 0:
                continue  # a table with no rows is a table the campaign does not have (no "header only" file)
            write_bytes_atomic(temp / f"{name}.csv", merged_csv(frame, name))
            written.append(out_dir / f"{name}.csv")
        write_bytes_atomic(temp / MERGED_MARK, f"campaign {result.campaign.meta.id}\n".encode())
        try:
            load_campaign(temp, use_cache=False)
        except CampaignDataError as exc:  # a bug here, not the user's: the rows were judged by these rules
            raise AnalyticsError(f"the merged campaign does not validate (please report this): {exc}") from exc
    return written


# --- units: the campaign's, not the office's -----------------------------------------------------------


def _check_units(result: ReturnResult, base: pd.DataFrame) -> None:
    """A returned units sheet must say what the campaign says (base: its units as text, by unit_id): a unit
    changed or added there is a problem on its cell (units are not taken from returns)."""
    ret = result.ret
    raw = ret.raws.get("units")
    if ret.refused or raw is None or "units" in ret.unreadable or raw.frame.empty:
        return
    copy = RawTable("units", raw.file, raw.frame.copy(), dict(raw.headers), refused=dict(raw.refused))
    typed, _problems = coerce_table(copy)
    written = table_text(typed, "units")
    for row in written.index:
        unit = written.at[row, "unit_id"]
        if unit == "":
            continue
        if unit not in base.index:
            result.findings.append(_finding(ret, raw, int(row), ("unit_id",), unit, "collect.unit_row_added", unit=unit))
            continue
        for column in raw.headers:
            if written.at[row, column] != base.at[unit, column]:
                result.findings.append(_finding(ret, raw, int(row), (column,), raw.frame.at[row, column],
                                                "collect.unit_row_changed", expected=base.at[unit, column] or "—"))


# --- judging rows --------------------------------------------------------------------------------------


@dataclass
class _Source:
    """The rows one return offers for one table, and those left out so far (row -> findings)."""

    result: ReturnResult
    table: str
    raw: RawTable
    rejected: dict[int, list[Finding]] = field(default_factory=dict)

    @property
    def offered(self) -> list[int]:
        return [int(r) for r in self.raw.frame.index if int(r) not in self.rejected]


def _judge(campaign: Campaign, results: list[ReturnResult]) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The merged typed tables, after leaving out every returned row with a problem (findings recorded on
    each result); plus base rows left out because of returned ones (none, normally)."""
    base_text = {name: table_text(campaign.tables[name], name) for name in campaign.present}
    sources: dict[str, list[_Source]] = {}
    for result in results:
        ret = result.ret
        for name, raw in ret.raws.items():
            if name == "units" or name in ret.unreadable:
                continue
            source = _Source(result, name, raw)
            _reject_read_problems(source)
            sources.setdefault(name, []).append(source)
    subtrees = {r.ret.office: set(campaign.hierarchy.descendants(r.ret.office)) for r in results}
    _reject_taken_survey_ids(sources.get("surveys", []), campaign, subtrees)
    base_left_out: dict[str, dict[int, Problem]] = {}
    reverted: set[str] = set()  # tables whose returned rows could not be judged at all: base rows kept
    for _ in range(_MAX_PASSES):
        raws, origin = _combined(campaign, base_text, sources, subtrees, base_left_out, reverted)
        typed, problems = validated_tables(raws, campaign.meta)
        problems += _outside_subtree(typed, origin, subtrees)
        fresh = False
        unplaced: list[Problem] = []
        for problem in problems:
            places = origin.get(problem.file, {})
            place = places.get(problem.row) if problem.row is not None else None
            if place is None:
                unplaced.append(problem)
            elif place[0] is None:
                base_left_out.setdefault(problem.file, {})[place[1]] = _in_base(problem, campaign, places)
                fresh = True
            else:
                source, row = place
                if row not in source.rejected:
                    fresh = True
                problem = _survey_left_out(problem, sources.get("surveys", []))
                source.rejected.setdefault(row, []).append(_relocated(problem, source, row, places, campaign))
        for problem in unplaced:
            tables = [problem.file] if problem.file in TABLES else ["targets", "responses"]
            for name in tables:
                if name in reverted:
                    continue
                reverted.add(name)
                fresh = True
                for source in sources.get(name, []):
                    source.result.findings.append(Finding(Problem.of(source.raw.file, None, None, None, problem.code,
                                                                     **problem.params), name))
        if not fresh:
            if unplaced:
                raise AnalyticsError("the merged campaign breaks the contract: " + "; ".join(map(str, unplaced)))
            break
    else:  # pragma: no cover - each pass leaves out at least one more row, and rows are finite
        raise AnalyticsError("collect did not settle on the rows to merge")
    merged = {"units": campaign.units.reset_index(drop=True)}
    for name in TABLES:
        if name != "units" and name in typed:
            merged[name] = typed[name]
    _count(sources, typed, origin, reverted)
    for name, raw in raws.items():
        for note in raw.notes:
            place = origin.get(name, {}).get(note.row) if note.row is not None else None
            if place is not None and place[0] is not None:
                place[0].result.notes.append(_relocated_note(note, place[0], place[1]))
    merged = {name: frame.reset_index(drop=True) for name, frame in merged.items()}
    for source_list in sources.values():
        for source in source_list:
            for findings in source.rejected.values():
                source.result.findings.extend(findings)
    base_problems = [p for rows in base_left_out.values() for p in rows.values()]
    return merged, base_problems


def _reject_taken_survey_ids(surveys: list[_Source], campaign: Campaign, subtrees: dict[str, set[str]]) -> None:
    """A returned survey row whose id the campaign already gives to a unit outside the office's subtree took
    another office's id: the problem is this row's, whatever the files are called (the owner's row, returned
    or kept from the campaign, stays)."""
    if "surveys" not in campaign.present:
        return
    base = table_text(campaign.tables["surveys"], "surveys")
    owner = dict(zip(base["survey_id"], base["unit_id"], strict=True))
    names = campaign.hierarchy.name
    for source in surveys:
        frame = source.raw.frame
        if "survey_id" not in frame.columns:
            continue
        office = source.result.ret.office
        for row in frame.index:
            survey = str(frame.at[row, "survey_id"]).strip()
            unit = owner.get(survey)
            if unit is None or unit in subtrees[office] or int(row) in source.rejected:
                continue
            problem = Problem.of(source.raw.file, int(row), source.raw.shown("survey_id"), survey,
                                 "collect.survey_id_taken", survey=survey, unit=unit, unit_name=names.get(unit, unit),
                                 office=office, office_name=names.get(office, office))
            source.rejected[int(row)] = [Finding(problem, "surveys", _cells(source.raw, int(row), ("survey_id",)))]


def _survey_left_out(problem: Problem, surveys: list[_Source]) -> Problem:
    """A response to a survey the merge lacks only because a returned survey row was left out says so,
    naming that row, instead of "is not a survey_id in surveys"."""
    if problem.code != "rule.unknown_survey":
        return problem
    wanted = str(problem.value).strip()
    for source in surveys:
        frame = source.raw.frame
        for row in source.rejected:
            if "survey_id" in frame.columns and str(frame.at[row, "survey_id"]).strip() == wanted:
                return Problem.of(problem.file, problem.row, problem.column, problem.value, "collect.survey_left_out",
                                  survey=wanted, where=source.raw.file, survey_row=row)
    return problem


def _reject_read_problems(source: _Source) -> None:
    """Rows the reader already refused: a problem located on the row, or a cell refused where it was read
    (a figure merged over rows, a number in a date column; the rows under a merged range share its problem)."""
    raw, ret = source.raw, source.result.ret
    rows = set(int(r) for r in raw.frame.index)
    for problem in ret.problems:
        if problem.file == raw.file and problem.row in rows:
            source.rejected.setdefault(problem.row, []).append(_finding_of(problem, raw, source.table))
    for (row, column), problem in sorted(raw.refused.items()):
        if row not in rows:
            continue
        if problem is None:
            problem = _range_problem(raw, ret.problems, row, column)
        found = source.rejected.setdefault(row, [])
        same = next((i for i, f in enumerate(found) if (f.problem.code, f.problem.params.get("range")) ==
                     (problem.code, problem.params.get("range"))), None)
        cells = _cells(raw, row, (column,))
        if same is None:
            found.append(Finding(problem, source.table, cells))
        else:  # one range, one problem per row: its cells gathered
            found[same] = Finding(found[same].problem, source.table, tuple(dict.fromkeys(found[same].cells + cells)))


def _range_problem(raw: RawTable, problems: list[Problem], row: int, column: str) -> Problem:
    """The problem of the merged range a refused cell lies under (said once, on the range's first row: as a
    refused cell above in its column, or as a reading problem naming the range), moved to this row so that
    the row is listed and marked too. A cell emptied by a merge is never read as an empty value."""
    for above in range(row - 1, raw.header_row - 1, -1):
        problem = raw.refused.get((above, column))
        if problem is not None:
            return Problem.of(raw.file, row, problem.column, None, problem.code, **problem.params)
    for problem in problems:
        ref = problem.params.get("range") if problem.file == raw.file else None
        if ref and _rows_of(ref)[0] <= row <= _rows_of(ref)[1]:
            return Problem.of(raw.file, row, problem.column, problem.value, problem.code, **problem.params)
    return Problem.of(raw.file, row, raw.shown(column), None, "xlsx.merged_value_column", range="?", first=row,
                      last=row)  # not reached: every refused cell's range is reported where it is read


def _rows_of(ref: str) -> tuple[int, int]:
    """First and last row of a range such as "B3:C5"."""
    rows = [int("".join(ch for ch in part if ch.isdigit()) or 0) for part in ref.split(":")]
    return min(rows), max(rows)


def _combined(campaign: Campaign, base_text: dict[str, pd.DataFrame], sources: dict[str, list[_Source]],
              subtrees: dict[str, set[str]], base_left_out: dict[str, dict[int, Problem]], reverted: set[str]):
    """One text table per table: the base rows kept, then each return's rows offered; and, per table,
    synthetic row -> (source or None for the base, row in its file)."""
    replaced: dict[str, set[str]] = {}
    for name, source_list in sources.items():
        if name not in reverted:
            replaced[name] = set().union(*(subtrees[s.result.ret.office] for s in source_list))
    base_tables = {name: campaign.tables[name] for name in campaign.present}
    raws: dict[str, RawTable] = {}
    origin: dict[str, dict[int, tuple[_Source | None, int]]] = {}
    for name in TABLES:
        columns = [c.name for c in TABLES[name]]
        parts: list[pd.DataFrame] = []
        places: list[tuple[_Source | None, int]] = []
        row_sources: list[str] = []
        percent: dict[tuple[int, str], tuple[str, str]] = {}
        if name in base_text:
            keep = pd.Series(True, index=base_text[name].index)
            if name in replaced:
                keep &= ~office_masks(base_tables, replaced[name])[name]
            keep &= ~base_text[name].index.isin(list(base_left_out.get(name, {})))
            kept = base_text[name][keep]
            parts.append(kept)
            places += [(None, int(r)) for r in kept.index]
            row_sources += ["(base)"] * len(kept)
        if name not in reverted:
            for source in sources.get(name, []):
                rows = source.offered
                frame = source.raw.frame.loc[rows].reindex(columns=columns, fill_value="")
                at = {row: len(places) + 1 + i for i, row in enumerate(rows)}
                for (r, column), texts in source.raw.percent.items():
                    if r in at:
                        percent[(at[r], column)] = texts
                parts.append(frame)
                places += [(source, row) for row in rows]
                row_sources += [source.raw.file] * len(rows)
        if not places:
            continue
        frame = pd.concat(parts, ignore_index=True).fillna("").astype(object)
        frame.index = pd.RangeIndex(1, len(places) + 1)
        raws[name] = RawTable(name, name, frame, {c: c for c in columns}, percent=percent,
                              row_sources=dict(zip(frame.index, row_sources, strict=True)))
        origin[name] = dict(zip(frame.index, places, strict=True))
    return raws, origin


def _outside_subtree(typed: dict[str, pd.DataFrame], origin, subtrees: dict[str, set[str]]) -> list[Problem]:
    """Returned rows naming a unit (or, for responses, a survey of a unit) outside the office's subtree.

    Located on the combined tables like the data layer's problems; unknown units are the data layer's.
    """
    problems: list[Problem] = []
    units = set(typed["units"]["unit_id"].dropna()) if "units" in typed else set()
    survey_unit: dict[str, str] = {}
    if "surveys" in typed:
        for survey, unit in zip(typed["surveys"]["survey_id"], typed["surveys"]["unit_id"], strict=True):
            if isinstance(survey, str) and isinstance(unit, str):
                survey_unit.setdefault(survey, unit)
    for name, frame in typed.items():
        if name == "units":
            continue
        places = origin.get(name, {})
        for row in frame.index:
            source = places[row][0]
            if source is None:
                continue
            office = source.result.ret.office
            subtree = subtrees[office]
            if name == "responses":
                survey = frame.at[row, "survey_id"]
                unit = survey_unit.get(survey)
                if unit is not None and unit not in subtree:
                    problems.append(Problem.of(name, int(row), "survey_id", survey, "collect.survey_outside_subtree",
                                               survey=survey, unit=unit, office=office, office_name=_name(office, typed)))
                continue
            unit = frame.at[row, "unit_id"]
            if isinstance(unit, str) and unit in units and unit not in subtree:
                problems.append(Problem.of(name, int(row), "unit_id", unit, "collect.outside_subtree", unit=unit,
                                           office=office, office_name=_name(office, typed)))
    return problems


def _name(unit: str, typed: dict[str, pd.DataFrame]) -> str:
    units = typed.get("units")
    if units is None:
        return unit
    match = units.loc[units["unit_id"] == unit, "name"]
    return str(match.iloc[0]) if len(match) else unit


# --- locating problems back in the office's file --------------------------------------------------------


def _columns_named(text: str | None, known) -> tuple[str, ...]:
    """The canonical columns a problem names: "unit_id", "returned and issued", "unit_id, indicator, date"."""
    if not text:
        return ()
    if text in known:
        return (text,)
    parts = [p.strip() for chunk in text.split(" and ") for p in chunk.split(", ")]
    return tuple(parts) if all(p in known for p in parts) else ()


def _cells(raw: RawTable, row: int, columns: tuple[str, ...]) -> tuple[str, ...]:
    from openpyxl.utils import get_column_letter

    return tuple(f"{get_column_letter(raw.positions[c])}{row}" for c in columns if c in raw.positions)


def _relocated(problem: Problem, source: _Source, row: int, places, campaign: Campaign) -> Finding:
    """A problem found on the combined tables, as the office reads it: its file, row and headers."""
    raw = source.raw
    columns = _columns_named(problem.column, {c.name for c in TABLES[source.table]})
    separator = " and " if " and " in (problem.column or "") else ", "
    shown = separator.join(raw.shown(c) for c in columns) if columns else problem.column
    params = _other_row_in_file(problem, places, campaign, source)
    relocated = Problem.of(raw.file, row, shown, problem.value, problem.code, **params) if problem.code else \
        Problem(raw.file, row, shown, problem.value, problem.rule)
    return Finding(relocated, source.table, _cells(raw, row, columns))


def _other_row_in_file(problem: Problem, places, campaign: Campaign, here: _Source | None = None) -> dict:
    """Parameters with a row of the combined table (rule.mixed_measures' other_row) as the row in its own
    file, with the file named when it is another one."""
    params = dict(problem.params)
    other = params.get("other_row")
    if isinstance(other, int) and other in places:
        source, row = places[other]
        if source is here:
            params["other_row"] = row
        else:
            file = campaign.source_of(problem.file) if source is None else source.raw.file
            params["other_row"] = f"{row} ({file})"
    return params


def _in_base(problem: Problem, campaign: Campaign, places) -> Problem:
    """A problem on a base row (found only with returned rows beside it), located in the base campaign."""
    row = places[problem.row][1]
    params = _other_row_in_file(problem, places, campaign)
    return Problem.of(campaign.source_of(problem.file), row, problem.column, problem.value, problem.code, **params)


def _relocated_note(note: Note, source: _Source, row: int) -> Note:
    raw = source.raw
    columns = _columns_named(note.column, {c.name for c in TABLES[source.table]})
    shown = ", ".join(raw.shown(c) for c in columns) if columns else note.column
    return Note.of(raw.file, row, shown, note.value, note.code, **note.params)


def _finding_of(problem: Problem, raw: RawTable, table: str) -> Finding:
    """A reading problem (located in the file already) with the cells it names."""
    shown = {raw.shown(c): c for c in raw.headers}
    columns: tuple[str, ...] = ()
    if problem.column in shown:
        columns = (shown[problem.column],)
    elif problem.column:
        parts = [p.strip() for p in problem.column.split(", ")]
        if all(p in shown for p in parts):
            columns = tuple(shown[p] for p in parts)
    return Finding(problem, table, _cells(raw, problem.row, columns) if problem.row is not None else ())


def _finding(ret: Returned, raw: RawTable, row: int, columns: tuple[str, ...], value: object, code: str,
             **params) -> Finding:
    shown = ", ".join(raw.shown(c) for c in columns)
    return Finding(Problem.of(raw.file, row, shown, value, code, **params), raw.name, _cells(raw, row, columns))


# --- counts, and what the office is told ----------------------------------------------------------------


def _count(sources: dict[str, list[_Source]], typed: dict[str, pd.DataFrame], origin, reverted: set[str]) -> None:
    """Rows accepted and left out per return and table, and the merged rows that came from each."""
    mine: dict[tuple[int, str], list[int]] = {}
    for name, places in origin.items():
        if name not in typed:
            continue
        for row in typed[name].index:
            source = places[row][0]
            if source is not None:
                mine.setdefault((id(source), name), []).append(row)
    for name, source_list in sources.items():
        for source in source_list:
            count = source.result.tables.setdefault(name, TableCount())
            count.returned = len(source.raw.frame)
            if name in reverted:
                count.kept_base = True
                count.rejected = len(source.raw.frame)
                continue
            rows = mine.get((id(source), name), [])
            count.accepted = len(rows)
            count.rejected = len(source.raw.frame) - count.accepted
            if name in typed:
                source.result.merged_rows[name] = typed[name].loc[rows]


def _finish(result: ReturnResult, campaign: Campaign) -> None:
    """Counts of base rows, tables kept, totals rows refused, and whether the rows are as pre-filled."""
    ret = result.ret
    if ret.refused or ret.office is None:
        for name, raw in ret.raws.items():
            if name != "units":
                result.tables.setdefault(name, TableCount()).rejected = len(raw.frame)
                result.tables[name].returned = len(raw.frame)
        # Only what stops the file being merged: its rows were not judged.
        result.findings.extend(Finding(p) for p in ret.problems if p.row is None)
        result.findings.sort(key=finding_order)
        return
    base = office_tables(campaign, ret.office)
    for name in ret.raws:
        if name != "units":
            result.tables.setdefault(name, TableCount())
    for name in ret.unreadable:
        count = result.tables.setdefault(name, TableCount())
        count.kept_base = True
        count.rejected = len(ret.raws[name].frame) if name in ret.raws else 0
    for name, frame in base.items():
        if name == "units":
            continue
        count = result.tables.setdefault(name, TableCount())
        count.base_rows = len(frame)
        if name not in ret.raws and name not in ret.unreadable and len(frame):
            count.kept_base = True
            result.notes.append(Note.of(ret.name, None, None, None, "collect.table_missing_kept", table=name,
                                        rows=len(frame)))
        if count.kept_base and name in ret.unreadable:
            result.notes.append(Note.of(ret.raws[name].file if name in ret.raws else ret.name, None, None, None,
                                        "collect.table_unreadable_kept", table=name, rows=len(frame)))
    for name, refused in ret.totals_refused.items():
        result.tables.setdefault(name, TableCount()).rejected += refused
    _count_removed(result, base)
    _place_remaining(result)
    result.findings.sort(key=finding_order)
    marker = ret.marker
    if marker is not None and marker.office == ret.office and marker.rows_sha256:
        now = {name: frame for name, frame in base.items() if name in marker.tables}
        result.base_changed = rows_digest(now) != marker.rows_sha256
        if result.base_changed:
            result.notes.append(Note.of(ret.name, None, None, None, "collect.base_changed"))
        # Rows missing from the file (an emptied sheet) are absent from merged_rows: the digest differs.
        result.unchanged = not result.findings and rows_digest(result.merged_rows) == marker.rows_sha256


def _count_removed(result: ReturnResult, base: dict[str, pd.DataFrame]) -> None:
    """Per table, the office's campaign rows the return does not carry into the merge as they were, and a note
    saying so: a file that holds only new rows replaces (so removes) the office's others."""
    ret = result.ret
    for name, count in result.tables.items():
        frame = base.get(name)
        if count.kept_base or frame is None or len(frame) == 0:
            continue
        if name in ret.emptied:
            count.removed = len(frame)
            result.notes.append(Note.of(ret.raws[name].file, None, None, None, "collect.table_emptied", table=name,
                                        rows=len(frame)))
            continue
        merged = result.merged_rows.get(name)
        left = Counter(map(tuple, table_text(frame.reset_index(drop=True), name).values.tolist()))
        if merged is not None and len(merged):
            left -= Counter(map(tuple, table_text(merged.reset_index(drop=True), name).values.tolist()))
        count.removed = sum(left.values())
        if count.removed:
            file = ret.raws[name].file if name in ret.raws else ret.name
            result.notes.append(Note.of(file, None, None, None, "collect.rows_removed", table=name, rows=len(frame),
                                        removed=count.removed))


def finding_order(finding: Finding) -> tuple:
    """File, row, then the cells left to right as the sheet shows them (file-wide problems first)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    p = finding.problem
    column = column_index_from_string(coordinate_from_string(finding.cells[0])[0]) if finding.cells else 0
    return (p.file, p.row if p.row is not None else -1, column, p.column or "", p.rule)


def _place_remaining(result: ReturnResult) -> None:
    """Reading problems no row of a merged table carries (an extra sheet, a totals row that is not the sums,
    a problem in the units sheet or in a table that could not be read), each said once."""
    ret = result.ret
    placed = {id(f.problem) for f in result.findings}
    by_file = {raw.file: raw for raw in ret.raws.values()}
    for problem in ret.problems:
        if id(problem) in placed:
            continue
        raw = by_file.get(problem.file)
        result.findings.append(_finding_of(problem, raw, raw.name) if raw is not None else Finding(problem))
