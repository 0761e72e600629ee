"""Batches: options, output layout, warm kernels, one unit's execution, incremental keys, Dask.

    from analytics.batch import BatchOptions, run_batch
"""

from analytics.batch.runner import LOCK_FILE, BatchOptions, BatchResult, UnitResult, run_batch

__all__ = ["LOCK_FILE", "BatchOptions", "BatchResult", "UnitResult", "run_batch"]
