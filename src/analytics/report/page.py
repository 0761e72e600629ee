"""Executed notebook -> offline HTML page, with plotly.js embedded once or shared from the output folder."""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets import Bool, default

from analytics.config import TEMPLATES_DIR, resource
from analytics.fileio import write_text_atomic
from analytics.report import theme
from analytics.report.layout import AssetMode, OutputLayout, page_to_asset
from analytics.report.ondisk import PLOTLY_ASSET, VENDOR, page_input_key
from analytics.report.templating import script_tag
from analytics.text.labels import DEFAULT_LANGUAGE, LANGUAGES, PLOTLY_ZH
from analytics.text.language import rules_of
from analytics.version import __version__

__all__ = ["PLOTLY_ASSET", "CampaignReportExporter", "executed_notebook_page", "notebook_html", "page_input_key",
           "plotly_bundle", "plotly_js", "plotly_tag", "report_css", "write_shared_asset"]

# VENDOR (ondisk): plotly.js's partial "basic" bundle (bar, pie, scatter: every trace a page draws), vendored by
# scripts/vendor_plotly.py at the plotly package's own plotly.js version: 1.2 MB instead of 4.8 MB per page.


@functools.cache
def plotly_bundle() -> dict:
    """What the vendored bundle is: npm package, plotly.js version, integrity, trace types it contains."""
    return json.loads(resource(*VENDOR, "plotly-bundle.json").read_text(encoding="utf-8"))


@functools.cache
def plotly_js() -> str:
    """The plotly.js bundle of report pages, shipped inside this package (no network).

    JupyterLab and the explorer keep plotly's own full renderer; only pages get this partial bundle.
    """
    return resource(*VENDOR, plotly_bundle()["file"]).read_text(encoding="utf-8")


@functools.cache
def report_css() -> str:
    return theme.report_css()


def plotly_tag(assets: str, asset_href: str = page_to_asset(PLOTLY_ASSET)) -> str:
    """The one <script> that brings plotly.js: inline, or a relative link to the shared copy."""
    if assets == AssetMode.SELF_CONTAINED:
        return script_tag(code=plotly_js())
    if assets == AssetMode.SHARED:
        return script_tag(src=asset_href)
    raise ValueError(f"assets must be one of {', '.join(AssetMode)}, not {assets!r}")


def plotly_locale_tag(html_lang: str) -> str:
    """On a Chinese page, the <script> that gives plotly.js its words in Chinese (modebar tooltips, notices:
    labels.PLOTLY_ZH) for every chart drawn after it; nothing on an English page (plotly.js speaks English)."""
    if html_lang != _html_lang("zh"):
        return ""
    locale = {"moduleType": "locale", "name": "zh-CN", "dictionary": PLOTLY_ZH}
    return script_tag(code=f"Plotly.register({json.dumps(locale)});Plotly.setPlotConfig({{locale: 'zh-CN'}});")


PLOTLY_MIME = "application/vnd.plotly.v1+json"
_FIGURE_CONFIG = {"displaylogo": False, "responsive": True}


class CampaignReportExporter(HTMLExporter):
    """The offline report page as an nbconvert exporter: `jupyter nbconvert --to campaign_report out.ipynb`.

    Registered under the entry point group `nbconvert.exporters` as `campaign_report`. Outputs only (no
    code, prompts or markdown), plotly.js once and inline (no CDN), every plotly figure drawn: a figure
    bundle without an HTML form (plotly's JSON alone) gets one. A notebook executed by plain papermill
    needs nothing else; a batch passes `resources["report"]` (title, language, assets, input key).
    """

    export_from_notebook = "Campaign report (offline HTML)"

    reparse = Bool(
        False, help="Pass the page through HTMLExporter's BeautifulSoup re-serialisation even when it has no <img> "
                    "(nbconvert's own behaviour; the page's elements, attributes and text are the same either way)."
    ).tag(config=True)

    validate_each_step = Bool(
        True, help="Validate the notebook after each preprocessor, as nbconvert does; off, it is validated once, "
                   "before them (the batch's exports: nbconvert's own preprocessors, a dozen validations a page)."
    ).tag(config=True)

    @default("template_name")
    def _template_name_default(self) -> str:
        return "campaign_report"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES_DIR)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    @default("exclude_markdown")
    def _exclude_markdown_default(self) -> bool:
        return True

    @default("exclude_raw")
    def _exclude_raw_default(self) -> bool:
        return True

    def from_notebook_node(self, nb, resources=None, **kw):
        if not isinstance(nb, nbformat.NotebookNode):
            nb = nbformat.from_dict(nb)
        resources = dict(resources or {})
        resources["report"] = _report_settings(nb, resources.get("report", {}))
        if not self.validate_each_step:
            nbformat.validate(nb, relax_add_props=True)
        if not self.reparse:
            return self._rendered(nb, resources, **kw)
        return super().from_notebook_node(nb, resources, **kw)

    def _rendered(self, nb, resources, **kw):
        """HTMLExporter.from_notebook_node without its BeautifulSoup pass, which re-parses and re-serialises the
        whole page (about 40 ms a page) only to give `<img>`s without alt a placeholder alt text and the cells of
        JupyterLab's own templates a tabindex: this template draws no input cells, and a page with an `<img>`
        goes through that pass as before. The elements, attributes and text of the page are the same (a test
        compares both pages' parsed trees); only the soup's serialisation (`<meta/>`, attribute order, blank
        lines) is not applied."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        if "<img" in body:
            return super().from_notebook_node(nb, resources, **kw)
        return body, resources

    def _preprocess(self, nb, resources):
        """Stable cell ids and every plotly figure drawn, then nbconvert's preprocessing. Without
        `validate_each_step` it runs on the notebook as given: that is already the exporter's private deep copy
        (Exporter.from_notebook_node), validated once in from_notebook_node, so the second deep copy and the
        normalising pass (a third) that nbconvert adds change nothing of the page (a test compares both pages)."""
        # papermill gives its injected cell a random id; stable ids keep pages byte-identical across runs.
        for i, cell in enumerate(nb.cells):
            cell.id = f"cell-{i}"
            for n, out in enumerate(cell.get("outputs", [])):
                _draw_plotly_json(out, f"figure-{i}-{n}")
        if self.validate_each_step:
            return super()._preprocess(nb, resources)
        for preprocessor in self._preprocessors:
            nb, resources = preprocessor(nb, resources)
        return nb, resources

    def _validate_preprocessor(self, nbc, preprocessor):
        if self.validate_each_step:
            super()._validate_preprocessor(nbc, preprocessor)


def _draw_plotly_json(output, div_id: str) -> None:
    """Give a plotly JSON bundle without HTML the `<div>` and script that draw it with the page's plotly.js."""
    data = output.get("data", {})
    if PLOTLY_MIME not in data or "text/html" in data:
        return
    import plotly.io as pio

    spec = dict(data[PLOTLY_MIME])
    config = {**_FIGURE_CONFIG, **(spec.pop("config", None) or {})}
    fig = pio.from_json(json.dumps(spec), skip_invalid=True)
    data["text/html"] = pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id, config=config,
                                    validate=False)


def _report_settings(nb: nbformat.NotebookNode, given: dict[str, str]) -> dict[str, str]:
    """The page settings given, completed from the executed notebook: language from its papermill parameters,
    title from its first h1, plotly.js inline."""
    report = dict(given)
    if "lang" not in report:
        params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
        language = params.get("language") if params.get("language") in LANGUAGES else DEFAULT_LANGUAGE
        report["lang"] = _html_lang(language)
    if "title" not in report:
        report["title"] = _first_heading(nb) or "campaign report"
    if "plotly_tag" not in report:
        report["plotly_tag"] = plotly_tag(AssetMode.SELF_CONTAINED)
    report.setdefault("plotly_locale", plotly_locale_tag(report["lang"]))
    report.setdefault("css", report_css())
    report.setdefault("version", __version__)
    report.setdefault("input_key", "")
    report.setdefault("own_footer", _has_footer(nb))
    return report


def _has_footer(nb: nbformat.NotebookNode) -> bool:
    """Whether the notebook's outputs hold the report's footer (UnitReport.footer), so the page adds none."""
    return any(_FOOTER in str(out.get("data", {}).get("text/html", "")) for cell in nb.cells
               for out in cell.get("outputs", []))


_FOOTER = '<footer class="report-footer">'


def _first_heading(nb: nbformat.NotebookNode) -> str | None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            found = _H1.search(str(out.get("data", {}).get("text/html", "")))
            if found:
                return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() or None
    return None


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S | re.I)


def _html_lang(language: str) -> str:
    return rules_of(language).html_lang


@functools.cache
def _exporter() -> CampaignReportExporter:
    return CampaignReportExporter(validate_each_step=False)


def notebook_html(nb: nbformat.NotebookNode, title: str, language: str, assets: str,
                  asset_href: str = page_to_asset(PLOTLY_ASSET), input_key: str = "") -> str:
    """The executed notebook as a standalone page: outputs only, plotly.js once.

    `input_key` is recorded in a <meta> tag near the top, so a later run can tell whether the page on disk
    was made from the same inputs even when a killed batch never wrote its manifest line.
    """
    report = {"title": title, "lang": _html_lang(language), "plotly_tag": plotly_tag(assets, asset_href),
              "input_key": input_key}
    body, _ = _exporter().from_notebook_node(nb, resources={"report": report})
    return body


def write_shared_asset(out_dir: Path) -> Path:
    """Write assets/plotly.min.js once per output folder (atomically; skipped if already identical)."""
    path = OutputLayout(out_dir).asset(PLOTLY_ASSET)
    js = plotly_js()
    if not path.exists() or path.stat().st_size != len(js.encode("utf-8")):
        write_text_atomic(path, js)
    return path


def executed_notebook_page(notebook, out: Path, assets: str = AssetMode.SELF_CONTAINED) -> Path:
    """Write the offline page of an executed report notebook (e.g. from plain papermill; a path, or the
    notebook as read) to `out`.

    With shared assets, plotly.js goes to `assets/plotly.min.js` beside the page, linked relatively.
    """
    nb = nbformat.read(notebook, as_version=4) if isinstance(notebook, (str, Path)) else notebook
    report = {}
    if assets == AssetMode.SHARED:
        write_shared_asset(Path(out).parent)
        report["plotly_tag"] = plotly_tag(AssetMode.SHARED, f"{OutputLayout.ASSETS}/{PLOTLY_ASSET}")
    else:
        report["plotly_tag"] = plotly_tag(assets)
    body, _ = _exporter().from_notebook_node(nb, resources={"report": report})
    write_text_atomic(out, body)
    return Path(out)
