"""Where things are. The one module that knows paths; everything else asks it."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parents[1]
_IN_CHECKOUT = (PROJ_ROOT / "pyproject.toml").exists()

RAW_DATA_DIR = PROJ_ROOT / "data" / "raw"
REPORTS_DIR = PROJ_ROOT / "reports"
PARAMETERS_DIR = PROJ_ROOT / "parameters"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
TEMPLATES_DIR = PACKAGE_DIR / "templates"


def processed_dir() -> Path:
    """Folder of the validated-data cache: $CAMPAIGN_ANALYTICS_CACHE, else data/processed in a checkout."""
    env = os.environ.get("CAMPAIGN_ANALYTICS_CACHE")
    if env:
        return Path(env)
    if _IN_CHECKOUT:
        return PROJ_ROOT / "data" / "processed"
    return Path.home() / ".cache" / "campaign-analytics"


def resolve_data_dir(path: str | Path) -> Path:
    """A campaign folder as given, or, when relative and absent from the working directory, under the project."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    candidate = PROJ_ROOT / p
    return candidate if candidate.exists() else p
