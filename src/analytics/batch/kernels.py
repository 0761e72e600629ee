"""Long-lived Jupyter kernels for batches, pinned to this interpreter, driven through papermill.

A `WarmKernel` starts one ipykernel with `sys.executable` (never a kernelspec looked up by name, so a stray
user-level `python3` kernelspec cannot redirect it) over IPC sockets in a private folder (no TCP ports, so
parallel workers never race for one). `execute` runs a notebook through papermill on that kernel after
resetting the user namespace; modules, and with them the campaign cache, stay loaded.

Starting a kernel needs jupyter_client only: papermill and nbformat (about 0.6 s of imports) are loaded by the
first `execute`, so a batch's kernels start at once, while the campaign is validated.
"""

from __future__ import annotations

import asyncio
import functools
import os
import queue
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from analytics.batch.warmup import IMPORTS

if TYPE_CHECKING:
    import nbformat

ENGINE_NAME = "campaign-analytics-warm"
# reset() without %reset's gc.collect(), which costs tens of milliseconds per unit on a warm heap.
RESET_SOURCE = "get_ipython().reset(new_session=False)"
class PinnedKernelSpecManager(KernelSpecManager):
    """Every kernel name resolves to an ipykernel on the running interpreter."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}",
                  "--HistoryManager.enabled=False"],
            display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} ({sys.executable})",
            language="python",
            resource_dir="",
            env={"PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": "Agg"},
        )

    def find_kernel_specs(self) -> dict[str, str]:
        return {"python3": ""}


@functools.cache
def warm_engine() -> str:
    """papermill's nbclient engine on a kernel that outlives the notebook, registered once; its name."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger as papermill_logger

    class WarmEngine(NBClientEngine):
        """Hands back the executed notebook (in `holder`) and runs on the kernel's connected client."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs: Any):
            holder = kwargs.pop("holder", None)
            if holder is not None:
                holder["nb"] = nb_man.nb
            kc = kwargs.pop("kc", None)
            log_output = kwargs.pop("log_output", False)
            start_timeout = kwargs.pop("start_timeout", 60)
            execution_timeout = kwargs.pop("execution_timeout", None)
            kwargs.pop("input_path", None)
            kwargs.pop("stdout_file", None)
            kwargs.pop("stderr_file", None)
            client = PapermillNotebookClient(
                nb_man, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log_output=log_output, log=papermill_logger, **kwargs,
            )
            # Reusing the kernel's connected client skips a channel start-up and ready handshake (~0.2 s) per unit.
            client.kc = kc
            return client.execute()

    papermill_engines.register(ENGINE_NAME, WarmEngine)
    return ENGINE_NAME


class WarmKernel:
    """One kernel process reused for many notebooks; replace it with `restart()` after a crash or hang."""

    def __init__(self, cwd: Path | None = None, startup_timeout: float = 60, env: dict[str, str] | None = None):
        self.cwd = Path(cwd) if cwd else Path.cwd()
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self._dir = Path(tempfile.mkdtemp(prefix="ca-kernel-"))
        self.km: AsyncKernelManager | None = None
        self.kc = None
        self.executed = 0

    def start(self) -> None:
        km = AsyncKernelManager(
            kernel_name="python3", kernel_spec_manager=PinnedKernelSpecManager(), transport="ipc"
        )
        km.ip = str(self._dir / "k")
        km.connection_file = str(self._dir / "connection.json")
        env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": "Agg", **self.env}
        run_sync(km.start_kernel)(cwd=str(self.cwd), env=env)
        kc = km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
        except BaseException:
            kc.stop_channels()
            raise
        self.km, self.kc = km, kc
        self.executed = 0

    def warm_up(self, source: str = IMPORTS, timeout: float = 120) -> None:
        """Run code in the kernel before its first notebook (by default import the report's modules), keeping no
        output; a failure is not raised: it shows again, with its message, in the unit that meets it."""
        msg_id = self.kc.execute(source, silent=True, store_history=False)
        run_sync(self._until_idle)(msg_id, timeout)

    async def _until_idle(self, msg_id: str, timeout: float) -> None:
        """Read the shell reply and the iopub messages of one request until the kernel is idle again, so that
        none is left for the next notebook's client."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        replied = idle = False
        while not (replied and idle):
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"the kernel did not finish warming up in {timeout:.0f} s")
            if not replied:
                try:
                    reply = await self.kc.get_shell_msg(timeout=min(left, 0.05))
                    replied = reply["parent_header"].get("msg_id") == msg_id
                except queue.Empty:
                    pass
            try:
                msg = await self.kc.get_iopub_msg(timeout=min(left, 0.05))
            except queue.Empty:
                continue
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"):
                idle = True

    @property
    def alive(self) -> bool:
        return self.km is not None and bool(run_sync(self.km.is_alive)())

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def peak_mb(self) -> float | None:
        """The kernel process's peak resident memory (VmHWM), in MB; None where /proc is unavailable."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except (OSError, TypeError):
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def restart(self) -> None:
        """Kill the kernel (it may be hung or dead) and start a fresh one."""
        self.shutdown()
        self._dir = Path(tempfile.mkdtemp(prefix="ca-kernel-"))
        self.start()

    def shutdown(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # already dead: nothing to stop
                pass
            self.km = None
        shutil.rmtree(self._dir, ignore_errors=True)

    def execute(self, nb: nbformat.NotebookNode, parameters: dict[str, Any], timeout: float | None,
                holder: dict[str, Any]) -> nbformat.NotebookNode:
        """Run a notebook with papermill on this kernel after resetting the user namespace."""
        import nbformat

        if not self.alive:
            self.restart()
        work = nbformat.from_dict(nb)
        reset = nbformat.v4.new_code_cell(RESET_SOURCE)
        reset.metadata["tags"] = ["remove-cell", "campaign-analytics-reset"]
        work.cells.insert(0, reset)
        try:
            out = execute_in_memory(
                work, parameters, engine_name=warm_engine(), kernel_name="python3", km=self.km, kc=self.kc,
                execution_timeout=timeout, holder=holder,
            )
        finally:
            done = holder.get("nb")
            if done is not None and done.cells and "campaign-analytics-reset" in done.cells[0].metadata.get(
                "tags", []
            ):
                done.cells.pop(0)
        self.executed += 1
        return out


def execute_in_memory(nb: nbformat.NotebookNode, parameters: dict[str, Any], engine_name: str, kernel_name: str,
                      **engine_kwargs: Any) -> nbformat.NotebookNode:
    """papermill.execute_notebook(nb, None, parameters, ...) without its file round trip: the same steps, in
    papermill's own functions (the notebook's papermill metadata, the injected parameters cell, error markers, the
    exception of a failed cell), but the notebook is copied instead of written to JSON and read back (validated
    twice), and the executed notebook is not serialised for an output path that is None. Unknown parameters are
    not looked for: the batch passes the notebook's own."""
    import nbformat
    from papermill.engines import papermill_engines
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.parameterize import parameterize_notebook
    from papermill.version import version as papermill_version

    work = nbformat.from_dict(nb)  # load_notebook_node, without the JSON text in between
    upgraded = nbformat.v4.upgrade(work)
    if upgraded is not None:
        work = upgraded
    if not hasattr(work.metadata, "papermill"):
        work.metadata["papermill"] = {"default_parameters": {}, "parameters": {}, "environment_variables": {},
                                      "version": papermill_version}
    for cell in work.cells:
        if not hasattr(cell.metadata, "tags"):
            cell.metadata["tags"] = []
        if not hasattr(cell.metadata, "papermill"):
            cell.metadata["papermill"] = {}
    if parameters:
        work = parameterize_notebook(work, parameters, False, kernel_name=kernel_name, language=None,
                                     engine_name=engine_name)
    work = prepare_notebook_metadata(work, nb, None, False)
    work = remove_error_markers(work)
    kernel_name = papermill_engines.nb_kernel_name(engine_name=engine_name, nb=work, name=kernel_name)
    work = papermill_engines.execute_notebook_with_engine(
        engine_name, work, input_path=nb, output_path=None, kernel_name=kernel_name, progress_bar=False,
        log_output=False, start_timeout=60, stdout_file=None, stderr_file=None, **engine_kwargs,
    )
    raise_for_execution_errors(work, None)
    return work
