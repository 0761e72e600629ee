"""The chart builders as tests read them: each spec made a `go.Figure`, which checks it against plotly's schema
(pages skip that check) and lets a test read it by attribute (`fig.data[0].y`)."""

from __future__ import annotations

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
