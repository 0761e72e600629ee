"""Faults of the environment during a batch, and a partial refresh: each ends as DOMAIN.md's exit codes say.

A disk that fills, a plain file named `units`, an output folder deleted mid-batch: the units that cannot be
written fail alone with the system's message, the manifest stays complete (where the folder still exists),
exit 1, no traceback. A run with --units after new data marks the other pages stale; a batch whose inputs
change while it runs says so and exits 1.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analytics.batch import BatchOptions, run_batch
from analytics.cli import main
from analytics.report.page import page_input_key, plotly_js

from builders import SHUNHE

pytestmark = pytest.mark.slow

UNITS = ("unit_id,name,parent_id,kind\nA,Root county,,county\nB,North town,A,township\nC,South town,A,township\n"
         "D,Hill village,B,village\nE,River village,C,village\n")
VISITS = ("date,unit_id,kind,group,persons\n2012-03-01,D,visit,residents,5\n2012-04-01,E,seminar,village_cadres,7\n"
          "2012-05-01,C,visit,residents,3\n")


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _index_status(browser, out: Path, unit_id: str) -> str:
    """`page state class|page state chip|its tooltip` of a unit's row of index.html, as Chromium shows the page
    (the chip is there only for a page that failed, is stale or was not rendered)."""
    page = browser.new_page()
    try:
        page.goto((out / "index.html").as_uri())
        row = page.locator("tbody tr", has=page.locator("span.tag", has_text=re.compile(f"^{re.escape(unit_id)}$")))
        state = next(c for c in row.get_attribute("class").split() if c.startswith("status-"))
        chip = row.locator(".page-state")
        if chip.count() == 0:
            return f"{state}||"
        return f"{state}|{chip.inner_text().strip()}|{chip.get_attribute('title') or ''}"
    finally:
        page.close()


@pytest.fixture
def small(make_campaign):
    return make_campaign({"units": UNITS, "visits": VISITS})


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs with room for plotly.js, the batch's reserve and some 400 KB of pages: it fills during a batch."""
    mount = tmp_path / "disk"
    mount.mkdir()
    size = len(plotly_js().encode("utf-8")) + 160 * 1024 + 400 * 1024
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"a full disk is simulated with a small tmpfs, which needs root: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_disk_that_fills_fails_the_units_it_cannot_hold(small_disk, capsys, cache_dir):
    out = small_disk / "out"
    code = main(["run", "--data", str(SHUNHE), "--out", str(out), "--jobs", "2", "--assets", "shared"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err
    manifest = _manifest(out)
    assert manifest["complete"] is True and len(manifest["units"]) == 45
    failed = [u for u in manifest["units"] if u["status"] == "failed"]
    rendered = [u for u in manifest["units"] if u["status"] == "rendered"]
    assert len(failed) + len(rendered) == 45 and failed and rendered
    for unit in failed:
        assert unit["error"].startswith("cannot write units/") and "No space left on device" in unit["error"]
        assert f"failed: {unit['unit_id']}: cannot write units/" in err
    for unit in rendered:  # every page on the disk is whole
        assert (out / unit["output"]).read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert (out / "index.html").exists() and (out / "kpis.csv").exists()
    assert not list(out.rglob("*.tmp")) and not (out / ".campaign-analytics.reserve").exists()


@pytest.mark.browser
def test_a_plain_file_named_units_fails_each_unit_alone(small, tmp_path, capsys, cache_dir, browser):
    out = tmp_path / "out"
    out.mkdir()
    (out / "units").write_text("not a folder\n", encoding="utf-8")
    # --force: the folder holds no report of this program (a foreign non-empty folder is refused without it)
    code = main(["run", "--data", str(small), "--out", str(out), "--assets", "shared", "--force"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    manifest = _manifest(out)
    assert manifest["complete"] is True
    assert [u["unit_id"] for u in manifest["units"]] == ["A", "B", "D", "C", "E"]
    for unit in manifest["units"]:
        assert unit["status"] == "failed"
        assert unit["error"].startswith("cannot write units/") and "File exists" in unit["error"]
    assert (out / "units").read_text(encoding="utf-8") == "not a folder\n"  # left as it was
    assert _index_status(browser, out, "A").startswith("status-failed|生成失败|cannot write units/")


def test_an_output_folder_deleted_mid_batch_is_exit_1_and_not_recreated(small, tmp_path, cache_dir):
    out = tmp_path / "out"

    def delete_after_first(result, done, total):
        if done == 1:
            shutil.rmtree(out)

    result = run_batch(BatchOptions(data_dir=small, out_dir=out, assets="shared"), progress=delete_after_first)
    assert result.exit_code == 1
    assert result.problems[0].startswith(f"the output folder {out} was removed while the batch ran")
    assert not out.exists()
    assert [u.status for u in result.units[1:]] == ["failed"] * 4
    assert all("the output folder was removed" in u.error for u in result.units[1:])


def test_the_cli_says_the_output_folder_vanished(small, tmp_path, capsys, monkeypatch, cache_dir):
    from analytics.batch import runner

    out = tmp_path / "out"
    real = runner.run_batch

    def deleting(options, progress=None):
        def wrapped(result, done, total):
            if done == 2:
                shutil.rmtree(out)
            if progress:
                progress(result, done, total)

        return real(options, progress=wrapped)

    monkeypatch.setattr(runner, "run_batch", deleting)
    assert main(["run", "--data", str(small), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"error: the output folder {out} was removed while the batch ran" in err and "Traceback" not in err


def test_inputs_changed_during_a_batch_are_said_and_exit_1(small, tmp_path, cache_dir):
    out = tmp_path / "out"

    def resave_after_first(result, done, total):
        if done == 1:
            (small / "visits.csv").write_text(VISITS.replace(",5\n", ",6\n"), encoding="utf-8")

    result = run_batch(BatchOptions(data_dir=small, out_dir=out, assets="shared"), progress=resave_after_first)
    assert result.exit_code == 1
    assert result.problems == ["the campaign's files changed while the batch ran (visits.csv): pages may disagree "
                               "with index.html and kpis.csv; run the same command again"]
    manifest = _manifest(out)
    assert manifest["complete"] is True and manifest["inputs_changed"] == ["visits.csv"]
    again = run_batch(BatchOptions(data_dir=small, out_dir=out, assets="shared"))
    assert again.exit_code == 0 and again.problems == []
    # D's persons changed (5 -> 6): D and its ancestors B and A have new keys and are redone; C and E are not.
    assert {u.unit_id for u in again.units if u.status == "rendered"} == {"A", "B", "D"}


@pytest.mark.browser
def test_a_partial_refresh_marks_the_other_pages_stale(small, tmp_path, capsys, cache_dir, browser):
    out = tmp_path / "out"
    first = run_batch(BatchOptions(data_dir=small, out_dir=out, assets="shared", language="en"))
    assert first.exit_code == 0
    keys_before = {u.unit_id: u.input_key for u in first.units}
    # New data at E (C's village): E, C and A now show other figures; B and D do not.
    (small / "visits.csv").write_text(VISITS.replace(",7\n", ",507\n"), encoding="utf-8")
    code = main(["run", "--data", str(small), "--out", str(out), "--assets", "shared", "--language", "en",
                 "--units", "B"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"stale: 3 other page(s) of {out} were made from other data" in err
    manifest = {u["unit_id"]: u for u in _manifest(out)["units"]}
    assert {u: m["status"] for u, m in manifest.items()} == {
        "A": "stale", "B": "up_to_date", "D": "up_to_date", "C": "stale", "E": "stale"}
    assert manifest["E"]["input_key"] == keys_before["E"] == page_input_key(out / manifest["E"]["output"])
    assert _index_status(browser, out, "E").startswith("status-stale|Stale|This page was made from other data")
    assert _index_status(browser, out, "D") == "status-up_to_date||"
    # The index shows the current figures (E: 507 person-times), and says the page beside them is stale.
    assert "507" in (out / "index.html").read_text(encoding="utf-8")
    # A full run redoes exactly the stale pages.
    again = run_batch(BatchOptions(data_dir=small, out_dir=out, assets="shared", language="en"))
    assert {u.unit_id: u.status for u in again.units} == {
        "A": "rendered", "B": "up_to_date", "D": "up_to_date", "C": "rendered", "E": "rendered"}
    assert again.stale == []


def test_stale_temp_file_cleanup_stays_inside_the_output_folder(small, tmp_path, cache_dir):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".keep.tmp").write_text("not ours", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "failed").symlink_to(elsewhere, target_is_directory=True)
    (out / ".index.html.abc.tmp").write_text("left by a killed batch", encoding="utf-8")
    result = run_batch(BatchOptions(data_dir=small, out_dir=out, units=["D"], assets="shared"))
    assert result.exit_code == 0
    assert not (out / ".index.html.abc.tmp").exists()
    assert (elsewhere / ".keep.tmp").read_text(encoding="utf-8") == "not ours"
