"""Batch parameter files: small YAML with the notebook's parameter names plus the batch options."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from analytics.config import resolve_data_dir
from analytics.errors import UsageError

KEYS = {
    "data_dir": "campaign folder",
    "out": "output folder",
    "units": "list of unit ids (default: all)",
    "as_of": "date YYYY-MM-DD",
    "jobs": "number of parallel kernels",
    "assets": "self_contained or shared",
    "language": "zh or en",
    "tolerance": "pace tolerance in points",
    "timeout": "seconds per unit",
    "force": "re-render up-to-date units",
    "executor": "local or dask",
    "scheduler": "Dask scheduler address or 'local'",
}


def read_parameters(path: Path) -> dict[str, Any]:
    """Parse a parameter file with safe loading; unknown keys and wrong types are usage errors."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read parameter file {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path} is not valid YAML: {exc}") from None
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise UsageError(f"{path} must be a mapping of parameter names to values")
    unknown = sorted(set(map(str, doc)) - set(KEYS))
    if unknown:
        raise UsageError(f"{path}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(KEYS)}")
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if value is None:
            continue
        if key in ("data_dir", "out"):
            out[key] = str(value)
        elif key == "units":
            if isinstance(value, str | int):
                value = [value]
            if not isinstance(value, list):
                raise UsageError(f"{path}: units must be a list of unit ids")
            out[key] = [str(v) for v in value]
        elif key == "as_of":
            out[key] = _date(value, path)
        elif key == "jobs":
            out[key] = _typed(value, int, key, path)
        elif key in ("tolerance", "timeout"):
            out[key] = float(_typed(value, int | float, key, path))
        elif key == "force":
            out[key] = _typed(value, bool, key, path)
        else:
            out[key] = str(value)
    return out


def _typed(value: Any, kind, key: str, path: Path):
    if isinstance(value, bool) and kind is not bool:
        raise UsageError(f"{path}: {key} must be a number, not {value!r}")
    if not isinstance(value, kind):
        raise UsageError(f"{path}: {key} has the wrong type ({value!r})")
    return value


def _date(value: Any, path: Path) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(f"{path}: as_of must be a date as YYYY-MM-DD, not {value!r}") from None


def resolve_paths(params: dict[str, Any]) -> dict[str, Any]:
    """data_dir relative to the working directory, else to the project root."""
    if "data_dir" in params:
        params["data_dir"] = resolve_data_dir(params["data_dir"])
    if "out" in params:
        params["out"] = Path(params["out"])
    return params
