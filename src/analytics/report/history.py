"""Published snapshots: what each run published, kept in the output folder's `history/` (docs/history.md).

    history/<as_of>/v<NNNN>.parquet   the KPI table a run published for as_of (kpis.csv's rows), version N

A snapshot holds kpis.csv's table (unit_id, unit_name, metric, key and the value in one of three typed columns)
and, in the Parquet schema's metadata, the run's as_of, tolerance, lights, data fingerprint, program version and
time. Snapshots are never overwritten or removed: a run whose table differs from the latest snapshot of its as_of
adds the next version (`fileio.write_bytes_new`); one with the same table adds none. A snapshot that cannot be read
whole, or is not one (another schema, other metadata, another as_of than its folder), is a note and is never used.

`published_kpis` adds the `restated` and `revised` rows (measures.restatements) to a KPI table from the snapshots
of an output folder; `publish` writes the run's snapshot once kpis.csv is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
import math
import numbers
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analytics.data.campaign import Campaign
from analytics.fileio import write_bytes_new
from analytics.frames import positions
from analytics.measures.kpis import cached_kpi_table
from analytics.measures.restatements import restated_rows, revised_rows, with_restatements
from analytics.report.layout import OutputLayout
from analytics.version import __version__

log = logging.getLogger(__name__)

FORMAT = 1
METADATA_KEY = b"campaign_analytics.snapshot"
SCHEMA = pa.schema([
    ("unit_id", pa.string()), ("unit_name", pa.string()), ("metric", pa.string()), ("key", pa.string()),
    ("value_int", pa.int64()),  # whole numbers (counts, ranks)
    ("value_float", pa.float64()),  # other numbers; NaN: no data
    ("value_text", pa.string()),  # text (status, grade)
])
_VERSION = re.compile(r"v(\d{1,9})\.parquet")
_INFO_KEYS = ("format", "campaign", "as_of", "version", "tolerance", "lights", "fingerprint", "package_version",
              "written_at")


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """One published snapshot: its file, version, metadata and table (unit_id, unit_name, metric, key, value)."""

    path: Path
    version: int
    info: dict[str, Any]
    table: pd.DataFrame


@dataclasses.dataclass
class Published:
    """The KPI table a run publishes (with its `restated` and `revised` rows) and what its snapshot records."""

    campaign: Campaign
    as_of: dt.date
    table: pd.DataFrame  # unit_id, metric, key, value: kpis.csv's rows without unit_name
    info: dict[str, Any]  # the snapshot's metadata, less its version and time
    latest: Snapshot | None  # the latest readable snapshot of as_of, if any
    notes: list[str] = dataclasses.field(default_factory=list)  # damaged snapshots, never used


def history_folder(out_dir: Path) -> Path:
    return Path(out_dir) / OutputLayout.HISTORY


def published_kpis(campaign: Campaign, table: pd.DataFrame, as_of: dt.date, tolerance: float, out_dir: Path | None,
                   previous_as_of: dt.date | None = None, lights: dict[str, Any] | None = None) -> Published:
    """The KPI table with `restated` rows (figures recomputed now at previous_as_of that differ from its latest
    snapshot) and `revised` rows (figures of as_of that differ from an earlier snapshot of as_of), from the
    snapshots in out_dir's history/; no such rows without out_dir. `lights`: the thresholds the snapshot records
    (default: the table's `light_threshold` rows)."""
    info = {"format": FORMAT, "campaign": campaign.meta.id, "as_of": as_of.isoformat(), "tolerance": tolerance,
            "lights": lights if lights is not None else _lights_of(table), "fingerprint": campaign.fingerprint,
            "package_version": __version__}
    if out_dir is None:
        return Published(campaign, as_of, table, info, None)
    folder = history_folder(out_dir)
    notes: list[str] = []
    same = read_snapshots(folder, as_of, notes)
    restated = table.iloc[:0]
    if previous_as_of is not None:
        before = read_snapshots(folder, previous_as_of, notes)
        if before:
            recomputed = cached_kpi_table(campaign, previous_as_of, tolerance)
            restated = restated_rows(recomputed, before[-1].table)
    revised = revised_rows(table, [s.table for s in same])
    out = with_restatements(table, restated, revised)
    return Published(campaign, as_of, out, info, same[-1] if same else None, notes)


def publish(published: Published, out_dir: Path) -> Path | None:
    """Write the run's snapshot into out_dir's history/ as the next version of its as_of; None when the latest
    snapshot of that as_of holds the same table (nothing new published). OSError when it cannot be written."""
    named = named_table(published.campaign, published.table)
    if published.latest is not None and _same_table(named, published.latest.table):
        return None
    folder = history_folder(out_dir)
    folder.mkdir(exist_ok=True)  # never the output folder itself: a removed folder stays removed
    day = folder / published.as_of.isoformat()
    day.mkdir(exist_ok=True)
    _remove_temp_files(day)
    version = max((v for v, _ in _versions(day)), default=0) + 1
    while True:
        info = {**published.info, "version": version,
                "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        path = day / snapshot_name(version)
        try:
            write_bytes_new(path, snapshot_bytes(named, info))
        except FileExistsError:
            version += 1  # a file that appeared since the listing (not a batch: they hold the lock) is kept
            continue
        return path


def snapshot_name(version: int) -> str:
    """`v0001.parquet`: names that sort in version order up to 9999 (later versions are still read by number)."""
    return f"v{version:04d}.parquet"


def named_table(campaign: Campaign, table: pd.DataFrame) -> pd.DataFrame:
    """kpis.csv's table: the KPI table with each unit's name after its id."""
    out = table[["unit_id", "metric", "key", "value"]].copy()
    ids = campaign.hierarchy.ids
    names = pa.array([campaign.hierarchy.name[u] for u in ids] + [""], type=pa.large_string())
    at = positions(out["unit_id"], ids)
    at = np.where(at < 0, len(ids), at)  # a unit the hierarchy does not know: no name
    out.insert(1, "unit_name", pd.array(names.take(pa.array(at)), dtype="str"))
    return out


def snapshot_bytes(named: pd.DataFrame, info: dict[str, Any]) -> bytes:
    """A snapshot's Parquet file: kpis.csv's table in typed columns, the run's metadata in the schema."""
    values = named["value"].to_numpy(dtype=object)
    text, whole, real = _kinds(values)
    ints = np.zeros(len(values), dtype="int64")
    ints[whole] = values[whole].astype("int64")
    columns = [pa.array(named[c].astype(str), from_pandas=True).cast(pa.string())
               for c in ("unit_id", "unit_name", "metric", "key")]
    columns += [pa.array(ints, mask=~whole), pa.array(real, mask=text | whole),
                pa.array(np.where(text, values, None), type=pa.string())]
    metadata = {METADATA_KEY: json.dumps(info, sort_keys=True)}
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(columns, schema=SCHEMA.with_metadata(metadata)), sink, compression="zstd")
    return sink.getvalue()


def read_snapshot(path: Path) -> Snapshot:
    """One snapshot file; ValueError saying what is wrong when it is not a whole snapshot."""
    match = _VERSION.fullmatch(path.name)
    if match is None:
        raise ValueError("not a snapshot's name")
    try:
        data = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - whatever the reader meets in a damaged file, it is not a snapshot
        raise ValueError(f"not a readable Parquet file ({exc})") from None
    if not data.schema.remove_metadata().equals(SCHEMA):
        raise ValueError(f"columns {', '.join(f'{f.name} {f.type}' for f in data.schema)} are not a snapshot's")
    try:
        info = json.loads((data.schema.metadata or {})[METADATA_KEY])
    except (KeyError, ValueError):
        raise ValueError("no snapshot metadata") from None
    if not isinstance(info, dict) or any(k not in info for k in _INFO_KEYS) or info["format"] != FORMAT:
        raise ValueError("its metadata is not a snapshot's (format 1)")
    if info["as_of"] != path.parent.name or info["version"] != int(match.group(1)):
        raise ValueError(f"its metadata says as_of {info['as_of']} version {info['version']}")
    try:
        table = _table_of(data)
    except Exception as exc:  # noqa: BLE001 - a file that cannot be read whole is damaged
        raise ValueError(f"its rows cannot be read ({exc})") from None
    return Snapshot(path, int(match.group(1)), info, table)


def read_snapshots(folder: Path, as_of: dt.date, notes: list[str]) -> list[Snapshot]:
    """Every readable snapshot of as_of in a history folder, oldest first; a note for each damaged one."""
    day = Path(folder) / as_of.isoformat()
    found = []
    try:
        versions = _versions(day)
    except OSError as exc:
        notes.append(f"{OutputLayout.HISTORY}/{day.name} cannot be read and was not used: {exc.strerror or exc}")
        return []
    for _, path in versions:
        try:
            found.append(read_snapshot(path))
        except ValueError as exc:
            notes.append(f"{OutputLayout.HISTORY}/{day.name}/{path.name} is damaged and was not used: {exc}")
    return found


def _versions(day: Path) -> list[tuple[int, Path]]:
    """The snapshot files of one as_of folder by version (none when it is missing or not a folder)."""
    try:
        entries = list(os.scandir(day))
    except (FileNotFoundError, NotADirectoryError):
        return []
    out = [(int(m.group(1)), Path(e.path)) for e in entries if (m := _VERSION.fullmatch(e.name))]
    return sorted(out)


def _table_of(data: pa.Table) -> pd.DataFrame:
    """A snapshot's rows as kpis.csv's table: the value from whichever typed column holds it (NaN: no data)."""
    value = data.column("value_float").fill_null(math.nan).to_numpy().astype(object)
    ints = data.column("value_int")
    whole = ints.is_valid().to_numpy(zero_copy_only=False)
    value[whole] = ints.fill_null(0).to_numpy()[whole].astype(object)
    texts = data.column("value_text")
    text = texts.is_valid().to_numpy(zero_copy_only=False)
    value[text] = texts.to_numpy()[text]
    out = {c: data.column(c).to_pandas() for c in ("unit_id", "unit_name", "metric", "key")}
    return pd.DataFrame({**out, "value": pd.Series(value, dtype=object)})


def _kinds(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which values are text, which whole numbers (numpy's integers and bools too), and every value as a float
    (NaN for text and no data)."""
    # Each value's kind by its type, asked once per type (an abstract class's isinstance is slow): 0 text, 1 int,
    # 2 another whole number, 3 float, 4 anything else. Python's ints and floats are converted by numpy, the few
    # others by pandas, as pandas converts them.
    types = list(map(type, values))
    kind_of = {t: 0 if issubclass(t, str) else (1 if t is int else 2) if issubclass(t, numbers.Integral)
               else 3 if t is float else 4 for t in set(types)}
    kind = np.fromiter(map(kind_of.__getitem__, types), dtype=np.int8, count=len(values))
    real = np.full(len(values), np.nan)
    plain = (kind == 1) | (kind == 3)
    real[plain] = values[plain].astype("float64")
    other = (kind == 2) | (kind == 4)
    if other.any():
        real[other] = pd.to_numeric(pd.Series(values[other], dtype=object), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan)
    return kind == 0, (kind == 1) | (kind == 2), real


def _same_table(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two snapshots' tables hold the same rows in the same order (values exactly, no data = no data)."""
    if len(a) != len(b):
        return False
    for column in ("unit_id", "unit_name", "metric", "key"):
        if not np.array_equal(a[column].astype(str).to_numpy(dtype=object),
                              b[column].astype(str).to_numpy(dtype=object)):
            return False
    av, bv = a["value"].to_numpy(dtype=object), b["value"].to_numpy(dtype=object)
    (a_text, a_whole, a_real), (b_text, b_whole, b_real) = _kinds(av), _kinds(bv)
    same_real = (a_real == b_real) | (np.isnan(a_real) & np.isnan(b_real))
    same = np.where(a_text, b_text & (av == bv), ~b_text & (a_whole == b_whole) & same_real)
    return bool(same.all())


def _lights_of(table: pd.DataFrame) -> dict[str, float] | None:
    """The table's light thresholds (`light_threshold` rows, key yellow or red), None when it has none."""
    rows = table[table["metric"] == "light_threshold"]
    return {str(k): float(v) for k, v in zip(rows["key"], rows["value"], strict=True)} or None


def _remove_temp_files(day: Path) -> None:
    """Temp files of a batch killed while writing a snapshot (the batch holds the folder's lock: none is in use)."""
    for tmp in day.glob(".*.tmp"):
        try:
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink()
        except OSError as exc:
            log.warning("could not remove %s: %s", tmp, exc.strerror or exc)
