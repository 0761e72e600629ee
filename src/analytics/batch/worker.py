"""The batch's unit workers: long-lived processes that run the report notebook and export its page.

A `UnitWorker` starts `python -m analytics.batch.worker` with this interpreter (no kernelspec is looked up, so a
stray user-level `python3` kernelspec cannot redirect it), in a session of its own (a terminal's Ctrl-C reaches
the batch, which stops its workers). The parent sends requests over a pipe and reads replies from another:

    warm code      the worker runs it in its shell (imports; then the campaign and its campaign-wide tables)
    render unit    papermill runs the notebook with the unit's parameters in the worker's IPython shell
                   (analytics.batch.inprocess), the worker exports the page and sends it back (or the error and
                   the executed notebook), then empties the shell's namespace for the next unit

A unit that takes longer than its timeout, or kills its process, fails alone: the worker is killed and a new one
started; its failed notebook is the parameterized notebook (the one to re-run with papermill). Modules, and with
them the campaign cache, stay loaded between units, as in a warm kernel.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from analytics.batch.warmup import IMPORTS

WORKER_MODULE = "analytics.batch.worker"


class WorkerDied(RuntimeError):
    """The worker process exited (killed, out of memory, or crashed) while it had a request."""


class UnitWorker:
    """One worker process reused for many units; replaced after a crash or a hang."""

    def __init__(self, cwd: Path | None = None, env: dict[str, str] | None = None, startup_timeout: float = 60):
        self.cwd = Path(cwd) if cwd else Path.cwd()
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._recv: Connection | None = None
        self._warm: list[tuple[str, float]] = []  # the warm-up code it ran, run again by a replacement

    def start(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = {**os.environ, "MPLBACKEND": "Agg", **self.env}
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULE, str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w), cwd=str(self.cwd), env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, start_new_session=True,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._send = Connection(to_child_w, readable=False)
        self._recv = Connection(from_child_r, writable=False)
        self._request(("ping",), self.startup_timeout)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def peak_mb(self) -> float | None:
        """The worker's peak resident memory (VmHWM), in MB; None where /proc is unavailable."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except (OSError, TypeError):
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def _request(self, message: tuple, timeout: float | None) -> Any:
        """Send one request and wait for its reply; WorkerDied, or TimeoutError after which the worker is killed."""
        if not self.alive or self._send is None or self._recv is None:
            raise WorkerDied(self._death())
        try:
            self._send.send(message)
            answered = self._recv.poll(timeout)
        except (EOFError, BrokenPipeError, ConnectionResetError):
            raise WorkerDied(self._death()) from None
        if not answered:
            self.kill()
            raise TimeoutError(f"the unit timed out after {timeout:g} s: its worker was stopped")
        try:
            return self._recv.recv()
        except (EOFError, ConnectionResetError):
            raise WorkerDied(self._death()) from None

    def _death(self) -> str:
        if self.proc is None:
            return "the worker was not started"
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "the worker stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the worker process died ({name})"
        return f"the worker process exited with status {code}"

    def warm_up(self, source: str = IMPORTS, timeout: float = 120) -> None:
        """Run code in the worker before its first unit, keeping no output; a failure of the code itself is not
        raised: it shows again, with its message, in the unit that meets it. A worker started again after a crash
        or a hang runs it again, under this timeout, not the next unit's."""
        self._request(("warm", source), timeout)
        self._warm.append((source, timeout))

    def render(self, notebook: str, parameters: dict[str, Any], title: str, language: str, assets: str,
               timeout: float, input_key: str = "") -> tuple[str | None, str | None, str | None]:
        """The unit's page, or its error and failed notebook, as (html, error, notebook text)."""
        if not self.alive:
            self.restart()
        return self._request(("render", notebook, parameters, title, language, assets, input_key), timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> None:
        """A new process in place of this one, warmed up as this one was (the imports, the campaign and its
        tables): the unit after a hung one is then given its whole timeout, as every other unit is."""
        self.shutdown()
        self.start()
        for source, timeout in self._warm:
            self._request(("warm", source), timeout)

    def shutdown(self) -> None:
        """Stop the worker: asked to exit, then killed if it does not within a few seconds."""
        for conn in (self._send, self._recv):
            if conn is not None:
                try:
                    conn.close()
                except OSError:
                    pass
        self._send = self._recv = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)  # the closed pipe ends its loop
            except subprocess.TimeoutExpired:
                self.kill()
            self.proc = None


# ----------------------------------------------------------------------------------------------------- the worker


def _watch_parent(parent: int) -> None:
    """Exit when the batch that started this worker is gone (killed without a chance to stop it)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


@functools.lru_cache(maxsize=2)
def _read(text: str):
    import nbformat

    return nbformat.reads(text, as_version=4)


def _render(shell, notebook: str, parameters: dict, title: str, language: str, assets: str,
            input_key: str) -> tuple[str | None, str | None, str | None]:
    import nbformat

    from analytics.batch.inprocess import inprocess_engine
    from analytics.batch.papermilled import describe, execute_in_memory
    from analytics.report.page import notebook_html

    holder: dict[str, Any] = {}
    try:
        nb = execute_in_memory(_read(notebook), parameters, engine_name=inprocess_engine(),
                               kernel_name="python3", shell=shell, holder=holder)
        return notebook_html(nb, title, language, assets, input_key=input_key), None, None
    except Exception as exc:  # noqa: BLE001 - the unit's failure, reported with its notebook
        done = holder.get("nb")
        return None, describe(exc), nbformat.writes(done) if done is not None else None


def main(argv: list[str]) -> int:
    from analytics.batch.papermilled import without_iri_grammar

    without_iri_grammar()
    requests = Connection(int(argv[0]), writable=False)
    replies = Connection(int(argv[1]), readable=False)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True, name="watch-parent").start()

    from analytics.batch.inprocess import CellShell
    from analytics.batch.warmup import reset_namespace

    shell = CellShell.start()
    # The batch closes its ends of the pipes to stop the worker, or is gone (interrupted, killed): either way the
    # worker's next read or write fails, and it exits quietly.
    try:
        while True:
            message = requests.recv()
            kind = message[0]
            if kind == "ping":
                replies.send(True)
            elif kind == "warm":
                shell.run_cell_outputs(message[1], silent=True)
                replies.send(True)
            elif kind == "render":
                replies.send(_render(shell, *message[1:]))
                reset_namespace(shell)
    except (EOFError, OSError):
        return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stderr.flush()
    # Nothing is left to write: skip the interpreter's teardown of the campaign and its tables (tenths of a second
    # that the batch would wait for before it exits).
    os._exit(code)
