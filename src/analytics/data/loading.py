"""load_campaign: read a campaign folder as docs/domain.md's contract says, validate it, cache the result."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from analytics.data import cache
from analytics.data.appraisal import check_appraisal_keys
from analytics.data.campaign import Campaign
from analytics.data.contract import AGGREGATIONS, PACINGS, REQUIRED_TABLES, TABLES, label_codes
from analytics.data.crosscheck import check_actual_indicators, check_measures
from analytics.data.habits import drop_totals_row, resolve_percent_cells
from analytics.data.meta import parse_meta
from analytics.data.readers import RawTable, ignored_files, read_csv
from analytics.data.sources import META_FILE, raw_files, table_sources
from analytics.data.validation import (
    check_hierarchy,
    check_survey_references,
    check_table,
    coerce_table,
    normalise_codes,
    vocabulary,
)
from analytics.data.workbook import read_workbook_with_notes
from analytics.errors import CampaignDataError, Note, Problem, UsageError

log = logging.getLogger(__name__)

# Campaigns already loaded in this process, with the (name, size, mtime) of their files: a warm kernel
# rendering many units of one campaign reads and validates it once. The last _LOADED_SIZE used are kept.
_LOADED: dict[Path, tuple[tuple, Campaign]] = {}
_LOADED_SIZE = 4


def _stat_signature(folder: Path) -> tuple:
    """Name, inode, size, mtime and ctime of each file: ctime changes on every write, even one that restores
    the mtime (cp -p, rsync -t), so a changed file is never served from memory."""
    out = []
    for p in folder.iterdir():
        if p.is_file():
            st = p.stat()
            out.append((p.name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(sorted(out))


def load_campaign(path: str | Path, use_cache: bool = True, *, cache_later: bool = False) -> Campaign:
    """Load and validate one campaign folder; raise CampaignDataError listing every problem found.

    `cache_later`: a campaign read from its files is put in the validated-data cache by a thread, while the
    caller goes on (`analytics.data.cache.settle` waits for it; the process does not end before it is done)."""
    folder = Path(path)
    if not folder.is_dir():
        raise CampaignDataError([Problem.of(str(folder), None, None, None, "file.not_folder")])
    key = folder.resolve()
    signature = _stat_signature(folder)
    if use_cache and key in _LOADED and _LOADED[key][0] == signature:
        _LOADED[key] = _LOADED.pop(key)  # used last
        return _LOADED[key][1]
    campaign = _load(folder, use_cache, cache_later)
    if use_cache:
        _LOADED.pop(key, None)
        _LOADED[key] = (signature, campaign)
        while len(_LOADED) > _LOADED_SIZE:
            del _LOADED[next(iter(_LOADED))]
    return campaign


def read_campaign(data_dir: Path, *, cache_later: bool = False) -> Campaign:
    """load_campaign, with a folder or file the OS will not let us read reported as bad input (exit 2)."""
    try:
        return load_campaign(data_dir, cache_later=cache_later)
    except OSError as exc:
        where = exc.filename or data_dir
        raise UsageError(f"cannot read campaign folder {data_dir}: {exc.strerror or exc} ({where})") from None


def in_memory(folder: Path) -> bool:
    """Whether this folder, as it is now, is loaded in this process already."""
    key = folder.resolve()
    return key in _LOADED and _LOADED[key][0] == _stat_signature(folder)


def _load(folder: Path, use_cache: bool, cache_later: bool = False) -> Campaign:
    meta, problems = parse_meta(folder / META_FILE)
    csvs, book, found = table_sources(folder)
    problems.extend(found)
    key = cache.fingerprint(raw_files(folder, csvs, book))
    if meta is not None and not problems and use_cache:
        cached = cache.read(key)
        if cached is not None:
            tables, notes, sources = cached
            # Files left unread are looked at every time: they are not part of the cached entry's key.
            found, ignored = ignored_files(folder, set(tables))
            if not found:
                log.debug("loaded %s from the validated-data cache", folder)
                kept, early = split_window(tables, meta.start)
                return Campaign(meta, kept, key, folder, frozenset(tables), notes=(*ignored, *notes),
                                sources=sources, before_start=early)
    raws: dict[str, RawTable] = {}
    notes: list[Note] = []
    book_unreadable = False
    if book is not None:
        sheets, found, book_notes = read_workbook_with_notes(book)
        problems.extend(found)
        notes.extend(book_notes)
        # Only a workbook that cannot be opened gives a problem on the book itself without a sheet name as value.
        book_unreadable = any(p.file == book.name and p.value is None for p in found)
        for name, raw in sheets.items():
            if name in csvs:
                problems.append(Problem.of(csvs[name].name, None, None, None, "file.table_also_sheet", table=name,
                                           book=book.name))
            raws[name] = raw
    for name, file in csvs.items():
        raw, found = read_csv(file, name)
        problems.extend(found)
        if raw is not None and name not in raws:
            raws[name] = raw
    found, ignored = ignored_files(folder, set(raws) | set(csvs) | _sheets_reported(problems, book))
    problems.extend(found)
    for name in REQUIRED_TABLES:
        # A table whose file or sheet could not be read is reported already; an unreadable workbook may hold it.
        if name in raws or name in csvs or book_unreadable or (book is not None and _sheet_reported(problems, book, name)):
            continue
        if any(p.file.lower().startswith(name) for p in found):
            continue  # units.xls alone, "units (1).csv" alone: said on that file, with what to do
        if book is None:
            problems.append(Problem.of(f"{name}.csv", None, None, None, "file.table_missing", table=name))
        else:
            problems.append(Problem.of(book.name, None, None, None, "file.sheet_missing", table=name))
    tables, found = _validated(raws, meta)
    problems.extend(found)
    table_notes = [n for raw in raws.values() for n in raw.notes]
    if problems:
        raise CampaignDataError(problems, source=str(folder), notes=[*ignored, *notes, *table_notes])
    sources = {name: raw.file for name, raw in raws.items()}
    if use_cache:
        (cache.write_in_background if cache_later else cache.write)(key, tables, [*notes, *table_notes], sources)
    kept, early = split_window(tables, meta.start)
    return Campaign(meta, kept, key, folder, frozenset(tables), notes=(*ignored, *notes, *table_notes),
                    sources=sources, before_start=early)


# DOMAIN.md's window: every figure counts rows dated on or after the campaign's start (targets and actuals go by
# their targets' own periods). Each table's date that puts a row in or out of it.
WINDOW_DATES = {"visits": "date", "surveys": "date", "commitments": "due"}


def split_window(tables: dict[str, pd.DataFrame], start) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """(the tables without their rows dated before start, those rows by table): the rows every figure counts,
    and the rows listed as findings and not counted (a responses row goes with its survey)."""
    kept, early = dict(tables), {}
    first = pd.Timestamp(start)
    for name, column in WINDOW_DATES.items():
        frame = tables.get(name)
        if frame is None or frame.empty or column not in frame:
            continue
        before = (frame[column] < first).fillna(False).to_numpy(dtype=bool)
        if before.any():
            kept[name], early[name] = frame[~before], frame[before]
    return kept, early


def _sheet_reported(problems: list[Problem], book: Path, table: str) -> bool:
    """Whether a sheet of the workbook for this table was found but could not be read (reported as "book [sheet]")."""
    return table in _sheets_reported(problems, book)


def _sheets_reported(problems: list[Problem], book: Path | None) -> set[str]:
    """Tables whose sheet of the workbook was found but could not be read (problems on "book [sheet]")."""
    if book is None:
        return set()
    head = f"{book.name} ["
    return {p.file[len(head):-1].strip().lower() for p in problems if p.file.startswith(head) and p.file.endswith("]")}


def _validated(raws: dict[str, RawTable], meta) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    problems: list[Problem] = []
    for raw in raws.values():
        problems.extend(drop_totals_row(raw))
    typed, found = validated_tables(raws, meta)
    return typed, problems + found


def validated_tables(raws: dict[str, RawTable], meta) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Typed tables and every contract problem of text tables whose totals rows are already dealt with
    (habits.drop_totals_row, which needs each file's last row): the rules `validate` applies, in one place.

    `collect` calls this on tables that gather the base campaign's rows and the returned files' rows.
    """
    problems: list[Problem] = []
    vocab = vocabulary(meta.kinds if meta else {}, meta.groups if meta else {})
    indicators = _indicator_codes(meta)
    problems.extend(resolve_percent_cells(raws))
    typed: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        if name in raws:
            frame, found = coerce_table(raws[name])
            problems.extend(found)
            if name == "visits":
                frame = normalise_codes(frame, vocab)
            if name in ("targets", "actuals") and indicators:
                frame["indicator"] = _as_codes(frame["indicator"], indicators)
            if name == "targets":
                aggregation = _as_codes(frame["aggregation"].str.strip(), label_codes(AGGREGATIONS))
                frame["aggregation"] = aggregation.fillna("sum").str.lower()
                frame["pacing"] = _as_codes(frame["pacing"].str.strip(), label_codes(PACINGS)).fillna("linear").str.lower()
                raws[name].notes.extend(level_not_summed(raws[name], frame))
            typed[name] = frame
    unit_ids: set[str] | None = set(typed["units"]["unit_id"].dropna()) if "units" in typed else set()
    if not unit_ids:
        # No unit could be read (units missing, unreadable, header-only or without unit_id): that is reported
        # once; checking every row of the other tables against an empty list would only repeat it.
        unit_ids = None
    names = dict(zip(typed["units"]["unit_id"], typed["units"]["name"], strict=True)) if "units" in typed else {}
    for name, frame in typed.items():
        problems.extend(check_table(raws[name], frame, vocab, unit_ids, names))
    if "units" in typed:
        problems.extend(check_hierarchy(raws["units"], typed["units"]))
    if "targets" in typed:
        problems.extend(_check_aggregation(raws["targets"], typed["targets"]))
        problems.extend(_check_pacing(raws["targets"], typed["targets"]))
        if "units" in typed:
            problems.extend(check_measures(raws["targets"], typed["targets"], typed["units"]))
    if "actuals" in typed:
        problems.extend(check_actual_indicators(raws["actuals"], typed["actuals"], typed.get("targets")))
    if "responses" in typed:
        surveys = set(typed["surveys"]["survey_id"].dropna()) if "surveys" in typed else None
        problems.extend(check_survey_references(raws["responses"], typed["responses"], surveys))
    if meta is not None and meta.appraisal is not None:
        problems.extend(check_appraisal_keys(
            meta.appraisal,
            indicators=set(typed["targets"]["indicator"].dropna()) if "targets" in typed else None,
            questions=set(typed["responses"]["question"].dropna()) if "responses" in typed else None,
            kinds=set(vocab.kinds.values()), groups=set(vocab.groups.values()), file=META_FILE))
    return typed, problems


def level_not_summed(raw: RawTable, targets: pd.DataFrame) -> list[Note]:
    """Level indicators (pacing level) are never summed from children: their aggregation is set to none in place,
    and each indicator written (or left by default) as sum is noted once, at its first such row."""
    level = targets["pacing"].eq("level").fillna(False).to_numpy(dtype=bool)
    summed = level & targets["aggregation"].ne("none").fillna(True).to_numpy(dtype=bool)
    notes = []
    for indicator, rows in targets[summed].groupby("indicator", sort=False).groups.items():
        notes.append(Note.of(raw.file, int(rows[0]), raw.shown("aggregation"), None, "rule.level_not_summed",
                             indicator=indicator))
    targets.loc[level, "aggregation"] = "none"
    return notes


def _check_pacing(raw: RawTable, targets: pd.DataFrame) -> list[Problem]:
    """An indicator is judged one way everywhere: linear at one unit and level at another is contradictory."""
    known = targets[targets["pacing"].isin(["linear", "level"])]
    kinds = known.groupby("indicator")["pacing"].nunique()
    return [Problem.of(raw.file, int(known.index[known["indicator"] == indicator][0]), raw.shown("pacing"), indicator,
                       "rule.mixed_pacing") for indicator in kinds[kinds > 1].index]


def _check_aggregation(raw: RawTable, targets: pd.DataFrame) -> list[Problem]:
    """An indicator is summed or not everywhere: mixed aggregation for one indicator is contradictory."""
    problems = []
    known = targets[targets["aggregation"].isin(["sum", "none"])]
    kinds = known.groupby("indicator")["aggregation"].nunique()
    for indicator in kinds[kinds > 1].index:
        rows = known.index[known["indicator"] == indicator]
        problems.append(Problem.of(raw.file, int(rows[0]), raw.shown("aggregation"), indicator, "rule.mixed_aggregation"))
    return problems


def _indicator_codes(meta) -> dict[str, str]:
    """An indicator's label (campaign.yaml's vocabulary, either language) -> its code, for the indicators a
    template shows by label; a label that is itself an indicator code is left as written."""
    if meta is None or not meta.indicators:
        return {}
    out: dict[str, str] = {}
    for code, words in meta.indicators.items():
        for word in words.values():
            if word and str(word) not in meta.indicators:
                out.setdefault(str(word), str(code))
    return out


def _as_codes(text: pd.Series, codes: dict[str, str]) -> pd.Series:
    """Text with each accepted label replaced by its code (anything else kept as written, for the checks)."""
    return text.map(lambda v: codes.get(v, v) if isinstance(v, str) else v).astype(text.dtype)
