"""plotly charts for the explorer that share one copy of plotly's script per notebook.

plotly's FigureWidget is an anywidget whose `_esm` is plotly's whole widget bundle (plotly.js and the widget's
code, about 5 MB): every chart sent it to the browser, which parsed it once per chart, and a saved notebook kept
a copy per chart in its widget state (12 charts, about 61 MB). Here the bundle travels once, compressed:

- `PlotlyScript` is a widget with no view that holds the bundle gzipped, as base64 text (`gzipped`, about 2 MB),
  and its `digest`. Text, not a binary buffer: JupyterLab saves a notebook's widget state without its models'
  binary buffers, and the script must stay in a saved notebook. One lives per kernel (`plotly_script()`); the
  kernel opens it before any chart, so the browser has it when a chart asks.
- `Chart` is a FigureWidget whose `_esm` is a module of a few lines (static/plotly_chart.js) and which names the
  script widget in `_plotly`. In the browser that module finds the script widget through the widget manager,
  unzips and imports the bundle once per page (shared by every chart of every explorer, keyed by its digest; the
  browser's DecompressionStream) and hands the chart to the bundle's own widget code: the chart behaves exactly as
  a FigureWidget.
"""

from __future__ import annotations

import base64
import gzip
import hashlib

import ipywidgets as W
import plotly.graph_objects as go
import traitlets

from analytics.config import resource

_SCRIPT: PlotlyScript | None = None


class PlotlyScript(W.Widget):
    """plotly's widget bundle, once: a model the browser keeps (no view); charts import the bundle from it."""

    gzipped = traitlets.Unicode().tag(sync=True)  # base64 of the gzipped bundle
    digest = traitlets.Unicode().tag(sync=True)


def bundle_source() -> str:
    """The text of plotly's widget bundle: what a FigureWidget sends as its `_esm`."""
    return str(go.FigureWidget._esm)


def plotly_script() -> PlotlyScript:
    """This kernel's PlotlyScript, opened on first use (again if it was closed, e.g. by `Widget.close_all()`)."""
    global _SCRIPT
    if _SCRIPT is None or _SCRIPT.comm is None:
        source = bundle_source().encode()
        _SCRIPT = PlotlyScript(gzipped=base64.b64encode(gzip.compress(source, 6, mtime=0)).decode("ascii"),
                               digest=hashlib.sha256(source).hexdigest()[:16])
    return _SCRIPT


class Chart(go.FigureWidget):
    """A FigureWidget that takes plotly's script from this kernel's PlotlyScript instead of carrying it."""

    _esm = resource("explore", "static", "plotly_chart.js")
    _plotly = traitlets.Instance(PlotlyScript).tag(sync=True, **W.widget_serialization)

    @traitlets.default("_plotly")
    def _default_plotly(self) -> PlotlyScript:
        return plotly_script()


__all__ = ["Chart", "PlotlyScript", "bundle_source", "plotly_script"]
