"""The index as a scorecard, in headless Chromium from file:// with every non-file request aborted and counted.

For each sample campaign the tests click headers, type in the search box and tick filters as a reader would,
and compare what the page shows with kpis.csv from the same folder: the traffic-light cells (status, completion
and gap of every unit and indicator), the summary line (indicators per status, those behind or missed, units
behind and with no activity), the rows each filter leaves.
"""

from __future__ import annotations

import csv
import re
import time
import unicodedata
from pathlib import Path

import pytest

from analytics import load_campaign
from analytics.measures.kpis import kpi_table
from analytics.report.downloads import kpis_csv
from analytics.report.index import index_html
from analytics.text.labels import STATUS_SYMBOLS, fmt_percent, fmt_points, message, status_label

from builders import REGULATOR, SHUNHE, WEISHI, OfflinePage

pytestmark = pytest.mark.browser

ROWS = """() => [...document.querySelectorAll('#scorecard tbody tr[data-unit]')].map(tr => ({
  id: tr.dataset.unit, cls: tr.className,
  cells: [...tr.cells].map(td => ({cls: td.className, text: td.innerText.trim(), title: td.title || ''}))}))"""


@pytest.fixture(scope="module")
def regulator_index(tmp_path_factory, session_cache):
    """The regulator's index and kpis.csv made directly (no page rendered: every row says so)."""
    out = tmp_path_factory.mktemp("regulator_index")
    campaign = load_campaign(REGULATOR)
    as_of = campaign.as_of()
    (out / "index.html").write_text(index_html(campaign, {}, as_of, "zh", 1.0), encoding="utf-8")
    (out / "kpis.csv").write_text(kpis_csv(campaign, kpi_table(campaign, as_of)), encoding="utf-8-sig")
    return out


@pytest.fixture(params=["shunhe", "weishi", "regulator"])
def sample(request):
    """(index folder, campaign folder, language) of each sample: Shunhe from a shared-assets batch in Chinese,
    Weishi from a self-contained batch in English, the regulator's made directly in Chinese."""
    if request.param == "shunhe":
        return request.getfixturevalue("shunhe_shared").out_dir, SHUNHE, "zh"
    if request.param == "weishi":
        return request.getfixturevalue("weishi_en").out_dir, WEISHI, "en"
    return request.getfixturevalue("regulator_index"), REGULATOR, "zh"


class Index(OfflinePage):
    """index.html open in Chromium; requests other than file:// are aborted and recorded."""

    def __init__(self, browser, folder: Path, width: int = 1366):
        super().__init__(browser, folder / "index.html", width=width)
        self.page.wait_for_selector("#scorecard[data-ready='1']", state="attached", timeout=15000)

    def rows(self) -> list[dict]:
        return self.page.evaluate(ROWS)

    def ids(self) -> list[str]:
        return [r["id"] for r in self.rows()]

    def matches(self) -> list[str]:
        """Rows shown as matches (not as the dimmed ancestors that say where a match is)."""
        return [r["id"] for r in self.rows() if "context" not in r["cls"].split()]

    def columns(self) -> list[str]:
        """data-key of each header cell (name, level and status have none)."""
        return self.page.eval_on_selector_all("#scorecard thead th", "ths => ths.map(t => t.dataset.key || '')")

    def click_header(self, key: str) -> None:
        self.page.locator(f"#scorecard thead th[data-key='{key}'] button, #scorecard thead th[data-sort='{key}'] button"
                          ).first.click()

    def wait_rows(self, expected: list[str]) -> None:
        deadline = time.monotonic() + 15
        while self.ids() != expected and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)


@pytest.fixture
def opened(browser):
    pages: list[Index] = []

    def open_(folder: Path, width: int = 1366) -> Index:
        pages.append(Index(browser, folder, width))
        return pages[-1]

    yield open_
    for p in pages:
        p.close()


def _kpis(folder: Path) -> dict[tuple[str, str, str], str]:
    with open(folder / "kpis.csv", encoding="utf-8-sig", newline="") as fh:
        return {(r["unit_id"], r["metric"], r["key"]): r["value"] for r in csv.DictReader(fh)}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def test_the_index_opens_offline_with_a_row_per_unit(opened, sample):
    folder, data, _language = sample
    campaign = load_campaign(data)
    index = opened(folder)
    assert index.ids() == [u for u, _ in campaign.hierarchy.walk()]  # every unit, in tree order
    assert index.blocked == [] and index.errors == []


def test_traffic_lights_agree_with_kpis_csv(opened, sample):
    folder, data, _language = sample
    kpis = _kpis(folder)
    index = opened(folder)
    keys = index.columns()
    pace = {k.split(":", 1)[1]: i for i, k in enumerate(keys) if k.startswith("pace:")}
    assert pace, "every sample has targets"
    checked = 0
    for row in index.rows():
        uid = row["id"]
        for code, i in pace.items():
            cell = row["cells"][i]
            status = kpis.get((uid, "status", code))
            if status is None:
                assert cell["text"] == "" and "status-" not in cell["cls"], (uid, code)
                continue
            assert f"status-{status}" in cell["cls"].split(), (uid, code, cell)
            # A level indicator's gap is to its target (level_gap), a linear one's to pace (pace_gap); a met
            # indicator shows no gap at all.
            completion = kpis[(uid, "completion", code)]
            gap = kpis.get((uid, "pace_gap", code), kpis.get((uid, "level_gap", code)))
            shown = cell["text"].split("\n")
            symbol, _, percent = shown[0].partition(" ")
            assert symbol == STATUS_SYMBOLS[status], (uid, code)  # the light's shape says the status in print too
            assert percent.strip() == fmt_percent(float(completion) if completion else None), (uid, code)
            if status == "completed":
                assert len(shown) == 1, (uid, code, shown)
            elif gap:
                assert shown[-1].endswith(fmt_points(float(gap))), (uid, code)  # a level one: 低于目标 -10.00
            checked += 1
    assert checked > 0


def _expected_summary_parts(kpis, root: str, language: str) -> list[str]:
    statuses = [v for (u, m, _k), v in kpis.items() if u == root and m == "status"]
    parts = []
    for status in ("completed", "ahead", "on_pace", "below", "behind", "missed", "no_data"):
        n = statuses.count(status)
        if n:
            one = message(f"glance.status.{status}_one", language, n=n)
            parts.append(one if n == 1 and not one.startswith("glance.") else
                         message(f"glance.status.{status}", language, n=n))
    return parts


def test_a_key_names_each_lights_shape_so_a_black_and_white_print_keeps_the_status(opened, sample):
    folder, _data, language = sample
    index = opened(folder)
    key = index.page.locator(".status-key").inner_text()
    statuses = ("completed", "ahead", "on_pace", "below", "behind", "missed", "no_data")
    assert key == " · ".join(f"{STATUS_SYMBOLS[s]} {status_label(s, language)}" for s in statuses)
    assert len(set(STATUS_SYMBOLS.values())) == len(statuses)  # seven different shapes, not one dot in seven colours


def test_the_summary_line_agrees_with_kpis_csv(opened, sample):
    folder, data, language = sample
    kpis = _kpis(folder)
    campaign = load_campaign(data)
    root = campaign.hierarchy.roots[0]
    index = opened(folder)
    summary = index.page.locator("p.summary")
    text = summary.inner_text()
    for part in _expected_summary_parts(kpis, root, language):
        assert part in text, (part, text)
    # lagging: behind or missed, or below the target of a level indicator
    lagging = {k for (u, m, k), v in kpis.items() if u == root and m == "status" and v in ("behind", "missed", "below")}
    named = set(summary.locator("strong.indicator").evaluate_all("ss => ss.map(s => s.dataset.indicator)"))
    assert named == lagging
    units = {u for (u, _m, _k) in kpis}
    idle = sum(kpis[(u, "events", "")] == "0" for u in units)
    behind = len({u for (u, m, _k), v in kpis.items() if m == "status" and v in ("behind", "missed", "below")})
    assert message("glance.units", language, total=len(units), parts="").rstrip("。.") in text
    assert (message("glance.units_idle", language, n=idle) in text) == (idle > 1)
    if behind > 1:
        assert message("glance.units_behind", language, n=behind) in text


def test_headers_sort_by_clicking_and_a_third_click_restores_the_tree(opened, sample):
    folder, data, _language = sample
    kpis = _kpis(folder)
    index = opened(folder)
    tree = index.ids()
    position = {u: i for i, u in enumerate(tree)}
    persons = {u: int(kpis[(u, "persons", "")]) for u in tree}
    index.click_header("persons")
    index.wait_rows(sorted(tree, key=lambda u: (persons[u], position[u])))
    assert index.ids() == sorted(tree, key=lambda u: (persons[u], position[u]))  # fewest first
    assert "flat" in index.page.get_attribute("#scorecard", "class")
    index.click_header("persons")
    index.wait_rows(sorted(tree, key=lambda u: (-persons[u], position[u])))
    assert index.ids() == sorted(tree, key=lambda u: (-persons[u], position[u]))
    index.click_header("persons")
    index.wait_rows(tree)
    assert index.ids() == tree
    # an indicator's column sorts by completion as shown, units without that target last
    code = next(k for k in index.columns() if k.startswith("pace:")).split(":", 1)[1]

    def completion(u):
        value = kpis.get((u, "completion", code))
        return (1, 0.0, position[u]) if not value else (0, float(f"{float(value) * 100:.1f}"), position[u])

    index.click_header(f"pace:{code}")
    index.wait_rows(sorted(tree, key=completion))
    assert index.ids() == sorted(tree, key=completion)
    assert index.page.get_attribute(f"#scorecard th[data-key='pace:{code}']", "aria-sort") == "ascending"
    index.page.click("#sc-tree")  # "back to the tree"
    index.wait_rows(tree)
    assert index.ids() == tree and index.blocked == [] and index.errors == []


def test_search_by_name_or_code_in_any_case(opened, sample):
    folder, data, _language = sample
    campaign = load_campaign(data)
    h = campaign.hierarchy
    index = opened(folder)
    tree = index.ids()

    def expect(query: str) -> list[str]:
        return [u for u in tree if _fold(query) in _fold(f"{u} {h.name[u]}")]

    child = h.children[h.roots[0]][0]
    leaf = next(u for u in tree if not h.children[u])
    for query in (child.lower(), h.name[leaf][:3]):
        box = index.page.locator("#sc-search")
        box.fill("")
        box.press_sequentially(query)
        hits = expect(query)
        shown = set(hits) | {a for u in hits for a in h.ancestors(u)}
        index.wait_rows([u for u in tree if u in shown])
        assert index.matches() == hits, query
        assert index.ids() == [u for u in tree if u in shown], query
        counted = re.findall(r"\d[\d,]*", index.page.inner_text("#sc-count"))
        assert [int(n.replace(",", "")) for n in counted] == [len(shown), len(tree)]
    index.page.locator("#sc-search").fill("zzz-no-such-unit")
    index.wait_rows([])
    assert index.ids() == [] and index.page.locator("tr.no-match").count() == 1


def test_filters_behind_or_missed_no_activity_and_level(opened, sample):
    folder, data, _language = sample
    kpis = _kpis(folder)
    campaign = load_campaign(data)
    h = campaign.hierarchy
    index = opened(folder)
    tree = index.ids()
    behind = {u for (u, m, _k), v in kpis.items() if m == "status" and v in ("behind", "missed")}
    lagging = [u for u in tree if u in behind]
    idle = [u for u in tree if kpis[(u, "events", "")] == "0"]
    assert lagging and idle  # each sample has both

    def with_context(units: list[str]) -> list[str]:
        keep = set(units) | {a for u in units for a in h.ancestors(u)}
        return [u for u in tree if u in keep]

    index.page.check("#sc-lagging")
    index.wait_rows(with_context(lagging))
    assert index.matches() == lagging
    index.page.uncheck("#sc-lagging")
    index.page.check("#sc-idle")
    index.wait_rows(with_context(idle))
    assert index.matches() == idle
    assert all("idle" in r["cls"].split() for r in index.rows() if r["id"] in set(idle))
    index.page.uncheck("#sc-idle")
    depth = {u: len(h.ancestors(u)) + 1 for u in tree}
    index.page.select_option("#sc-level", "2")
    second = [u for u in tree if depth[u] == 2]
    index.wait_rows(with_context(second))
    assert index.matches() == second
    index.page.select_option("#sc-level", "")
    index.wait_rows(tree)
    assert index.ids() == tree


def test_the_tree_collapses_by_row_and_by_level(opened, sample):
    folder, data, _language = sample
    h = load_campaign(data).hierarchy
    index = opened(folder)
    tree = index.ids()
    root = h.roots[0]
    index.page.locator(f"#scorecard tr[data-unit='{root}'] button.toggle").click()
    index.wait_rows([root])
    assert index.ids() == [root]
    index.page.locator(f"#scorecard tr[data-unit='{root}'] button.toggle").click()
    index.wait_rows(tree)
    index.page.select_option("#sc-expand", "2")  # levels 1 and 2
    two = [u for u in tree if len(h.ancestors(u)) < 2]
    index.wait_rows(two)
    assert index.ids() == two
    index.page.select_option("#sc-expand", "")
    index.wait_rows(tree)
    assert index.ids() == tree


def test_the_index_reads_at_390_px_and_prints_every_row(opened, sample, tmp_path):
    folder, _data, _language = sample
    index = opened(folder, width=390)
    rows = len(index.ids())
    # the page itself never scrolls sideways: the table scrolls inside its frame
    assert index.page.evaluate("() => document.documentElement.scrollWidth") <= 390
    index.page.emulate_media(media="print")
    assert index.page.locator(".scorecard-controls").is_hidden()
    assert len(index.ids()) == rows
    pdf = tmp_path / "index.pdf"
    index.page.pdf(path=str(pdf))
    assert pdf.stat().st_size > 10_000


def test_a_large_index_draws_rows_on_demand_and_all_of_them_to_print(opened, make_campaign, tmp_path):
    towns, villages = 30, 3000
    units = ["unit_id,name,parent_id,kind", "R,县,,county"]
    units += [f"T{t},第{t}镇,R,township" for t in range(towns)]
    units += [f"T{v % towns}-V{v},村{v},T{v % towns},village" for v in range(villages)]
    visits = "date,unit_id,kind,group,persons\n" + "".join(
        f"2012-03-01,T{v % towns}-V{v},visit,residents,{v % 7}\n" for v in range(0, villages, 3))
    folder = make_campaign({"units": "\n".join(units) + "\n", "visits": visits})
    campaign = load_campaign(folder)
    out = tmp_path / "out"
    out.mkdir()
    started = time.perf_counter()
    (out / "index.html").write_text(index_html(campaign, {}, campaign.as_of(), "en", 1.0), encoding="utf-8")
    assert time.perf_counter() - started < 30
    index = opened(out)
    assert len(index.ids()) == 1 + towns  # over 500 units the tree opens at two levels
    index.click_header("persons")  # flat: 3,031 rows, drawn a chunk at a time
    index.page.wait_for_function("() => document.querySelectorAll('#scorecard tbody tr[data-unit]').length >= 500")
    assert len(index.ids()) < 1 + towns + villages
    assert index.page.locator("tr.more-row").count() == 1
    index.page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert len(index.ids()) == 1 + towns + villages
    assert index.blocked == [] and index.errors == []
