"""A folder written whole or not at all: filled under a temporary sibling name, then renamed into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def folder_replaced(target: Path) -> Iterator[Path]:
    """Yield an empty temporary sibling of target; on success it replaces target (the old one, if any, is
    removed after the rename), on any error it is removed and target is left as it was.

    The caller decides beforehand that target may be replaced (collect replaces only folders it wrote).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name[:40]}.", suffix=".tmp", dir=target.parent))
    try:
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(temp, 0o777 & ~mask)  # a folder others may read, as mkdir would make it
        yield temp
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name[:40]}.", suffix=".old", dir=target.parent))
            os.rmdir(old)
            os.rename(target, old)
            try:
                os.rename(temp, target)
            except BaseException:
                os.rename(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
