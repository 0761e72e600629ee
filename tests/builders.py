"""What many test modules share: the checkout's paths, the bundled samples, and small builders of inputs.

Test modules import from here (``from builders import SHUNHE, write_campaign``; pytest puts tests/ on the
path, see ``pythonpath`` in pyproject.toml), never from a conftest.py. Every path is anchored on this file,
so a test module reads the same paths whichever folder under tests/ it sits in.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

# --- the checkout -------------------------------------------------------------------------------------
TESTS = Path(__file__).resolve().parent
REPO_ROOT = TESTS.parent
BAD_INPUTS = TESTS / "bad_inputs"  # the catalogue of bad campaign folders (tests/bad_inputs/README.md)
SRC = REPO_ROOT / "src" / "analytics"
RAW_DIR = REPO_ROOT / "data" / "raw"
WEISHI = RAW_DIR / "weishi"
REGULATOR = RAW_DIR / "regulator_2014"
SHUNHE = RAW_DIR / "shunhe_2012"
SAMPLES = (WEISHI, REGULATOR, SHUNHE)
NOTEBOOKS = REPO_ROOT / "notebooks"
UNIT_NOTEBOOK = NOTEBOOKS / "unit_report.ipynb"
EXPLORE_NOTEBOOK = NOTEBOOKS / "explore.ipynb"

# --- headless Chromium (one per test session: the `browser` fixture in tests/conftest.py) -------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]



def require_soffice() -> None:
    """Skip the test without LibreOffice (soffice) on the PATH; fail instead when REQUIRE_LIBREOFFICE=1."""
    if shutil.which("soffice") is None:
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required (REQUIRE_LIBREOFFICE=1) but not installed")
        pytest.skip("LibreOffice (soffice) not installed")


# --- campaign folders ---------------------------------------------------------------------------------
CAMPAIGN_YAML = "id: test\nname: {zh: 测试活动, en: Test campaign}\nstart: 2012-01-01\nend: 2012-12-31\n"


def write_campaign(
    folder: Path,
    tables: Mapping[str, str | bytes],
    meta: str | None = CAMPAIGN_YAML,
    encoding: str | Mapping[str, str] = "utf-8",
) -> Path:
    """Create ``folder`` with campaign.yaml (unless ``meta`` is None) and the tables; return the folder.

    ``tables`` maps a table name (``units`` -> units.csv) or a file name (``book.xlsx``) to CSV text or raw
    bytes. ``encoding`` is one encoding for every text table or a mapping table -> encoding (utf-8 if absent).
    """
    folder.mkdir()
    if meta is not None:
        (folder / "campaign.yaml").write_text(meta, encoding="utf-8", newline="")
    for table, content in tables.items():
        path = folder / (table if "." in table else f"{table}.csv")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            enc = encoding if isinstance(encoding, str) else encoding.get(table, "utf-8")
            path.write_text(content, encoding=enc, newline="")
    return folder


def write_workbook(path: Path, sheets: Mapping[str, Iterable[list]]) -> Path:
    """An .xlsx file with one sheet per entry (title -> rows), in that order, and nothing else."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# --- tables as loaded -----------------------------------------------------------------------------------
def actuals_frame(rows: list[tuple]) -> pd.DataFrame:
    """An actuals table as the loader returns it; rows: (unit_id, indicator, date, value)."""
    frame = pd.DataFrame(rows, columns=["unit_id", "indicator", "date", "value"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["value"] = frame["value"].astype("Float64")
    return frame


# --- batch outputs --------------------------------------------------------------------------------------
def unit_pages(out: Path) -> list[Path]:
    """The unit pages a run wrote into ``out``, sorted; none if it wrote no units/ folder."""
    return sorted((out / "units").glob("*.html")) if (out / "units").exists() else []


# --- pages in the session's Chromium --------------------------------------------------------------------
class OfflinePage:
    """A file opened in a new context of ``browser`` with every request but file:// aborted.

    Records the blocked URLs, the page's errors (and console errors unless ``console`` is false) and the
    messages of dialogs, which are dismissed. ``close()`` closes the context, not the browser.
    """

    def __init__(self, browser, path: Path, width: int = 1366, height: int = 900, console: bool = True):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        if console:
            self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri(), wait_until="load")

    def _route(self, route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()
