"""Printed pages after the first say at their foot who and when they are about and which page of how many (issue 23,
paper): the unit's name (the campaign's on the index), as_of and "n / N", in CSS margin boxes. Printed by headless
Chromium with the browser's print defaults (page.pdf draws no header or footer of its own, its margins as given or
none) and read back with pdftotext. A name from the data can close neither the CSS string nor the <style> holding it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_layout_phone_paper import _pdf_pages

from analytics.batch import BatchOptions, run_batch
from analytics.report.templating import css_string

from builders import WEISHI

pytestmark = pytest.mark.browser

MARGINS = {"none": None, "10mm": {"top": "10mm", "bottom": "10mm", "left": "10mm", "right": "10mm"}}


@pytest.fixture(scope="module")
def weishi_zh(tmp_path_factory, session_cache):
    """小陈乡 (a township) in Chinese, and the index of every Weishi unit."""
    out = tmp_path_factory.mktemp("weishi_zh_print")
    return run_batch(BatchOptions(data_dir=WEISHI, out_dir=out, units=["WS-T16"], language="zh", assets="shared"))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _printed(browser, path: Path, tmp_path, margins: str = "none", paper: str = "A4", expand: bool = False):
    """The page printed to PDF as a reader's browser does (print media, the page's own @page rules), as lines."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(path.as_uri(), wait_until="load")
        if expand:
            page.wait_for_selector("table.scorecard tbody tr")
            page.select_option("#sc-expand", "")  # every unit: several pages
        page.emulate_media(media="print")
        options = {"format": paper} | ({"margin": MARGINS[margins]} if MARGINS[margins] else {})
        pages = _pdf_pages(page.pdf(**options), tmp_path)
        assert dialogs == []
        return pages
    finally:
        context.close()


def _footers(pages: list[list[str]], lead: str) -> list[str | None]:
    """Each page's running footer (its last lines, from one starting with `lead`; a narrow paper wraps it), whitespace
    removed; None for a page without one."""
    out: list[str | None] = []
    for p in pages:
        starts = [i for i in range(max(0, len(p) - 3), len(p)) if _squeezed(p[i]).startswith(_squeezed(lead))]
        out.append(_squeezed("".join(p[starts[0]:])) if starts else None)
    return out


@pytest.mark.parametrize("margins", list(MARGINS))
def test_a_printed_unit_page_names_the_unit_as_of_and_page_after_the_first(browser, weishi_zh, tmp_path, margins):
    page = weishi_zh.out_dir / next(u.output for u in weishi_zh.units if u.unit_id == "WS-T16")
    pages = _printed(browser, page, tmp_path, margins)
    n = len(pages)
    assert n >= 2
    footers = _footers(pages, "小陈乡 · 截至")
    assert footers[0] is None  # the first page has the header with all of it
    assert footers[1:] == [f"小陈乡·截至2010年5月31日·{k}/{n}" for k in range(2, n + 1)]


def test_a_printed_english_page_and_the_index_say_it_too(browser, weishi_en, weishi_zh, tmp_path):
    root = weishi_en.out_dir / next(u.output for u in weishi_en.units if u.unit_id == "WS")
    pages = _printed(browser, root, tmp_path)
    n = len(pages)
    assert n >= 3 and _footers(pages, "尉氏县 · as of")[1:] == [
        f"尉氏县·asof31May2010·{k}/{n}" for k in range(2, n + 1)]  # the county's name is Chinese in both languages
    index = _printed(browser, weishi_zh.index, tmp_path, expand=True)
    n = len(index)
    assert n >= 2
    assert _footers(index, "尉氏县委组织部集中调研 · 截至") == [None] + [
        f"尉氏县委组织部集中调研·截至2010年5月31日·{k}/{n}" for k in range(2, n + 1)]


NASTY = 'x"; } body { display:none } \\" </style><script>alert(9)</script>\n甲'


def test_css_string_can_close_neither_itself_nor_its_style():
    text = str(css_string(NASTY))
    assert text.startswith('"') and text.endswith('"') and '"' not in text[1:-1]
    assert "<" not in text and ">" not in text and "&" not in text and "\n" not in text
    # every escape is six hex digits and the space that ends it: '\\' before anything else would escape it
    assert re.fullmatch(r'"(?:[A-Za-z0-9 ]|[^\x00-\x7f]|\\[0-9A-F]{6} )*"', text)
    assert str(css_string("小陈乡 · A1")) == '"小陈乡 · A1"'


def test_a_hostile_unit_name_prints_literally_and_nothing_runs(browser, make_campaign, tmp_path, session_cache):
    name = NASTY.replace("\n", " ")  # a name is one line
    folder = make_campaign({
        "units": 'unit_id,name,parent_id\nR,"' + name.replace('"', '""') + '",\nA,甲,R\n',
        "visits": "date,unit_id,kind,group,persons\n2012-03-01,A,visit,residents,5\n"})
    result = run_batch(BatchOptions(data_dir=folder, out_dir=tmp_path / "out", units=["R"], language="zh"))
    assert result.exit_code == 0, [u.error for u in result.units]
    page = result.out_dir / result.units[0].output
    html = page.read_text(encoding="utf-8")
    assert html.count("</style>") == html.count("<style")  # no <style> closed early
    pages = _printed(browser, page, tmp_path, paper="A6")  # a small paper: several pages
    n = len(pages)
    assert n >= 2
    # the campaign has no as_of and ends before today: its end
    assert _footers(pages, "x")[1:] == [_squeezed(f"{name} · 截至2012年12月31日 · {k} / {n}") for k in range(2, n + 1)]
