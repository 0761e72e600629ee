"""scripts/make_samples.py is deterministic: a fresh run reproduces data/raw byte for byte."""

from __future__ import annotations

import subprocess
import sys

from builders import RAW_DIR, REPO_ROOT, SAMPLES


def test_make_samples_reproduces_data_raw_byte_for_byte(tmp_path, file_hashes):
    out = tmp_path / "raw"
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "make_samples.py"), "--out", str(out), "--check"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "check: OK" in done.stdout
    expected = {folder.name: file_hashes(folder) for folder in SAMPLES}
    assert sorted(p.name for p in RAW_DIR.iterdir() if p.is_dir()) == sorted(expected)
    got = {name: file_hashes(out / name) for name in expected}
    assert got == expected
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)  # nothing else written
