"""report.templating: one autoescaping Jinja2 environment, the ui macros, and the table model."""

from __future__ import annotations

import re
from types import SimpleNamespace

import jinja2
import pytest

from analytics.report.templating import (
    Cell,
    Column,
    Fact,
    Link,
    Row,
    Table,
    environment,
    macros,
    render,
    render_css,
    script_tag,
)
from analytics.report.theme import PALETTE, THEME
from analytics.text.labels import STATUS_COLOURS

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> {{7*7}} &amp;'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt; {{7*7}} &amp;amp;"


def test_one_environment_escapes_html_and_refuses_undefined_names():
    env = environment()
    assert env is environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.from_string("<p>{{ x }}</p>").render(x=HOSTILE) == f"<p>{ESCAPED}</p>"
    with pytest.raises(jinja2.UndefinedError):
        render("html/index.html.j2", language="en")  # no title, facts, table...


def test_macros_speak_the_language_they_are_bound_to():
    assert macros("zh").heading("visits") == '<h2 id="visits">走访与座谈</h2>'
    assert macros("en").heading("visits") == '<h2 id="visits">Visits and seminars</h2>'
    assert macros("en").note("more_rows", 12) == '<p class="note">Rows not shown: 12</p>'
    with pytest.raises(ValueError, match="language"):
        macros("fr")


def test_kpi_cards_escape_values_and_name_each_card():
    html = macros("en").kpi_cards({"events": "1,013", "persons": HOSTILE})
    assert html == (
        '<div class="cards"><div class="card card-events"><div class="card-value">1,013</div>'
        '<div class="card-label">Events</div></div><div class="card card-persons"><div class="card-value">'
        f'{ESCAPED}</div><div class="card-label">Person-times</div></div></div>'
    )


def test_data_table_numeric_columns_and_every_kind_of_cell():
    table = Table(
        [Column("unit"), Column("events", numeric=True), Column("status")],
        [
            Row((Cell(HOSTILE, href='a"b.html', chips=("先进", HOSTILE)), "12", Cell(status="behind")), "laggard"),
            Row((Cell("V", code="V-1", indent=2, title=HOSTILE), "—", Cell(status=float("nan")))),
            Row((HOSTILE, 3, "")),
        ],
        css_class="unit-tree",
    )
    html = str(macros("en").data_table(table))
    assert html.startswith('<div class="table-wrap"><table class="unit-tree"><thead><tr><th>Unit</th>'
                           '<th class="num">Events</th><th>Status</th></tr></thead><tbody>')
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html.split("<tbody>")[1])
    assert rows[0] == (
        f'<tr class="laggard"><td><a href="a&#34;b.html">{ESCAPED}</a> <span class="tag">先进</span> '
        f'<span class="tag">{ESCAPED}</span></td><td class="num">12</td><td><span class="status" '
        f'style="background:{STATUS_COLOURS["behind"]}">Behind</span></td></tr>'
    )
    # indent 2 -> 8 + 18 * 2 = 44 px; a missing status reads "No data" in its grey
    assert rows[1] == (
        f'<tr><td style="padding-left:44px" title="{ESCAPED}">V <code>V-1</code></td><td class="num">—</td>'
        f'<td><span class="status" style="background:{STATUS_COLOURS["no_data"]}">No data</span></td></tr>'
    )
    assert rows[2] == f'<tr><td>{ESCAPED}</td><td class="num">3</td><td></td></tr>'


def test_page_header_with_breadcrumb_and_facts():
    html = macros("zh").page_header(HOSTILE, [Fact("as_of", "2012-06-30"), Fact("fingerprint", "ab<c", code=True)],
                                    [Link("../index.html", "全部单位"), Link("x.html", HOSTILE)])
    assert html == (
        '<header class="report-header"><nav class="crumbs" aria-label="breadcrumb"><a href="../index.html">全部单位</a>'
        f' › <a href="x.html">{ESCAPED}</a></nav><h1>{ESCAPED}</h1><dl class="facts"><div><dt>截至</dt>'
        '<dd>2012-06-30</dd></div><div><dt>数据指纹</dt><dd><code>ab&lt;c</code></dd></div></dl></header>'
    )


def test_stylesheets_and_scripts_cannot_close_their_element():
    with pytest.raises(ValueError, match="stylesheet"):
        render_css("html/ui.html.j2")
    # Theme values are checked when a theme is made; render_css checks the result again.
    palette = SimpleNamespace(**{**vars(PALETTE), "ink": "#000}</style><script>alert(1)</script>"})
    with pytest.raises(ValueError, match="may not contain '<'"):
        render_css("css/report.css.j2", theme=THEME, palette=palette)
    with pytest.raises(ValueError, match="</script"):
        script_tag(code="var a = '</SCRIPT><script>alert(1)'")
    assert script_tag(src="../assets/plotly.min.js") == (
        '<script type="text/javascript" src="../assets/plotly.min.js"></script>')
    assert script_tag(code="var a = 1 < 2;") == '<script type="text/javascript">var a = 1 < 2;</script>'
