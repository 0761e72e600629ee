"""Issue 24: Ctrl-C after pages were written exits 130 (128 + SIGINT, as shells report it), not 2 (which
says "found before anything is written"), and says that what was written is kept."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from builders import SHUNHE, unit_pages

pytestmark = pytest.mark.slow


def test_ctrl_c_after_pages_were_written_exits_130_and_says_what_was_kept(tmp_path, cache_dir):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "analytics", "run", "--data", str(SHUNHE), "--out", str(out), "--jobs", "1",
           "--assets", "shared"]
    # A terminal's Ctrl-C: SIGINT to the command's process group (the runner and its kernels). The default
    # handler is restored in the child, since a test run in the background may inherit SIGINT ignored.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 180
        while not unit_pages(out):
            assert time.monotonic() < deadline, "the batch never got going"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = err.decode("utf-8", "replace")
    assert proc.returncode == 130, text
    assert "Traceback" not in text
    assert ("aborted (interrupted): files already written are kept whole, and nothing is half-written; `run` "
            "reuses the pages it finished when the same command runs again") in text
    pages = unit_pages(out)
    assert 1 <= len(pages) < 45
    for page in pages:
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
    if (out / "manifest.json").exists():
        assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["complete"] is False
