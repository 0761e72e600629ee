"""The plain scheduler path: papermill CLI, then `jupyter nbconvert --to campaign_report` or `campaign-analytics html`.

Each page is opened from file:// in headless Chromium with every other request aborted: every chart must draw
(a `.plotly-graph-div` holding plotly's `.main-svg`), with plotly.js from the page itself and no network.
A bad parameter stops the notebook's first cell with the command line's own message.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builders import SHUNHE, UNIT_NOTEBOOK

PLOTLY_MIME = "application/vnd.plotly.v1+json"
CHARTS = 1 + 4 + 2 + 6 + 5  # the charts of Shunhe's root page (see the first browser test)
pytestmark = pytest.mark.slow


def _papermill(tmp_path: Path, *params: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "papermill", str(UNIT_NOTEBOOK), str(tmp_path / "out.ipynb"), "-p", "data_dir",
           str(SHUNHE), *params, "-k", "python3", "--cwd", str(tmp_path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Path:
    """unit_report.ipynb for Shunhe's root, run by the papermill CLI as a scheduler would."""
    folder = tmp_path_factory.mktemp("papermill")
    done = _papermill(folder, "-p", "unit_id", "SH")
    assert done.returncode == 0, done.stderr[-3000:]
    return folder / "out.ipynb"


def _figures(notebook: Path) -> int:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return sum(PLOTLY_MIME in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


def _open_offline(browser, page_path: Path, expected: int) -> dict:
    """Open a page with every non-file request aborted; wait until `expected` charts have drawn (or time out)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requests: list[str] = []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(page_path.as_uri(), wait_until="load")
        drawn = "() => [...document.querySelectorAll('.plotly-graph-div')].filter(d => d.querySelector('.main-svg')).length"
        try:
            page.wait_for_function(f"() => ({drawn})() >= {expected}", timeout=60_000)
        except Exception:  # noqa: BLE001 - the count below says what was drawn
            pass
        return {"divs": page.locator(".plotly-graph-div").count(), "drawn": page.evaluate(drawn),
                "requests": requests, "errors": errors, "title": page.title(), "lang": page.evaluate(
                    "document.documentElement.lang")}
    finally:
        context.close()


@pytest.mark.browser
def test_nbconvert_campaign_report_draws_every_chart_offline(executed, browser):
    figures = _figures(executed)
    # Shunhe's root: the bullets at the top; persons, events, trend, coverage; funnel, survey rates by child; each
    # of its 6 indicators over time; then the distribution of scores and the communities' satisfaction (评议),
    # their commitments (承诺), points by item and their scores (考核)
    assert figures == CHARTS
    done = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "campaign_report", str(executed)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    page = executed.with_suffix(".html")
    seen = _open_offline(browser, page, figures)
    assert seen["requests"] == [] and seen["errors"] == []
    assert seen["divs"] == figures and seen["drawn"] == figures
    assert seen["title"] == "顺河镇" and seen["lang"] == "zh-CN"
    text = page.read_text(encoding="utf-8")
    assert text.count("Plotly.newPlot") == figures
    assert "cdn.plot.ly/plotly" not in text.split("</head>")[1]  # no CDN script in the body


@pytest.mark.browser
def test_campaign_analytics_html_with_shared_assets(executed, browser, tmp_path):
    out = tmp_path / "site" / "sh.html"
    out.parent.mkdir()
    done = subprocess.run([sys.executable, "-m", "analytics", "html", str(executed), "--out", str(out),
                           "--assets", "shared"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out.parent / "assets" / "plotly.min.js").is_file()
    assert out.stat().st_size < 1_000_000  # plotly.js is beside the page, not in it
    seen = _open_offline(browser, out, CHARTS)
    assert seen["requests"] == [] and seen["errors"] == [] and seen["drawn"] == CHARTS


@pytest.mark.browser
def test_plotly_json_without_html_is_drawn_too(executed, browser, tmp_path):
    """A figure shown by plotly's own renderer carries only its JSON: the exporter gives it a drawn chart."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            if PLOTLY_MIME in output.get("data", {}):
                output["data"].pop("text/html")
    bare = tmp_path / "bare.ipynb"
    bare.write_text(json.dumps(nb), encoding="utf-8")
    from analytics.cli import main

    assert main(["html", str(bare)]) == 0
    seen = _open_offline(browser, tmp_path / "bare.html", CHARTS)
    assert seen["requests"] == [] and seen["errors"] == [] and seen["drawn"] == CHARTS


@pytest.mark.parametrize(("params", "message"), [
    (["-p", "unit_id", "NOPE"], f"UsageError: unknown unit id(s) 'NOPE': not in the units table of {SHUNHE}"),
    (["-p", "tolerance", "abc"], "UsageError: tolerance must be a number, not 'abc'"),
    (["-p", "as_of", "2012-02-30"], "UsageError: as_of: '2012-02-30' is not a date as YYYY-MM-DD"),
])
def test_a_bad_parameter_stops_the_first_cell_with_the_cli_message(tmp_path, params, message):
    done = _papermill(tmp_path, *params)
    assert done.returncode != 0
    nb = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    errors = [(i, o) for i, c in enumerate(nb["cells"]) for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1
    index, error = errors[0]
    first_code = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
                      and not {"parameters", "injected-parameters"} & set(c["metadata"].get("tags", [])))
    assert index == first_code  # UnitReport.load, right after the parameters
    assert f"{error['ename']}: {error['evalue']}".startswith(message)
    assert message in done.stderr


def _tree(page: str) -> list:
    """A page's elements in document order: name, attributes, and the text directly in them (blank text left out)."""
    from bs4 import BeautifulSoup

    return [(el.name, sorted((k, " ".join(v) if isinstance(v, list) else v) for k, v in el.attrs.items()),
             [t.strip() for t in el.find_all(string=True, recursive=False) if t.strip()])
            for el in BeautifulSoup(page, "html.parser").find_all(True)]


def test_the_page_without_the_soup_pass_has_the_same_elements_attributes_and_text(executed):
    """The exporter skips HTMLExporter's BeautifulSoup re-serialisation (about 40 ms a page): the page parses to
    the same tree as with it; a notebook that shows an <img> still gets the placeholder alt text from that pass.
    The batch's exporter (validated once, no second copy) gives nbconvert's page byte for byte."""
    import nbformat

    from analytics.report.page import CampaignReportExporter

    nb = nbformat.read(executed, as_version=4)
    fast, _ = CampaignReportExporter().from_notebook_node(nb)
    soup, _ = CampaignReportExporter(reparse=True).from_notebook_node(nb)
    assert fast != soup  # the serialisation differs (`<meta …/>`, blank lines) …
    assert _tree(fast) == _tree(soup)  # … the page does not
    assert len(_tree(fast)) > 500 and fast.count('class="plotly-graph-div"') == CHARTS
    once, _ = CampaignReportExporter(validate_each_step=False).from_notebook_node(nb)
    assert once == fast  # validated once, preprocessed on the exporter's own copy: the same page
    nb.cells[-1].outputs.append(nbformat.v4.new_output("display_data", data={"text/html": '<img src="x.png">'}))
    with_img, _ = CampaignReportExporter().from_notebook_node(nb)
    assert '<img alt="No description has been provided for this image" src="x.png"/>' in with_img
