"""Batch and report tests share the session's validated-data cache instead of one per test.

Everything else they use (the session renders, the browser) is in tests/conftest.py; paths in builders.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def cache_dir(session_cache: Path) -> Path:
    return session_cache
