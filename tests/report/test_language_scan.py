"""Every word on a Chinese page is Chinese, every word on an English page English (issue 11, "Wording").

The sample pages the session already rendered (Shunhe in Chinese; Shunhe and Weishi in English) are opened in
Chromium; their visible text, tooltips and every chart's texts (titles, axes, ticks, legends, bar labels, hover
text) are scanned: a Chinese page for ASCII words, an English page for CJK characters. Text from the data (unit
names, teams, topics, questions, commitments) is shown as written and taken out first; the only other words
allowed are the codes below. The header shows the generation time in the campaign's zone, the footer the
fingerprint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from analytics import load_campaign

from builders import RAW_DIR

pytestmark = pytest.mark.browser

# Everything a plotly chart can show, read from the drawn SVG and the figure JSON (gd.data, gd.layout).
CHART_TEXT_JS = r"""
() => {
  const out = [];
  // %{y}, %{x:,}, %{customdata[0]}, %{x:.1%}: the value the hover would show, from the trace itself.
  const fill = (tpl, tr, i) => tpl.replace(/%\{([^}]*)\}/g, (m, inner) => {
    const found = inner.split(':')[0].match(/^(\w+)((?:\[\d+\])*)$/);
    if (!found) return '';
    let v = tr[found[1]];
    if (v != null && typeof v === 'object' && typeof v.length === 'number') v = v[i];
    for (const idx of (found[2].match(/\d+/g) || [])) v = v == null ? v : v[+idx];
    return v == null ? '' : String(v);
  });
  for (const gd of document.querySelectorAll('.plotly-graph-div')) {
    for (const t of gd.querySelectorAll('text')) out.push(t.textContent);
    const layout = gd.layout || {};
    for (const [k, v] of Object.entries(layout)) {
      if (v && typeof v === 'object' && v.title) out.push(typeof v.title === 'string' ? v.title : (v.title.text || ''));
      if (v && typeof v === 'object' && Array.isArray(v.ticktext)) out.push(...v.ticktext.map(String));
    }
    for (const a of layout.annotations || []) out.push(a.text || '');
    for (const tr of gd.data || []) {
      out.push(String(tr.name || ''));
      const n = Math.max((tr.x || []).length, (tr.y || []).length, 1);
      for (let i = 0; i < n; i++) {
        for (const key of ['hovertemplate', 'texttemplate']) {
          const tpl = Array.isArray(tr[key]) ? tr[key][i] : tr[key];
          if (typeof tpl === 'string') out.push(fill(tpl, tr, i));
        }
        for (const key of ['text', 'hovertext']) {
          const v = Array.isArray(tr[key]) ? tr[key][i] : tr[key];
          if (v != null) out.push(String(v));
        }
      }
    }
  }
  return out.join('\n');
}
"""

# Whole words of ASCII letters (with digits, '_', '-', '.', '+' inside, as codes are written).
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.+'-]*")
# CJK ideographs and the full-width punctuation that only a Chinese text uses.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]+")
_TAGS = re.compile(r"<[^>]*>")


def visible_text(page) -> str:
    """Everything a reader can see or hover on an open page: its body text and every chart's texts."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('.main-svg'))",
        timeout=30000,
    )
    html_text = page.evaluate(
        "() => [document.title, document.body.innerText,"
        " ...[...document.querySelectorAll('[title]')].map(e => e.getAttribute('title')),"
        " ...[...document.querySelectorAll('[placeholder]')].map(e => e.getAttribute('placeholder')),"
        # the tooltips of the charts' modebar buttons (drawn from data-title on hover)
        " ...[...document.querySelectorAll('[data-title]')].map(e => e.getAttribute('data-title'))].join('\\n')")
    return html_text + "\n" + _TAGS.sub(" ", page.evaluate(CHART_TEXT_JS))


def foreign_words(text: str, language: str, data_text: Iterable[str], codes: Iterable[str] = ()) -> list[str]:
    """The words of `text` a reader of `language` could not read, each once, in order of appearance.

    `data_text`: strings from the data files, shown as written (taken out first, longest first); `codes`:
    the allow-list of codes (unit ids, file names, UTC)."""
    for written in sorted({d for d in data_text if d}, key=len, reverse=True):
        text = text.replace(written, " ")
    allowed = set(codes)
    if language == "zh":
        found = [w.rstrip(".-'") for w in ASCII_WORD.findall(text)]
        found = [w for w in found if w and w not in allowed]
    else:
        found = CJK.findall(text)
    return list(dict.fromkeys(found))


# Codes a page shows on purpose, in any language: the download files' names, the program's name in the footer and
# the offset of the zone. Unit, survey and commitment ids of the campaign are codes too (added per campaign).
CODES = {"kpis.xlsx", "kpis.csv", "bulletin.docx", "manifest.json", "campaign-analytics", "UTC+8"}  # file names
FINGERPRINT = re.compile(r"\b[0-9a-f]{16}\b")
DATA_TEXT = {"units": ("name",), "visits": ("team", "topic"), "responses": ("question",), "commitments": ("text",)}
PAGES = [
    # fixture, language, campaign folder, units whose pages are scanned (the index always)
    ("shunhe_shared", "zh", "shunhe_2012", ("SH", "SH-C06", "SH-C06-B01")),
    ("shunhe_en", "en", "shunhe_2012", ("SH", "SH-C06", "SH-C06-B01")),
    ("weishi_en", "en", "weishi", ("WS", "WS-T01")),
]


def _data_text_and_codes(folder: str) -> tuple[set[str], set[str]]:
    campaign = load_campaign(RAW_DIR / folder)
    text = {str(v) for table, columns in DATA_TEXT.items() for c in columns
            for v in campaign.table(table).get(c, []) if isinstance(v, str)}
    codes = set(campaign.units["unit_id"])
    for table, column in (("surveys", "survey_id"), ("commitments", "commitment_id")):
        codes |= set(campaign.table(table).get(column, []))
    return text, codes


def _pages(result, units) -> list[Path]:
    by_id = {u.unit_id: result.out_dir / u.output for u in result.units}
    return [result.index, *(by_id[u] for u in units)]


@pytest.mark.parametrize(("fixture", "language", "folder", "units"), PAGES, ids=[p[0] for p in PAGES])
def test_every_word_is_in_the_pages_language(request, browser, fixture, language, folder, units):
    result = request.getfixturevalue(fixture)
    data_text, codes = _data_text_and_codes(folder)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    found: dict[str, list[str]] = {}
    try:
        page = context.new_page()
        for path in _pages(result, units):
            page.goto(path.as_uri(), wait_until="load")
            text = FINGERPRINT.sub(" ", visible_text(page))
            assert len(text) > 500, path.name  # the scan read a whole page
            words = foreign_words(text, language, data_text, CODES | codes)
            if words:
                found[path.name] = words
    finally:
        context.close()
    assert found == {}


def test_the_scan_finds_what_a_reader_could_not_read():
    # the scan itself: an English word on a Chinese page, a Chinese measure on an English page, data and codes kept
    zh = "截至2012-06-30，顺河镇 modified z-score 9.1；SH-C06 下载 kpis.xlsx；Shunhe Road 居委会"
    assert foreign_words(zh, "zh", {"Shunhe Road 居委会"}, {"SH-C06", "kpis.xlsx"}) == ["modified", "z-score"]
    en = "Target 357,000 万元 · Fiscal revenue（万元） · 雨露社区党委"
    assert foreign_words(en, "en", {"雨露社区党委"}) == ["万元", "（万元）"]


def test_header_shows_beijing_time_and_the_footer_the_fingerprint(browser, shunhe_shared):
    root = next(shunhe_shared.out_dir / u.output for u in shunhe_shared.units if u.unit_id == "SH")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        for path in (root, shunhe_shared.index):
            page.goto(path.as_uri(), wait_until="load")
            header = page.locator("header.report-header").inner_text()
            footer = page.locator("footer.report-footer").inner_text()
            assert page.locator("footer.report-footer").count() == 1
            assert "数据指纹" not in header and not FINGERPRINT.search(header)
            assert re.search(r"数据指纹：[0-9a-f]{16}", footer), footer
            assert "程序版本：campaign-analytics" in footer
            stamp = re.search(r"生成时间\s*(\d{4}-\d{2}-\d{2} \d{2}:\d{2})（北京时间，UTC\+8）", header)
            assert stamp, header
            # the page was made in this session, in Beijing time (UTC+8)
            made = dt.datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
            assert dt.timedelta(0) <= dt.datetime.now(dt.UTC) - made <= dt.timedelta(hours=3)
    finally:
        context.close()
