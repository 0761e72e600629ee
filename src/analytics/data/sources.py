"""Which files a campaign folder's tables come from, and whether its validated tables are cached: without pandas.

A batch asks `in_cache` first thing, to start its kernels before it imports pandas and validates the campaign.
"""

from __future__ import annotations

import sys
from pathlib import Path

from analytics.data import cache
from analytics.data.contract import TABLES
from analytics.errors import Problem

META_FILE = "campaign.yaml"


def table_sources(folder: Path) -> tuple[dict[str, Path], Path | None, list[Problem]]:
    """Map table name -> CSV path, plus the workbook if there is one; problems for contradictions."""
    problems: list[Problem] = []
    csvs: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() == ".csv" and path.stem.lower() in TABLES:
            if path.stem.lower() in csvs:
                problems.append(Problem.of(path.name, None, None, None, "file.second_for_table", table=path.stem))
            csvs[path.stem.lower()] = path
    books = sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith("~$")
    )
    if len(books) > 1:
        names = ", ".join(b.name for b in books)
        problems.append(Problem.of(folder.name, None, None, names, "file.two_workbooks"))
    return csvs, (books[0] if books else None), problems


def raw_files(folder: Path, csvs: dict[str, Path], book: Path | None) -> list[Path]:
    """The files a load reads (campaign.yaml, the tables' CSVs, the workbook): the cache entry's key."""
    return [p for p in [folder / META_FILE, *csvs.values(), book] if p is not None and p.exists()]


def in_cache(path: str | Path) -> bool:
    """Whether loading this folder now would be served from memory or the validated-data cache, without
    validating anything (False when it cannot tell). Cheap: it hashes the files, as a load does first."""
    folder = Path(path)
    try:
        loading = sys.modules.get("analytics.data.loading")  # a process that loaded nothing has nothing in memory
        if loading is not None and loading.in_memory(folder):
            return True
        csvs, book, _found = table_sources(folder)
        return cache.present(cache.fingerprint(raw_files(folder, csvs, book)))
    except Exception:  # noqa: BLE001 - a folder that cannot be read is for load_campaign to report
        return False
