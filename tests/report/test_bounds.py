"""Pages bounded at any width of the tree (report.bounds): rankings of children cut to their top and bottom, the
count of the rest said under them, the full lists linked; pages of units with few children unchanged."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from analytics.report.bounds import CHILDREN_SHOWN, top_and_bottom
from analytics.report.sections import UnitReport

from builders import RAW_DIR, SHUNHE
from figures import figure

BOUNDED = re.compile(r'<p class="note bounded">(.*?)</p>', re.S)


def test_top_and_bottom_keeps_the_ends_of_a_ranking():
    ranking = pd.DataFrame({"unit": list("abcdefg")})  # already in ranking order
    cut = top_and_bottom(ranking, 4)
    # 7 rows, bound 4: the first ceil(4/2) = 2 and the last floor(4/2) = 2; 7 - 4 = 3 left out between them
    assert list(cut.rows["unit"]) == ["a", "b", "f", "g"]
    assert (cut.top, cut.bottom, cut.rest, cut.total) == (2, 2, 3, 7)
    odd = top_and_bottom(ranking, 5)  # ceil(5/2) = 3 on top, 2 at the bottom, 2 left out
    assert list(odd.rows["unit"]) == ["a", "b", "c", "f", "g"] and odd.rest == 2
    whole = top_and_bottom(ranking, 7)
    assert whole.rows is ranking and whole.rest == 0
    with pytest.raises(ValueError):
        top_and_bottom(ranking, 1)


def _bars(fig) -> list[list[str]]:
    fig = figure(fig)
    return [list(t.y if t.orientation == "h" else t.x) for t in fig.data if t.type == "bar"]


def _values(fig) -> dict[tuple[int, str], object]:
    """Each bar's value by (trace, category): what a reader sees of each unit."""
    fig = figure(fig)
    out = {}
    for t in fig.data:
        cats, vals = (t.y, t.x) if t.orientation == "h" else (t.x, t.y)
        out.update({(t.name, c): v for c, v in zip(cats, vals, strict=True)})
    return out


@pytest.fixture
def shunhe_root():
    report = UnitReport.load(SHUNHE, None, language="zh")
    return report, dataclasses.replace(report, children_shown=4)


def test_a_unit_with_more_children_than_the_bound_shows_top_and_bottom(shunhe_root):
    full, cut = shunhe_root
    # Shunhe town has 6 communities; bound 4 keeps the 2 first and 2 last of each ranking, 6 - 4 = 2 left out.
    for section in ("visits", "surveys", "children", "ratings", "commitments", "appraisal"):
        notes = BOUNDED.findall(getattr(cut, section)().html())
        assert notes, section
        assert notes[0].startswith("……另有2个单位未列出：按") and "显示6个单位中的前2名和后2名。" in notes[0], notes[0]
        assert '<a href="../index.html">全部单位</a>' in notes[0] and 'href="../kpis.xlsx"' in notes[0] \
            and 'href="../kpis.csv"' in notes[0]
        assert BOUNDED.findall(getattr(full, section)().html()) == []
    full_figs = {key: fig for key, fig in (p for s in full.sections() for p in s.parts if not isinstance(p, str))}
    cut_figs = {key: fig for key, fig in (p for s in cut.sections() for p in s.parts if not isinstance(p, str))}
    assert cut_figs.keys() == full_figs.keys()
    # coverage: the full chart ranks the six by events (most first); the cut one keeps its first and last two
    ranking = _bars(full_figs["chart-coverage"])
    order = [c for trace in ranking for c in trace]
    assert len(order) == 6
    shown = {c for trace in _bars(cut_figs["chart-coverage"]) for c in trace}
    assert len(shown) == 4
    # ratings, commitments and scores: the charts are rankings already; the cut keeps their two ends
    for key in ("chart-ratings-children", "chart-commitments-children"):
        whole = _bars(full_figs[key])[0]
        assert _bars(cut_figs[key])[0] == whole[:2] + whole[-2:], key
    # no figure changes: every bar shown has the value it has on the whole chart
    for key, fig in cut_figs.items():
        whole = _values(full_figs[key])
        shown = _values(fig)
        assert shown and all(whole[k] == v for k, v in shown.items()), key


def test_children_table_keeps_true_ranks(shunhe_root):
    full, cut = shunhe_root
    ranks = re.findall(r'<tr[^>]*>\s*<td class="num"[^>]*>(\d+)</td>', cut.children().html())
    assert ranks == ["1", "2", "5", "6"]  # ranks 3 and 4 left out, the last two keep their own ranks
    whole = re.findall(r'<tr[^>]*>\s*<td class="num"[^>]*>(\d+)</td>', full.children().html())
    assert whole == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.slow
@pytest.mark.parametrize("campaign", ["shunhe_2012", "weishi", "regulator_2014"])
def test_sample_pages_are_unchanged_by_the_bound(campaign, request):
    """Every sample unit has at most CHILDREN_SHOWN children (the regulator's root 30): its page is exactly the
    page it would be without any bound."""
    loaded = request.getfixturevalue({"shunhe_2012": "shunhe", "weishi": "weishi",
                                      "regulator_2014": "regulator"}[campaign])
    h = loaded.hierarchy
    parents = [u for u in h.ids if h.children[u]]
    assert max(len(h.children[u]) for u in parents) <= CHILDREN_SHOWN
    for unit in parents:
        bounded = UnitReport.load(RAW_DIR / campaign, unit, language="en")
        unbounded = dataclasses.replace(bounded, children_shown=10**9)
        assert [s.html() for s in bounded.sections()] == [s.html() for s in unbounded.sections()], unit
