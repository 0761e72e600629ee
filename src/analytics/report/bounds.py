"""Pages bounded at any width of the tree: a ranking of a unit's children shows its top and bottom only.

A unit with 100,000 children once made a 41 MB page that took a minute to render (every child in every chart
and table). Every chart and table that lists children now shows at most `CHILDREN_SHOWN` of them (the first
half and the last half of the ranking, in ranking order) and says how many are left out between them, with
links to the full lists: the index (every unit, searchable and sortable) and kpis.xlsx / kpis.csv. Units with
no more children than that get exactly the page they always had.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.report.layout import PAGE_TO_INDEX, OutputLayout, page_to_download
from analytics.report.templating import Link, macros
from analytics.text.labels import fmt_int, label, message

# 20 top + 20 bottom: above the widest sample (the regulator's 30 bureaus), and a chart of 40 bars still reads.
CHILDREN_SHOWN = 40


@dataclass(frozen=True)
class Bounded:
    """A ranking cut to its top and bottom: the rows shown (ranking order) and how many were left out."""

    rows: pd.DataFrame
    top: int
    bottom: int
    rest: int

    @property
    def total(self) -> int:
        return self.top + self.bottom + self.rest


def top_and_bottom(ranked: pd.DataFrame, bound: int = CHILDREN_SHOWN) -> Bounded:
    """The first ⌈bound/2⌉ and the last ⌊bound/2⌋ rows of a frame already in ranking order (all of it when it
    has no more than `bound` rows, rest 0)."""
    if bound < 2:
        raise ValueError(f"bound must be at least 2 (a top and a bottom), not {bound}")
    n = len(ranked)
    if n <= bound:
        return Bounded(ranked, n, 0, 0)
    top, bottom = (bound + 1) // 2, bound // 2
    return Bounded(pd.concat([ranked.iloc[:top], ranked.iloc[n - bottom:]]), top, bottom, n - top - bottom)


def ranked(frame: pd.DataFrame, by: str | list[str], ascending: bool = False) -> pd.DataFrame:
    """Rows in ranking order (highest first by default; ties keep the hierarchy's order, no value last)."""
    return frame.sort_values(by, ascending=ascending, kind="stable", na_position="last")




def bounded_note(bounded: Bounded, ranking_key: str, language: str, links: bool = True) -> str:
    """The line under a cut ranking: '… and 99,960 more: ranked by …, the top 20 and the bottom 20 of 100,000
    units are shown.', then links to the full lists (index, kpis.xlsx, kpis.csv) unless `links` is False."""
    text = message("report.bounded", language, rest=fmt_int(bounded.rest), ranking=label(ranking_key, language),
                   top=fmt_int(bounded.top), bottom=fmt_int(bounded.bottom), total=fmt_int(bounded.total))
    full = None
    if links:
        full = [Link(PAGE_TO_INDEX, label("all_units", language)),
                *(Link(page_to_download(name), name) for name in (OutputLayout.KPIS_XLSX, OutputLayout.KPIS_CSV))]
    return macros(language).bounded_note(text, full)


__all__ = ["CHILDREN_SHOWN", "Bounded", "bounded_note", "ranked", "top_and_bottom"]
