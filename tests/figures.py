"""The chart builders as tests read them: each spec made a `go.Figure`, which checks it against plotly's schema
(pages skip that check) and lets a test read it by attribute (`fig.data[0].y`); a figure's canonical digest,
which guards the sample pages' charts (scripts/chart_json.py writes the digests from rendered pages)."""

from __future__ import annotations

import hashlib
import json
from types import ModuleType

import plotly.graph_objects as go


def figure(spec: dict) -> go.Figure:
    """A builder's spec as a plotly Figure: raises ValueError on any property plotly does not know."""
    assert isinstance(spec, dict) and set(spec) <= {"data", "layout"}, type(spec)
    return go.Figure(spec)


class ValidatedCharts:
    """`analytics.report.charts` with every `*_chart` builder returning `figure(spec)`; all else as it is."""

    def __init__(self, module: ModuleType):
        self._module = module

    def __getattr__(self, name: str):
        value = getattr(self._module, name)
        if name.endswith("_chart") and callable(value):
            return lambda **kwargs: figure(value(**kwargs))
        return value


def canonical(value: object) -> object:
    """A figure's JSON value compared for what it shows: floats rounded to 10 significant digits (an integral one
    an int, as 2.0 and 2 draw alike), keys sorted; key order and how a number is written set aside."""
    if isinstance(value, float):
        rounded = float(f"{value:.10g}")
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def chart_digest(figure_json: dict) -> str:
    """sha256 (first 16 hex digits) of a figure's canonical JSON: {"data": [...], "layout": {...}} as written."""
    text = json.dumps(canonical(figure_json), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
