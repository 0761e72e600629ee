"""papermill's own steps for one notebook, in memory: what the batch's kernels and workers run a unit with."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import nbformat


def without_iri_grammar() -> None:
    """In this process, keep jsonschema (imported by nbformat, for papermill and nbconvert) from building
    rfc3987-syntax's IRI grammar: a lark parser built at import, 0.9 s of CPU (1.9 s while the campaign is
    validated beside it), for the "iri" formats no notebook schema uses. jsonschema imports it only if it can,
    so it goes without those two format checks; nothing of a batch needs them."""
    if "jsonschema._format" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type] - None: "cannot be imported"


def describe(exc: BaseException) -> str:
    """One line for the manifest: the notebook's exception name and value, the OS's message, or the error."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue}".strip()
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}" + (f": {exc.filename}" if exc.filename else "")
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()


def execute_in_memory(nb: nbformat.NotebookNode, parameters: dict[str, Any], engine_name: str, kernel_name: str,
                      **engine_kwargs: Any) -> nbformat.NotebookNode:
    """papermill.execute_notebook(nb, None, parameters, ...) without its file round trip: the same steps, in
    papermill's own functions (the notebook's papermill metadata, the injected parameters cell, error markers, the
    exception of a failed cell), but the notebook is copied instead of written to JSON and read back (validated
    twice), and the executed notebook is not serialised for an output path that is None. Unknown parameters are
    not looked for: the batch passes the notebook's own."""
    from papermill.engines import papermill_engines
    from papermill.execute import raise_for_execution_errors

    work = parameterized(nb, parameters, engine_name, kernel_name)
    kernel_name = papermill_engines.nb_kernel_name(engine_name=engine_name, nb=work, name=kernel_name)
    work = papermill_engines.execute_notebook_with_engine(
        engine_name, work, input_path=nb, output_path=None, kernel_name=kernel_name, progress_bar=False,
        log_output=False, start_timeout=60, stdout_file=None, stderr_file=None, **engine_kwargs,
    )
    raise_for_execution_errors(work, None)
    return work


def parameterized(nb: nbformat.NotebookNode, parameters: dict[str, Any], engine_name: str | None,
                  kernel_name: str) -> nbformat.NotebookNode:
    """The notebook as papermill has it just before running it: its papermill metadata, the parameters cell
    injected after the `parameters` cell, earlier error markers removed (a copy; `nb` is left as it is)."""
    import nbformat
    from papermill.execute import prepare_notebook_metadata, remove_error_markers
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
    return remove_error_markers(work)
