"""What a reader sees on a page, and the words in it that are not in the page's language.

`visible_text(page)` collects, in Chromium, the page's `document.body.innerText` plus every text of every plotly
chart: titles, axis titles, tick labels, legend entries and bar labels as drawn (the SVG's text), annotations and
the hover text each trace would show (its hovertemplate with the placeholders filled from the trace's own
text, names, categories and customdata). `foreign_words(text, language, data_text, codes)` lists what a reader of
that language could not read: on a Chinese page, ASCII words; on an English page, CJK characters (and CJK
punctuation). Text from the data (names, topics, questions, commitments) is taken out first, as written, and
codes of an explicit allow-list are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
    return page.evaluate("() => document.body.innerText") + "\n" + _TAGS.sub(" ", page.evaluate(CHART_TEXT_JS))


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
