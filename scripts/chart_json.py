"""Compare the charts of two report folders: every page's plotly figures, canonicalised, and the pages' bytes.

    python scripts/chart_json.py BEFORE AFTER

A figure is compared as canonical JSON (keys sorted, floats to 10 significant digits), so that a change in how
numbers or keys are written is not taken for a change of the chart; pages are also compared byte for byte with
the line saying when they were made left out. Exit status 0 when every chart is the same, 1 otherwise.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

_NEW_PLOT = re.compile(r'Plotly\.newPlot\(\s*"([^"]+)",\s*')
_GENERATED = re.compile(r"<div><dt>(?:生成时间|Generated)</dt><dd>[^<]*</dd></div>")


def page_charts(html: str) -> dict[str, dict]:
    """Each `Plotly.newPlot` call of a page as {div id: {"data": [...], "layout": {...}}}."""
    decoder = json.JSONDecoder()
    out: dict[str, dict] = {}
    for found in _NEW_PLOT.finditer(html):
        data, end = decoder.raw_decode(html, found.end())
        end = html.index(",", end) + 1
        while html[end].isspace():
            end += 1
        layout, _ = decoder.raw_decode(html, end)
        out[found.group(1)] = {"data": data, "layout": layout}
    return out


def canonical(value: object) -> object:
    """The value with floats rounded to 10 significant digits (an integral float as an int) and keys sorted."""
    if isinstance(value, float):
        rounded = float(f"{value:.10g}")
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def chart_digest(figure: dict) -> str:
    """sha256 of a figure's canonical JSON (12 hex digits)."""
    text = json.dumps(canonical(figure), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def compare(before: Path, after: Path) -> int:
    pages = sorted(p.relative_to(before) for p in before.rglob("*.html"))
    charts = same_charts = same_pages = 0
    problems: list[str] = []
    for rel in pages:
        old_html = (before / rel).read_text(encoding="utf-8")
        if not (after / rel).exists():
            problems.append(f"{rel}: missing")
            continue
        new_html = (after / rel).read_text(encoding="utf-8")
        same_pages += _GENERATED.sub("", old_html) == _GENERATED.sub("", new_html)
        old, new = page_charts(old_html), page_charts(new_html)
        if list(old) != list(new):
            problems.append(f"{rel}: charts {list(old)} became {list(new)}")
        for div in old:
            charts += 1
            if div in new and canonical(old[div]) == canonical(new[div]):
                same_charts += 1
            elif div in new:
                problems.append(f"{rel} {div}: chart data differ")
    print(f"{len(pages)} pages, {same_pages} byte-identical (generated time aside); "
          f"{charts} charts, {same_charts} with the same canonical JSON")
    for line in problems[:50]:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(compare(Path(sys.argv[1]), Path(sys.argv[2])))
