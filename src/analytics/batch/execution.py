"""One unit, start to page: run the report notebook on a warm kernel and export it, without writing files.

Shared by the local worker pool and the Dask workers; the caller stores the result.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError

from analytics.batch.kernels import WarmKernel, warm_engine
from analytics.report.layout import AssetMode
from analytics.report.page import notebook_html

log = logging.getLogger(__name__)

# Errors after which the kernel cannot be trusted for the next unit: it died, or a cell (or a reply) never came.
# A PapermillExecutionError is the notebook's own exception: the kernel is fine.
KERNEL_FAULTS: tuple[type[BaseException], ...] = (DeadKernelError, CellTimeoutError, TimeoutError, RuntimeError)


@dataclass
class Rendered:
    """The outcome of one unit: its page, or the error and the executed notebook for debugging."""

    unit_id: str
    html: str | None
    error: str | None
    failed_notebook: str | None
    duration_s: float


def describe(exc: BaseException) -> str:
    """One line for the manifest: the notebook's exception name and value, the OS's message, or the error."""
    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue}".strip()
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}" + (f": {exc.filename}" if exc.filename else "")
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()


def prepare() -> None:
    """Build, in this process, what the first unit's page needs (papermill's engine, the page exporter and its
    compiled templates: 0.2 s beyond the imports), so that it is done while the kernels start."""
    warm_engine()
    notebook_html(nbformat.v4.new_notebook(), "", "en", AssetMode.SHARED)


def render_unit(kernel: WarmKernel, notebook: nbformat.NotebookNode, parameters: dict[str, Any], title: str,
                language: str, assets: str, timeout: float, input_key: str = "") -> Rendered:
    """Execute the notebook for one unit and export its page; a failure becomes a failed result."""
    start = time.perf_counter()
    holder: dict[str, Any] = {}
    unit_id = str(parameters.get("unit_id"))
    try:
        nb = kernel.execute(notebook, parameters, timeout, holder)
        page = notebook_html(nb, title, language, assets, input_key=input_key)
        return Rendered(unit_id, page, None, None, round(time.perf_counter() - start, 3))
    except Exception as exc:  # one unit's failure must not stop the batch
        error = describe(exc)
        if isinstance(exc, KERNEL_FAULTS) or not kernel.alive:
            log.warning("kernel for %s died or hung (%s); starting a new one", unit_id, error)
            try:
                kernel.restart()
            except Exception as restart_exc:  # noqa: BLE001 - the next unit reports it
                log.error("could not restart the kernel: %s", restart_exc)
        nb = holder.get("nb")
        text = nbformat.writes(nb) if nb is not None else None
        return Rendered(unit_id, None, error, text, round(time.perf_counter() - start, 3))
