"""The output folder while a batch writes it: its lock, atomic writes that never re-create it, the disk reserve.

    with OutputLock(out_dir):              # a second batch on the same folder refuses at once (UsageError)
        output = Output(out_dir)
        output.remove_stale_temp_files()   # what a batch killed mid-write left
        output.reserve(nbytes)             # space for the last files (index, kpis, manifest) on a filling disk
        output.write("units/a.html", html) # temp name, then rename; FileNotFoundError if the folder was removed
        output.release()

The folder's layout is `analytics.report.layout.OutputLayout`.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
from pathlib import Path
from typing import IO

from analytics.config import REPORTS_DIR
from analytics.errors import UsageError
from analytics.fileio import write_bytes_atomic
from analytics.report.layout import OutputLayout

log = logging.getLogger(__name__)

# Space set aside at the start and given back before index.html, kpis.csv, kpis.xlsx and manifest.json are
# written, so a disk that fills with pages still takes them: Shunhe's four take 3.8 KB per unit (index 0.7,
# kpis.csv 2.6, kpis.xlsx 0.3, manifest 0.3) plus the index's script and stylesheet (25 KB).
RESERVE_BASE, RESERVE_PER_UNIT = 64 * 1024, 5 * 1024


def os_error_text(exc: OSError) -> str:
    """The OS's own message for a failed read or write, with the file it names."""
    if exc.strerror:
        return f"{exc.strerror}" + (f": {exc.filename}" if exc.filename else "")
    return f"{type(exc).__name__}: {exc}".strip()


def cannot_write(relative: str, exc: OSError) -> str:
    """One line for a file the batch could not write, with the OS's own message."""
    where = f" ({exc.filename})" if exc.filename else ""
    return f"cannot write {relative}: {exc.strerror or exc}{where}"


def output_folder(out_dir: Path | None, campaign_id: str) -> Path:
    """The chosen output folder, or reports/<campaign id>, which must stay inside reports/."""
    if out_dir is not None:
        return Path(out_dir)
    try:
        return OutputLayout.inside(REPORTS_DIR, campaign_id).root
    except ValueError as exc:
        raise UsageError(f"campaign id {exc}; give an output folder with --out") from None


def make_output_folder(out_dir: Path) -> None:
    """Create the folder and prove it takes a file; UsageError (bad input, exit 2) when it does not."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write to output folder {out_dir}: {exc.strerror or exc}") from None


class OutputLock:
    """An exclusive lock on the output folder: a second batch on the same folder refuses at once."""

    def __init__(self, out_dir: Path):
        self.path = OutputLayout(out_dir).lock
        self.fh: IO[str] | None = None

    def __enter__(self) -> OutputLock:
        try:
            fh = open(self.path, "a+")  # noqa: SIM115 - held for the whole batch
        except OSError as exc:
            raise UsageError(f"cannot write to output folder {self.path.parent}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise UsageError(f"another batch is writing to {self.path.parent}; wait for it to finish") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self.fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            fcntl.flock(self.fh, fcntl.LOCK_UN)
            self.fh.close()


class Output:
    """Writes inside the output folder, and only there: never re-creates the folder if it is removed."""

    def __init__(self, root: Path):
        self.root = root
        self.layout = OutputLayout(root)
        st = os.stat(root)
        self._identity = (st.st_dev, st.st_ino)

    def present(self) -> bool:
        """Whether the folder the batch started in is still there (not removed, not replaced by another)."""
        try:
            st = os.stat(self.root)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self._identity

    def write(self, relative: str, content: str | bytes, encoding: str = "utf-8") -> None:
        if not self.present():
            raise FileNotFoundError(errno.ENOENT, "the output folder was removed", str(self.root))
        target = self.root / relative
        if target.parent != self.root:
            target.parent.mkdir(exist_ok=True)  # units/, failed/, assets/: one level, never the root itself
        data = content if isinstance(content, bytes) else content.encode(encoding)
        write_bytes_atomic(target, data, make_parents=False)

    def remove(self, relative: str) -> None:
        try:
            (self.root / relative).unlink()
        except (FileNotFoundError, NotADirectoryError):
            pass

    def discard(self, relative: str) -> None:
        """Remove an out-of-date file; a folder that cannot be changed is reported elsewhere (a warning here)."""
        try:
            self.remove(relative)
        except OSError as exc:
            log.warning("could not remove %s: %s", relative, os_error_text(exc))

    def reserve(self, nbytes: int) -> None:
        """Set disk space aside (a file of real blocks); without room for it the batch goes on without."""
        path = self.root / OutputLayout.RESERVE
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            try:
                os.posix_fallocate(fd, 0, nbytes)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning("could not set %d bytes aside in %s: %s", nbytes, self.root, os_error_text(exc))
            self.release()

    def release(self) -> None:
        """Give the reserved space back (before the batch's last files are written)."""
        try:
            (self.root / OutputLayout.RESERVE).unlink()
        except OSError:
            pass

    def remove_stale_temp_files(self) -> None:
        """Temp files of a batch killed mid-write (we hold the lock, so none is in use); only in this folder."""
        for sub in self.layout.folders():
            # A subfolder that is a link may point anywhere: nothing is removed through it.
            if sub != self.root and (sub.is_symlink() or not sub.is_dir()):
                continue
            try:
                for tmp in sub.glob(".*.tmp"):
                    if tmp.is_file() and not tmp.is_symlink():
                        tmp.unlink()
            except OSError as exc:
                log.warning("could not remove temporary files in %s: %s", sub, os_error_text(exc))
