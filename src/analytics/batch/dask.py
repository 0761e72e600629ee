"""Spread a batch's units over a dask.distributed cluster (`pip install 'campaign-analytics[dask]'`).

Each Dask worker process keeps its own unit workers (analytics.batch.worker, one per worker thread) and, inside
them, its own campaign cache, so a worker pays the start-up once. Workers need the campaign folder at the same path
(a shared or replicated file system); they return pages and failures to the client, which writes every
file itself, atomically, into one manifest, so the output folder needs to exist only on the client.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from analytics.batch.execution import Rendered, render_unit
from analytics.batch.papermilled import describe
from analytics.batch.worker import UnitWorker
from analytics.errors import UsageError

# Per Dask worker process: one unit worker per executing thread.
_KERNELS: dict[int, UnitWorker] = {}
_LOCK = threading.Lock()


def _worker_kernel(cwd: str, env: dict[str, str]) -> UnitWorker:
    ident = threading.get_ident()
    with _LOCK:
        kernel = _KERNELS.get(ident)
        if kernel is None:
            kernel = UnitWorker(cwd=Path(cwd), env=env)
            _KERNELS[ident] = kernel
            if len(_KERNELS) == 1:
                atexit.register(_shutdown_all)
    if not kernel.alive:
        kernel.restart()
        kernel.warm_up()
    return kernel


def _shutdown_all() -> None:
    for kernel in list(_KERNELS.values()):
        kernel.shutdown()
    _KERNELS.clear()


def render_on_worker(spec: dict[str, Any], unit_id: str, title: str, input_key: str) -> Rendered:
    """Task run on a Dask worker: one unit on this worker's unit worker."""
    try:
        kernel = _worker_kernel(spec["cwd"], spec["env"])
        parameters = {**spec["parameters"], "unit_id": unit_id}
        return render_unit(kernel, spec["notebook"], parameters, title, spec["language"], spec["assets"],
                           spec["timeout"], input_key)
    except Exception as exc:  # noqa: BLE001 - a worker-side failure is this unit's failure
        return Rendered(unit_id, None, f"worker: {describe(exc)}", None, 0.0)


@contextmanager
def dask_client(scheduler: str, jobs: int) -> Iterator[Any]:
    """A client on the given scheduler address, or on a LocalCluster of `jobs` single-thread workers."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError("the dask executor needs: pip install 'campaign-analytics[dask]'") from None
    if scheduler == "local":
        with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                          host="127.0.0.1") as cluster, Client(cluster) as client:
            yield client
    else:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client


def run_on_dask(scheduler: str, jobs: int, spec: dict[str, Any], units: list[str], titles: dict[str, str],
                keys: dict[str, str], store: Callable[[Rendered], None]) -> None:
    """Submit every unit, store each outcome as it arrives (in completion order)."""
    from distributed import as_completed

    with dask_client(scheduler, jobs) as client:
        futures = [client.submit(render_on_worker, spec, uid, titles[uid], keys[uid], key=f"unit-{i}-{uid[:40]}", pure=False)
                   for i, uid in enumerate(units)]
        by_key = {f.key: uid for f, uid in zip(futures, units, strict=True)}
        for future in as_completed(futures):
            uid = by_key[future.key]
            try:
                done = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its unit, not the batch
                done = Rendered(uid, None, f"dask: {describe(exc)}", None, 0.0)
            store(done)
