"""A papermill engine that runs a notebook's cells in an IPython shell of this process: the batch's workers.

    shell = CellShell.start()                         # once per worker process
    nb = execute_in_memory(nb, parameters, engine_name=inprocess_engine(), kernel_name="python3", shell=shell)

papermill still does everything it does for a kernel (the parameters cell injected after the `parameters` cell,
its metadata, the error markers, PapermillExecutionError for a failed cell); only the cells are run by IPython
itself instead of through a Jupyter kernel's messages: every `display()`, the value of a cell's last line, the
text printed and the error's traceback become the cell's outputs, as nbclient would record them from a kernel's
messages. That saves a kernel's message traffic (about sixty displays a page, each sent, received, validated
and merged into the notebook) and leaves the executed notebook a real papermill notebook, the same one a user
re-runs with `papermill`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import sys
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

ENGINE_NAME = "campaign-analytics-inprocess"
# What ipykernel's kernel_info reply says of the language (nbclient records it in the notebook's metadata).
LANGUAGE_INFO = {
    "name": "python", "version": sys.version.split()[0], "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3",
    "nbconvert_exporter": "python", "file_extension": ".py",
}


class _Outputs:
    """The outputs of the cell being run, in nbformat's shape (what nbclient makes of a kernel's messages)."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._clear_on_next = False

    def add(self, output: dict[str, Any]) -> None:
        if self._clear_on_next:
            self.items.clear()
            self._clear_on_next = False
        self.items.append(output)

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.items[-1] if self.items and not self._clear_on_next else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.add({"output_type": "stream", "name": name, "text": text})

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_on_next = True
        else:
            self.items.clear()


class _Stream(io.TextIOBase):
    """sys.stdout / sys.stderr while a cell runs: text becomes a stream output."""

    def __init__(self, shell: CellShell, name: str):
        self._shell, self.name = shell, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._shell.outputs.stream(self.name, text)
        return len(text)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


class _Publisher(DisplayPublisher):
    """`display()`: a display_data output."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs) -> None:
        self.shell.outputs.add({"output_type": "display_data", "data": dict(data), "metadata": dict(metadata or {})})

    def clear_output(self, wait: bool = False) -> None:
        self.shell.outputs.clear(wait)


class _Hook(DisplayHook):
    """A cell's last value: an execute_result output (nothing for an object that displays itself)."""

    def start_displayhook(self) -> None:
        pass

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.outputs.add({"output_type": "execute_result", "data": dict(format_dict),
                                "metadata": dict(md_dict or {}), "execution_count": self.prompt_count})

    def finish_displayhook(self) -> None:
        pass


class CellShell(InteractiveShell):
    """The IPython shell of a batch worker: no history database, no terminal; outputs collected per cell."""

    display_pub_class = _Publisher
    displayhook_class = _Hook

    @classmethod
    def start(cls) -> CellShell:
        config = Config()
        config.HistoryManager.enabled = False
        shell = cls.instance(config=config)
        shell.outputs = _Outputs()
        return shell

    def transform_cell(self, raw_cell: str) -> str:
        """IPython's input transformation (magics, `!`, `?`), remembered per source: every unit runs the same
        cells, and the transformation tokenises each one (1–2 ms a page)."""
        cache = self.__dict__.setdefault("_transformed", {})
        done = cache.get(raw_cell)
        if done is None:
            done = super().transform_cell(raw_cell)
            if len(cache) < 256:
                cache[raw_cell] = done
        return done

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.outputs.add({"output_type": "error", "ename": str(etype.__name__), "evalue": str(evalue),
                          "traceback": list(stb)})

    def run_cell_outputs(self, source: str, silent: bool = False) -> tuple[list[dict[str, Any]], bool, int | None]:
        """Run one cell: its outputs, whether it raised, and its execution count (None when silent)."""
        self.outputs = _Outputs()
        count = None if silent else self.execution_count
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream(self, "stdout"), _Stream(self, "stderr")
        try:
            result = self.run_cell(source, store_history=not silent, silent=silent)
        finally:
            sys.stdout, sys.stderr = saved
        return self.outputs.items, not result.success, count


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


def _execute_cells(nb_man, shell: CellShell) -> None:
    """Run each code cell as nbclient does: skip empty and non-code cells, record outputs, execution count and
    timing, and stop at the first error (unless the cell is tagged raises-exception)."""
    from nbformat import from_dict

    nb = nb_man.nb
    for index, cell in enumerate(nb.cells):
        try:
            nb_man.cell_start(cell, index)
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            started = _now()
            cell.outputs = []
            outputs, failed, count = shell.run_cell_outputs(cell.source)
            cell.outputs = [from_dict(o) for o in outputs]
            cell.execution_count = count
            done = _now()
            cell.metadata["execution"] = {"iopub.status.busy": started, "iopub.execute_input": started,
                                          "shell.execute_reply": done, "iopub.status.idle": done}
            if failed and "raises-exception" not in cell.metadata.get("tags", []):
                nb_man.cell_exception(cell, cell_index=index)
                break
        finally:
            nb_man.cell_complete(nb.cells[index], cell_index=index)


@functools.cache
def inprocess_engine() -> str:
    """papermill's engine running cells in the `shell` given to it, registered once; its name."""
    from papermill.engines import Engine, NotebookExecutionManager, catch_nb_assignment, papermill_engines

    class Manager(NotebookExecutionManager):
        """papermill's manager; a cell's duration from its start time read with `datetime.fromisoformat` (the
        ISO text papermill wrote) instead of dateutil's parser, 2 ms a page."""

        @catch_nb_assignment
        def cell_complete(self, cell, cell_index=None, **kwargs):
            end_time = self.now()
            if self.log_output:
                sys.stdout.flush()
                sys.stderr.flush()
            cell.metadata.papermill["end_time"] = end_time.isoformat()
            started = cell.metadata.papermill.get("start_time")
            if started:
                cell.metadata.papermill["duration"] = (end_time - dt.datetime.fromisoformat(started)).total_seconds()
            if cell.metadata.papermill["status"] != self.FAILED:
                cell.metadata.papermill["status"] = self.COMPLETED
            self.save()
            if self.pbar:
                self.pbar.update(1)

    class InProcessEngine(Engine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, **kwargs: Any):
            """Engine.execute_notebook with the manager above."""
            nb_man = Manager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                             autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs: Any):
            holder = kwargs.get("holder")
            if holder is not None:
                holder["nb"] = nb_man.nb
            shell = kwargs["shell"]
            shell.execution_count = 1
            nb_man.nb.metadata["language_info"] = dict(LANGUAGE_INFO)  # as nbclient records a kernel's
            _execute_cells(nb_man, shell)

    papermill_engines.register(ENGINE_NAME, InProcessEngine)
    return ENGINE_NAME
