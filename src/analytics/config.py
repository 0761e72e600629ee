"""Where things are. The one module that knows paths; everything else asks it.

Files shipped with the package (the report and explorer notebooks, page templates, plotly bundles) are
found through `importlib.resources`, so a normal `pip install` works as well as a checkout. The project
folders (`data/raw`, `reports`) are those of the checkout when running from one, else the working
directory's.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

_PACKAGE = Path(str(files("analytics")))
_CHECKOUT = _PACKAGE.parents[1]
IN_CHECKOUT = (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "src" / "analytics").is_dir()
PROJ_ROOT = _CHECKOUT if IN_CHECKOUT else Path.cwd()

RAW_DATA_DIR = PROJ_ROOT / "data" / "raw"
REPORTS_DIR = PROJ_ROOT / "reports"


def resource(*parts: str) -> Path:
    """A file shipped inside the package, e.g. resource("notebooks", "unit_report.ipynb")."""
    return Path(str(files("analytics").joinpath(*parts)))


REPORT_NOTEBOOK = resource("notebooks", "unit_report.ipynb")
EXPLORE_NOTEBOOK = resource("notebooks", "explore.ipynb")
TEMPLATES_DIR = resource("report", "templates")


def processed_dir() -> Path:
    """Folder of the validated-data cache: $CAMPAIGN_ANALYTICS_CACHE, else data/processed in a checkout."""
    env = os.environ.get("CAMPAIGN_ANALYTICS_CACHE")
    if env:
        return Path(env)
    if IN_CHECKOUT:
        return PROJ_ROOT / "data" / "processed"
    return Path.home() / ".cache" / "campaign-analytics"


def resolve_data_dir(path: str | Path) -> Path:
    """A campaign folder as given, or, when relative and absent from the working directory, under the project."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    candidate = PROJ_ROOT / p
    return candidate if candidate.exists() else p
