"""Units spread over a dask.distributed LocalCluster come back into the same manifest."""

from __future__ import annotations

import json

import nbformat
import pytest

from analytics.batch import BatchOptions, run_batch
from analytics.cli import main
from analytics.report.layout import unit_filename

from builders import SHUNHE, UNIT_NOTEBOOK

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


def test_dask_cluster_renders_and_reports_failures(tmp_path, cache_dir):
    nb = nbformat.read(UNIT_NOTEBOOK, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell('if unit_id == "SH-C02":\n    raise ValueError("bad unit " + unit_id)'))
    broken = tmp_path / "nb.ipynb"
    nbformat.write(nb, broken)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster:
        out = tmp_path / "out"
        result = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=out, notebook=broken, executor="dask",
                                        scheduler=cluster.scheduler_address, units=["SH", "SH-C01", "SH-C02"]))
        workers = len(cluster.scheduler_info["workers"])
    assert workers == 2
    status = {u.unit_id: u.status for u in result.units}
    assert status == {"SH": "rendered", "SH-C01": "rendered", "SH-C02": "failed"}
    assert result.exit_code == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [u["unit_id"] for u in manifest["units"]] == ["SH", "SH-C01", "SH-C02"]
    failed = manifest["units"][2]
    assert "bad unit SH-C02" in failed["error"] and (out / failed["notebook"]).is_file()
    page = (out / "units" / unit_filename("SH")).read_text(encoding="utf-8")
    assert "<h1>顺河镇</h1>" in page and "Plotly.newPlot" in page


def test_cli_dask_local_scheduler(tmp_path, capsys, cache_dir):
    out = tmp_path / "out"
    code = main(["run", "--data", str(SHUNHE), "--out", str(out), "--units", "SH-C01-B01,SH-C01-B02",
                 "--executor", "dask", "--scheduler", "local", "--jobs", "2"])
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {"rendered": 2}


def test_dask_without_scheduler_is_a_usage_error(tmp_path, capsys):
    assert main(["run", "--data", str(SHUNHE), "--out", str(tmp_path / "o"), "--executor", "dask"]) == 2
    assert "--scheduler" in capsys.readouterr().err
