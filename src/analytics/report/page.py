"""Executed notebook -> offline HTML page, with plotly.js embedded once or shared from the output folder."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from analytics import __version__
from analytics.config import TEMPLATES_DIR
from analytics.fileio import write_text_atomic
from analytics.report.layout import OutputLayout, page_to_asset

ASSET_MODES = ("self_contained", "shared")
PLOTLY_ASSET = "plotly.min.js"


@functools.cache
def plotly_js() -> str:
    """The plotly.js bundle shipped inside the plotly package (no network)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@functools.cache
def report_css() -> str:
    return (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")


def plotly_tag(assets: str, asset_href: str = page_to_asset(PLOTLY_ASSET)) -> str:
    """The one <script> that brings plotly.js: inline, or a relative link to the shared copy."""
    if assets == "self_contained":
        return f'<script type="text/javascript">{plotly_js()}</script>'
    if assets == "shared":
        return f'<script type="text/javascript" src="{asset_href}"></script>'
    raise ValueError(f"assets must be one of {ASSET_MODES}, not {assets!r}")


@functools.cache
def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(
        template_name="campaign_report",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
        exclude_raw=True,
    )
    return exporter


def notebook_html(nb: nbformat.NotebookNode, title: str, language: str, assets: str,
                  asset_href: str = page_to_asset(PLOTLY_ASSET), input_key: str = "") -> str:
    """The executed notebook as a standalone page: outputs only, plotly.js once.

    `input_key` is recorded in a <meta> tag near the top, so a later run can tell whether the page on disk
    was made from the same inputs even when a killed batch never wrote its manifest line.
    """
    resources = {
        "report": {
            "title": title,
            "lang": "zh-CN" if language == "zh" else "en",
            "css": report_css(),
            "plotly_tag": plotly_tag(assets, asset_href),
            "version": __version__,
            "input_key": input_key,
        }
    }
    # papermill gives its injected cell a random id; stable ids keep pages byte-identical across runs.
    nb = nbformat.from_dict(nb)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


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


def write_shared_asset(out_dir: Path) -> Path:
    """Write assets/plotly.min.js once per output folder (atomically; skipped if already identical)."""
    path = OutputLayout(out_dir).asset(PLOTLY_ASSET)
    js = plotly_js()
    if not path.exists() or path.stat().st_size != len(js.encode("utf-8")):
        write_text_atomic(path, js)
    return path
