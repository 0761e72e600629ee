"""What a batch reads of an output folder, and the plotly.js it ships there, without the page machinery.

A re-run decides which pages are up to date from the key each page records in its head, before nbconvert,
papermill or plotly are imported (a run with nothing to render never imports them); `analytics.report.page`
writes that key and re-exports these names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from analytics.config import resource

PLOTLY_ASSET = "plotly.min.js"
# plotly.js's partial "basic" bundle that pages carry (scripts/vendor_plotly.py; report.page.plotly_bundle).
VENDOR = ("report", "vendor")
# Set by the batch runner in its kernels (read by report.sections): pages need only the HTML, so figures skip the
# JSON twin. Here so that the runner can start its kernels without importing the report's modules.
HTML_ONLY_ENV = "CAMPAIGN_ANALYTICS_HTML_ONLY"

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
    """The vendored plotly.js bundle of report pages (report/vendor/, named in plotly-bundle.json), read without
    importing plotly."""
    info = json.loads(resource(*VENDOR, "plotly-bundle.json").read_text(encoding="utf-8"))
    return resource(*VENDOR, info["file"]).read_bytes()
