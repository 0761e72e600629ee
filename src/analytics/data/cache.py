"""Validated-data cache: Parquet files keyed by a fingerprint of the raw files and the package version.

A cache entry is a folder written under a temporary name and renamed into place, with `meta.json` written
last; an entry that is missing a file or fails to read is discarded and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from analytics import __version__
from analytics.config import processed_dir

log = logging.getLogger(__name__)
_FORMAT = 2  # 2: responses.respondent and the commitments table


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


def read(key: str) -> dict[str, pd.DataFrame] | None:
    """The cached tables for this fingerprint, or None when absent or damaged (a damaged entry is removed)."""
    folder = _entry(key)
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("fingerprint") != key:
            raise ValueError("fingerprint mismatch")
        tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in meta["tables"]}
        for name, frame in tables.items():
            if len(frame) != meta["rows"][name]:
                raise ValueError(f"{name}: row count differs")
        return tables
    except Exception as exc:  # any damage means rebuild
        log.warning("discarding damaged cache entry %s (%s)", folder, exc)
        shutil.rmtree(folder, ignore_errors=True)
        return None


def write(key: str, tables: dict[str, pd.DataFrame]) -> None:
    """Store tables atomically; a cache that cannot be written is skipped with a log line."""
    folder = _entry(key)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
        try:
            for name, frame in tables.items():
                frame.to_parquet(tmp / f"{name}.parquet", index=True)
            meta = {"fingerprint": key, "tables": sorted(tables), "rows": {n: len(f) for n, f in tables.items()}}
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        log.info("validated-data cache not written (%s)", exc)
