"""Batches: options, the output folder, the manifest, the quick re-run, warm kernels and their pool, one unit's
execution, incremental keys, the summary files, Dask.

    from analytics.batch import BatchOptions, run_batch

Names are imported on first use, so `analytics.batch.options` (the command line's options) loads without
the notebook machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analytics.batch.options import BatchOptions
    from analytics.batch.runner import LOCK_FILE, BatchResult, UnitResult, run_batch

__all__ = ["LOCK_FILE", "BatchOptions", "BatchResult", "UnitResult", "run_batch"]
_WHERE = {"BatchOptions": "analytics.batch.options", **{n: "analytics.batch.runner" for n in __all__ if n != "BatchOptions"}}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
