"""Shared fixtures: a per-test validated-data cache, tiny campaign folders, and the bundled samples.

Test modules do not import from this file (tests/reports has a conftest.py too, and both would be the
module `conftest`); they get what they need through fixtures or define it themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics import Campaign, load_campaign

REPO_ROOT = Path(__file__).parents[1]
RAW_DIR = REPO_ROOT / "data" / "raw"
WEISHI = RAW_DIR / "weishi"
REGULATOR = RAW_DIR / "regulator_2014"
SHUNHE = RAW_DIR / "shunhe_2012"

CAMPAIGN_YAML = "id: test\nname: {zh: 测试活动, en: Test campaign}\nstart: 2012-01-01\nend: 2012-12-31\n"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty validated-data cache, never the checkout's data/processed."""
    path = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CAMPAIGN_ANALYTICS_CACHE", str(path))
    return path


MakeCampaign = Callable[..., Path]


@pytest.fixture
def make_campaign(tmp_path: Path) -> MakeCampaign:
    """Write campaign.yaml plus tables into a new folder under tmp_path and return the folder.

    ``tables`` maps a table name (``units`` -> units.csv) or a file name (``book.xlsx``) to CSV text or raw
    bytes. ``encoding`` is one encoding for every text table or a dict table -> encoding.
    """
    counter = iter(range(1_000_000))

    def make(
        tables: dict[str, str | bytes],
        meta: str | None = CAMPAIGN_YAML,
        encoding: str | dict[str, str] = "utf-8",
        name: str | None = None,
    ) -> Path:
        folder = tmp_path / (name or f"campaign{next(counter)}")
        folder.mkdir()
        if meta is not None:
            (folder / "campaign.yaml").write_text(meta, encoding="utf-8", newline="")
        for table, content in tables.items():
            path = folder / (table if "." in table else f"{table}.csv")
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                enc = encoding.get(table, "utf-8") if isinstance(encoding, dict) else encoding
                path.write_text(content, encoding=enc, newline="")
        return folder

    return make


def _file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def file_hashes() -> Callable[[Path], dict[str, str]]:
    """sha256 of every file in a folder (recursively), keyed by relative path."""
    return _file_hashes


# Session-wide loads of the samples skip the cache: session fixtures are set up before the per-test cache
# fixture, so a cached load here would write into the checkout's data/processed.
@pytest.fixture(scope="session")
def weishi() -> Campaign:
    return load_campaign(WEISHI, use_cache=False)


@pytest.fixture(scope="session")
def shunhe() -> Campaign:
    return load_campaign(SHUNHE, use_cache=False)


@pytest.fixture(scope="session")
def regulator() -> Campaign:
    return load_campaign(REGULATOR, use_cache=False)
