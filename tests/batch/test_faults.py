"""Faults a nightly batch must survive: SIGKILL and restart, concurrent batches, unwritable output, bad cache."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from analytics.batch import LOCK_FILE, BatchOptions, run_batch
from analytics.cli import main

from builders import SHUNHE, unit_pages

pytestmark = pytest.mark.slow


def test_sigkill_mid_run_then_resume(tmp_path, cache_dir):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "analytics", "run", "--data", str(SHUNHE), "--out", str(out), "--jobs", "1",
           "--assets", "shared"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(unit_pages(out)) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(unit_pages(out)) >= 5, "the batch never got going"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the runner and its kernels, without warning
        proc.wait()
    done_before = unit_pages(out)
    assert len(done_before) < 45
    for page in done_before:  # every page on disk is whole
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
    if (out / "manifest.json").exists():
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))  # parses: written atomically
        assert manifest["complete"] is False
    result = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=out, jobs=2, assets="shared"))
    status = {u.unit_id: u.status for u in result.units}
    assert result.exit_code == 0 and len(status) == 45
    assert sum(s == "up_to_date" for s in status.values()) == len(done_before)
    assert sum(s == "rendered" for s in status.values()) == 45 - len(done_before)
    assert not list(out.rglob("*.tmp"))
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["complete"] is True


def test_second_batch_on_the_same_folder_refuses(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / LOCK_FILE, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a batch in progress
        assert main(["run", "--data", str(SHUNHE), "--out", str(out), "--units", "SH"]) == 2
    err = capsys.readouterr().err
    assert "another batch is writing" in err and "Traceback" not in err
    assert not (out / "index.html").exists()


def test_output_folder_that_cannot_be_written(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["run", "--data", str(SHUNHE), "--out", str(blocker / "out"), "--units", "SH"]) == 2
    err = capsys.readouterr().err
    assert "cannot write to output folder" in err and "Traceback" not in err


def test_cache_deleted_or_corrupted_between_runs(tmp_path, cache_dir):
    from analytics.data import loading

    cache = tmp_path / "cache"
    os.environ["CAMPAIGN_ANALYTICS_CACHE"] = str(cache)
    try:
        loading._LOADED.clear()
        first = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=tmp_path / "a", units=["SH-C01"]))
        assert first.exit_code == 0
        parquet = sorted(cache.rglob("*.parquet"))
        assert parquet
        for p in parquet:
            p.write_bytes(b"garbage")
        loading._LOADED.clear()
        second = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=tmp_path / "b", units=["SH-C01"]))
        assert second.exit_code == 0
        for entry in list(cache.iterdir()):
            for f in entry.iterdir():
                f.unlink()
            entry.rmdir()
        loading._LOADED.clear()
        third = run_batch(BatchOptions(data_dir=SHUNHE, out_dir=tmp_path / "c", units=["SH-C01"]))
        assert third.exit_code == 0
        pages = [(tmp_path / d / first.units[0].output).read_text(encoding="utf-8") for d in ("a", "b", "c")]
        assert all("<h1>雨露社区党委</h1>" in p for p in pages)
    finally:
        os.environ["CAMPAIGN_ANALYTICS_CACHE"] = str(cache_dir)
        loading._LOADED.clear()
