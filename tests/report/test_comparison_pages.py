"""The comparison blocks in headless Chromium (offline, file://): the Shunhe root page's change since the last
period, lights and thresholds at 390 and 1366 px and on A4, in Chinese and English; the index's light, rank and
change columns, sorting by change and the filters "only red", "newly red" and "restated", checked against
kpis.csv of the same folder (or, for the restated filter, the published table it was made from).
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

import pytest

from analytics import load_campaign
from analytics.measures.change import compared_kpis
from analytics.report.history import publish, published_kpis
from analytics.report.index import index_html

pytestmark = pytest.mark.browser

ROWS = """() => [...document.querySelectorAll('#scorecard tbody tr[data-unit]')].map(tr => ({
  id: tr.dataset.unit, context: tr.classList.contains('context'),
  cells: [...tr.cells].map(td => td.innerText.trim())}))"""


def _kpis(folder: Path) -> dict[tuple[str, str, str], str]:
    with open(folder / "kpis.csv", encoding="utf-8-sig", newline="") as fh:
        return {(r["unit_id"], r["metric"], r["key"]): r["value"] for r in csv.DictReader(fh)}


def _open(browser, path: Path, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    blocked: list[str] = []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                  else (blocked.append(r.request.url), r.abort()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, errors, blocked


def _root_page(result) -> Path:
    return result.out_dir / next(u.output for u in result.units if u.unit_id == "SH")


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize(("fixture", "words"), [
    ("shunhe_shared", ("地区生产总值完成率由5月31日的46.14%提高到58.41%，提高12.27个百分点；本期新增活动11次",
                       "预警标准：", "上期完成率（2012年5月31日）", "黄灯")),
    ("shunhe_en", ("GDP completion rose from 46.14% on 31 May to 58.41%, up 12.27 points; 11 events added",
                   "Warning lights:", "Previous period (31 May 2012)", "Yellow light")),
], ids=["zh", "en"])
def test_the_root_page_shows_the_change_the_lights_and_the_previous_marks(browser, request, fixture, words, width):
    result = request.getfixturevalue(fixture)
    context, page, errors, blocked = _open(browser, _root_page(result), width)
    try:
        page.wait_for_selector("#chart-bullet .legend", state="attached", timeout=15000)
        sentence, thresholds, legend, light = words
        assert sentence in page.locator(".glance-sentence").inner_text()
        note = page.locator(".light-thresholds")
        assert note.count() == 1 and note.is_visible() and thresholds in note.inner_text()
        # The previous period's marks: a trace of the bullet chart named with its date (on hover; kept out of the
        # legend, which has no room for it under the axis on a phone).
        names = page.evaluate("() => { const el = document.getElementById('chart-bullet');"
                              " const plot = el.classList.contains('js-plotly-plot') ? el"
                              " : el.querySelector('.js-plotly-plot'); return plot.data.map(t => t.name); }")
        assert legend in names
        # the five-good share (below its target) is yellow in the targets table, word and colour
        badges = page.locator("#targets ~ .table-wrap .light-yellow, .table-wrap .light-yellow")
        assert badges.count() >= 1 and light in badges.first.inner_text()
        # the units below behind pace are listed with their light: 雨露 (−16.4 points) and 陆河 (−13.4) are yellow
        listed = page.locator(".glance-lists .named-list li .light-yellow")
        assert listed.count() == 2
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert errors == [] and blocked == []
        page.emulate_media(media="print")
        assert note.is_visible() and listed.first.is_visible()
        assert len(page.pdf(format="A4")) > 10_000
    finally:
        context.close()


def _index_rows(page) -> list[dict]:
    return page.evaluate(ROWS)


def _wait(page, predicate, timeout: float = 15) -> list[dict]:
    deadline = time.monotonic() + timeout
    rows = _index_rows(page)
    while not predicate(rows) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
        rows = _index_rows(page)
    return rows


@pytest.mark.parametrize("width", [390, 1366])
def test_the_index_shows_lights_ranks_and_changes_as_kpis_csv(browser, shunhe_shared, width):
    folder = shunhe_shared.out_dir
    kpis = _kpis(folder)
    context, page, errors, _blocked = _open(browser, folder / "index.html", width)
    try:
        page.wait_for_selector("#scorecard[data-ready='1']", state="attached", timeout=15000)
        keys = page.eval_on_selector_all("#scorecard thead th", "ths => ths.map(t => t.dataset.key || '')")
        light_at, rank_at, change_at = keys.index("light"), keys.index("rank_change"), keys.index("change:gdp")
        words = {"red": "红灯", "yellow": "黄灯", "none": "无预警"}
        rows = _index_rows(page)
        assert len(rows) == 45
        for r in rows:
            uid = r["id"]
            light = kpis.get((uid, "light", ""))
            assert (r["cells"][light_at].split(" ")[0] if light else "") == (words[light] if light else ""), uid
            before = kpis.get((uid, "light_previous", ""))
            arrow = "" if not light or not before or before == light else \
                ("↑" if ("red", "yellow", "none").index(light) < ("red", "yellow", "none").index(before) else "↓")
            assert r["cells"][light_at].endswith(arrow), uid
            now, then = int(kpis[(uid, "rank", "")]), int(kpis[(uid, "rank_previous", "")])
            moved = "=" if now == then else f"▲{then - now}" if then > now else f"▼{now - then}"
            # the town, the only root, has no siblings: kpis.csv ranks it 1, the index says nothing
            assert r["cells"][rank_at] == ("" if uid == "SH" else f"{now} {moved}"), uid
            change = kpis.get((uid, "completion_change", "gdp"))
            assert r["cells"][change_at] == ("—" if not change else f"{float(change):+.2f}"), uid
        # sorted by the change in gdp completion, smallest first (units without it last)
        page.locator("#scorecard thead th[data-key='change:gdp'] button").click()
        with_change = sorted((float(v), u) for (u, m, k), v in kpis.items()
                             if m == "completion_change" and k == "gdp" and v)
        rows = _wait(page, lambda rs: [r["id"] for r in rs][:len(with_change)] == [u for _v, u in with_change])
        assert [r["id"] for r in rows][:len(with_change)] == [u for _v, u in with_change]
        # only red: the units whose light is red (none in June: every row goes)
        page.locator("#scorecard thead th[data-key='change:gdp'] button").click()
        page.locator("#scorecard thead th[data-key='change:gdp'] button").click()
        red = [u for (u, m, k), v in kpis.items() if m == "light" and k == "" and v == "red"]
        page.check("#sc-red")
        rows = _wait(page, lambda rs: sorted(r["id"] for r in rs if not r["context"]) == sorted(red))
        assert sorted(r["id"] for r in rows if not r["context"]) == sorted(red)
        page.uncheck("#sc-red")
        assert "红灯单位0个、黄灯单位3个。较5月31日：" in page.locator("p.summary").inner_text()
        assert errors == []
    finally:
        context.close()


def test_the_index_filters_newly_red_and_restated(browser, make_campaign, tmp_path):
    # The campaign of tests/report/test_page_comparison.py: B turns red since 19 January (yellow then); A's January
    # actual, published as 19, is corrected to 17: A has restated figures, and so has R, which sums A.
    from test_page_comparison import ACTUALS, META, TARGETS, UNITS, VISITS

    folder = make_campaign({"units": UNITS, "targets": TARGETS, "actuals": ACTUALS, "visits": VISITS}, meta=META)
    out = tmp_path / "out"
    out.mkdir()
    first = load_campaign(folder)
    day = dt.date(2012, 1, 19)
    publish(published_kpis(first, compared_kpis(first, day), day, 1.0, out), out)
    (folder / "actuals.csv").write_text(ACTUALS.replace("A,gdp,2012-01-15,19", "A,gdp,2012-01-15,17"),
                                        encoding="utf-8")
    campaign = load_campaign(folder)
    when = campaign.as_of()
    table = published_kpis(campaign, compared_kpis(campaign, when), when, 1.0, out, previous_as_of=day).table
    (out / "index.html").write_text(index_html(campaign, {}, when, "en", 1.0, table=table), encoding="utf-8")
    context, page, errors, _blocked = _open(browser, out / "index.html", 1366)
    try:
        page.wait_for_selector("#scorecard[data-ready='1']", state="attached", timeout=15000)
        page.check("#sc-new-red")
        rows = _wait(page, lambda rs: [r["id"] for r in rs if not r["context"]] == ["B"])
        assert [r["id"] for r in rows if not r["context"]] == ["B"]
        page.uncheck("#sc-new-red")
        page.check("#sc-restated")
        rows = _wait(page, lambda rs: [r["id"] for r in rs if not r["context"]] == ["R", "A"])
        assert [r["id"] for r in rows if not r["context"]] == ["R", "A"]
        assert "Published figures restated for 2 units" in page.locator("p.summary").inner_text()
        assert errors == []
    finally:
        context.close()
