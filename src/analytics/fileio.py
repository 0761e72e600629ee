"""Atomic writes: a temp file in the same folder, then rename, so no reader sees a half-written file.

A new file gets the permissions any tool would give it (0666 less the umask: 0644 by default), not
mkstemp's private 0600, so colleagues and web servers can read published reports; a replaced file keeps
its mode. Only regular files are ever replaced: a device, FIFO or folder at the path is refused.
`write_bytes_new` writes a file that must not exist yet (published snapshots), never replacing one.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import threading
from pathlib import Path

_UMASK_LOCK = threading.Lock()


class NotARegularFileError(OSError):
    """The path exists and is not a regular file (a device, FIFO, socket or folder): never replaced."""


def current_umask() -> int:
    """The process's umask, read without changing it where Linux shows it, else set and restored under a lock."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def writable_target(path: Path) -> Path:
    """The file a write to `path` should replace: path itself, or the regular file a symlink points to.

    Raises NotARegularFileError when something other than a regular file is there (e.g. /dev/stdout).
    """
    path = Path(path)
    try:
        st = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        return path
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFileError(0, "not a regular file; refusing to replace it", str(path))
    if not os.path.islink(path):
        return path
    # A link is followed to the file it names, if that file is there under that name: /dev/stdout pointing at
    # a deleted or anonymous file (/proc/self/fd/1) has no path to replace.
    real = Path(os.path.realpath(path))
    try:
        same = os.stat(real)
    except OSError:
        same = None
    if same is None or (same.st_dev, same.st_ino) != (st.st_dev, st.st_ino):
        raise NotARegularFileError(0, "not a regular file; refusing to replace it", str(path))
    return real


def write_bytes_atomic(path: Path, data: bytes, make_parents: bool = True) -> None:
    """Write data to path via a temporary sibling and os.replace.

    `make_parents=False` never creates the parent folder: a batch whose output folder was deleted gets
    FileNotFoundError instead of silently re-creating it.
    """
    path = writable_target(Path(path))
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()
    tmp = _written_temp(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise


def write_bytes_new(path: Path, data: bytes) -> None:
    """Write a new file atomically, never replacing one: FileExistsError when something is at `path`.

    The whole file appears at once (a hard link from the temporary sibling, then the sibling is removed), with
    the mode a new file gets (0666 less the umask). The parent folder must exist. On a file system without hard
    links, the temporary file is renamed after a check that the path is free (callers hold the folder's lock).
    """
    path = Path(path)
    tmp = _written_temp(path, data, 0o666 & ~current_umask())
    try:
        try:
            os.link(tmp, path)
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
                raise
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, "a file is already there; never replaced", str(path)) from None
            os.rename(tmp, path)
    finally:
        _discard(tmp)


def _written_temp(path: Path, data: bytes, mode: int) -> str:
    """A temporary sibling of `path` (`.<name>.<random>.tmp`) holding `data`, with `mode`, synced to disk."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8", make_parents: bool = True) -> None:
    """Text version of write_bytes_atomic."""
    write_bytes_atomic(path, text.encode(encoding), make_parents)
