"""The charts of rendered report folders: compare two folders, or write the digests that guard the sample pages.

    python scripts/chart_json.py compare BEFORE AFTER
    python scripts/chart_json.py digests REPORTS OUT.json CAMPAIGN:UNIT ...

`compare` compares every page's plotly figures as canonical JSON (keys sorted, floats to 10 significant digits,
tests/figures.py), so that a change in how numbers or keys are written is not taken for a change of a chart, and
the pages byte for byte with the line saying when they were made left out; exit status 0 when every chart is
the same. `digests` writes each chart's canonical digest for the pages named (REPORTS/CAMPAIGN holds the output
of `campaign-analytics run`): tests/report/test_chart_specs.py checks the builders against them.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from figures import canonical, chart_digest  # noqa: E402  (tests/figures.py: one canonical form for both)

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


def digests(reports: Path, out: Path, pages: list[str]) -> int:
    found: dict[str, dict[str, dict[str, str]]] = {}
    for page in pages:
        campaign, unit_id = page.split(":", 1)
        manifest = json.loads((reports / campaign / "manifest.json").read_text(encoding="utf-8"))
        output = next(u["output"] for u in manifest["units"] if u["unit_id"] == unit_id)
        charts = page_charts((reports / campaign / output).read_text(encoding="utf-8"))
        found.setdefault(campaign, {})[unit_id] = {div: chart_digest(fig) for div, fig in charts.items()}
    out.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{sum(len(u) for c in found.values() for u in c.values())} charts of {len(pages)} pages -> {out}")
    return 0


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "compare":
        sys.exit(compare(Path(args[0]), Path(args[1])))
    sys.exit(digests(Path(args[0]), Path(args[1]), args[2:]))
