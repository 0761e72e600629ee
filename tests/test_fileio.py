"""Atomic writes respect the umask, keep a replaced file's mode, never replace a device; kpis --out follows them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.fileio import NotARegularFileError, current_umask, write_text_atomic

from builders import SHUNHE


@pytest.fixture
def umask():
    """Set the process umask for one test, restored after."""
    saved = os.umask(0o022)
    os.umask(saved)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(saved)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_0666_less_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    assert current_umask() == mask
    write_text_atomic(tmp_path / "page.html", "<p>x</p>")
    assert _mode(tmp_path / "page.html") == expected


def test_a_replaced_file_keeps_its_mode(tmp_path, umask):
    umask(0o022)
    path = tmp_path / "kpis.csv"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o600)
    write_text_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "new" and _mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["kpis.csv"]  # no temp file left


def test_a_symlink_to_a_file_writes_the_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_fifo_is_never_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFileError, match="not a regular file"):
        write_text_atomic(fifo, "x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_without_make_parents_a_missing_folder_is_not_created(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_text_atomic(tmp_path / "gone" / "index.html", "x", make_parents=False)
    assert not (tmp_path / "gone").exists()


# -- kpis --out -----------------------------------------------------------------------------------------------------
def test_kpis_out_dash_is_standard_output(capsys):
    assert main(["kpis", str(SHUNHE), "--out", "-"]) == 0
    assert capsys.readouterr().out.startswith("unit_id,unit_name,metric,key,value")


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_kpis_out_refuses_a_device(device, capsys):
    before = os.stat(device, follow_symlinks=True)
    assert main(["kpis", str(SHUNHE), "--out", device]) == 2
    err = capsys.readouterr().err
    assert f"--out {device} is not a regular file" in err and "Traceback" not in err
    after = os.stat(device, follow_symlinks=True)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_kpis_out_refuses_a_fifo_before_reading_the_data(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["kpis", str(tmp_path / "no-such-campaign"), "--out", str(fifo)]) == 2
    assert "is not a regular file" in capsys.readouterr().err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_kpis_out_writes_a_readable_file(tmp_path, umask):
    umask(0o022)
    out = tmp_path / "kpis.csv"
    assert main(["kpis", str(SHUNHE), "--out", str(out)]) == 0
    assert _mode(out) == 0o644


def test_kpis_out_into_a_missing_folder_is_an_environment_failure(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["kpis", str(SHUNHE), "--out", str(blocker / "kpis.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_kpis_out_dev_stdout_on_a_pipe_is_refused_and_dash_works(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "analytics", "kpis", str(SHUNHE), "--out", "/dev/stdout"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--out /dev/stdout is not a regular file" in done.stderr
    assert done.stdout == ""
    done = subprocess.run([sys.executable, "-m", "analytics", "kpis", str(SHUNHE), "--out", "-"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("unit_id,unit_name,metric,key,value")
