"""Issue 24: no command writes onto one of its inputs or into a campaign folder, `run` does not write into a
folder it did not make unless --force, and a few inputs that gave tracebacks are one message each. Every
refusal exits 2 before anything is written (the folders' files are compared byte for byte)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.cli import main

UNITS = "unit_id,name,parent_id,kind\nC,县,,county\nT1,甲乡,C,township\n"
VISITS = "date,unit_id,kind,group,persons\n2012-03-01,T1,visit,residents,10\n"


@pytest.fixture
def campaign(make_campaign) -> Path:
    return make_campaign({"units": UNITS, "visits": VISITS}, name="camp")


def _refused(args: list[str], capsys, watched: Path, file_hashes) -> str:
    before = file_hashes(watched)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert file_hashes(watched) == before
    return err


def test_kpis_out_onto_the_campaigns_own_table_is_refused(campaign, capsys, file_hashes):
    err = _refused(["kpis", str(campaign), "--out", str(campaign / "visits.csv")], capsys, campaign, file_hashes)
    assert f"error: --out {campaign / 'visits.csv'} is inside DATA_DIR {campaign}: a command never writes into its " \
           "input folder; choose a path outside it" in err


def test_kpis_out_into_another_campaign_folder_is_refused(campaign, make_campaign, capsys, file_hashes):
    other = make_campaign({"units": UNITS}, name="other")
    err = _refused(["kpis", str(campaign), "--out", str(other / "kpis.csv")], capsys, other, file_hashes)
    assert f"is in the campaign folder {other} (it holds campaign.yaml): campaign folders are only read" in err


def test_run_out_into_its_data_folder_is_refused(campaign, capsys, file_hashes):
    err = _refused(["run", "--data", str(campaign), "--out", str(campaign)], capsys, campaign, file_hashes)
    assert f"error: --out {campaign} is --data {campaign}: a command never writes onto its input" in err


def test_template_out_into_the_campaign_folder_is_refused(campaign, capsys, file_hashes):
    err = _refused(["template", str(campaign), "--out", str(campaign)], capsys, campaign, file_hashes)
    assert f"error: --out {campaign} is CAMPAIGN_DIR {campaign}" in err


def test_html_out_onto_its_notebook_is_refused(tmp_path, capsys, file_hashes):
    notebook = tmp_path / "nb" / "report.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    err = _refused(["html", str(notebook), "--out", str(notebook)], capsys, notebook.parent, file_hashes)
    assert f"error: --out {notebook} is NOTEBOOK {notebook}: a command never writes onto its input" in err


# --- run --out into a folder it did not write ----------------------------------------------------------


def test_run_out_into_a_foreign_folder_is_refused_without_force(campaign, tmp_path, capsys, file_hashes):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my own page")
    err = _refused(["run", "--data", str(campaign), "--out", str(mine)], capsys, mine, file_hashes)
    assert (f"error: --out {mine} is a folder that holds other files and no report of this program (no "
            "manifest.json): its index.html, kpis.csv and manifest.json would be replaced; choose a new or empty "
            "folder, or add --force to write into it") in err


def test_run_out_checks_pass_for_its_own_folder_and_with_force(tmp_path):
    from analytics.guards import refuse_foreign_report_folder

    own = tmp_path / "own"
    own.mkdir()
    (own / "index.html").write_text("a page")
    (own / "manifest.json").write_text("{}")
    refuse_foreign_report_folder(own, force=False)
    (own / "manifest.json").unlink()
    refuse_foreign_report_folder(own, force=True)
    refuse_foreign_report_folder(tmp_path / "new", force=False)
    (tmp_path / "empty").mkdir()
    refuse_foreign_report_folder(tmp_path / "empty", force=False)


# --- tracebacks that are one message -------------------------------------------------------------------


def test_collect_out_root_is_one_message(campaign, tmp_path, capsys, file_hashes):
    (tmp_path / "returned").mkdir()
    err = _refused(["collect", str(tmp_path / "returned"), "--campaign", str(campaign), "--out", "/"], capsys,
                   campaign, file_hashes)
    assert err == "error: --out / is the root folder: choose a new folder for it\n"


@pytest.mark.parametrize(("content", "says"), [
    ("a,b\n1,2\n", "NotJSONError"),
    ('{"a": 1}', "ValidationError"),
    ("[1, 2]", "AttributeError"),
])
def test_html_of_a_file_that_is_not_a_notebook_is_one_message(tmp_path, capsys, file_hashes, content, says):
    bad = tmp_path / "in" / "x.ipynb"
    bad.parent.mkdir()
    bad.write_text(content)
    err = _refused(["html", str(bad), "--out", str(tmp_path / "x.html")], capsys, tmp_path, file_hashes)
    assert err == f"error: NOTEBOOK {bad} is not a Jupyter notebook (.ipynb) that can be read: {says}\n"


def test_html_of_dev_zero_is_refused_before_reading(tmp_path):
    """In a child process whose memory is capped at 4 GB: a regression reads /dev/zero until it fails there,
    not until the machine runs out of memory."""
    def capped():
        resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))

    proc = subprocess.run([sys.executable, "-m", "analytics", "html", "/dev/zero", "--out", str(tmp_path / "z.html")],
                          capture_output=True, text=True, timeout=300, preexec_fn=capped)
    assert (proc.returncode, proc.stderr) == (2, "error: NOTEBOOK /dev/zero is not a regular file\n")
    assert not (tmp_path / "z.html").exists()
