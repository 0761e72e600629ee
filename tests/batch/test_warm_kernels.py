"""Warm kernels: isolation between units, faults survived, interpreter pinning, incremental re-runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analytics.batch import BatchOptions, run_batch
from analytics.report.layout import unit_filename

from builders import SHUNHE, UNIT_NOTEBOOK

STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间，UTC\+8）")

pytestmark = pytest.mark.slow


def _notebook_with(tmp_path: Path, source: str) -> Path:
    """The unit report notebook with one extra cell right after the parameters."""
    nb = nbformat.read(UNIT_NOTEBOOK, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    path = tmp_path / "notebook.ipynb"
    nbformat.write(nb, path)
    return path


def test_warm_kernel_page_equals_fresh_kernel_page(tmp_path, cache_dir):
    alone = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=tmp_path / "alone", units=["SH-C06"]))
    warm = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=tmp_path / "warm",
                                  units=["SH", "SH-C01", "SH-C05-B01", "SH-C06"], jobs=1))
    assert alone.exit_code == warm.exit_code == 0
    page = f"units/{unit_filename('SH-C06')}"
    a = STAMP.sub("<time>", (tmp_path / "alone" / page).read_text(encoding="utf-8"))
    b = STAMP.sub("<time>", (tmp_path / "warm" / page).read_text(encoding="utf-8"))
    assert a == b


def test_user_variables_do_not_leak_between_units(tmp_path, cache_dir):
    nb = _notebook_with(tmp_path, 'assert "leak" not in globals(), "state leaked"\nleak = unit_id')
    result = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=tmp_path / "o", notebook=nb,
                                    units=["SH", "SH-C01", "SH-C02"]))
    assert [u.status for u in result.units] == ["rendered"] * 3


def test_killed_kernel_fails_only_its_unit(tmp_path, cache_dir):
    nb = _notebook_with(tmp_path, 'import os, signal\nif unit_id == "SH-C02":\n    os.kill(os.getpid(), signal.SIGKILL)')
    result = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=tmp_path / "o", notebook=nb,
                                    units=["SH-C01", "SH-C02", "SH-C03", "SH-C04"]))
    status = {u.unit_id: u.status for u in result.units}
    assert status == {"SH-C01": "rendered", "SH-C02": "failed", "SH-C03": "rendered", "SH-C04": "rendered"}
    failed = next(u for u in result.units if u.status == "failed")
    assert "kernel" in failed.error.lower() or "died" in failed.error.lower()
    assert result.exit_code == 1


def test_hung_unit_times_out_and_the_rest_finish(tmp_path, cache_dir):
    nb = _notebook_with(tmp_path, 'import time\nif unit_id == "SH-C02":\n    time.sleep(120)')
    result = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=tmp_path / "o", notebook=nb, timeout=5,
                                    units=["SH-C01", "SH-C02", "SH-C03"]))
    status = {u.unit_id: u.status for u in result.units}
    assert status == {"SH-C01": "rendered", "SH-C02": "failed", "SH-C03": "rendered"}
    failed = next(u for u in result.units if u.status == "failed")
    assert failed.duration_s < 60
    assert "timeout" in failed.error.lower() or "timed out" in failed.error.lower(), failed.error


def test_a_bogus_user_kernelspec_is_not_used(tmp_path, cache_dir):
    data_dir = tmp_path / "jupyter"
    spec = data_dir / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["/nonexistent/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "bogus", "language": "python"}), encoding="utf-8")
    env = {**os.environ, "JUPYTER_DATA_DIR": str(data_dir), "JUPYTER_PATH": str(data_dir)}
    out = tmp_path / "o"
    done = subprocess.run([sys.executable, "-m", "analytics", "run", "--data", str(SHUNHE), "--out", str(out),
                           "--units", "SH-C01"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "units" / unit_filename("SH-C01")).is_file()
    # the stray spec really is what a plain lookup would pick
    check = subprocess.run([sys.executable, "-c", "from jupyter_client.kernelspec import KernelSpecManager as K;"
                            "print(K().get_kernel_spec('python3').argv[0])"], env=env, capture_output=True, text=True)
    assert check.stdout.strip() == "/nonexistent/python3"


def test_only_the_changed_unit_and_its_ancestors_rerender(tmp_path, cache_dir):
    data = tmp_path / "shunhe"
    shutil.copytree(SHUNHE, data)
    out = tmp_path / "o"
    units = ["SH", "SH-C01", "SH-C01-B01", "SH-C01-B02", "SH-C02", "SH-C02-B01"]
    first = run_batch(BatchOptions(data_dir=data, out_dir=out, units=units, jobs=2))
    assert {u.status for u in first.units} == {"rendered"}
    again = run_batch(BatchOptions(data_dir=data, out_dir=out, units=units, jobs=2))
    assert {u.status for u in again.units} == {"up_to_date"}
    visits = (data / "visits.csv").read_text(encoding="utf-8-sig").splitlines()
    header, rows = visits[0], visits[1:]
    unit_col = header.split(",").index("单位编码")
    persons_col = header.split(",").index("人次")
    i = next(i for i, r in enumerate(rows) if r.split(",")[unit_col] == "SH-C01-B02")
    cells = rows[i].split(",")
    cells[persons_col] = str(int(cells[persons_col]) + 1)
    rows[i] = ",".join(cells)
    (data / "visits.csv").write_text("\ufeff" + "\n".join([header, *rows]) + "\n", encoding="utf-8")
    third = run_batch(BatchOptions(data_dir=data, out_dir=out, units=units, jobs=2))
    redone = {u.unit_id for u in third.units if u.status == "rendered"}
    # the leaf and its ancestors; Shunhe has an appraisal, so also the pages whose rank among siblings can
    # move: B02's sibling B01 and C01's sibling C02 (C02-B01's rank is among C02's children: untouched)
    assert redone == {"SH-C01-B02", "SH-C01", "SH", "SH-C01-B01", "SH-C02"}
    forced = run_batch(BatchOptions(data_dir=data, out_dir=out, units=units, force=True))
    assert {u.status for u in forced.units} == {"rendered"}


def test_started_kernels_run_the_load_code_before_they_are_taken(tmp_path):
    from analytics.batch.pool import KernelStarter

    marker = tmp_path / "loaded"
    starter = KernelStarter(1, tmp_path, {})
    starter.load(f"open({str(marker)!r}, 'w').close()")
    kernel = starter.take()
    try:
        assert marker.is_file()  # written in the kernel, before take() handed it over
        assert kernel.alive
        assert _processes_in(tmp_path) == [kernel.pid]
    finally:
        kernel.shutdown()
        starter.close()


def test_a_worker_started_again_runs_its_warm_up_again(tmp_path):
    """After a crash or a hang the replacement process is warmed up as the first was, before the next unit (whose
    timeout would otherwise pay for the imports and the campaign's tables: a unit after a hung one failed on a
    busy machine)."""
    from analytics.batch.worker import UnitWorker

    worker = UnitWorker(cwd=tmp_path)
    worker.start()
    try:
        worker.warm_up(f"import os, pathlib\npathlib.Path({str(tmp_path)!r}, f'warm-{{os.getpid()}}').touch()")
        first = worker.pid
        worker.restart()
        assert worker.pid != first
        assert sorted(p.name for p in tmp_path.glob("warm-*")) == sorted([f"warm-{first}", f"warm-{worker.pid}"])
    finally:
        worker.shutdown()


def test_kernels_nobody_takes_skip_the_load_code_and_leave_no_process(tmp_path):
    from analytics.batch.pool import KernelStarter

    marker = tmp_path / "loaded"
    starter = KernelStarter(1, tmp_path, {})
    starter.close()  # before load(): a run that found nothing to render
    starter.load(f"open({str(marker)!r}, 'w').close()")
    assert not marker.exists()
    assert _processes_in(tmp_path) == []  # the kernel ran in tmp_path: none is left


def _processes_in(folder: Path) -> list[int]:
    """Ids of the processes whose working folder is `folder`."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if os.readlink(proc / "cwd") == str(folder):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _without_times(nb: nbformat.NotebookNode) -> dict:
    """The notebook as JSON, its run's times, execution counts (a kernel that ran before: also "In [4]" in an error's
    text) and the random ids papermill gives the cells it adds (parameters, error markers) left out."""
    data = json.loads(re.sub(r"In ?\[\d+\]", "In [n]", nbformat.writes(nb)))
    data["metadata"]["papermill"] = {k: v for k, v in data["metadata"]["papermill"].items()
                                     if k not in ("start_time", "end_time", "duration")}
    for cell in data["cells"]:
        cell["metadata"].pop("execution", None)
        cell.pop("execution_count", None)
        if {"injected-parameters", "papermill-error-cell-tag"} & set(cell["metadata"].get("tags", [])):
            cell.pop("id")
        for output in cell.get("outputs", []):
            output.pop("execution_count", None)
        for key in ("start_time", "end_time", "duration"):
            cell["metadata"].get("papermill", {}).pop(key, None)
    return data


_IN_WORKER = """
import json, sys
import nbformat
from analytics.batch.inprocess import CellShell, inprocess_engine
from analytics.batch.papermilled import execute_in_memory
from papermill.exceptions import PapermillExecutionError
shell = CellShell.start()
nb = nbformat.reads(sys.stdin.read(), as_version=4)
out = []
for x in (21, 3):
    holder = {}
    try:
        execute_in_memory(nbformat.from_dict(nb), {"x": x}, engine_name=inprocess_engine(), kernel_name="python3",
                          shell=shell, holder=holder)
        error = None
    except PapermillExecutionError as exc:
        error = [exc.ename, exc.evalue]
    out.append([nbformat.writes(holder["nb"]), error])
print(json.dumps(out))
"""


def test_the_workers_run_is_papermills_own(tmp_path):
    """A batch worker's run (papermill's steps, cells run in the worker's IPython shell) gives the notebook
    papermill.execute_notebook gives on a Jupyter kernel: the parameters injected after the parameters cell,
    papermill's metadata, the outputs, and on a failure the same exception, traceback and error markers."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                           "display_name": "Python 3"},
                                            "language_info": {"name": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_markdown_cell("Twice x, then a table and a value:"),
                nbformat.v4.new_code_cell("print(x * 2)\nimport sys\nprint('warned', file=sys.stderr)"),
                nbformat.v4.new_code_cell("from IPython.display import HTML, display\n"
                                          "display(HTML('<b>bold</b>'))\nprint('after')\n{'x': x}"),
                nbformat.v4.new_code_cell("assert x != 3, 'three'")]
    worker = subprocess.run([sys.executable, "-c", _IN_WORKER], input=nbformat.writes(nb), capture_output=True,
                            text=True, timeout=120, cwd=tmp_path)
    assert worker.returncode == 0, worker.stderr[-3000:]
    ours = [(_without_times(nbformat.reads(text, as_version=4)), error and tuple(error))
            for text, error in json.loads(worker.stdout)]
    papers = []
    for x in (21, 3):
        try:
            done = papermill.execute_notebook(nbformat.from_dict(nb), None, {"x": x}, progress_bar=False,
                                              kernel_name="python3", cwd=str(tmp_path))
            error = None
        except PapermillExecutionError as exc:
            done = None
            error = (exc.ename, exc.evalue)
        papers.append((done, error))
    (paper_ok, _), (_, paper_error) = papers
    (ours_ok, our_error), (ours_failed, our_failed_error) = ours
    assert ours_ok == _without_times(paper_ok) and our_error is None
    assert ours_ok["cells"][1]["metadata"]["tags"] == ["injected-parameters"]
    outputs = ours_ok["cells"][3]["outputs"]
    assert [o["output_type"] for o in outputs] == ["stream", "stream"]
    assert ["".join(o["text"]) for o in outputs] == ["42\n", "warned\n"]
    table = ours_ok["cells"][4]["outputs"]
    assert [o["output_type"] for o in table] == ["display_data", "stream", "execute_result"]
    assert "".join(table[0]["data"]["text/html"]) == "<b>bold</b>"
    assert "".join(table[2]["data"]["text/plain"]) == "{'x': 21}"
    assert ours_ok["metadata"]["papermill"]["parameters"] == {"x": 21}
    assert our_failed_error == paper_error == ("AssertionError", "three")
    assert ours_failed["cells"][0]["metadata"]["tags"] == ["papermill-error-cell-tag"]  # the marker on top
    failed_cell = ours_failed["cells"][-1]
    assert failed_cell["metadata"]["papermill"]["exception"] is True
    assert failed_cell["outputs"][0]["output_type"] == "error"
    assert failed_cell["outputs"][0]["ename"] == "AssertionError"


def test_more_workers_are_started_on_demand_and_one_early_for_changed_data(tmp_path, cache_dir):
    from analytics.batch.pool import KernelStarter
    from analytics.batch.runner import _early_kernels

    starter = KernelStarter(1, tmp_path, {})
    starter.ensure(2)
    starter.ensure(1)  # never fewer
    taken = []
    try:
        assert starter.count == 2
        taken = [starter.take(), starter.take()]
        assert all(w.alive for w in taken) and taken[0].pid != taken[1].pid
    finally:
        for worker in taken:
            worker.shutdown()
        starter.close()
    assert _processes_in(tmp_path) == []
    # a folder without a manifest: every --jobs worker at once; changed data in a rendered folder: one
    out = tmp_path / "out"
    data = tmp_path / "shunhe"
    shutil.copytree(SHUNHE, data)
    first = _early_kernels(BatchOptions(data_dir=data, out_dir=out, jobs=2), data)
    try:
        assert first is not None and first.count == 2
    finally:
        first.close()
    out.mkdir()
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    again = _early_kernels(BatchOptions(data_dir=data, out_dir=out, jobs=2), data)
    try:
        assert again is not None and again.count == 1
    finally:
        again.close()
