"""The unit report notebook runs unchanged under the plain papermill CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from builders import NOTEBOOKS, SHUNHE, UNIT_NOTEBOOK


@pytest.mark.slow
def test_papermill_cli_runs_the_notebook(tmp_path):
    out = tmp_path / "out.ipynb"
    cmd = [sys.executable, "-m", "papermill", str(UNIT_NOTEBOOK), str(out),
           "-p", "data_dir", str(SHUNHE), "-p", "unit_id", "SH-C01",
           "-p", "language", "en", "-k", "python3", "--cwd", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "<h1>雨露社区党委</h1>" in html
    assert "Visits and seminars" in html or "Visits" in html
    plots = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(plots) >= 4


def test_committed_notebooks_have_no_outputs():
    for path in (NOTEBOOKS).glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


def test_notebook_parameters_cell():
    nb = json.loads((UNIT_NOTEBOOK).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(cells) == 1
    names = {line.split("=")[0].strip() for line in "".join(cells[0]["source"]).splitlines()
             if "=" in line and not line.startswith("#")}
    assert names == {"data_dir", "unit_id", "as_of", "language", "tolerance", "compare_to", "reports_dir"}
