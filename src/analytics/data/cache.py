"""Validated-data cache: Parquet files keyed by a fingerprint of the raw files and the package version.

A cache entry is a folder written under a temporary name and renamed into place, with `meta.json` written
last. `meta.json` holds the sha256 of every Parquet file, checked on each read: a file damaged but still
readable (one flipped bit turned 55 into 56) fails the check. An entry that is missing a file, fails to read or
fails its digest is discarded and rebuilt, never trusted. The notes of the load (accepted habits) are kept in
`meta.json` too, so a campaign served from the cache says what its first load said.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from analytics.config import processed_dir
from analytics.errors import Note
from analytics.version import __version__

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)
_FORMAT = 4  # 2: responses.respondent and the commitments table; 3: sha256 digests and notes in meta.json;
# 4: targets.pacing


def fingerprint(files: list[Path]) -> str:
    """sha256 over the package version and each raw file's name and bytes."""
    digest = hashlib.sha256(f"campaign-analytics {__version__} cache-format {_FORMAT}\n".encode())
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def _entry(key: str) -> Path:
    return processed_dir() / key[:32]


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def present(key: str) -> bool:
    """Whether an entry for this fingerprint is there (not checked: `read` does that)."""
    settle()
    return (_entry(key) / "meta.json").is_file()


def read(key: str) -> tuple[dict[str, pd.DataFrame], list[Note], dict[str, str]] | None:
    """The cached tables, notes and table sources for this fingerprint, or None when absent or damaged (a
    damaged entry is removed)."""
    import pandas as pd  # here: `fingerprint` and `present` serve callers that have not imported pandas

    settle()
    folder = _entry(key)
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("fingerprint") != key or meta.get("format") != _FORMAT:
            raise ValueError("fingerprint or format mismatch")
        tables = {}
        for name in meta["tables"]:
            path = folder / f"{name}.parquet"
            if _digest(path) != meta["sha256"][name]:
                raise ValueError(f"{name}: content differs from its digest")
            tables[name] = pd.read_parquet(path)
            if len(tables[name]) != meta["rows"][name]:
                raise ValueError(f"{name}: row count differs")
        notes = [Note.from_dict(n) for n in meta.get("notes", [])]
        return tables, notes, dict(meta.get("sources", {}))
    except Exception as exc:  # any damage means rebuild
        log.warning("discarding damaged cache entry %s (%s)", folder, exc)
        shutil.rmtree(folder, ignore_errors=True)
        return None


def write(key: str, tables: dict[str, pd.DataFrame], notes: list[Note] | tuple[Note, ...] = (),
          sources: dict[str, str] | None = None) -> None:
    """Store tables (and the notes of their load) atomically; a cache that cannot be written is skipped with a
    log line."""
    folder = _entry(key)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
        try:
            digests = {}
            for name, frame in tables.items():
                path = tmp / f"{name}.parquet"
                frame.to_parquet(path, index=True)
                digests[name] = _digest(path)
            meta = {"fingerprint": key, "format": _FORMAT, "tables": sorted(tables),
                    "rows": {n: len(f) for n, f in tables.items()}, "sha256": digests,
                    "notes": [n.to_dict() for n in notes], "sources": sources or {}}
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        log.info("validated-data cache not written (%s)", exc)


# Entries being written by `write_in_background`, waited for by `settle` (and by `read` and `present`).
_WRITING: list[threading.Thread] = []


def write_in_background(key: str, tables: dict[str, pd.DataFrame], notes: list[Note] | tuple[Note, ...] = (),
                        sources: dict[str, str] | None = None) -> None:
    """`write` in a thread, for a caller with more to do than wait for Parquet's encoding (`validate` of a million
    rows: 0.4 s). pyarrow and hashlib release the GIL, so the entry is written on the other core meanwhile.
    Shallow copies are handed over: with pandas' copy-on-write, a later change to `tables` never reaches them.
    The thread is not a daemon: the process ends only once the entry is whole; `settle` waits for it sooner."""
    frames = {name: frame.copy(deep=False) for name, frame in tables.items()}
    thread = threading.Thread(target=_write_logged, args=(key, frames, tuple(notes), dict(sources or {})),
                              name="cache-write")
    _WRITING.append(thread)
    thread.start()


def _write_logged(key: str, tables: dict[str, pd.DataFrame], notes: tuple[Note, ...], sources: dict[str, str]) -> None:
    try:
        write(key, tables, notes, sources)
    except Exception as exc:  # noqa: BLE001 - a cache is an aid: the campaign was read and checked already
        log.warning("validated-data cache not written (%s: %s)", type(exc).__name__, exc)


def settle() -> None:
    """Wait for the entries `write_in_background` is writing."""
    while _WRITING:
        _WRITING.pop().join()
