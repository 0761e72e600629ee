"""What a batch reads of an output folder, and the plotly.js it ships there, without the page machinery.

A re-run decides which pages are up to date from the key each page records in its head, before nbconvert,
papermill or plotly are imported (a run with nothing to render never imports them); `analytics.report.page`
writes that key and re-exports these names.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

PLOTLY_ASSET = "plotly.min.js"

# nbconvert rewrites the head (attribute order, self-closing tags), so match the tag loosely.
_INPUT_META = re.compile(rb'<meta[^>]*"campaign-analytics-input"[^>]*>')
_KEY = re.compile(rb'content="([0-9a-f]{64})"')


def page_input_key(path: Path) -> str | None:
    """The input key recorded in a page's head, or None (missing, unreadable or not one of ours)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    tag = _INPUT_META.search(head)
    key = _KEY.search(tag.group(0)) if tag else None
    return key.group(1).decode() if key else None


def plotly_js_bytes() -> bytes:
    """The plotly.js bundle shipped inside the plotly package, as `plotly.offline.get_plotlyjs` reads it
    (package_data/plotly.min.js), found without importing plotly (~0.5 s)."""
    spec = importlib.util.find_spec("plotly")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "package_data" / PLOTLY_ASSET
        if path.is_file():
            return path.read_bytes()
    from plotly.offline import get_plotlyjs  # a plotly packaged some other way (a zip)

    return get_plotlyjs().encode("utf-8")
