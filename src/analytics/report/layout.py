"""Safe, unique, stable file names for units whose ids may be in any script or hostile."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_UNSAFE = re.compile(r"[^\w\-]+", re.UNICODE)
_MAX_STEM = 48


def unit_filename(unit_id: str) -> str:
    """`<readable part>-<hash>.html`: letters/digits of the id (any script) plus 10 hex of its sha1.

    The hash is of the exact id, so ids that differ only in case or punctuation never share a file,
    even on a case-insensitive file system; the name holds no separator, dot-dot or device name.
    """
    text = unicodedata.normalize("NFKC", str(unit_id))
    stem = _UNSAFE.sub("_", text).strip("_").lower()[:_MAX_STEM] or "unit"
    digest = hashlib.sha1(str(unit_id).encode("utf-8")).hexdigest()[:10]
    return f"{stem}-{digest}.html"
