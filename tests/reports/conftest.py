"""Fixtures for report tests: campaigns rendered once per session, and one headless Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analytics.batch import BatchOptions, run_batch

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "raw"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cache")
    os.environ["CAMPAIGN_ANALYTICS_CACHE"] = str(path)
    return path


@pytest.fixture(scope="session")
def shunhe_shared(tmp_path_factory, cache_dir):
    """Every Shunhe unit in Chinese, shared plotly.js, two kernels."""
    out = tmp_path_factory.mktemp("shunhe_shared")
    result = run_batch(BatchOptions(data_dir=SAMPLES / "shunhe_2012", out_dir=out, jobs=2, assets="shared"))
    return result


@pytest.fixture(scope="session")
def shunhe_en(tmp_path_factory, cache_dir):
    """The Shunhe town, its community SH-C06 and a branch of it, in English, each page self-contained."""
    out = tmp_path_factory.mktemp("shunhe_en")
    return run_batch(BatchOptions(data_dir=SAMPLES / "shunhe_2012", out_dir=out, units=["SH", "SH-C06", "SH-C06-B01"],
                                  language="en", assets="self_contained"))


@pytest.fixture(scope="session")
def weishi_en(tmp_path_factory, cache_dir):
    """The Weishi county root and two townships in English, each page self-contained."""
    out = tmp_path_factory.mktemp("weishi_en")
    return run_batch(BatchOptions(data_dir=SAMPLES / "weishi", out_dir=out, units=["WS", "WS-T01", "WS-T02"],
                                  language="en", assets="self_contained"))


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
