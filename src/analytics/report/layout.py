"""The output folder's layout in one object, and safe, unique, stable file names for units.

    index.html            the scorecard of every unit, linking every page
    units/<file>.html     one page per unit (file names from unit_filename)
    assets/plotly.min.js  plotly.js's partial bundle of report/vendor/, only with shared assets
    kpis.csv, kpis.xlsx   the KPI table, for machines and for people
    manifest.json         per unit: status, error, duration, output path, input key
    history/<as_of>/v<NNNN>.parquet   each KPI table a run published, never overwritten (batch.history)
    failed/<file>.ipynb   the executed notebook of each unit that failed
    .campaign-analytics.lock   held by the batch writing the folder
    .campaign-analytics.reserve   space set aside while a batch runs, so a full disk still gets a whole manifest

Pages link to each other with relative hrefs from here, so nothing else spells a path of the folder.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)
_MAX_STEM = 48


class AssetMode(StrEnum):
    """How pages get plotly.js (report/vendor's partial bundle): inside each page, or one assets/plotly.min.js per
    folder."""

    SELF_CONTAINED = "self_contained"
    SHARED = "shared"



class PageState(StrEnum):
    """A unit's page as a batch leaves it (manifest.json's `status`, the index's page column), in the index's order.

    `stale`: a page (or failure) made from other inputs, not redone this run; `not_rendered`: no page and no
    failure on record (only the index shows it).
    """

    RENDERED = "rendered"
    UP_TO_DATE = "up_to_date"
    FAILED = "failed"
    STALE = "stale"
    NOT_RENDERED = "not_rendered"

    @property
    def current(self) -> bool:
        """Whether the page on disk shows this run's inputs."""
        return self in (PageState.RENDERED, PageState.UP_TO_DATE)

_FOLDER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")


def unit_filename(unit_id: str) -> str:
    """`<readable part>-<hash>.html`: letters/digits of the id (any script) plus 10 hex of its sha1.

    The hash is of the exact id, so ids that differ only in case or punctuation never share a file,
    even on a case-insensitive file system; the name holds no separator, dot-dot or device name.
    """
    text = unicodedata.normalize("NFKC", str(unit_id))
    stem = _UNSAFE.sub("_", text).strip("_").lower()[:_MAX_STEM] or "unit"
    digest = hashlib.sha1(str(unit_id).encode("utf-8")).hexdigest()[:10]
    return f"{stem}-{digest}.html"


@dataclass(frozen=True)
class OutputLayout:
    """Where each file of a rendered campaign goes, under `root`."""

    root: Path

    INDEX = "index.html"
    UNITS = "units"
    FAILED = "failed"
    ASSETS = "assets"
    KPIS_CSV = "kpis.csv"
    KPIS_XLSX = "kpis.xlsx"
    MANIFEST = "manifest.json"
    HISTORY = "history"
    BULLETIN = "bulletin.docx"  # the root's bulletin (通报), in the run's language
    LOCK = ".campaign-analytics.lock"
    RESERVE = ".campaign-analytics.reserve"

    @classmethod
    def inside(cls, base: Path, name: str) -> OutputLayout:
        """The layout of `base/name`, where name (a campaign id) must be one plain folder name inside base.

        Whatever a campaign.yaml says, the folder stays inside `base`: a name with a separator, `..`, a
        leading dot or anything but letters, digits, `_` and `-` is refused (ValueError).
        """
        if not _FOLDER_NAME.fullmatch(str(name)):
            raise ValueError(f"{name!r} cannot name an output folder: use 1-64 ASCII letters, digits, _ or -")
        return cls(Path(base) / name)

    # -- paths inside the folder ---------------------------------------------------------------------------
    @property
    def index(self) -> Path:
        return self.root / self.INDEX

    @property
    def manifest(self) -> Path:
        return self.root / self.MANIFEST

    @property
    def lock(self) -> Path:
        return self.root / self.LOCK

    @property
    def kpis_csv(self) -> Path:
        return self.root / self.KPIS_CSV

    @property
    def kpis_xlsx(self) -> Path:
        return self.root / self.KPIS_XLSX

    @staticmethod
    def page_name(unit_id: str) -> str:
        """A unit page's path relative to the folder, as the manifest and the index record it."""
        return f"{OutputLayout.UNITS}/{unit_filename(unit_id)}"

    def page(self, unit_id: str) -> Path:
        return self.root / self.page_name(unit_id)

    def failed_notebook_name(self, unit_id: str) -> str:
        return f"{self.FAILED}/{Path(unit_filename(unit_id)).stem}.ipynb"

    def failed_notebook(self, unit_id: str) -> Path:
        return self.root / self.failed_notebook_name(unit_id)

    def asset(self, name: str) -> Path:
        return self.root / self.ASSETS / name

    def folders(self) -> tuple[Path, ...]:
        """Every folder the batch writes into (for cleaning up temporary files)."""
        return (self.root, *self.subfolders())

    def subfolders(self) -> tuple[Path, ...]:
        return (self.root / self.UNITS, self.root / self.FAILED, self.root / self.ASSETS)


# -- links, as seen from a unit page (units/<file>.html) ------------------------------------------------------
PAGE_TO_INDEX = f"../{OutputLayout.INDEX}"


def page_href(unit_id: str) -> str:
    """Link from one unit page to another (they share units/)."""
    return unit_filename(unit_id)


def page_to_download(name: str) -> str:
    """Link from a unit page to a file at the top of the folder (kpis.xlsx, kpis.csv)."""
    return f"../{name}"


def page_to_asset(name: str) -> str:
    """Link from a unit page to a shared asset."""
    return f"../{OutputLayout.ASSETS}/{name}"
