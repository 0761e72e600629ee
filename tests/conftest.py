"""Shared fixtures: a per-test validated-data cache, tiny campaign folders, the bundled samples, the samples
rendered once per session, and one headless Chromium per session.

Test modules never import from a conftest.py (several folders have one, and each would be the module
`conftest`): they get fixtures by name, and shared paths and builders from tests/builders.py.

Parallel runs (pytest-xdist): every worker has its own temporary base folder, so the per-test cache, the
session renders and every tmp_path are the worker's own; no fixture writes into the checkout.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from analytics import Campaign, load_campaign
from analytics.batch import BatchOptions, run_batch

from builders import CAMPAIGN_YAML, CHROMIUM, CHROMIUM_ARGS, REGULATOR, SHUNHE, WEISHI, write_campaign

if TYPE_CHECKING:
    from analytics.batch import BatchResult


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for the session's Chromium is a browser test, marked or not (`make test-fast` skips them)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


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
        return write_campaign(tmp_path / (name or f"campaign{next(counter)}"), tables, meta, encoding)

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


# Session-wide loads of the samples skip the validated-data cache: each is loaded once per session (per worker).
@pytest.fixture(scope="session")
def weishi() -> Campaign:
    return load_campaign(WEISHI, use_cache=False)


@pytest.fixture(scope="session")
def shunhe() -> Campaign:
    return load_campaign(SHUNHE, use_cache=False)


@pytest.fixture(scope="session")
def regulator() -> Campaign:
    return load_campaign(REGULATOR, use_cache=False)


# --- the session's cache, and the samples rendered once per session (batch and report tests) ---------
@pytest.fixture(scope="session", autouse=True)
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The validated-data cache outside any test's own: module and session fixtures (set up before a test's
    cache, so they ask for this one by name) and the session renders use it, never the checkout's
    data/processed. One per xdist worker."""
    path = tmp_path_factory.mktemp("session-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMPAIGN_ANALYTICS_CACHE", str(path))
        yield path


@pytest.fixture(scope="session")
def shunhe_shared(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> BatchResult:
    """Every Shunhe unit in Chinese, shared plotly.js, two kernels."""
    out = tmp_path_factory.mktemp("shunhe_shared")
    return run_batch(BatchOptions(data_dir=SHUNHE, out_dir=out, jobs=2, assets="shared"))


@pytest.fixture(scope="session")
def shunhe_en(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> BatchResult:
    """The Shunhe town, its community SH-C06 and a branch of it, in English, each page self-contained."""
    out = tmp_path_factory.mktemp("shunhe_en")
    return run_batch(BatchOptions(data_dir=SHUNHE, out_dir=out, units=["SH", "SH-C06", "SH-C06-B01"],
                                  language="en", assets="self_contained"))


@pytest.fixture(scope="session")
def weishi_en(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> BatchResult:
    """The Weishi county root and two townships in English, each page self-contained."""
    out = tmp_path_factory.mktemp("weishi_en")
    return run_batch(BatchOptions(data_dir=WEISHI, out_dir=out, units=["WS", "WS-T01", "WS-T02"],
                                  language="en", assets="self_contained"))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (per xdist worker); tests open their own contexts."""
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
