"""Batch parameter files (parameters/*.yaml): the keys are the names of `RUN_OPTIONS`, checked by its rules.

    data_dir: data/raw/weishi
    units: [WS, WS-T01]
    as_of: 2010-05-15
    language: en
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analytics.batch.options import RUN_OPTIONS
from analytics.options import read_parameter_file


def read_parameters(path: Path) -> dict[str, Any]:
    """A parameter file: option name -> parsed value; a bad file, key or value is one clear UsageError."""
    return read_parameter_file(path, RUN_OPTIONS)
