"""An interactive explorer for JupyterLab: ipywidgets controls, plotly FigureWidgets and a KPI panel.

    from analytics.explore import CampaignExplorer
    CampaignExplorer.from_folder("data/raw/weishi").show()

Controls: campaign, unit (the hierarchy, indented, narrowed by a search box), visit date range, visit kinds
and groups, target indicators, as_of, language, and a compare mode for two to five units. A change updates
the charts and the panel in place: each chart is rebuilt with the report's figure builder and copied into
its FigureWidget inside `batch_update()`, and the panel shows `unit_kpis` figures, so the numbers are those
of the unit's HTML page for the same as_of. "Export this unit" writes that page through `run_batch`.
The computations live in `explore_state`; this module is the wiring.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path

import ipywidgets as W
import plotly.graph_objects as go

from analytics.config import RAW_DATA_DIR, REPORTS_DIR, resolve_data_dir
from analytics.data.campaign import META_FILE, Campaign, CampaignMeta, parse_meta
from analytics.data.loading import load_campaign
from analytics.explore.state import (
    COMPARE_METRICS,
    EVALUATION_FIGURES,
    EVALUATION_SECTIONS,
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
    section_panel_html,
    unit_figures,
    unit_panel_html,
    with_indicators,
)
from analytics.labels import LANGUAGES, label
from analytics.report.figures import TEMPLATE
from analytics.report.layout import OutputLayout
from analytics.report.parameters import NOTEBOOK_PARAMETERS

log = logging.getLogger(__name__)

FIGURES = (*UNIT_FIGURES, "compare")
EVALUATION = "evaluation"  # the report's 群众评议, 公开承诺 and 考核评分 sections, below the charts
UPDATES = (*FIGURES, EVALUATION)
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
EXPORT_DIR = REPORTS_DIR / "explore"
# Charts get a fixed width: a FigureWidget drawn before its cell has a width falls back to 700 px and never
# resizes, so in a two-column grid it would be cut off. Two charts side by side fit a 1,280 px notebook.
CHART_WIDTH = 600
CHART_GAP = 8
_WIDE = {"description_width": "initial"}


def discover_campaigns(root: Path = RAW_DATA_DIR) -> list[Path]:
    """Campaign folders (those holding campaign.yaml) directly under root, by name."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / META_FILE).is_file())


def copy_figure(widget: go.FigureWidget, fig: go.Figure) -> bool:
    """Make the widget show `fig` by mutating its traces and layout in one batch; False when nothing differed.

    Traces of the same number and types are restyled property by property (properties the new figure lacks
    are cleared); otherwise the traces are replaced. Layout keys are set or cleared the same way, so the
    front end receives only what changed.
    """
    new = fig.to_plotly_json()
    data, layout = new["data"], new["layout"]
    old_data = [_set(t.to_plotly_json()) for t in widget.data]
    old_layout = _set(widget.layout.to_plotly_json())
    same_types = len(old_data) == len(data) and all(o.get("type") == n.get("type") for o, n in zip(old_data, data, strict=True))
    layout_changes = {k: None for k in old_layout if k not in layout}
    layout_changes.update({k: v for k, v in layout.items() if not _same(v, old_layout.get(k))})
    trace_changes: list[dict] = []
    if same_types:
        for old, spec in zip(old_data, data, strict=True):
            changes = {k: None for k in old if k not in spec and k not in ("uid", "type")}
            changes.update({k: v for k, v in spec.items() if k != "type" and not _same(v, old.get(k))})
            trace_changes.append(changes)
        if not layout_changes and not any(trace_changes):
            return False
    with widget.batch_update():
        if same_types:
            for trace, changes in zip(widget.data, trace_changes, strict=True):
                if changes:
                    trace.update(changes, overwrite=True)
        else:
            widget.data = ()
            widget.add_traces(data)
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
        self._quiet = 0
        self._indexes: dict[str, CampaignIndex] = {}
        key = _folder_key(campaign)
        self._folders: dict[str, CampaignMeta | None] = {}
        for folder in folders:
            self._folders[str(Path(folder).resolve())] = parse_meta(Path(folder) / META_FILE)[0]
        self._folders[key] = campaign.meta
        self._key = key
        self.index = CampaignIndex(campaign)
        self._indexes[key] = self.index
        self._build(language)
        self._use(key, self.index)
        self.refresh()

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
        full = W.Layout(width="100%")
        self.campaign_picker = W.Dropdown(style=_WIDE, layout=W.Layout(width="360px"))
        self.as_of = W.DatePicker(style=_WIDE, layout=W.Layout(width="220px"))
        self.language = W.ToggleButtons(options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES], value=language,
                                        style={"button_width": "72px", "description_width": "initial"})
        self.search = W.Text(continuous_update=True, style=_WIDE, layout=full)
        self.unit = W.Select(rows=14, layout=full)
        self.start = W.DatePicker(style=_WIDE, layout=full)
        self.end = W.DatePicker(style=_WIDE, layout=full)
        self.kinds = W.SelectMultiple(rows=5, style=_WIDE, layout=full)
        self.groups = W.SelectMultiple(rows=6, style=_WIDE, layout=full)
        self.indicators = W.SelectMultiple(rows=5, style=_WIDE, layout=full)
        self.compare = W.Checkbox(value=False, indent=False)
        self.compare_units = W.SelectMultiple(rows=8, layout=full, disabled=True)
        self.compare_metric = W.Dropdown(style=_WIDE, layout=full, disabled=True)
        self.export_button = W.Button(icon="download", layout=W.Layout(width="auto"))
        self.kpi_panel = W.HTML(layout=full)
        self.status = W.HTML(layout=full)
        # The package's small template from the start: plotly's default one is large to build and to send.
        self.figures: dict[str, go.FigureWidget] = {name: go.FigureWidget(layout={"template": TEMPLATE}) for name in FIGURES}
        self.kpis = None

        self._compare_box = W.Box([self.figures["compare"]],
                                  layout=W.Layout(width="100%", overflow="auto", display="none"))
        charts = W.Box(
            [W.Box([self.figures[n]], layout=W.Layout(width=f"{CHART_WIDTH}px")) for n in UNIT_FIGURES],
            layout=W.Layout(width="100%", flex_flow="row wrap", grid_gap=f"{CHART_GAP}px"),
        )
        # The evaluation sections: each one's HTML (cards, tables, the scoring rule), then its charts side by side;
        # a chart the unit has no part for (e.g. children compared, for a leaf) is hidden.
        self.sections = {key: W.HTML(layout=full) for key in EVALUATION_SECTIONS}
        self.evaluation_figures: dict[str, go.FigureWidget] = {
            div: go.FigureWidget(layout={"template": TEMPLATE}) for divs in EVALUATION_FIGURES.values() for div in divs}
        self._evaluation_boxes = {div: W.Box([fig], layout=W.Layout(width=f"{CHART_WIDTH}px", display="none"))
                                  for div, fig in self.evaluation_figures.items()}
        evaluation = W.VBox([
            part
            for key in EVALUATION_SECTIONS
            for part in (self.sections[key], W.Box([self._evaluation_boxes[d] for d in EVALUATION_FIGURES[key]],
                                                   layout=W.Layout(width="100%", flex_flow="row wrap",
                                                                   grid_gap=f"{CHART_GAP}px")))
        ], layout=full)
        left = W.VBox([self.search, self.unit, self.compare, self.compare_units, self.compare_metric],
                      layout=W.Layout(width="330px", min_width="260px"))
        filters = W.VBox([self.start, self.end, self.kinds, self.groups, self.indicators],
                         layout=W.Layout(width="300px", min_width="240px"))
        right = W.VBox([self.kpi_panel, self.export_button, self.status], layout=W.Layout(flex="1 1 360px"))
        header = W.HBox([self.campaign_picker, self.as_of, self.language], layout=W.Layout(flex_flow="row wrap"))
        body = W.HBox([left, filters, right], layout=W.Layout(flex_flow="row wrap", grid_gap="12px"))
        self.widget = W.VBox([header, body, self._compare_box, charts, evaluation], layout=full)
        self.widget.add_class("campaign-explorer")

        handlers = {
            self.campaign_picker: self._on_campaign,
            self.search: self._on_search,
            self.unit: self._on_filters,
            self.start: self._on_dates,
            self.end: self._on_dates,
            self.kinds: self._on_filters,
            self.groups: self._on_filters,
            self.as_of: self._on_filters,
            self.indicators: self._on_indicators,
            self.language: self._on_language,
            self.compare: self._on_compare,
            self.compare_units: self._on_compare_choice,
            self.compare_metric: self._on_compare_choice,
        }
        for control, handler in handlers.items():
            control.observe(self._guarded(handler), names="value")
        self.export_button.on_click(lambda _button: self.export())

    def _guarded(self, handler):
        """An observer that does nothing while the explorer sets controls itself, and shows errors in the panel."""

        def observer(change) -> None:
            if self._quiet:
                return
            try:
                handler(change)
            except Exception as exc:  # noqa: BLE001 - a widget callback must not raise into the front end
                log.exception("explorer update failed")
                self._message(f"{label('explore.error', self.lang)}: {type(exc).__name__}: {exc}", error=True)

        return observer

    @contextlib.contextmanager
    def _hold(self) -> Iterator[None]:
        """Set controls without their observers running."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    @property
    def lang(self) -> str:
        return self.language.value

    def _use(self, key: str, index: CampaignIndex) -> None:
        """Point every control at this campaign: its units, dates, vocabulary; everything selected."""
        self.index, self._key = index, key
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
            for control, codes in ((self.kinds, index.kinds()), (self.groups, index.groups()),
                                   (self.indicators, index.indicators())):
                control.options = [(c, c) for c in codes]
                control.value = tuple(codes)
            self.compare_units.options = [(index.unit_label(u), u) for u in index.order]
            self.compare_units.value = tuple(index.default_compare(index.order[0])) if self.compare.value else ()
        self._relabel()

    def _relabel(self) -> None:
        """Control descriptions and option labels in the chosen language; values kept."""
        lang, meta = self.lang, self.index.meta
        for control, key in (
            (self.campaign_picker, "explore.campaign"), (self.as_of, "explore.as_of"),
            (self.language, "explore.language"), (self.search, "explore.search"), (self.start, "explore.start"),
            (self.end, "explore.end"), (self.kinds, "explore.kinds"), (self.groups, "explore.groups"),
            (self.indicators, "explore.indicators"), (self.compare, "explore.compare"),
            (self.compare_units, "explore.compare_units"), (self.compare_metric, "explore.compare_metric"),
        ):
            control.description = label(key, lang)
        self.search.placeholder = label("explore.search_placeholder", lang)
        self.export_button.description = label("explore.export", lang)
        with self._hold():
            self._relabel_options(self.campaign_picker, [(self._campaign_title(k), k) for k in self._folders])
            self.campaign_picker.value = self._key
            self._relabel_options(self.kinds, [(meta.kind_label(c, lang), c) for _, c in self.kinds.options])
            self._relabel_options(self.groups, [(meta.group_label(c, lang), c) for _, c in self.groups.options])
            self._relabel_options(self.indicators,
                                  [(meta.indicator_label(c, lang), c) for _, c in self.indicators.options])
            self._relabel_options(self.compare_metric,
                                  [(metric_title(m, lang), m) for m in self.index.compare_metrics()])

    @staticmethod
    def _relabel_options(control, options: list[tuple[str, object]]) -> None:
        value = control.value
        control.options = options
        values = [v for _, v in options]
        if isinstance(value, tuple):
            control.value = tuple(v for v in value if v in values)
        elif value in values or not values:
            control.value = value if values else None
        else:
            control.value = values[0]

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
        )

    def compared_units(self) -> list[str]:
        """The units compared, in tree order, at most MAX_COMPARE."""
        chosen = set(self.compare_units.value)
        return [u for u in self.index.order if u in chosen][:MAX_COMPARE]

    # -- updating -----------------------------------------------------------------------------------------
    def refresh(self, names: Iterable[str] = UPDATES) -> None:
        """Recompute the figures for the controls' values and update the panel, the named charts and (with
        "evaluation") the evaluation sections in place."""
        started = time.perf_counter()
        wanted = set(names)
        q = self.query()
        indicators = _chosen(self.indicators)
        lang = self.lang
        comparing = self.compare.value
        if not comparing or wanted & {*UNIT_FIGURES, EVALUATION}:
            self.kpis = with_indicators(self.index.kpis(q), indicators)
        if comparing:
            units = self.compared_units()
            kpis = [with_indicators(self.index.kpis(_for_unit(q, u)), indicators) for u in units]
            note = ""
            if len(units) < 2:
                note = label("explore.compare_hint", lang)
            elif len(self.compare_units.value) > MAX_COMPARE:
                note = label("explore.compare_limit", lang)
            self.kpi_panel.value = compare_panel_html(self.index, units, kpis, lang, note)
            if "compare" in wanted:
                metric = self.compare_metric.value or COMPARE_METRICS[0]
                shown = (units, kpis) if len(units) >= 2 else ([], [])
                fig = compare_figure(self.index, *shown, metric, lang)
                copy_figure(self.figures["compare"], fig.update_layout(width=2 * CHART_WIDTH + CHART_GAP))
        else:
            self.kpi_panel.value = unit_panel_html(self.index, q, self.kpis, lang)
        shown = tuple(n for n in UNIT_FIGURES if n in wanted)
        for name, fig in unit_figures(self.index, q, self.kpis, lang, shown).items():
            copy_figure(self.figures[name], fig.update_layout(width=CHART_WIDTH))
        if EVALUATION in wanted:
            self._show_evaluation(q, lang)
        self.last_update_s = time.perf_counter() - started

    def _show_evaluation(self, q: Query, lang: str) -> None:
        """The unit's evaluation sections, from the same functions as its report page."""
        for key, parts in evaluation_parts(self.index, q, self.kpis, lang).items():
            self.sections[key].value = section_panel_html(parts, lang)
            charts = {p[0]: p[1] for p in parts if not isinstance(p, str)}
            for div in EVALUATION_FIGURES[key]:
                if div in charts:
                    copy_figure(self.evaluation_figures[div], charts[div].update_layout(width=CHART_WIDTH))
                self._evaluation_boxes[div].layout.display = "flex" if div in charts else "none"

    def _message(self, text: str, error: bool = False) -> None:
        self.status.value = message_html(text, error)

    # -- observers ----------------------------------------------------------------------------------------
    def _on_campaign(self, change) -> None:
        key = change["new"]
        try:
            campaign = load_campaign(Path(key)) if key else self._indexes[key].campaign
        except Exception as exc:  # noqa: BLE001 - shown in the panel; the previous campaign stays
            with self._hold():
                self.campaign_picker.value = self._key
            self._message(f"{label('explore.load_failed', self.lang)}: {exc}", error=True)
            return
        index = self._indexes.get(key)
        if index is None or index.campaign is not campaign:
            index = self._indexes[key] = CampaignIndex(campaign)
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
        chosen = set(self.compare_units.value)
        compare_ids = [u for u in self.index.order if u in chosen or u in set(shown)]
        with self._hold():
            self.unit.options = [(self.index.unit_label(u), u) for u in shown]
            self.unit.value = keep
            self.compare_units.options = [(self.index.unit_label(u), u) for u in compare_ids]
            self.compare_units.value = tuple(u for u in compare_ids if u in chosen)
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

    def _on_indicators(self, change) -> None:
        self.refresh(("targets", "compare"))

    def _on_language(self, change) -> None:
        self._relabel()
        self.refresh()

    def _on_compare(self, change) -> None:
        on = bool(change["new"])
        self.compare_units.disabled = self.compare_metric.disabled = not on
        self._compare_box.layout.display = "flex" if on else "none"
        if on and not self.compare_units.value:
            with self._hold():
                self.compare_units.value = tuple(self.index.default_compare(self.unit.value))
        self.refresh(("compare",))

    def _on_compare_choice(self, change) -> None:
        if self.compare.value:
            self.refresh(("compare",))

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
                                                "assets": "self_contained"})
            result = run_batch(options)
            unit = result.units[0]
            if unit.status == "failed" or not unit.output:
                self._message(f"{label('explore.export_failed', lang)}: {unit.error or ''}", error=True)
                return None
            page = Path(result.out_dir) / unit.output
            self.status.value = _link_html(label("explore.exported", lang), page, unit.name)
            self.last_export = page
            return page
        except Exception as exc:  # noqa: BLE001 - errors are shown, never raised into the notebook
            log.exception("export failed")
            self._message(f"{label('explore.export_failed', lang)}: {type(exc).__name__}: {exc}", error=True)
            return None
        finally:
            self.export_button.disabled = False


def _folder_key(campaign: Campaign) -> str:
    """Campaign picker value: the resolved folder, or '' for a campaign built in memory."""
    source = Path(campaign.source) if campaign.source else None
    return str(source.resolve()) if source is not None and source.is_dir() else ""


def _chosen(control: W.SelectMultiple) -> tuple[str, ...] | None:
    """The selected codes, or None when all are selected (no filter, exactly as the reports count)."""
    values = tuple(control.value)
    if set(values) == {v for _, v in control.options}:
        return None
    return values


def _for_unit(q: Query, unit_id: str) -> Query:
    return Query(unit_id, q.as_of, q.start, q.end, q.kinds, q.groups, q.tolerance)


def _link_html(text: str, page: Path, name: str) -> str:
    """'Exported: <a>name</a> path', everything escaped; the link is relative to the notebook's folder."""
    try:
        href = urllib.parse.quote(Path(os.path.relpath(page, Path.cwd())).as_posix())
    except ValueError:  # another drive
        href = page.resolve().as_uri()
    return export_link_html(text, href, name, str(page))


__all__ = ["CampaignExplorer", "copy_figure", "discover_campaigns"]
