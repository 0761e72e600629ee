"""An interactive explorer for JupyterLab: ipywidgets controls, plotly FigureWidgets and a KPI panel.

    from analytics.explore import CampaignExplorer
    CampaignExplorer.from_folder("data/raw/weishi").show()

Controls: campaign, unit (the hierarchy, indented, narrowed by a search box), visit date range, visit kinds
and groups and target indicators (checkboxes with all/none), as_of, language, and a compare mode for two to
five units (tags). A change updates the charts and the panel in place: a chart whose inputs changed is rebuilt
with the report's figure builder and copied into its FigureWidget in one batch (only the properties that
differ travel to the browser; a chart whose inputs did not change is not touched), and the panel shows
`unit_kpis` figures, so the numbers are those of the unit's HTML page for the same as_of. Compare mode shows
only the comparison. The charts sit in a grid whose columns follow the width the page gives the explorer.
"Export this unit" writes that page through `run_batch`. The computations live in `explore.state`, the
controls in `explore.controls`; this module is the wiring.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path

import ipywidgets as W
import plotly.graph_objects as go

from analytics.config import RAW_DATA_DIR, REPORTS_DIR, resolve_data_dir
from analytics.data.campaign import Campaign
from analytics.data.loading import load_campaign
from analytics.data.meta import CampaignMeta, parse_meta
from analytics.data.sources import META_FILE
from analytics.explore.controls import Choices, UnitTags, WidthProbe, grid_columns
from analytics.explore.plotly_script import Chart
from analytics.explore.state import (
    COMPARE_METRICS,
    EVALUATION_FIGURES,
    EVALUATION_SECTIONS,
    INDENT,
    MAX_COMPARE,
    UNIT_FIGURES,
    CampaignIndex,
    Query,
    compare_figure,
    compare_panel_html,
    evaluation_parts,
    export_link_html,
    message_html,
    metric_title,
    not_recorded_html,
    section_panel_html,
    section_slots,
    unit_figures,
    unit_panel_html,
    with_indicators,
)
from analytics.measures.change import comparison_date
from analytics.report.charts import TEMPLATE, Spec, with_width
from analytics.report.layout import AssetMode, OutputLayout, PageState
from analytics.report.parameters import NOTEBOOK_PARAMETERS
from analytics.text.labels import LANGUAGES, label

log = logging.getLogger(__name__)

FIGURES = (*UNIT_FIGURES, "compare")
EVALUATION = "evaluation"  # the report's 群众评议, 公开承诺 and 考核评分 sections, below the charts
UPDATES = (*FIGURES, EVALUATION)
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
EXPORT_DIR = REPORTS_DIR / "explore"
# Charts get a width from the grid: a FigureWidget draws itself once at the width it finds (700 px when its cell
# has none yet) and never follows its container, so the explorer measures the width it has (WidthProbe) and
# gives each chart its column's width: as many columns of at least CHART_MIN px as fit, at most MAX_COLUMNS.
# Until the page reports a width (or outside a browser) charts are CHART_WIDTH px in as many columns as fit.
CHART_WIDTH = 560
CHART_MIN = 440
CHART_GAP = 8
MAX_COLUMNS = 3
PANEL_MIN = 640
_WIDE = {"description_width": "initial"}


def discover_campaigns(root: Path = RAW_DATA_DIR) -> list[Path]:
    """Campaign folders (those holding campaign.yaml) directly under root, by name."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / META_FILE).is_file())


def copy_figure(widget: go.FigureWidget, fig: Spec | go.Figure) -> bool:
    """Make the widget show `fig` (a builder's spec, or a figure) by mutating its traces and layout; False when
    nothing differed.

    Traces of the same type at the same place are restyled property by property (properties the new figure lacks
    are cleared), with the layout's keys set or cleared the same way, in one batch: the front end receives only
    what changed. Traces past the first difference of type are deleted and the new ones added. Each message is a
    redraw in the browser: a chart going from data to "no data" takes a deletion and the batch, not also an empty
    addition.
    """
    new = fig if isinstance(fig, dict) else fig.to_plotly_json()
    data, layout = new["data"], new["layout"]
    old_data = [_set(t.to_plotly_json()) for t in widget.data]
    old_layout = _set(widget.layout.to_plotly_json())
    kept = 0
    while kept < min(len(old_data), len(data)) and old_data[kept].get("type") == data[kept].get("type"):
        kept += 1
    layout_changes = {k: None for k in old_layout if k not in layout}
    layout_changes.update({k: v for k, v in layout.items() if not _same(v, old_layout.get(k))})
    trace_changes: list[dict] = []
    for old, spec in zip(old_data[:kept], data[:kept], strict=True):
        changes = {k: None for k in old if k not in spec and k not in ("uid", "type")}
        changes.update({k: v for k, v in spec.items() if k != "type" and not _same(v, old.get(k))})
        trace_changes.append(changes)
    if kept == len(old_data) == len(data) and not layout_changes and not any(trace_changes):
        return False
    if kept < len(old_data):
        widget.data = widget.data[:kept]
    if kept < len(data):
        widget.add_traces(data[kept:])
    with widget.batch_update():
        for trace, changes in zip(widget.data[:kept], trace_changes, strict=True):
            if changes:
                trace.update(changes, overwrite=True)
        if layout_changes:
            widget.layout.update(layout_changes, overwrite=True)
    return True


def _set(spec: dict) -> dict:
    """The properties actually set: a cleared container reads back as {} or [], which is the same as unset."""
    return {k: v for k, v in spec.items() if not (v is None or (isinstance(v, dict | list | tuple) and not v))}


def _same(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except (ValueError, TypeError):  # numpy arrays compare element-wise
        return False


class CampaignExplorer:
    """The dashboard: `show()` it in a notebook; drive it from Python by setting its controls' `value`."""

    def __init__(
        self,
        campaign: Campaign,
        *,
        folders: Iterable[Path] = (),
        language: str = "zh",
        tolerance: float = 1.0,
        export_dir: Path | str | None = None,
    ):
        checked = NOTEBOOK_PARAMETERS.parse({"language": language, "tolerance": tolerance})
        self.tolerance = checked["tolerance"]
        self.export_dir = Path(export_dir) if export_dir is not None else EXPORT_DIR
        self.last_update_s = 0.0
        self.last_export: Path | None = None
        self.chart_width = CHART_WIDTH
        self._quiet = 0
        self._drawn: dict[str, object] = {}  # chart or panel -> the inputs it shows now
        self._indexes: dict[str, CampaignIndex] = {}
        key = _folder_key(campaign)
        self._folders: dict[str, CampaignMeta | None] = {}
        for folder in folders:
            self._folders[str(Path(folder).resolve())] = parse_meta(Path(folder) / META_FILE)[0]
        self._folders[key] = campaign.meta
        self._key = key
        self.index = CampaignIndex(campaign, self._reports_of(campaign))
        self._indexes[key] = self.index
        self._build(language)
        self._use(key, self.index)
        self.refresh()
        self._make_chart_widgets()

    @classmethod
    def from_folder(cls, path: str | Path, **kwargs) -> CampaignExplorer:
        """Explore the campaign in `path` (relative paths also resolve from the project root); the campaign
        picker offers it and every campaign under data/raw."""
        folder = resolve_data_dir(path)
        campaign = load_campaign(folder)
        return cls(campaign, folders=[*discover_campaigns(), folder], **kwargs)

    # -- display ------------------------------------------------------------------------------------------
    def show(self) -> None:
        """Display the dashboard in the notebook."""
        from IPython.display import display

        display(self.widget)

    def _ipython_display_(self) -> None:
        self.show()

    # -- building -----------------------------------------------------------------------------------------
    def _build(self, language: str) -> None:
        def full() -> W.Layout:
            # One Layout per widget: a Layout is a widget model of its own, and one shared by several widgets
            # changes all of them (hiding the evaluation sections once collapsed the whole explorer).
            return W.Layout(width="100%")

        def block() -> W.Layout:
            # Text blocks (the panel, the sections): the whole width and no more. ipywidgets gives an HTML widget a
            # 2 px margin, which beside a width of 100% pushed the panel's sentence past the explorer's edge.
            return W.Layout(width="100%", min_width="0", margin="0")

        self.campaign_picker = W.Dropdown(style=_WIDE, layout=W.Layout(width="360px"))
        self.as_of = W.DatePicker(style=_WIDE, layout=W.Layout(width="220px"))
        # The date the change since the previous period is read against (default: the previous period).
        self.compare_with = W.DatePicker(style=_WIDE, layout=W.Layout(width="240px"))
        self.language = W.ToggleButtons(options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES], value=language,
                                        style={"button_width": "72px", "description_width": "initial"})
        self.search = W.Text(continuous_update=True, style=_WIDE, layout=full())
        self.unit = W.Select(rows=14, layout=full())
        self.start = W.DatePicker(style=_WIDE, layout=full())
        self.end = W.DatePicker(style=_WIDE, layout=full())
        self.kinds = Choices()
        self.groups = Choices()
        self.indicators = Choices()
        self.compare = W.Checkbox(value=False, indent=False)
        self.compare_units = UnitTags(default=lambda: self.index.default_compare(self.unit.value))
        self.compare_metric = W.Dropdown(style=_WIDE, layout=full())
        self._compare_controls = W.VBox([self.compare_units, self.compare_metric],
                                        layout=W.Layout(width="100%", display="none"))
        self.export_button = W.Button(icon="download", layout=W.Layout(width="auto"))
        self.kpi_panel = W.HTML(layout=block())
        self.status = W.HTML(layout=block())
        self.probe = WidthProbe()
        # The package's small template from the start: plotly's default one is large to build and to send.
        # Charts start as plain figures and become FigureWidgets once they hold their first data (see
        # _make_chart_widgets).
        self.figures: dict[str, go.FigureWidget] = {
            name: go.Figure(layout={"template": TEMPLATE, "width": CHART_WIDTH}) for name in FIGURES}
        self.kpis = None

        self._compare_box = W.Box([], layout=W.Layout(width="100%", overflow="auto"))
        _shown(self._compare_box, False)
        self._compare_box.add_class("ca-chart-compare")
        self._grids: list[W.GridBox] = []
        self._chart_boxes = {n: self._chart_box(n) for n in UNIT_FIGURES}
        self._charts = self._grid(list(self._chart_boxes.values()))
        # The evaluation sections as on the unit's page: the HTML before each chart (its heading), the chart, ...,
        # the HTML after the last chart; a chart the unit has no part for (e.g. children compared, for a leaf) is
        # hidden. A section the campaign does not record is left out; one line at the end names them.
        self.section_slots = {key: [W.HTML(layout=block()) for _ in range(len(EVALUATION_FIGURES[key]) + 1)]
                              for key in EVALUATION_SECTIONS}
        self.not_recorded = W.HTML(layout=block())
        self.not_recorded.add_class("ca-not-recorded")
        self.evaluation_figures: dict[str, go.FigureWidget] = {
            div: go.Figure(layout={"template": TEMPLATE, "width": CHART_WIDTH})
            for divs in EVALUATION_FIGURES.values() for div in divs}
        self._evaluation_boxes = {div: self._chart_box(div) for div in self.evaluation_figures}
        for box in self._evaluation_boxes.values():
            box.layout.display = "none"
        self._evaluation = W.VBox([
            *(widget
              for key in EVALUATION_SECTIONS
              for i, slot in enumerate(self.section_slots[key])
              for widget in ((slot, self._evaluation_boxes[EVALUATION_FIGURES[key][i]])
                             if i < len(EVALUATION_FIGURES[key]) else (slot,))),
            self.not_recorded,
        ], layout=full())
        left = W.VBox([self.search, self.unit, self.compare, self._compare_controls],
                      layout=W.Layout(width="330px", min_width="260px"))
        filters = W.VBox([self.start, self.end, self.kinds, self.groups, self.indicators],
                         layout=W.Layout(width="320px", min_width="240px", grid_gap="6px"))
        # The panel beside the controls when at least PANEL_MIN px are left for it, else on a row of its own, the
        # whole width (at 1,366 and 1,600 px): its sentence and tables are never squeezed into a narrow column.
        # min_width 0: it takes the width it is given, never its widest table's (that one scrolls in its box).
        right = W.VBox([self.kpi_panel, self.export_button, self.status],
                       layout=W.Layout(flex=f"1 1 {PANEL_MIN}px", min_width="0"))
        header = W.HBox([self.campaign_picker, self.as_of, self.compare_with, self.language],
                        layout=W.Layout(flex_flow="row wrap"))
        body = W.HBox([left, filters, right], layout=W.Layout(flex_flow="row wrap", grid_gap="12px"))
        self.widget = W.VBox([header, body, self.probe, self._compare_box, self._charts, self._evaluation],
                             layout=full())
        self.widget.add_class("campaign-explorer")
        # Class names by control: the browser tests and the Lab benchmark find each one by its name.
        for name in ("campaign_picker", "as_of", "compare_with", "language", "search", "unit", "start", "end", "kinds", "groups",
                     "indicators", "compare", "compare_units", "compare_metric", "kpi_panel", "status"):
            getattr(self, name).add_class("ca-" + name.replace("_", "-"))

        handlers = {
            self.campaign_picker: self._on_campaign,
            self.search: self._on_search,
            self.unit: self._on_filters,
            self.start: self._on_dates,
            self.end: self._on_dates,
            self.kinds: self._on_filters,
            self.groups: self._on_filters,
            self.as_of: self._on_as_of,
            self.compare_with: self._on_filters,
            self.indicators: self._on_filters,
            self.language: self._on_language,
            self.compare: self._on_compare,
            self.compare_units: self._on_compare_choice,
            self.compare_metric: self._on_compare_choice,
        }
        for control, handler in handlers.items():
            control.observe(self._guarded(handler), names="value")
        self.probe.observe(self._guarded(self._on_width), names="width")
        self.export_button.on_click(lambda _button: self.export())

    def _make_chart_widgets(self) -> None:
        """Turn every chart into a FigureWidget created with the figure it shows, and put it in its box.

        A FigureWidget inside a box is drawn from the state its browser model was created with, then kept up to
        date by the changes it receives; changes that reach the browser before the widget's script has loaded are
        lost (the first charts of the dashboard came up empty in JupyterLab). Created with its data, a chart needs
        no change to show it. The charts are `Chart`s: plotly's 5 MB script reaches the browser once per kernel
        (plotly_script), not once per chart."""
        boxes = {**{n: self._chart_boxes[n] for n in UNIT_FIGURES}, "compare": self._compare_box}
        for group, box_of in ((self.figures, boxes), (self.evaluation_figures, self._evaluation_boxes)):
            for name, fig in list(group.items()):
                group[name] = Chart(fig)
                box_of[name].children = (group[name],)

    @staticmethod
    def _chart_box(name: str) -> W.Box:
        box = W.Box([], layout=W.Layout(overflow="hidden"))
        box.add_class(f"ca-chart-{name}")  # the browser tests and the Lab benchmark find each chart by it
        return box

    def _grid(self, boxes: list[W.Box]) -> W.GridBox:
        grid = W.GridBox(boxes, layout=W.Layout(width="100%", grid_gap=f"{CHART_GAP}px",
                                                grid_template_columns=f"repeat(auto-fill, {CHART_WIDTH}px)"))
        self._grids.append(grid)
        return grid

    def _guarded(self, handler):
        """An observer that does nothing while the explorer sets controls itself, and shows errors in the panel."""

        def observer(change) -> None:
            if self._quiet:
                return
            try:
                handler(change)
            except Exception as exc:  # noqa: BLE001 - a widget callback must not raise into the front end
                log.exception("explorer update failed")
                colon = label("punct.colon", self.lang)
                self._message(f"{label('explore.error', self.lang)}{colon}{type(exc).__name__}: {exc}", error=True)

        return observer

    @contextlib.contextmanager
    def _hold(self) -> Iterator[None]:
        """Set controls without their observers running."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _reports_of(self, campaign: Campaign) -> Path | None:
        """The campaign's output folder under the export folder, when a run has published snapshots there."""
        folder = OutputLayout.inside(self.export_dir, campaign.meta.id).root
        return folder if (folder / OutputLayout.HISTORY).is_dir() else None

    @property
    def lang(self) -> str:
        return self.language.value

    def _use(self, key: str, index: CampaignIndex) -> None:
        """Point every control at this campaign: its units, dates, vocabulary; everything selected."""
        self.index, self._key = index, key
        self._drawn.clear()
        meta = index.meta
        with self._hold():
            self.search.value = ""
            self.unit.options = [(index.unit_label(u), u) for u in index.order]
            self.unit.value = index.order[0]
            for picker in (self.start, self.end):
                picker.min = picker.max = None
            self.start.value, self.end.value = meta.start, meta.end
            for picker in (self.start, self.end):
                picker.min, picker.max = meta.start, meta.end
            self.as_of.value = index.campaign.as_of()
            self.compare_with.value = comparison_date(index.campaign, self.as_of.value)
            for control, codes in ((self.kinds, index.kinds()), (self.groups, index.groups()),
                                   (self.indicators, index.indicators())):
                control.options = [(c, c) for c in codes]
                control.value = tuple(codes)
            self.compare_units.options = [(index.unit_label(u).lstrip(INDENT), u) for u in index.order]
            self.compare_units.value = tuple(index.default_compare(index.order[0])) if self.compare.value else ()
        self._relabel()

    def _relabel(self) -> None:
        """Control descriptions and option labels in the chosen language; values kept."""
        lang, meta = self.lang, self.index.meta
        for control, key in (
            (self.campaign_picker, "explore.campaign"), (self.as_of, "explore.as_of"),
            (self.compare_with, "explore.compare_with"),
            (self.language, "explore.language"), (self.search, "explore.search"), (self.start, "explore.start"),
            (self.end, "explore.end"), (self.kinds, "explore.kinds"), (self.groups, "explore.groups"),
            (self.indicators, "explore.indicators"), (self.compare, "explore.compare"),
            (self.compare_units, "explore.compare_units"), (self.compare_metric, "explore.compare_metric"),
        ):
            control.description = label(key, lang)
        self.search.placeholder = label("explore.search_placeholder", lang)
        self.export_button.description = label("explore.export", lang)
        for choices in (self.kinds, self.groups, self.indicators):
            choices.all_label, choices.none_label = label("explore.all", lang), label("explore.none", lang)
        self.compare_units.none_label = label("explore.none", lang)
        self.compare_units.default_label = label("explore.compare_default", lang)
        self.compare_units.placeholder = label("explore.compare_placeholder", lang)
        with self._hold():
            self._relabel_options(self.campaign_picker, [(self._campaign_title(k), k) for k in self._folders])
            self.campaign_picker.value = self._key
            self.kinds.options = [(meta.kind_label(c, lang), c) for _, c in self.kinds.options]
            self.groups.options = [(meta.group_label(c, lang), c) for _, c in self.groups.options]
            self.indicators.options = [(meta.indicator_label(c, lang), c) for _, c in self.indicators.options]
            self._relabel_options(self.compare_metric,
                                  [(metric_title(m, lang), m) for m in self.index.compare_metrics()])

    @staticmethod
    def _relabel_options(control, options: list[tuple[str, object]]) -> None:
        """New options for a single-choice control, keeping its value (or taking the first) in one message."""
        value = control.value
        values = [v for _, v in options]
        with control.hold_sync():  # labels and index reach the browser together, never an index past the end
            control.options = options
            control.value = value if value in values else (values[0] if values else None)

    def _campaign_title(self, key: str) -> str:
        meta = self._folders.get(key)
        if meta is None:
            return Path(key).name
        return f"{meta.title(self.lang)} ({Path(key).name})" if key else meta.title(self.lang)

    # -- the current query --------------------------------------------------------------------------------
    def query(self) -> Query:
        """What the controls ask for. The full date range and all kinds/groups mean "no filter", as in reports."""
        meta = self.index.meta
        start, end = self.start.value, self.end.value
        return Query(
            unit_id=self.unit.value,
            as_of=self.as_of.value or self.index.campaign.as_of(),
            start=None if start is None or start <= meta.start else start,
            end=None if end is None or end >= meta.end else end,
            kinds=_chosen(self.kinds),
            groups=_chosen(self.groups),
            tolerance=self.tolerance,
            compare_to=self._compare_to(),
        )

    def _compare_to(self) -> dt.date | None:
        """The "compare with" date when it is one the campaign can compare with (start ≤ D < as_of), else None:
        the previous period by the campaign's rule."""
        day, as_of = self.compare_with.value, self.as_of.value or self.index.campaign.as_of()
        if day is None or not self.index.meta.start <= day < as_of:
            return None
        return day

    def _on_as_of(self, change) -> None:
        """A new as_of moves the "compare with" date along when it showed the previous period of the old one."""
        old, new = change.get("old"), change.get("new")
        if old is not None and new is not None and self.compare_with.value == comparison_date(self.index.campaign,
                                                                                              old):
            with self._hold():
                self.compare_with.value = comparison_date(self.index.campaign, new)
        self._on_filters(change)

    def compared_units(self) -> list[str]:
        """The units compared, in tree order, at most MAX_COMPARE."""
        chosen = set(self.compare_units.value)
        return [u for u in self.index.order if u in chosen][:MAX_COMPARE]

    # -- updating -----------------------------------------------------------------------------------------
    def refresh(self, names: Iterable[str] = UPDATES) -> None:
        """Recompute what the controls' values show and update it in place: in compare mode the comparison table
        and chart only; otherwise the unit's panel, charts and (with "evaluation") evaluation sections.

        `names` limits the charts looked at. A chart or panel is rebuilt only when what it depends on changed (its
        part of the query, the language, its width): unchanged ones are not touched, so the browser redraws
        nothing for them."""
        started = time.perf_counter()
        wanted = set(names)
        q = self.query()
        indicators = _chosen(self.indicators)
        lang = self.lang
        if self.compare.value:
            self._refresh_compare(q, indicators, lang)
        else:
            self._refresh_unit(q, indicators, lang, wanted)
        self.last_update_s = time.perf_counter() - started

    def _refresh_unit(self, q: Query, indicators: tuple[str, ...] | None, lang: str, wanted: set[str]) -> None:
        base = (id(self.index), lang)
        visits = (*base, q.unit_id, q.start, q.until, q.kinds, q.groups)
        keys = {name: visits for name in UNIT_FIGURES}
        keys["trend"] = (*visits, q.as_of)  # the trend's last bin ends at the earlier of as_of and the end
        keys["targets"] = (*base, q.unit_id, q.as_of, q.tolerance, indicators)
        stale = [n for n in UNIT_FIGURES if n in wanted and self._drawn.get(n) != keys[n]]
        panel_key = (*base, q, indicators)
        # Ratings follow the questionnaires' window; commitments and the appraisal are as of as_of (not filtered by
        # kinds or groups, nor by indicators).
        evaluation_key = (*base, q.unit_id, q.start, q.until, q.as_of, q.tolerance)
        evaluate = EVALUATION in wanted and self._drawn.get(EVALUATION) != evaluation_key
        if not stale and not evaluate and self._drawn.get("panel") == panel_key:
            return
        self.kpis = with_indicators(self.index.kpis(q), indicators)
        if self._drawn.get("panel") != panel_key:
            self.kpi_panel.value = unit_panel_html(self.index, q, self.kpis, lang)
            self._drawn["panel"] = panel_key
        for name, fig in unit_figures(self.index, q, self.kpis, lang, tuple(stale)).items():
            copy_figure(self.figures[name], with_width(fig, self.chart_width))
            self._drawn[name] = keys[name]
        if evaluate:
            self._show_evaluation(q, lang)
            self._drawn[EVALUATION] = evaluation_key

    def _refresh_compare(self, q: Query, indicators: tuple[str, ...] | None, lang: str) -> None:
        units = self.compared_units()
        metric = self.compare_metric.value or COMPARE_METRICS[0]
        too_many = len(self.compare_units.value) > MAX_COMPARE
        key = (id(self.index), lang, q, indicators, tuple(units), too_many, metric)
        if self._drawn.get("compare") == key:
            return
        kpis = [with_indicators(k, indicators) for k in self.index.kpis_of(q, units)]  # one pass for all
        note = ""
        if len(units) < 2:
            note = label("explore.compare_hint", lang)
        elif too_many:
            note = label("explore.compare_limit", lang)
        self.kpi_panel.value = compare_panel_html(self.index, units, kpis, lang, note)
        shown = (units, kpis) if len(units) >= 2 else ([], [])
        fig = compare_figure(self.index, *shown, metric, lang)
        copy_figure(self.figures["compare"], with_width(fig, self._compare_width()))
        self._drawn["compare"] = key
        self._drawn.pop("panel", None)  # the panel now shows the comparison

    def _compare_width(self) -> int:
        return max(self.chart_width, self.probe.width) if self.probe.width else 2 * CHART_WIDTH + CHART_GAP

    def section_html(self, key: str) -> str:
        """The HTML an evaluation section shows now (its slots around its charts, in order)."""
        return "".join(slot.value for slot in self.section_slots[key])

    def _show_evaluation(self, q: Query, lang: str) -> None:
        """The unit's evaluation sections, from the same functions as its report page, each chart below its
        heading; then the line naming what the campaign does not record."""
        for key, parts in evaluation_parts(self.index, q, self.kpis, lang).items():
            slots, charts = section_slots(parts, EVALUATION_FIGURES[key])
            for widget, slot in zip(self.section_slots[key], slots, strict=True):
                widget.value = section_panel_html(slot, lang)
            for div in EVALUATION_FIGURES[key]:
                if div in charts:
                    copy_figure(self.evaluation_figures[div], with_width(charts[div], self.chart_width))
                self._evaluation_boxes[div].layout.display = "flex" if div in charts else "none"
        self.not_recorded.value = not_recorded_html(self.index, lang)

    def _message(self, text: str, error: bool = False) -> None:
        self.status.value = message_html(text, error)

    # -- observers ----------------------------------------------------------------------------------------
    def _on_width(self, change) -> None:
        """The page gave the explorer a new width: as many chart columns as fit, each chart its column's width."""
        columns, width = grid_columns(change["new"], min_chart=CHART_MIN, gap=CHART_GAP, max_columns=MAX_COLUMNS)
        for grid in self._grids:
            grid.layout.grid_template_columns = f"repeat({columns}, {width}px)"
        self.chart_width = width
        widths = [(fig, width) for fig in (*(self.figures[n] for n in UNIT_FIGURES), *self.evaluation_figures.values())]
        for fig, w in (*widths, (self.figures["compare"], self._compare_width())):
            if fig.layout.width != w:
                fig.layout.width = w
                # The first width arrives as the dashboard appears, maybe before a chart's script has loaded: the
                # chart's whole state goes too, which is what a chart drawn after this change starts from.
                fig._repr_mimebundle_()

    def _on_campaign(self, change) -> None:
        key = change["new"]
        try:
            campaign = load_campaign(Path(key)) if key else self._indexes[key].campaign
        except Exception as exc:  # noqa: BLE001 - shown in the panel; the previous campaign stays
            with self._hold():
                self.campaign_picker.value = self._key
            self._message(f"{label('explore.load_failed', self.lang)}{label('punct.colon', self.lang)}{exc}", error=True)
            return
        index = self._indexes.get(key)
        if index is None or index.campaign is not campaign:
            index = self._indexes[key] = CampaignIndex(campaign, self._reports_of(campaign))
        self._folders[key] = campaign.meta
        self.status.value = ""
        self._use(key, index)
        self.refresh()

    def _on_search(self, change) -> None:
        hits, shown = self.index.search(change["new"])
        if not hits:
            self._message(label("explore.no_match", self.lang))
            return
        self.status.value = ""
        current = self.unit.value
        keep = current if current in hits else hits[0]
        with self._hold(), self.unit.hold_sync():  # the new labels and the selection in one message
            self.unit.options = [(self.index.unit_label(u), u) for u in shown]
            self.unit.value = keep
        if keep != current:
            self.refresh()

    def _on_dates(self, change) -> None:
        # Each picker bounds the other, so the range never runs backwards.
        meta = self.index.meta
        with self._hold():
            self.end.min = self.start.value or meta.start
            self.start.max = self.end.value or meta.end
        self.refresh()

    def _on_filters(self, change) -> None:
        self.refresh()

    def _on_language(self, change) -> None:
        self._relabel()
        self.refresh()

    def _on_compare(self, change) -> None:
        on = bool(change["new"])
        if on and not self.compare_units.value:
            with self._hold():
                self.compare_units.value = tuple(self.index.default_compare(self.unit.value))
        self.refresh()  # compute first, then swap what is shown, so the page never shows stale charts
        self._compare_controls.layout.display = "flex" if on else "none"
        _shown(self._compare_box, on)
        _shown(self._charts, not on)
        _shown(self._evaluation, not on)
        if not on:
            self._drawn.pop("compare", None)  # the panel shows the unit again; the comparison is redone next time

    def _on_compare_choice(self, change) -> None:
        if self.compare.value:
            self.refresh()

    # -- export -------------------------------------------------------------------------------------------
    def export(self) -> Path | None:
        """Write the current unit's HTML page through the report code; show a link, or the error, in the panel."""
        from analytics.batch.options import BatchOptions
        from analytics.batch.runner import run_batch

        lang = self.lang
        source = self.index.campaign.source
        if not self._key or not Path(source).is_dir():
            self._message(label("explore.no_folder", lang), error=True)
            return None
        q = self.query()
        self.export_button.disabled = True
        self._message(label("explore.exporting", lang))
        try:
            out_dir = OutputLayout.inside(self.export_dir, self.index.meta.id).root
            options = BatchOptions.from_values({"data_dir": Path(source), "out": out_dir, "units": [q.unit_id],
                                                "as_of": q.as_of, "language": lang, "tolerance": q.tolerance,
                                                "assets": AssetMode.SELF_CONTAINED})
            result = run_batch(options)
            unit = result.units[0]
            if unit.status == PageState.FAILED or not unit.output:
                self._message(f"{label('explore.export_failed', lang)}{label('punct.colon', lang)}{unit.error or ''}",
                              error=True)
                return None
            page = Path(result.out_dir) / unit.output
            self.status.value = _link_html(label("explore.exported", lang), page, unit.name, lang)
            self.last_export = page
            return page
        except Exception as exc:  # noqa: BLE001 - errors are shown, never raised into the notebook
            log.exception("export failed")
            self._message(f"{label('explore.export_failed', lang)}{label('punct.colon', lang)}{type(exc).__name__}: {exc}",
                          error=True)
            return None
        finally:
            self.export_button.disabled = False


def _folder_key(campaign: Campaign) -> str:
    """Campaign picker value: the resolved folder, or '' for a campaign built in memory."""
    source = Path(campaign.source) if campaign.source else None
    return str(source.resolve()) if source is not None and source.is_dir() else ""


def _chosen(control: Choices) -> tuple[str, ...] | None:
    """The selected codes, or None when all are selected (no filter, exactly as the reports count)."""
    values = tuple(control.value)
    if set(values) == {v for _, v in control.options}:
        return None
    return values


def _shown(box: W.Box, on: bool) -> None:
    """Show or hide charts. Hidden ones are collapsed and invisible but still laid out (not display: none):
    plotly draws a chart in a container without a layout at zero size, and never redraws it when it appears."""
    box.layout.visibility = "visible" if on else "hidden"
    box.layout.height = None if on else "0px"
    box.layout.overflow = "auto" if on else "hidden"


def _link_html(text: str, page: Path, name: str, language: str) -> str:
    """'已导出：<a>name</a> path', everything escaped; the link is relative to the notebook's folder."""
    try:
        href = urllib.parse.quote(Path(os.path.relpath(page, Path.cwd())).as_posix())
    except ValueError:  # another drive
        href = page.resolve().as_uri()
    return export_link_html(text, href, name, str(page), language)


__all__ = ["CampaignExplorer", "copy_figure", "discover_campaigns"]
