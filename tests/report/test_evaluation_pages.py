"""The 群众评议, 公开承诺 and 考核评分 sections of Shunhe pages in headless Chromium, offline, in both languages and
both asset modes (figures from the sample's appraisal: SH 80.94 良好, the only root; SH-C06 94.98 优秀, first of
the town's 6 communities), and a campaign without these tables keeping every earlier chart."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser

SECTION_CHARTS = ("chart-rating-distribution", "chart-ratings-children", "chart-commitments-children",
                  "chart-appraisal-items", "chart-appraisal-children")


@contextmanager
def opened(browser, path, width: int = 1366):
    """A page from file:// with every other request blocked; on leaving, no error, dialog or request happened."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    seen: dict[str, list[str]] = {"errors": [], "blocked": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                  else (seen["blocked"].append(r.request.url), r.abort()))
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                               ".every(d => d.querySelector('.main-svg'))", timeout=60000)
        yield page
        assert seen == {"errors": [], "blocked": [], "dialogs": []}
    finally:
        context.close()


def page_of(result, unit_id: str):
    return result.out_dir / next(u.output for u in result.units if u.unit_id == unit_id)


def after(page, section: str, what: str) -> str:
    """XPath of elements following a section's heading (and before the next section's)."""
    return f"xpath=//h2[@id='{section}']/following::{what}"


def cards(page, section: str) -> list[str]:
    return [c.strip() for c in page.locator(after(page, section, "div[@class='cards'][1]//div[@class='card-value']"))
            .all_inner_texts()]


def table(page, section: str, n: int = 1) -> list[list[str]]:
    rows = page.locator(after(page, section, f"table[{n}]//tr"))
    return [[c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()] for i in range(rows.count())]


CASES = [
    # fixture, unit, language, score, grade, rank among siblings
    ("shunhe_shared", "SH", "zh", "80.94", "良好", None),  # the root has no siblings: no rank card
    ("shunhe_shared", "SH-C06", "zh", "94.98", "优秀", "1 / 6"),
    ("shunhe_en", "SH", "en", "80.94", "Good", None),
    ("shunhe_en", "SH-C06", "en", "94.98", "Excellent", "1 / 6"),
]


@pytest.mark.parametrize(("fixture", "unit", "language", "score", "grade", "rank"), CASES,
                         ids=[f"{c[1]}-{c[2]}-{c[0].split('_')[1]}" for c in CASES])
def test_appraisal_section_shows_score_grade_rank_and_a_breakdown_that_adds_up(
        request, browser, fixture, unit, language, score, grade, rank):
    result = request.getfixturevalue(fixture)
    with opened(browser, page_of(result, unit)) as page:
        assert cards(page, "appraisal") == [score, grade] + ([rank] if rank else [])
        items = table(page, "appraisal")
        body, total = items[1:-1], items[-1]
        assert len(body) == 4  # livelihood tasks, grassroots coverage, satisfaction, commitment fulfilment
        points = [Decimal(row[4]) for row in body]
        # Every item applies to a town or a community: the weights are 100, so the points add up to the score.
        assert total[3] == "100" and sum(points) == Decimal(total[4]) == Decimal(score)
        assert all(Decimal(row[3]) - Decimal(row[4]) == Decimal(row[5]) for row in body)  # weight - points = lost
        text = page.evaluate("() => document.body.innerText")
        rule = "计分方法：每个考核项目得分 = 权重 × 实际值 ÷ 满分标准（实际值达到满分标准即得满分）" if language == "zh" else \
            "How a score is made: each item earns weight × min(value ÷ full marks at, 1) points"
        assert rule in text
        assert ("本单位：" if language == "zh" else "This unit: ") + f"100 × {score} ÷ 100 = {score}" in text
        assert "NaN" not in text and "nan%" not in text
        for chart in SECTION_CHARTS:  # every chart of the three sections is drawn
            assert page.evaluate(f"() => !!document.querySelector('#{chart} .main-svg')"), chart
        ranking = table(page, "appraisal", 2)
        assert len(ranking) == 1 + 6  # the town's 6 communities, or SH-C06's 6 branches
        assert [row[0] for row in ranking[1:]] == (["1", "2", "3", "4", "5", "6"] if unit == "SH" else
                                                   ["1", "1", "3", "4", "5", "6"])  # two branches tie at 100.00


def test_ratings_and_commitments_of_the_town_in_chinese(browser, shunhe_shared):
    with opened(browser, page_of(shunhe_shared, "SH")) as page:
        # 1,020 ratings (3 questions, 340 each); mean 3.90; 717 of 1,020 scored 4 or 5 = 70.29%
        assert cards(page, "ratings") == ["1,020", "3.90", "70.29%"]
        by_question = table(page, "ratings")
        assert [row[1] for row in by_question[1:]] == ["1,020", "340", "340", "340"]
        # 84 due by June 30: 61 kept on time + 12 late + 9 overdue + 2 due today; 61 / 84 = 72.62%
        assert cards(page, "commitments") == ["72.62%", "84", "61", "12", "9", "2"]
        overdue = table(page, "commitments")
        assert overdue[0] == ["单位", "承诺事项", "承诺时限", "逾期天数"] and len(overdue) == 1 + 9
        assert overdue[1][2:] == ["2012-02-29", "122"]  # Feb 29 -> June 30: 122 days, most overdue first
        # No finding on the town's two questionnaire batches any more: rating batches are judged apart.
        assert "SH-Q01" not in page.evaluate("() => document.body.innerText")


def test_a_phone_reads_the_sections_without_the_page_scrolling_sideways(browser, shunhe_en):
    with opened(browser, page_of(shunhe_en, "SH-C06"), width=390) as page:
        assert cards(page, "appraisal") == ["94.98", "Excellent", "1 / 6"]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        for chart in SECTION_CHARTS:
            width = page.evaluate(f"() => document.querySelector('#{chart} .main-svg').getBoundingClientRect().width")
            assert 300 <= width <= 390, chart


def test_a_campaign_without_these_tables_keeps_every_chart_and_names_them_in_one_line(browser, weishi_en):
    with opened(browser, page_of(weishi_en, "WS")) as page:
        lines = page.locator("p.not-recorded").all_inner_texts()
        assert lines == ["This campaign does not record: ratings, commitments, appraisal."]
        assert "No data for this section" not in page.inner_text("body")
        assert page.locator("h2#ratings, h2#commitments, h2#appraisal").count() == 0
        charts = page.evaluate("() => [...document.querySelectorAll('.plotly-graph-div')].map(d => d.id)")
        # the county's charts, as before the evaluation sections: the bullets at a glance, persons, events,
        # trend, coverage, funnel, survey rates, one actual-over-time chart per indicator (Weishi has 4), tags
        assert charts == ["chart-bullet", "chart-persons", "chart-events", "chart-trend", "chart-coverage",
                          "chart-funnel", "chart-survey-rates", "chart-pace-0", "chart-pace-1", "chart-pace-2",
                          "chart-pace-3", "chart-tags"]


# -- the index: score, grade and rank columns; sorting by score and filtering by grade -------------------------

GRADES_WORST_FIRST = ("fail", "pass", "good", "excellent")
ROWS = """() => [...document.querySelectorAll('#scorecard tbody tr[data-unit]')].map(tr => ({
  id: tr.dataset.unit, context: tr.classList.contains('context'), cells: [...tr.cells].map(td => td.innerText.trim())}))"""


def kpis_csv(folder):
    import csv

    with open(folder / "kpis.csv", encoding="utf-8-sig", newline="") as fh:
        return {(r["unit_id"], r["metric"], r["key"]): r["value"] for r in csv.DictReader(fh)}


def shown(page, expected=None):
    """The index's rows once they are drawn (waiting, up to a generous limit, for `expected` ids if given)."""
    for _ in range(300):
        rows = page.evaluate(ROWS)
        if expected is None or [r["id"] for r in rows] == expected:
            return rows
        page.wait_for_timeout(50)
    return page.evaluate(ROWS)


def test_the_index_sorts_by_score_and_filters_by_grade(browser, shunhe_shared):
    folder = shunhe_shared.out_dir
    kpis = kpis_csv(folder)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    blocked: list[str] = []
    errors: list[str] = []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                  else (blocked.append(r.request.url), r.abort()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((folder / "index.html").as_uri(), wait_until="load")
        page.wait_for_selector("#scorecard[data-ready='1']", state="attached", timeout=15000)
        keys = page.eval_on_selector_all("#scorecard thead th", "ths => ths.map(t => t.dataset.key || '')")
        col = {k: keys.index(k) for k in ("appraisal_score", "grade", "rank")}
        assert [page.inner_text(f"#scorecard thead th[data-key='{k}']") for k in col] == ["考核得分", "等次", "同级排名"]
        tree = [r["id"] for r in shown(page)]
        assert len(tree) == 45
        position = {u: i for i, u in enumerate(tree)}
        score = {u: float(kpis[(u, "appraisal_score", "")]) for u in tree}
        grade = {u: kpis[(u, "grade", "")] for u in tree}
        # The cells say what kpis.csv says: SH 80.94 良好 and no rank (the only root: no siblings to rank among);
        # SH-C06 94.98 优秀, first of the 6 communities.
        rows = {r["id"]: r["cells"] for r in shown(page)}
        assert [rows["SH"][col[k]] for k in col] == ["80.94", "良好", ""]
        assert [rows["SH-C06"][col[k]] for k in col] == ["94.98", "优秀", "1"]
        assert all(rows[u][col["appraisal_score"]] == f"{score[u]:.2f}" for u in tree)
        # Click the score's header: lowest first; again: highest first (ties keep the tree's order).
        button = page.locator("#scorecard thead th[data-key='appraisal_score'] button")
        button.click()
        lowest = sorted(tree, key=lambda u: (score[u], position[u]))
        assert [r["id"] for r in shown(page, lowest)] == lowest
        button.click()
        highest = sorted(tree, key=lambda u: (-score[u], position[u]))
        assert [r["id"] for r in shown(page, highest)] == highest
        assert page.get_attribute("#scorecard th[data-key='appraisal_score']", "aria-sort") == "descending"
        # The grade's header sorts worst first (不合格, 合格, 良好, 优秀).
        page.locator("#scorecard thead th[data-key='grade'] button").click()
        worst = sorted(tree, key=lambda u: (GRADES_WORST_FIRST.index(grade[u]), position[u]))
        assert [r["id"] for r in shown(page, worst)] == worst
        page.click("#sc-tree")
        assert [r["id"] for r in shown(page, tree)] == tree
        # Filter by grade: the units of that grade, in the tree (their ancestors dimmed to say where they are).
        labels = page.eval_on_selector_all("#sc-grade option", "os => os.map(o => o.textContent)")
        assert labels == ["全部等次", "优秀", "良好", "合格", "不合格"]
        for name, label in (("excellent", "优秀"), ("fail", "不合格")):
            page.select_option("#sc-grade", label=label)
            expected = [u for u in tree if grade[u] == name]
            for _ in range(300):
                matches = [r for r in page.evaluate(ROWS) if not r["context"]]
                if [r["id"] for r in matches] == expected:
                    break
                page.wait_for_timeout(50)
            assert [r["id"] for r in matches] == expected and expected
            assert all(r["cells"][col["grade"]] == label for r in matches)
            # the count says how many rows are shown: the matches and the ancestors that place them
            assert page.inner_text("#sc-count") == f"显示{len(page.evaluate(ROWS))}个单位，共45个"
        page.select_option("#sc-grade", "")
        assert [r["id"] for r in shown(page, tree)] == tree
        assert blocked == [] and errors == []
    finally:
        context.close()


def test_the_english_index_names_the_grades(browser, shunhe_en):
    with opened_index(browser, shunhe_en.out_dir) as page:
        labels = page.eval_on_selector_all("#sc-grade option", "os => os.map(o => o.textContent)")
        assert labels == ["All grades", "Excellent", "Good", "Pass", "Fail"]
        assert "Appraisal grades: " in page.inner_text("p.summary")


def test_an_index_without_an_appraisal_has_no_grade_filter_or_columns(browser, weishi_en):
    with opened_index(browser, weishi_en.out_dir) as page:
        assert page.locator("#sc-grade").count() == 0
        assert page.locator("#scorecard th[data-key='appraisal_score'], #scorecard th[data-key='grade']").count() == 0


@contextmanager
def opened_index(browser, folder):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    try:
        page.goto((folder / "index.html").as_uri(), wait_until="load")
        page.wait_for_selector("#scorecard[data-ready='1']", state="attached", timeout=15000)
        yield page
        assert errors == []
    finally:
        context.close()
