"""Text from data files is untrusted: it shows literally, never runs, never escapes the output folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analytics.batch import BatchOptions, run_batch

HOSTILE = {
    "R": "<b>x</b>",
    "../../evil": "<script>alert(1)</script>",
    "A": '</script><img src=x onerror="alert(2)">',
    "a": "\"quotes' & <i>italics</i>",
    "CON": "$x^2$ <a href=\"javascript:alert(3)\">click</a>",
    "单位/1": "长名" * 200,
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, cache_dir):
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    data.mkdir()
    (data / "campaign.yaml").write_text(
        # The id names the output folder: DOMAIN.md restricts it to ASCII letters, digits, _ and - (issue 12).
        "id: hostile_text\nname: {zh: '<img src=x onerror=alert(5)>', en: '<b>bold</b>'}\n"
        "start: 2012-01-01\nend: 2012-12-31\nas_of: 2012-06-30\n"
        "vocabulary:\n  indicators:\n    '<i>gdp</i>': {zh: '<script>alert(6)</script>', en: '</script>'}\n",
        encoding="utf-8")
    units = ["unit_id,name,parent_id,tags"]
    ids = list(HOSTILE)
    for i, uid in enumerate(ids):
        name = HOSTILE[uid].replace('"', '""')
        parent = "" if i == 0 else "R"
        tags = "advanced" if i % 2 else "lagging"
        units.append(f'"{uid}","{name}",{parent},{tags}')
    (data / "units.csv").write_text("\n".join(units) + "\n", encoding="utf-8")
    visits = ["date,unit_id,kind,group,persons,team,topic"]
    for i, uid in enumerate(ids):
        visits.append(f'2012-0{i % 5 + 1}-10,"{uid}",seminar,residents,{10 + i},"<script>alert(7)</script>","</textarea>"')
    (data / "visits.csv").write_text("\n".join(visits) + "\n", encoding="utf-8")
    (data / "targets.csv").write_text(
        "unit_id,indicator,target,measure,period_start,period_end,aggregation\n"
        "R,<i>gdp</i>,100,<b>万元</b>,2012-01-01,2012-12-31,none\n", encoding="utf-8")
    (data / "actuals.csv").write_text("unit_id,indicator,date,value\nR,<i>gdp</i>,2012-06-30,50\n", encoding="utf-8")
    out = root / "out"
    before = {p for p in root.rglob("*")}
    result = run_batch(BatchOptions(data_dir=data, out_dir=out, assets="shared", language="en"))
    return root, out, before, result


def test_all_units_render_to_distinct_files_inside_the_output_folder(hostile):
    root, out, before, result = hostile
    assert result.exit_code == 0, [u.error for u in result.units]
    outputs = [u.output for u in result.units]
    assert len({o.lower() for o in outputs}) == len(HOSTILE)  # 'A' and 'a' do not overwrite each other
    created = {p for p in root.rglob("*")} - before
    assert created and all(out in p.parents or p == out for p in created)
    for p in created:
        assert os.path.realpath(p).startswith(os.path.realpath(out))


@pytest.mark.browser
@pytest.mark.parametrize("uid", list(HOSTILE))
def test_hostile_names_show_literally_and_nothing_runs(browser, hostile, uid):
    _root, out, _before, result = hostile
    page_path = out / next(u.output for u in result.units if u.unit_id == uid)
    context = browser.new_context()
    page = context.new_page()
    dialogs, errors, blocked = [], [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                  else (blocked.append(r.request.url), r.abort()))
    try:
        page.goto(Path(page_path).as_uri(), wait_until="load")
        page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                               ".every(d => d.querySelector('.main-svg'))", timeout=15000)
        assert page.locator("h1").inner_text() == HOSTILE[uid]
        # no element came from data: only the page's own tags exist
        injected = page.evaluate("() => document.querySelectorAll('h1 *, td b, td i, img, iframe, textarea').length")
        assert injected == 0
        scripts = page.evaluate("() => [...document.scripts].map(s => s.src || s.text.slice(0, 40))")
        assert not any("alert(" in s for s in scripts)
        svg_text = page.evaluate("() => [...document.querySelectorAll('.main-svg text')].map(t => t.textContent).join(' ')")
        assert page.title() == f"{HOSTILE[uid]} · <b>bold</b>"
        if uid == "R":  # the root's charts name its children: markup in names is text in the SVG too
            assert "\"quotes' & <i>italics</i>" in svg_text and "<script>alert(1)</script>" in svg_text
        page.wait_for_timeout(300)
        assert dialogs == [] and errors == [] and blocked == []
    finally:
        context.close()


@pytest.mark.browser
def test_hostile_index_page(browser, hostile):
    _root, out, _before, _result = hostile
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto((out / "index.html").as_uri(), wait_until="load")
        names = page.eval_on_selector_all("table.unit-tree a", "as => as.map(a => a.textContent)")
        assert sorted(names) == sorted(HOSTILE.values())
        assert page.evaluate("() => document.querySelectorAll('img, b, i, iframe').length") == 0
        assert page.title().startswith("<b>bold</b>")
        assert dialogs == []
    finally:
        context.close()
