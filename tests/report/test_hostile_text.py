"""Text from data files is untrusted: it shows literally, never runs, never escapes the output folder."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from analytics.batch import BatchOptions, run_batch

SCORECARD_JS = "/* The index's scorecard: draws the rows embedded as JSON in"
PLOTLY_LOCALE_JS = 'Plotly.register({"moduleType": "locale", "name": "zh-CN"'  # the first 56 characters
HOSTILE = {
    "R": "<b>x</b>",
    "../../evil": "<script>alert(1)</script>",
    "A": '</script><img src=x onerror="alert(2)">',
    "a": "\"quotes' & <i>italics</i>",
    "CON": "$x^2$ <a href=\"javascript:alert(3)\">click</a>",
    "单位/1": "长名" * 200,
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, session_cache):
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


# -- Every text field a page shows, each holding every payload ---------------------------------------------------
#
# Each field's text is a readable prefix plus the same tail of payloads: a script, an attribute break-out, a
# Jinja expression, a </style>, an already-escaped entity and TeX. The prefix says which field a string came
# from, and each field's alert() carries its own number, so a failure names the field that leaked.

def payload(prefix: str, n: int) -> str:
    return f'{prefix} <script>alert({n})</script> "><img src=x onerror=alert({n})> {{{{7*7}}}} </style> &amp; $x$'


FIELDS = {
    "campaign_zh": payload("活动", 1),
    "campaign_en": payload("Campaign", 2),
    "description": payload("Description", 3),
    "root_name": payload("县", 4),
    "root_id": payload("R", 5),
    "child_name": payload("镇", 6),
    "child_id": payload("T", 7),
    "kind": payload("kind", 8),  # an extra visit kind's code: shown in the outlier finding's detail
    "kind_label": payload("走访类", 9),
    "group": payload("group", 10),
    "group_label": payload("对象类", 11),
    "indicator": payload("ind", 12),  # a code without a label: the code is what pages show
    "indicator_label": payload("指标", 13),
    "measure": payload("万元", 14),
    "survey_id": payload("S", 15),
    "team": payload("组", 16),
    "topic": payload("题", 17),
    "question": payload("问题", 19),  # a rating question: tables, charts and the appraisal item it keys
    "commitment_id": payload("K", 20),
    "commitment_text": payload("承诺", 21),
}
# A tag is one code of a ;-separated list, so its payload has no ';' (no entity).
TAG = '<script>alert(18)</script> "><img src=x onerror=alert(18)> {{7*7}} </style> $x$'
# What each page shows, literally (text of the page, then text of its charts' SVG).
ROOT_TEXT = ["campaign_zh", "root_name", "child_name", "indicator", "indicator_label", "measure",
             "child_id", "question", "commitment_id", "commitment_text"]
ROOT_SVG = ["child_name", "kind_label", "group_label", "indicator", "indicator_label", "question"]


def _csv(rows: list[list[object]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def every_field(tmp_path_factory, session_cache):
    import yaml

    f = FIELDS
    data = tmp_path_factory.mktemp("every_field") / "data"
    data.mkdir()
    meta = {
        "id": "hostile", "name": {"zh": f["campaign_zh"], "en": f["campaign_en"]}, "description": f["description"],
        "start": "2012-01-01", "end": "2012-12-31", "as_of": "2012-06-30",
        "vocabulary": {
            "kinds": {f["kind"]: {"zh": f["kind_label"], "en": f["kind_label"]}},
            "groups": {f["group"]: {"zh": f["group_label"], "en": f["group_label"]}},
            "indicators": {"gdp": {"zh": f["indicator_label"], "en": f["indicator_label"]}},
        },
        # Scored on the hostile question: its text names an appraisal item in tables and charts.
        "appraisal": {"items": [{"metric": "satisfaction", "key": f["question"], "weight": 60, "full_at": 0.9},
                                {"metric": "commitment_fulfilment", "weight": 40, "full_at": 1.0}],
                      "grades": {"excellent": 90, "good": 80, "pass": 60}},
    }
    (data / "campaign.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    root, child = f["root_id"], f["child_id"]
    (data / "units.csv").write_text(_csv([
        ["unit_id", "name", "parent_id", "kind", "tags"],
        [root, f["root_name"], "", "county", ""],
        [child, f["child_name"], root, "township", f"advanced;{TAG}"],
        ["T2", "镇二", root, "township", "lagging"],
    ]), encoding="utf-8")
    # Five visits of the hostile kind, one far above the rest: an outlier finding whose detail names the kind.
    visits = [["date", "unit_id", "kind", "group", "persons", "team", "topic"]]
    visits += [[f"2012-0{m}-10", child, f["kind"], f["group"], p, f["team"], f["topic"]]
               for m, p in zip((1, 2, 3, 4, 5), (10, 11, 10, 12, 500), strict=True)]
    visits.append(["2012-03-01", "T2", "seminar", "residents", 8, "", ""])
    (data / "visits.csv").write_text(_csv(visits), encoding="utf-8")
    (data / "surveys.csv").write_text(_csv([
        ["survey_id", "unit_id", "date", "issued", "returned", "valid"],
        [f["survey_id"], child, "2012-03-01", 100, 80, 60],
    ]), encoding="utf-8")
    (data / "responses.csv").write_text(_csv([
        ["survey_id", "question", "score"], *([f["survey_id"], f["question"], score] for score in (5, 4, 2)),
    ]), encoding="utf-8")
    (data / "commitments.csv").write_text(_csv([  # overdue at as_of: listed with its id and text
        ["commitment_id", "unit_id", "text", "due", "done"],
        [f["commitment_id"], child, f["commitment_text"], "2012-05-31", ""],
    ]), encoding="utf-8")
    (data / "targets.csv").write_text(_csv([
        ["unit_id", "indicator", "target", "measure", "period_start", "period_end", "aggregation"],
        [root, f["indicator"], 100, f["measure"], "2012-01-01", "2012-12-31", "none"],
        [root, "gdp", 200, "万元", "2012-01-01", "2012-12-31", "none"],
    ]), encoding="utf-8")
    (data / "actuals.csv").write_text(_csv([
        ["unit_id", "indicator", "date", "value"],
        [root, f["indicator"], "2012-06-30", 50],
        [root, "gdp", "2012-06-30", 120],
    ]), encoding="utf-8")
    result = run_batch(BatchOptions(data_dir=data, out_dir=data.parent / "out", assets="shared", language="zh"))
    assert result.exit_code == 0, [u.error for u in result.units]
    return data, result


@contextmanager
def _visit(browser, url: str | None = None, html: str | None = None, charts: bool = False):
    """A page opened with every non-file request blocked; on leaving, asserts nothing was injected or ran."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    seen: dict[str, list[str]] = {"dialogs": [], "errors": [], "blocked": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                  else (seen["blocked"].append(r.request.url), r.abort()))
    try:
        if url is not None:
            page.goto(url, wait_until="load")
        else:
            page.set_content(html, wait_until="load")
        if charts:
            page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                                   ".every(d => d.querySelector('.main-svg'))", timeout=60000)
        yield page
        _assert_nothing_injected(page, seen)
    finally:
        context.close()


def _assert_nothing_injected(page, seen) -> None:
    """No element, attribute or script came from data, nothing ran, nothing was fetched."""
    page.wait_for_timeout(300)  # let any injected handler fire before looking
    assert page.evaluate("() => document.querySelectorAll('img, iframe, b, textarea, object, embed').length") == 0
    handlers = page.evaluate("() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
                             ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))")
    assert handlers == []
    # the only scripts are ours: the plotly.js bundle (and on a Chinese page its words in Chinese, a constant of
    # labels.PLOTLY_ZH) and one Plotly.newPlot call per chart (whose JSON holds
    # the hostile text as escaped strings); on the index, its scorecard script and the JSON data it draws
    scripts = page.evaluate("() => [...document.scripts].map(s => s.src || s.text.trim().slice(0, 60))")
    assert all(s.endswith("/plotly.min.js") or s.startswith("window.PLOTLYENV") or s.startswith(SCORECARD_JS)
               or s.startswith('{"fields":') or s.startswith(PLOTLY_LOCALE_JS) for s in scripts), scripts
    data = page.evaluate("() => [...document.querySelectorAll('script[type=\"application/json\"]')].map(s => s.id)")
    assert data in ([], ["scorecard-data"])
    assert seen == {"dialogs": [], "errors": [], "blocked": []}


def _texts(page) -> tuple[str, str]:
    """The page's visible text and its charts' SVG text, whitespace collapsed as a reader sees it."""
    body = page.evaluate("() => document.body.innerText.replace(/\\s+/g, ' ')")
    svg = page.evaluate("() => [...document.querySelectorAll('.main-svg text')].map(t => t.textContent).join(' | ')")
    return body, svg


def _unit_page(result, unit_id: str) -> str:
    return (result.out_dir / next(u.output for u in result.units if u.unit_id == unit_id)).as_uri()


@pytest.mark.browser
def test_every_text_field_shows_literally_on_the_root_page(browser, every_field):
    _data, result = every_field
    with _visit(browser, _unit_page(result, FIELDS["root_id"]), charts=True) as page:
        assert page.title() == f"{FIELDS['root_name']} · {FIELDS['campaign_zh']}"
        assert page.locator("h1").inner_text() == FIELDS["root_name"]
        body, svg = _texts(page)
        for key in ROOT_TEXT:  # each holds {{7*7}} literally: nothing was evaluated by Jinja
            assert FIELDS[key] in body, key
        assert TAG in body  # the child's tag chip
        # the outlier finding names the hostile kind by its label in its detail, as text
        assert f"“{FIELDS['kind_label']}”类活动" in body
        for key in ROOT_SVG:
            assert FIELDS[key] in svg, key
        # fields the page never shows (survey ids, teams, topics, the description) leave no trace either
        for key in ("survey_id", "team", "topic", "description"):
            assert FIELDS[key] not in body and FIELDS[key] not in svg, key


@pytest.mark.browser
def test_every_text_field_shows_literally_on_the_child_page_and_index(browser, every_field):
    _data, result = every_field
    with _visit(browser, _unit_page(result, FIELDS["child_id"]), charts=True) as page:
        assert page.locator("h1").inner_text() == FIELDS["child_name"]
        assert FIELDS["root_name"] in page.locator("nav.crumbs").inner_text()
        body, svg = _texts(page)
        assert FIELDS["kind_label"] in svg and FIELDS["group_label"] in svg
        assert FIELDS["campaign_zh"] in body
    with _visit(browser, result.index.as_uri()) as page:
        assert page.title() == f"{FIELDS['campaign_zh']} · 全部单位"
        names = page.eval_on_selector_all("table.unit-tree a", "as => as.map(a => a.textContent)")
        assert names == [FIELDS["root_name"], FIELDS["child_name"], "镇二"]
        chips = page.eval_on_selector_all("table.unit-tree .tag", "ts => ts.map(t => t.textContent)")
        assert chips == [FIELDS["root_id"], FIELDS["child_id"], "T2"]


@pytest.mark.browser
def test_explorer_panel_strings_show_literally(browser, every_field):
    from analytics import load_campaign
    from analytics.explore.state import (
        CampaignIndex,
        Query,
        compare_panel_html,
        evaluation_parts,
        export_link_html,
        message_html,
        section_panel_html,
        unit_panel_html,
    )

    data, _result = every_field
    campaign = load_campaign(data)
    index = CampaignIndex(campaign)
    as_of = campaign.as_of(None)
    root, child = FIELDS["root_id"], FIELDS["child_id"]
    units = [root, child]
    kpis = [index.kpis(Query(u, as_of)) for u in units]
    html = "".join([
        unit_panel_html(index, Query(root, as_of), kpis[0], "zh"),
        unit_panel_html(index, Query(child, as_of), kpis[1], "en"),
        compare_panel_html(index, units, kpis, "zh", note=FIELDS["topic"]),
        message_html(FIELDS["team"] + "\n" + FIELDS["survey_id"], error=True),
        export_link_html(FIELDS["description"], "units/x.html", FIELDS["child_name"], FIELDS["measure"]),
        *(section_panel_html(parts, "zh") for parts in evaluation_parts(index, Query(root, as_of), kpis[0],
                                                                         "zh").values()),
    ])
    with _visit(browser, html=html) as page:
        body, _svg = _texts(page)
        for key in ("root_name", "root_id", "child_name", "child_id", "indicator", "indicator_label", "topic",
                    "team", "survey_id", "description", "measure", "question", "commitment_id", "commitment_text"):
            assert FIELDS[key] in body, key
        assert page.locator(".ca-panel h3").first.inner_text() == FIELDS["root_name"]
