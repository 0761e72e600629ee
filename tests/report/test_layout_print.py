"""Issue 11's layout and paper checks, in headless Chromium on sample pages, offline.

At 390 px (a phone) and 1366 px: no element wider than the viewport outside a scroll container, no table cell
narrower than two characters of its text, no plotly toolbar, legend, tick label or note on a chart's title, integer
ticks on count axes. Printed with the browser's defaults (print media, no background graphics): every status
text reads at 4.5:1 or more against what is behind it on paper, and a print-to-PDF keeps both the words and the
badges' colours.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from contextlib import contextmanager

import pytest

from analytics.text.labels import STATUS_COLOURS, status_label

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)
# (fixture, unit): the town (every section), a community (the phone screenshot of issue 11), a branch (a leaf),
# the Weishi county (19 townships, advanced and lagging villages, a missed target) in English.
PAGES = [("shunhe_shared", "SH"), ("shunhe_shared", "SH-C06"), ("shunhe_en", "SH-C06-B01"), ("weishi_en", "WS")]
# Charts whose axis counts things (events, person-times, commitments), and which of their axes does.
COUNT_AXES = {"chart-persons": ("x",), "chart-events": ("x",), "chart-coverage": ("x",), "chart-trend": ("y", "y2"),
              "chart-commitments-children": ("x",)}


@contextmanager
def opened(browser, path, width: int, *, touch: bool = False):
    """A page from file:// at a width, every other request blocked, all charts drawn."""
    context = browser.new_context(viewport={"width": width, "height": 900}, has_touch=touch)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                               ".every(d => d.querySelector('.main-svg'))", timeout=60000)
        yield page
        assert errors == []
    finally:
        context.close()


def page_of(request, fixture: str, unit: str):
    result = request.getfixturevalue(fixture)
    return result.out_dir / next(u.output for u in result.units if u.unit_id == unit)


# Elements sticking out of the viewport, unless inside an element that scrolls sideways (a table's frame).
OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth, out = [];
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest('#js-plotly-tester')) continue;  // plotly's measuring svg
    if ((r.right > w + 0.5 || r.left < -0.5) && !scrolls(el))
      out.push(`${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} `
               + `${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {overflowing: out.slice(0, 10), scrollWidth: document.documentElement.scrollWidth, width: w};
}"""

# Table cells whose content box is narrower than the first two characters of their text (one when the text has one).
NARROW_CELLS_JS = """() => {
  const out = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const text = cell.innerText.trim();
    if (!text) continue;
    const s = getComputedStyle(cell), probe = document.createElement('span');
    probe.textContent = [...text].slice(0, 2).join('');
    probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';  // the cell's font, property by property
    for (const k of ['fontFamily', 'fontSize', 'fontWeight', 'fontStyle', 'letterSpacing']) probe.style[k] = s[k];
    document.body.appendChild(probe);
    const need = probe.getBoundingClientRect().width; probe.remove();
    const have = cell.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    if (have + 0.5 < need) out.push(`${text.slice(0, 12)}: ${have.toFixed(1)} < ${need.toFixed(1)}`);
  }
  return out;
}"""

# Per chart: its title's box, and the boxes of toolbar, legend, tick labels and annotations that overlap it.
TITLE_CLASH_JS = """() => {
  const out = [], seen = [];
  const box = el => el.getBoundingClientRect();
  const meets = (a, b) => a.width > 0 && b.width > 0 && a.left < b.right - 0.5 && b.left < a.right - 0.5
                          && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const shown = el => { for (let p = el; p && p.nodeType === 1; p = p.parentElement) {
      const s = getComputedStyle(p); if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false; }
    return true; };
  for (const div of document.querySelectorAll('.plotly-graph-div')) {
    const titles = [...div.querySelectorAll('.gtitle, .g-gtitle text')].filter(shown);
    seen.push({id: div.id, titles: titles.length});
    const others = [...div.querySelectorAll('.modebar-container .modebar, .legend .bg, .xtick text, .ytick text, '
                                            + '.y2tick text, .annotation-text-g')].filter(shown);
    for (const t of titles) for (const o of others) if (meets(box(t), box(o)))
      out.push(`${div.id}: "${t.textContent}" under ${o.getAttribute('class') || o.tagName} "${o.textContent.slice(0, 20)}"`);
  }
  return {clashes: out, seen};
}"""

TICKS_JS = """([id, axis]) => {
  const div = document.getElementById(id);
  if (!div) return null;
  return [...div.querySelectorAll(`.${axis}tick text`)].map(t => t.textContent);
}"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("fixture", "unit"), PAGES, ids=[f"{u}-{f.split('_')[1]}" for f, u in PAGES])
def test_page_fits_the_screen_and_reads(browser, request, fixture, unit, width):
    with opened(browser, page_of(request, fixture, unit), width, touch=width < 500) as page:
        if width > 500:  # the toolbar shows on hover: show it on every chart in turn and keep the clashes
            clashes = []
            for div in page.locator(".plotly-graph-div").all():
                div.scroll_into_view_if_needed()
                div.hover(position={"x": 20, "y": 20})
                clashes += page.evaluate(TITLE_CLASH_JS)["clashes"]
        else:
            clashes = page.evaluate(TITLE_CLASH_JS)["clashes"]
            # on a phone the toolbar is not shown at all, even when a chart is touched
            page.locator(".plotly-graph-div").first.tap(position={"x": 40, "y": 60})
            assert page.locator(".modebar-container").first.is_hidden()
        assert clashes == []
        layout = page.evaluate(OVERFLOW_JS)
        assert layout["overflowing"] == [] and layout["scrollWidth"] <= layout["width"]
        assert page.evaluate(NARROW_CELLS_JS) == []
        checked = 0
        for chart, axes in COUNT_AXES.items():
            for axis in axes:
                ticks = page.evaluate(TICKS_JS, [chart, axis])
                if ticks is None:
                    continue
                checked += 1
                assert ticks, (chart, axis)
                # every tick a whole number: 0, 1, 2 … or 1,000 (never 0.5 of an event)
                assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", t) for t in ticks), (chart, axis, ticks)
        assert checked >= 3  # persons, events and the trend's two axes at least


def test_a_small_count_axis_steps_by_one_on_the_phone(browser, shunhe_en):
    # SH-C06-B01, a branch: at most a handful of events per kind, so its events axis counts 0, 1, 2 …
    page_path = shunhe_en.out_dir / next(u.output for u in shunhe_en.units if u.unit_id == "SH-C06-B01")
    with opened(browser, page_path, 390) as page:
        ticks = [int(t.replace(",", "")) for t in page.evaluate(TICKS_JS, ["chart-events", "x"])]
        assert ticks[0] == 0 and all(b - a == ticks[1] - ticks[0] >= 1 for a, b in zip(ticks, ticks[1:], strict=False))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_index_fits_the_screen_and_its_cells_read(browser, shunhe_shared, width):
    with opened(browser, shunhe_shared.index, width, touch=width < 500) as page:
        page.wait_for_selector("table.scorecard tbody tr")
        layout = page.evaluate(OVERFLOW_JS)
        assert layout["overflowing"] == [] and layout["scrollWidth"] <= layout["width"]
        assert page.evaluate(NARROW_CELLS_JS) == []


# -- paper -------------------------------------------------------------------------------------------------------

# Every element that tells a status: pace badges, grade badges, the "needs attention" chip of highlighted rows,
# indicator names coloured by status in the at-a-glance sentence. For each: the text colour and what is behind it
# on paper printed without background graphics (a background prints only where print-color-adjust is exact).
STATUS_TEXT_JS = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const out = [];
  for (const el of document.querySelectorAll('.status, .grade, td .tag, .indicator[data-status]')) {
    if (!el.innerText.trim()) continue;
    let behind = [255, 255, 255];
    for (let p = el; p && p.nodeType === 1; p = p.parentElement) {
      const s = getComputedStyle(p), bg = rgb(s.backgroundColor);
      if (bg.length >= 3 && (bg.length === 3 || bg[3] > 0)) {
        if (s.printColorAdjust === 'exact' || s.webkitPrintColorAdjust === 'exact') behind = bg.slice(0, 3);
        break;
      }
    }
    out.push({text: el.innerText.trim(), colour: rgb(getComputedStyle(el).color).slice(0, 3), behind});
  }
  return out;
}"""


def _luminance(rgb) -> float:
    channels = [c / 255 for c in rgb]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """WCAG contrast ratio of two sRGB colours: (lighter + 0.05) / (darker + 0.05)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_is_the_wcag_ratio():
    # white on black: (1 + 0.05) / (0 + 0.05) = 21; white on white: 1
    assert contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    assert contrast((255, 255, 255), (255, 255, 255)) == 1
    # white on the behind colour #bf360c (191, 54, 12): L = 0.2126 * 0.521 + 0.7152 * 0.0368 + 0.0722 * 0.0065
    # = 0.137, so (1.05) / (0.187) = 5.6
    assert contrast((255, 255, 255), (191, 54, 12)) == pytest.approx(5.6, abs=0.05)


PRINTED = [("shunhe_shared", "SH", "zh"), ("weishi_en", "WS", "en")]


@pytest.mark.parametrize(("fixture", "unit", "language"), PRINTED, ids=[p[1] for p in PRINTED])
def test_status_survives_printing_with_default_settings(browser, request, fixture, unit, language):
    with opened(browser, page_of(request, fixture, unit), 1366) as page:
        page.emulate_media(media="print")
        texts = page.evaluate(STATUS_TEXT_JS)
        badges = [t for t in texts if t["text"] in {status_label(s, language) for s in STATUS_COLOURS}]
        assert len(badges) >= 4  # the targets table's badges at least (Shunhe 6 indicators, Weishi 4)
        weak = [(t["text"], round(contrast(t["colour"], t["behind"]), 2)) for t in texts
                if contrast(t["colour"], t["behind"]) < 4.5]
        assert weak == []
        # Print to PDF as the browser does by default (no background graphics), charts left out and status-coloured
        # words (indicator names, traffic lights) in black, so that the only status colours drawn are the badges':
        # the words are in the PDF, and so are the badges' colours.
        page.add_style_tag(content=".plotly-graph-div { display:none !important; }"
                                   " .indicator, .light { color:#000 !important; }")
        pdf = page.pdf(format="A4")
        words = _normalised("".join(pdf_pages_text(pdf)))
        for t in badges:
            assert _normalised(t["text"]) in words
        fills = pdf_fill_colours(pdf)
        shown = {tuple(t["behind"]) for t in badges}
        assert shown and all(_has_colour(fills, c) for c in shown)
        # The control: without print-color-adjust the same badges lose their colour on paper.
        page.add_style_tag(content=".status, .grade { -webkit-print-color-adjust:economy !important;"
                                   " print-color-adjust:economy !important; }")
        assert not any(_has_colour(pdf_fill_colours(page.pdf(format="A4")), c) for c in shown)


def _normalised(text: str) -> str:
    # Chromium's CJK font maps a few glyphs to Kangxi radicals (⼈ for 人): NFKC folds them back.
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text))


def _has_colour(fills: set[tuple[float, float, float]], rgb) -> bool:
    return any(all(abs(f - c / 255) < 0.004 for f, c in zip(fill, rgb, strict=True)) for fill in fills)


# -- a small reader of the PDFs Chromium writes (Skia: Flate streams, fonts with ToUnicode maps, no object
# streams); enough to find words and fill colours, not a general PDF reader -------------------------------------

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_REF = rb"(\d+) 0 R"
_NAME = rb"/([A-Za-z0-9_.+-]+)"


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    objects = {}
    for num, body in _OBJ.findall(data):
        head, _, rest = body.partition(b"stream")
        stream = None
        if rest:
            raw = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
            stream = zlib.decompress(raw) if b"/FlateDecode" in head else raw
        objects[int(num)] = (head, stream)
    return objects


def pdf_fill_colours(data: bytes) -> set[tuple[float, float, float]]:
    """Every RGB fill colour (`r g b rg`) set in the PDF's content streams."""
    fills = set()
    for _head, stream in _objects(data).values():
        if stream:
            for r, g, b in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg\b", stream):
                fills.add((float(r), float(g), float(b)))
    return fills


def pdf_pages_text(data: bytes) -> list[str]:
    """The text of each page, glyph codes mapped through each font's ToUnicode map."""
    objects = _objects(data)

    def entry(head: bytes, key: bytes) -> bytes:
        """A dictionary entry: an inline << >> dictionary, or the dictionary of the object it refers to."""
        m = re.search(rb"/" + key + rb"\s*(?:" + _REF + rb"|<<)", head)
        if not m:
            return b""
        if m.group(1):
            return objects[int(m.group(1))][0]
        start = i = m.end() - 2
        depth = 0
        while i < len(head):
            if head[i:i + 2] in (b"<<", b">>"):
                depth += 1 if head[i:i + 2] == b"<<" else -1
                i += 2
                if depth == 0:
                    return head[start:i]
            else:
                i += 1
        return head[start:]

    def to_unicode(num: int) -> dict[int, str]:
        text = objects[num][1].decode("latin-1")
        out = {}
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    out[code] = chr(int(dst, 16) + k)
        return out

    def fonts(resources: bytes) -> dict[bytes, tuple[int, dict[int, str]]]:
        out = {}
        for name, ref in re.findall(_NAME + rb"\s*" + _REF, entry(resources, b"Font")):
            head = objects[int(ref)][0]
            uni = re.search(rb"/ToUnicode\s*" + _REF, head)
            out[name] = (2 if b"/Type0" in head else 1, to_unicode(int(uni.group(1))) if uni else {})
        return out

    ops = re.compile(_NAME + rb"\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|" + _NAME + rb"\s+Do|(T\*|Td|TD|Tm|ET)\b|\b([qQ])\b")

    def run(content: bytes, resources: bytes, out: list[str]) -> None:
        table = fonts(resources)
        forms = dict(re.findall(_NAME + rb"\s*" + _REF, entry(resources, b"XObject")))
        width, glyphs, saved = 1, {}, []  # the font is graphics state: q saves it, Q restores it
        for op in ops.finditer(content):
            font, hexed, form, move, state = op.groups()
            if state == b"q":
                saved.append((width, glyphs))
            elif state == b"Q":
                width, glyphs = saved.pop() if saved else (1, {})
            elif font:
                width, glyphs = table.get(font, (1, {}))
            elif hexed is not None:
                raw = bytes.fromhex(hexed.decode())
                out.append("".join(glyphs.get(int.from_bytes(raw[i:i + width], "big"), "")
                                   for i in range(0, len(raw), width)))
            elif form in forms:
                head, stream = objects[int(forms[form])]
                if stream is not None and b"/Form" in head:
                    run(stream, entry(head, b"Resources") or resources, out)
            elif move:
                out.append(" ")

    pages = []
    for head, _ in objects.values():
        if re.search(rb"/Type\s*/Page\b", head):
            out: list[str] = []
            contents = re.search(rb"/Contents\s*(\[[^\]]*\]|" + _REF + rb")", head)
            for ref in re.findall(_REF, contents.group(0) if contents else b""):
                run(objects[int(ref)][1] or b"", entry(head, b"Resources"), out)
            pages.append("".join(out))
    return pages

