"""One unit, start to page, on a batch worker (analytics.batch.worker), without writing files.

Shared by the local pool and the Dask workers; the caller stores the result.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analytics.batch.papermilled import describe

if TYPE_CHECKING:
    from analytics.batch.worker import UnitWorker

log = logging.getLogger(__name__)


@dataclass
class Rendered:
    """The outcome of one unit: its page, or the error and the executed notebook for debugging."""

    unit_id: str
    html: str | None
    error: str | None
    failed_notebook: str | None
    duration_s: float


def render_unit(worker: UnitWorker, notebook: str, parameters: dict[str, Any], title: str,
                language: str, assets: str, timeout: float, input_key: str = "") -> Rendered:
    """Run the notebook (its JSON text) for one unit on `worker` and get its page; a failure becomes a failed result.

    A unit whose worker died or did not finish in `timeout` seconds fails alone: its failed notebook is the
    parameterized one (the notebook to re-run with papermill), and the worker is replaced for the next unit."""
    start = time.perf_counter()
    unit_id = str(parameters.get("unit_id"))
    try:
        html, error, text = worker.render(notebook, parameters, title, language, assets, timeout, input_key)
    except Exception as exc:  # noqa: BLE001 - the worker died or hung: this unit fails, the batch goes on
        html, error, text = None, describe(exc), None
        log.warning("worker for %s died or hung (%s); starting a new one", unit_id, error)
        try:
            text = parameterized_text(notebook, parameters)
        except Exception as nb_exc:  # noqa: BLE001 - the unit still fails with its own error
            log.error("could not write the notebook of %s: %s", unit_id, nb_exc)
        try:
            worker.restart()
        except Exception as restart_exc:  # noqa: BLE001 - the next unit reports it
            log.error("could not restart the worker: %s", restart_exc)
    return Rendered(unit_id, html, error, text, round(time.perf_counter() - start, 3))


def parameterized_text(notebook: str, parameters: dict[str, Any]) -> str:
    """The notebook with these parameters injected, as papermill has it before running it, as JSON text."""
    import nbformat

    from analytics.batch.papermilled import parameterized

    return nbformat.writes(parameterized(nbformat.reads(notebook, as_version=4), parameters, None, "python3"))
