"""What the explorer computes, apart from its widgets: a campaign indexed in tree order, queries, figures, HTML.

Every number comes from `kpis.unit_kpis` and every chart from the builders in `charts`, exactly as in the
reports. The only addition is speed: the rows of the unit-keyed tables are sorted once so that a unit's
subtree is one contiguous slice (units are numbered in depth-first order, so a subtree is a range of
numbers), and `unit_kpis` runs on the campaign narrowed to that slice. It looks only at the subtree's rows,
so the narrowed campaign gives the same figures as the whole one, in a fraction of the time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.data.campaign import Campaign, empty_table
from analytics.data.contract import GROUPS, TABLES, VISIT_KINDS
from analytics.measures.change import comparison_date
from analytics.measures.evaluation import shown_points
from analytics.measures.kpis import (
    UnitKpis,
    campaign_appraisal,
    campaign_flags,
    campaign_pace,
    children_commitments,
    children_ratings,
    narrowed_view,
    units_kpis,
)
from analytics.report import charts, evaluation_sections
from analytics.report.comparison import Comparison, family_comparison, history_files, published_table
from analytics.report.evaluation_sections import Part, item_label
from analytics.report.glance import children_lists, glance_sentence, order_targets, unit_glance
from analytics.report.levels import elapsed_text, gap_text, status_cell
from analytics.report.scorecard import scorecard_table, unit_scorecard
from analytics.report.sections import kpi_card_values
from analytics.report.templating import Cell, Column, Row, Table, macros
from analytics.report.theme import panel_css
from analytics.text.labels import DEFAULT_LANGUAGE, MISSING, fmt_int, fmt_percent, fmt_score, label

UNIT_TABLES = ("visits", "surveys", "targets", "actuals")
UNIT_FIGURES = ("persons", "events", "trend", "coverage", "funnel", "targets")
# The report's evaluation sections (群众评议, 公开承诺, 考核评分) and the div ids of their charts, in page order.
EVALUATION_SECTIONS = ("ratings", "commitments", "appraisal")
EVALUATION_FIGURES = {
    "ratings": ("chart-rating-distribution", "chart-ratings-children"),
    "commitments": ("chart-commitments-children",),
    "appraisal": ("chart-appraisal-items", "chart-appraisal-children"),
}
MAX_COMPARE = 5
INDENT = "\u3000"  # an ideographic space: option text keeps it, where browsers collapse ordinary spaces
_KPI_CACHE_SIZE = 256
_PACE_CACHE_SIZE = 16
_UNCOUNTED = ("team", "topic")  # visit columns no figure reads
_CODED = ("unit_id", "kind", "group")  # visit columns held as categories
PANEL_TEMPLATE = "html/explore.html.j2"


@dataclass(frozen=True)
class Query:
    """What the figures of one unit depend on. None means "no filter", as in the reports.

    `start`/`end` narrow the visits and questionnaires looked at; `as_of` is the date of the targets and
    the last day of the visits when `end` is None or later.
    """

    unit_id: str
    as_of: dt.date
    start: dt.date | None = None
    end: dt.date | None = None
    kinds: tuple[str, ...] | None = None
    groups: tuple[str, ...] | None = None
    tolerance: float = 1.0
    compare_to: dt.date | None = None  # the date compared with; None: the previous period by the campaign's rule

    @property
    def until(self) -> dt.date:
        """Last day of the visits and questionnaires counted."""
        return self.as_of if self.end is None else min(self.end, self.as_of)


class CampaignIndex:
    """A campaign with its unit-keyed rows sorted in tree order, plus a small cache of computed figures."""

    def __init__(self, campaign: Campaign, reports_dir: Path | None = None):
        self.campaign = campaign
        # An output folder of `run` whose history/ holds the published snapshots: restatements are shown.
        self.reports_dir = reports_dir
        h = campaign.hierarchy
        walk = h.walk()
        self.order: list[str] = [u for u, _ in walk]
        self.depth: dict[str, int] = dict(walk)
        self.position: dict[str, int] = {u: i for i, u in enumerate(self.order)}
        self.size: dict[str, int] = {}
        for u in reversed(self.order):
            self.size[u] = 1 + sum(self.size[c] for c in h.children[u])
        self._rows: dict[str, pd.DataFrame] = {}
        self._keys: dict[str, np.ndarray] = {}
        for name in UNIT_TABLES:
            frame = campaign.table(name)
            if name == "visits":  # only what the figures count: a free-text team or topic is never shown here
                frame = frame[[c for c in frame.columns if c not in _UNCOUNTED]]
                # Units, kinds and groups as categories (in text order, so sorted groups come out in the same
                # order): a query's rows are taken and grouped by small integer codes rather than by text, 1,000,000
                # rows at a time (and the sorted copy below holds codes, not a second copy of the text). unit_kpis
                # counts the same rows; the one visible difference, the category index of its events and persons,
                # is turned back into text (_as_text).
                self._text = frame["kind"].dtype
                frame = frame.astype({c: pd.CategoricalDtype(sorted(frame[c].dropna().unique())) for c in _CODED})
            # Rows of unknown units sort last, past every subtree: unit_kpis never counts them either.
            keys = frame["unit_id"].map(self.position).astype("float64").fillna(len(self.order)).to_numpy()
            order = np.argsort(keys, kind="stable")  # stable: rows of one unit keep their order (ties on dates)
            self._rows[name] = frame.iloc[order]
            self._keys[name] = keys[order]
        v = self._rows["visits"]
        # Dates, kinds and groups as plain arrays in the same order: a query's rows are picked with one numpy mask
        # and one take, instead of a pandas filter (and copy of every column) per condition.
        self._visit_dates = v["date"].to_numpy(dtype="datetime64[ns]")
        self._visit_codes: dict[str, tuple[np.ndarray, dict[str, int]]] = {}
        for column in ("kind", "group"):
            codes = v[column].cat
            self._visit_codes[column] = (codes.codes.to_numpy(), {str(u): i for i, u in enumerate(codes.categories)})
        self._picked: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._empty = {name: empty_table(name) for name in TABLES}
        # Data-quality findings are judged on the whole campaign (an outlier is one among all rows).
        self.flags = campaign_flags(campaign, campaign.as_of())
        self._search = {u: _folded(f"{u} {h.name[u]}") for u in self.order}
        self._kpis: OrderedDict[Query, UnitKpis] = OrderedDict()
        self._targets: OrderedDict[tuple, UnitKpis] = OrderedDict()  # as of as_of, by (unit, as_of, tolerance)
        self._pace: OrderedDict[tuple, pd.DataFrame] = OrderedDict()  # the whole campaign's, by (as_of, tolerance)
        self._comparisons: OrderedDict[tuple, Comparison] = OrderedDict()

    @property
    def meta(self):
        return self.campaign.meta

    def _span(self, name: str, unit_id: str) -> tuple[int, int]:
        """Where the unit's subtree rows are in the sorted table."""
        lo = self.position[unit_id]
        a, b = np.searchsorted(self._keys[name], [lo, lo + self.size[unit_id]], side="left")
        return int(a), int(b)

    def view(self, units: str | list[str], tables: tuple[str, ...] = UNIT_TABLES, q: Query | None = None,
             pace: tuple[dt.date, float] | None = None) -> Campaign:
        """The campaign narrowed to the units' subtree rows (other tables empty): unit_kpis gives the same figures.

        With a query, its visits and questionnaires are those the query looks at (`visits(q)`, `surveys(q)`), so
        unit_kpis is called without a start date or kind/group filters and gives the same figures again. With
        `pace` (as_of, tolerance), the view's targets' pace is the whole campaign's (`pace()`): a unit's pace rows
        depend only on its subtree's targets and actuals, so they are the same rows, computed once per as_of for
        every unit instead of once per unit."""
        tops = self._tops([units] if isinstance(units, str) else units)
        narrowed = {name: self._empty[name] for name in UNIT_TABLES}
        for name in tables:
            parts = []
            for top in tops:
                if q is not None and name == "visits":
                    parts.append(self.visits(_for_unit(q, top)))
                elif q is not None and name == "surveys":
                    rows = self._slice(name, top)
                    parts.append(rows if q.start is None else rows[rows["date"] >= pd.Timestamp(q.start)])
                else:
                    parts.append(self._slice(name, top))
            narrowed[name] = parts[0] if len(parts) == 1 else pd.concat(parts)
        # Data-quality findings are kept from the whole campaign: an outlier is judged among all rows.
        return narrowed_view(self.campaign, narrowed, None if pace is None else (*pace, self.pace(*pace)))

    def _tops(self, units: list[str]) -> list[str]:
        """The units not inside another one's subtree, in tree order: their subtrees hold every unit's rows once."""
        tops: list[str] = []
        for u in sorted(set(units), key=self.position.__getitem__):
            if not tops or self.position[u] >= self.position[tops[-1]] + self.size[tops[-1]]:
                tops.append(u)
        return tops

    def pace(self, as_of: dt.date, tolerance: float) -> pd.DataFrame:
        """kpis.campaign_pace of the whole campaign (every unit's targets), remembered for the last few as_of."""
        key = (as_of, tolerance)
        hit = self._pace.get(key)
        if hit is None:
            # Kept in the campaign's bounded memo too: the panel's comparison rows (family_comparison) read the same.
            hit = campaign_pace(self.campaign, as_of, tolerance)
            self._remember(self._pace, key, hit, _PACE_CACHE_SIZE)
        else:
            self._pace.move_to_end(key)
        return hit

    def comparison(self, q: Query) -> Comparison:
        """report.comparison.family_comparison of the query's unit, remembered for the last few hundred queries
        (and per snapshot files of the reports folder: one written since is read).

        At the campaign's default as_of, where the explorer opens and most units are looked at, every unit's
        published table is built once (memoised on the campaign): each unit's comparison is then a slice of it.
        At another as_of only the unit's family's rows are computed, unless that table is memoised already."""
        previous = comparison_date(self.campaign, q.as_of, q.compare_to)
        key = (q.unit_id, q.as_of, q.tolerance, q.compare_to, history_files(self.reports_dir, q.as_of, previous))
        hit = self._comparisons.get(key)
        if hit is None:
            if q.as_of == self.campaign.as_of():
                published_table(self.campaign, q.as_of, q.tolerance, q.compare_to, self.reports_dir)
            hit = family_comparison(self.campaign, q.unit_id, q.as_of, q.tolerance, q.compare_to, self.reports_dir)
            self._remember(self._comparisons, key, hit)
        else:
            self._comparisons.move_to_end(key)
        return hit

    def _slice(self, name: str, unit_id: str) -> pd.DataFrame:
        a, b = self._span(name, unit_id)
        return self._rows[name].iloc[a:b]

    def kpis(self, q: Query) -> UnitKpis:
        """unit_kpis for the query, on the narrowed campaign; remembered for the last few hundred queries."""
        return self.kpis_of(q, [q.unit_id])[0]

    def kpis_of(self, q: Query, units: list[str]) -> list[UnitKpis]:
        """kpis() of each unit for the query's other values (compare mode); those not remembered are computed
        together by kpis.units_kpis, their rows rolled up in one pass.

        Visits and questionnaires (up to `q.until`, filtered) and targets (as of `q.as_of`, unfiltered) come from
        two calls, so that a change of dates, kinds or groups does not recompute the targets' pace."""
        if q.end is not None and q.end >= q.as_of:  # visits end at as_of either way: the same figures
            q = dataclasses.replace(q, end=None)
        queries = [_for_unit(q, u) for u in units]
        todo = list(dict.fromkeys(x.unit_id for x in queries if x not in self._kpis))
        if todo:
            self._compute(q, todo)
        out = []
        for x in queries:
            out.append(self._kpis[x])
            self._kpis.move_to_end(x)
        return out

    def _compute(self, q: Query, units: list[str]) -> None:
        if q.until == q.as_of and all((u, q.as_of, q.tolerance) not in self._targets for u in units):
            view = self.view(units, q=q, pace=(q.as_of, q.tolerance))
            found = units_kpis(view, units, q.as_of, q.tolerance)  # one call does both
            for u, k in zip(units, found, strict=True):
                self._remember(self._targets, (u, q.as_of, q.tolerance), k)
        else:
            found = units_kpis(self.view(units, ("visits", "surveys"), q), units, q.until, q.tolerance)
            # Targets, commitments and the appraisal are as of as_of, whatever window the visits are looked at in;
            # so are the children's statuses (their activity stays that of the window).
            found = [dataclasses.replace(k.with_targets(at.targets, at.family_targets), as_of=q.as_of,
                                         commitments=at.commitments, commitment_list=at.commitment_list,
                                         appraisal=at.appraisal)
                     for k, at in zip(found, self._at_as_of(units, q.as_of, q.tolerance), strict=True)]
        for u, k in zip(units, found, strict=True):
            k = dataclasses.replace(k, events=self._as_text(k.events), persons=self._as_text(k.persons))
            self._remember(self._kpis, _for_unit(q, u), k)

    def _as_text(self, series: pd.Series) -> pd.Series:
        """A series by kind or group with the text index unit_kpis gives on the campaign's own rows."""
        if isinstance(series.index, pd.CategoricalIndex):
            return series.set_axis(series.index.astype(self._text))
        return series

    def _at_as_of(self, units: list[str], as_of: dt.date, tolerance: float) -> list[UnitKpis]:
        """unit_kpis of the units as of as_of on their targets and actuals (targets' pace, commitments, appraisal)."""
        todo = [u for u in units if (u, as_of, tolerance) not in self._targets]
        if todo:
            view = self.view(todo, ("targets", "actuals"), pace=(as_of, tolerance))
            for u, k in zip(todo, units_kpis(view, todo, as_of, tolerance), strict=True):
                self._remember(self._targets, (u, as_of, tolerance), k)
        return [self._targets[(u, as_of, tolerance)] for u in units]

    @staticmethod
    def _remember(cache: OrderedDict, key, value, size: int = _KPI_CACHE_SIZE) -> None:
        cache[key] = value
        if len(cache) > size:
            cache.popitem(last=False)

    def clear_cache(self) -> None:
        """Forget computed figures (benchmarks measure updates as if every value were new)."""
        self._kpis.clear()
        self._targets.clear()
        self._picked.clear()
        self._pace.clear()
        self._comparisons.clear()

    def visits(self, q: Query) -> pd.DataFrame:
        """The subtree's visit rows the query looks at (the same rows unit_kpis counts): dated from `q.start` to
        `q.until`, of the chosen kinds and groups."""
        key = (q.unit_id, q.start, q.until, q.kinds, q.groups)
        hit = self._picked.get(key)
        if hit is not None:
            self._picked.move_to_end(key)
            return hit
        a, b = self._span("visits", q.unit_id)
        dates = self._visit_dates[a:b]
        keep = dates <= np.datetime64(q.until, "ns")
        if q.start is not None:
            keep &= dates >= np.datetime64(q.start, "ns")
        for column, chosen in (("kind", q.kinds), ("group", q.groups)):
            if chosen is not None:
                codes, number = self._visit_codes[column]
                keep &= np.isin(codes[a:b], [number[c] for c in chosen if c in number])
        rows = self._rows["visits"].iloc[a:b]
        if not keep.all():
            rows = rows.iloc[np.flatnonzero(keep)]
        self._remember(self._picked, key, rows)
        return rows

    # -- vocabulary present in the data, in the contract's order -------------------------------------------
    def kinds(self) -> list[str]:
        return _ordered(self.campaign.visits["kind"], VISIT_KINDS)

    def groups(self) -> list[str]:
        return _ordered(self.campaign.visits["group"], GROUPS)

    def indicators(self) -> list[str]:
        return _ordered(self.campaign.targets["indicator"], self.meta.indicators)

    def compare_metrics(self) -> list[str]:
        """What compare mode offers for this campaign: satisfaction with a responses table, the appraisal's items
        with an appraisal section, the rest always."""
        return [m.key for m in COMPARE.values() if m.offered(self)]

    # -- the unit picker ------------------------------------------------------------------------------------
    def unit_label(self, unit_id: str) -> str:
        """Indented by depth, the name, then the code."""
        return f"{INDENT * self.depth[unit_id]}{self.campaign.hierarchy.name[unit_id]} ({unit_id})"

    def search(self, text: str) -> tuple[list[str], list[str]]:
        """(hits, shown): units whose name or code holds the text (case, full/half width and accents ignored),
        and those plus their ancestors for context, both in tree order. Empty text: every unit, twice."""
        needle = _folded(text).strip()
        if not needle:
            return list(self.order), list(self.order)
        hits = [u for u in self.order if needle in self._search[u]]
        keep = set(hits)
        for u in hits:
            keep.update(self.campaign.hierarchy.ancestors(u))
        return hits, [u for u in self.order if u in keep]

    def default_compare(self, unit_id: str) -> list[str]:
        """Units to compare when compare mode starts: the unit's children, else the unit and its siblings."""
        h = self.campaign.hierarchy
        if len(h.children[unit_id]) >= 2:
            return h.children[unit_id][:MAX_COMPARE]
        parent = h.parent[unit_id]
        peers = h.children[parent] if parent is not None else h.roots
        others = [u for u in peers if u != unit_id]
        return [unit_id, *others][:MAX_COMPARE]


def _for_unit(q: Query, unit_id: str) -> Query:
    """The same query for another unit."""
    return dataclasses.replace(q, unit_id=unit_id)


def _folded(text: str) -> str:
    """Text for matching: NFKC (full-width letters and digits become ASCII), case folded, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", str(text)))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _ordered(column: pd.Series, known) -> list[str]:
    present = {str(v) for v in column.dropna().unique()}
    return [c for c in known if c in present] + sorted(present - set(known))


def with_indicators(k: UnitKpis, indicators: tuple[str, ...] | None) -> UnitKpis:
    """The figures with only the chosen indicators' target rows, the unit's and its children's (None: all)."""
    if indicators is None:
        return k

    def chosen(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["indicator"].isin(indicators)].reset_index(drop=True) if len(frame) else frame

    return k.with_targets(chosen(k.targets), chosen(k.family_targets))


# -- figures ------------------------------------------------------------------------------------------------


def unit_figures(index: CampaignIndex, q: Query, k: UnitKpis, language: str,
                 names: tuple[str, ...] = UNIT_FIGURES) -> dict[str, charts.Spec]:
    """The charts of one unit, from the report's builders; `k` is kpis(q), narrowed to the chosen indicators."""
    meta = index.meta
    out: dict[str, charts.Spec] = {}
    for name in names:
        if name == "persons":
            out[name] = charts.persons_by_group_chart(persons=k.persons, meta=meta, language=language)
        elif name == "events":
            out[name] = charts.events_by_kind_chart(events=k.events, meta=meta, language=language)
        elif name == "trend":
            start = q.start or meta.start
            end = min(q.until, meta.end)
            out[name] = charts.visits_trend_chart(visits=index.visits(q), start=start, end=end, language=language)
        elif name == "coverage":
            out[name] = charts.coverage_chart(covered_children=k.covered_children, language=language)
        elif name == "funnel":
            out[name] = charts.survey_funnel_chart(surveys=k.surveys, language=language)
        elif name == "targets":  # the bullets at the top of the unit's page
            out[name] = charts.bullet_chart(targets=order_targets(k.targets), meta=meta, language=language)
        else:
            raise ValueError(f"unknown figure {name!r}")
    return out


def _count_rows(metric: str):
    """Events by visit kind or persons by group, every code present among the units compared."""
    def rows(index: CampaignIndex, units: list[str], kpis: list[UnitKpis], language: str) -> list[tuple]:
        meta, names = index.meta, index.campaign.hierarchy.name
        series = [k.events if metric == "events" else k.persons for k in kpis]
        known = VISIT_KINDS if metric == "events" else GROUPS
        present = {str(c) for s in series for c in s.index}
        codes = [c for c in known if c in present] + sorted(present - set(known))
        name_of = meta.kind_label if metric == "events" else meta.group_label
        return [(u, names[u], name_of(c, language), float(s.get(c, 0)))
                for u, s in zip(units, series, strict=True) for c in codes]
    return rows


def _survey_rate_rows(index: CampaignIndex, units: list[str], kpis: list[UnitKpis], language: str) -> list[tuple]:
    names = index.campaign.hierarchy.name
    return [(u, names[u], label(f"rate.{r}", language), k.surveys[r])
            for u, k in zip(units, kpis, strict=True) for r in ("return_rate", "validity", "effective_rate")]


def _satisfaction_rows(index: CampaignIndex, units: list[str], kpis: list[UnitKpis], language: str) -> list[tuple]:
    names = index.campaign.hierarchy.name
    questions = list(dict.fromkeys(q for k in kpis if not k.ratings.empty for q in k.ratings["question"]))
    rows: list[tuple] = []
    for u, k in zip(units, kpis, strict=True):
        by_question = dict(zip(k.ratings["question"], k.ratings["satisfaction"], strict=True)) if not k.ratings.empty else {}
        rows += [(u, names[u], label("rating.all_questions", language) if q == "" else q,
                  by_question.get(q, float("nan"))) for q in questions]
    return rows


def _appraisal_rows(index: CampaignIndex, units: list[str], kpis: list[UnitKpis], language: str) -> list[tuple]:
    """Points earned, item by item (NaN where an item does not apply to a unit; items that apply to none of the
    units compared are left out)."""
    meta, names = index.meta, index.campaign.hierarchy.name
    scored = [(u, k.appraisal.items) for u, k in zip(units, kpis, strict=True) if k.appraisal is not None]
    applying = {code for _, items in scored for code in items.loc[items["applies"], "item"]}
    rows: list[tuple] = []
    for u, items in scored:
        applies = items["applies"].astype(bool)
        shown, _ = shown_points(items["points"].where(applies).tolist(), float(items.loc[applies, "weight"].sum()))
        rows += [(u, names[u], item_label(it.metric, it.key, meta, language),
                  float(p) if p is not None else math.nan)
                 for it, p in zip(items.itertuples(index=False), shown, strict=True) if it.item in applying]
    return rows


def _completion_rows(index: CampaignIndex, units: list[str], kpis: list[UnitKpis], language: str) -> list[tuple]:
    meta, names = index.meta, index.campaign.hierarchy.name
    codes = list(dict.fromkeys(c for k in kpis for c in k.targets["indicator"]))
    order = {c: i for i, c in enumerate(index.indicators())}
    codes.sort(key=lambda c: order.get(c, len(order)))
    rows: list[tuple] = []
    for u, k in zip(units, kpis, strict=True):
        done = dict(zip(k.targets["indicator"], k.targets["completion"], strict=True))
        rows += [(u, names[u], meta.indicator_label(c, language), done.get(c, float("nan"))) for c in codes]
    return rows


@dataclass(frozen=True)
class CompareMetric:
    """What compare mode can put side by side: its title (a label key), whether its values are shares, its rows
    (unit_id, name, key, value) and whether a campaign has it."""

    key: str
    title: str
    percent: bool
    rows: Callable[[CampaignIndex, list[str], list[UnitKpis], str], list[tuple]]
    offered: Callable[[CampaignIndex], bool] = lambda index: True


# The one registry of compare metrics, in the order the dropdown offers them.
COMPARE: dict[str, CompareMetric] = {m.key: m for m in (
    CompareMetric("events", "fig.events_by_kind", False, _count_rows("events")),
    CompareMetric("persons", "fig.persons_by_group", False, _count_rows("persons")),
    CompareMetric("survey_rates", "explore.metric_survey_rates", True, _survey_rate_rows),
    CompareMetric("completion", "explore.metric_completion", True, _completion_rows),
    CompareMetric("satisfaction", "explore.metric_satisfaction", True, _satisfaction_rows,
                  lambda index: "responses" in index.campaign.present),
    CompareMetric("appraisal", "explore.metric_appraisal", False, _appraisal_rows,
                  lambda index: index.meta.appraisal is not None),
)}
COMPARE_METRICS = tuple(COMPARE)


def _compare_metric(metric: str) -> CompareMetric:
    try:
        return COMPARE[metric]
    except KeyError:
        raise ValueError(f"unknown compare metric {metric!r}") from None


def metric_title(metric: str, language: str) -> str:
    return label(_compare_metric(metric).title, language)


def compare_frame(index: CampaignIndex, units: list[str], kpis: list[UnitKpis], metric: str,
                  language: str) -> pd.DataFrame:
    """Long frame for compare_units_chart: unit_id, name, key (translated), value; every key for every unit."""
    rows = _compare_metric(metric).rows(index, units, kpis, language)
    return pd.DataFrame(rows, columns=["unit_id", "name", "key", "value"])


def compare_figure(index: CampaignIndex, units: list[str], kpis: list[UnitKpis], metric: str,
                   language: str) -> charts.Spec:
    frame = compare_frame(index, units, kpis, metric, language)
    return charts.compare_units_chart(frame=frame, metric_label=metric_title(metric, language), language=language,
                                        percent=_compare_metric(metric).percent)


def evaluation_parts(index: CampaignIndex, q: Query, k: UnitKpis, language: str) -> dict[str, list[Part]]:
    """The report's three evaluation sections for one unit (the same functions as its page), by section key:
    ratings over the query's window of questionnaires, commitments and the appraisal as of as_of. Unit names
    are not links (the explorer has no pages to link to)."""
    c = index.campaign
    scored = campaign_appraisal(c, q.as_of, q.tolerance)
    children = c.hierarchy.children[q.unit_id]
    children_items = None if scored is None else scored.items[scored.items["unit_id"].isin(children)]
    ratings_present = "responses" in c.present
    commitments_present = "commitments" in c.present
    return {
        "ratings": evaluation_sections.ratings_parts(
            ratings=k.ratings, present=ratings_present, meta=c.meta, language=language, links=False,
            children=children_ratings(c, q.unit_id, q.until, q.start) if ratings_present else None),
        "commitments": evaluation_sections.commitments_parts(
            figures_=k.commitments, overdue=k.overdue_commitments, as_of=q.as_of, language=language, links=False,
            present=commitments_present,
            children=children_commitments(c, q.unit_id, q.as_of) if commitments_present else None),
        "appraisal": evaluation_sections.appraisal_parts(
            appraisal=k.appraisal, children_items=children_items, meta=c.meta, language=language, links=False),
    }


# -- HTML of the KPI panel: templates/html/explore.html.j2 ------------------------------------------------

SURVEY_COLUMNS = tuple(Column(key, numeric=True) for key in (
    "funnel.issued", "funnel.returned", "funnel.valid", "rate.return_rate", "rate.validity", "rate.effective_rate"))
TARGET_COLUMNS = (Column("col.indicator"), Column("col.completion", numeric=True), Column("col.elapsed", numeric=True),
                  Column("col.pace_gap", numeric=True), Column("col.status"))
COMPARE_KEYS = ("events", "persons", "coverage", "effective_rate", "targets_on_pace", "targets_behind")
COMPARE_COLUMNS = (Column("col.unit"), *(Column(key, numeric=True) for key in COMPARE_KEYS))


def _panel(language: str):
    return macros(language, PANEL_TEMPLATE)


def unit_panel_html(index: CampaignIndex, q: Query, k: UnitKpis, language: str) -> str:
    """Name, ancestors, window, the at-a-glance sentence and lists of the unit's page, key figures, the scorecard of
    the unit and its children (the index's columns), questionnaires, targets and findings of one unit."""
    h, meta = index.campaign.hierarchy, index.meta
    g = unit_glance(index.campaign, k, index.comparison(q))
    s = k.surveys
    surveys = Table(SURVEY_COLUMNS, [Row((fmt_int(s["issued"]), fmt_int(s["returned"]), fmt_int(s["valid"]),
                                          fmt_percent(s["return_rate"]), fmt_percent(s["validity"]),
                                          fmt_percent(s["effective_rate"])))])
    targets = Table(TARGET_COLUMNS, [
        Row((meta.indicator_label(r.indicator, language), fmt_percent(r.completion), elapsed_text(r, fmt_percent),
             gap_text(r, meta, language), status_cell(r, language)))
        for r in k.targets.itertuples(index=False)
    ])
    return _panel(language).unit_panel(
        css=panel_css(),
        crumbs=[h.name[a] for a in h.ancestors(q.unit_id)],
        name=h.name[q.unit_id],
        unit_id=q.unit_id,
        window=(q.start or meta.start, q.until),
        as_of=q.as_of,
        cards=kpi_card_values(k),
        surveys=surveys,
        targets=targets,
        findings=fmt_int(len(k.flags)),
        glance=glance_sentence(g, meta, language),
        lists=children_lists(g, meta, language),
        scorecard=scorecard_table(unit_scorecard(index.campaign, k), index.campaign, language),
    )


APPRAISAL_COMPARE_COLUMNS = (Column("col.score", numeric=True), Column("col.grade"),
                             Column("kpi.rank", numeric=True))


def compare_panel_html(index: CampaignIndex, units: list[str], kpis: list[UnitKpis], language: str,
                       note: str = "") -> str:
    """One row of key figures per compared unit, with its appraisal score, grade and rank when there is one."""
    names = index.campaign.hierarchy.name
    scored = index.meta.appraisal is not None
    rows = []
    for u, k in zip(units, kpis, strict=True):
        cards = kpi_card_values(k)
        cells = [Cell(names[u], code=u), *(cards[key] for key in COMPARE_KEYS)]
        if scored and k.appraisal is not None:
            a = k.appraisal
            cells += [fmt_score(a.score), Cell(grade=a.grade),
                      MISSING if a.rank is None or a.ranked_among <= 1 else f"{a.rank} / {a.ranked_among}"]
        rows.append(Row(tuple(cells)))
    columns = (*COMPARE_COLUMNS, *(APPRAISAL_COMPARE_COLUMNS if scored else ()))
    return _panel(language).compare_panel(css=panel_css(), table=Table(columns, rows, css_class="compare"), note=note)


def section_panel_html(parts: list[Part], language: str) -> str:
    """The HTML parts of a report section (its figures are shown apart), in the panel's style; '' for none."""
    html = [p for p in parts if isinstance(p, str)]
    return _panel(language).section_panel(css=panel_css(), parts=html) if html else ""


def section_slots(parts: list[Part], divs: tuple[str, ...]) -> tuple[list[list[Part]], dict[str, charts.Spec]]:
    """A section's HTML parts cut around its charts, so that each chart sits right below its heading: slot i holds
    the parts shown before chart divs[i] (after the chart before it), the last slot those after the last chart.
    A chart the unit does not have adds nothing: the parts before it run on into the next chart's slot."""
    slots: list[list[Part]] = [[] for _ in range(len(divs) + 1)]
    charts_of: dict[str, charts.Spec] = {}
    at = 0
    for part in parts:
        if isinstance(part, str):
            slots[at].append(part)
        else:
            div, fig = part
            charts_of[div] = fig
            at = divs.index(div) + 1
    return slots, charts_of


def not_recorded_html(index: CampaignIndex, language: str) -> str:
    """One line naming the evaluation sections the campaign does not record (they are left out), or ''."""
    keys = evaluation_sections.not_recorded(index.campaign)
    return section_panel_html(evaluation_sections.not_recorded_parts(keys, language), language)


def message_html(text: str, error: bool = False) -> str:
    """A one-line note or error (line breaks kept), escaped."""
    return _panel(DEFAULT_LANGUAGE).message(text, error)


def export_link_html(text: str, href: str, name: str, path: str, language: str = DEFAULT_LANGUAGE) -> str:
    """'text：name' linking href, then the path, escaped (the colon of the language)."""
    return _panel(language).export_link(text, href, name, path)


__all__ = [
    "COMPARE",
    "COMPARE_METRICS",
    "CompareMetric",
    "EVALUATION_FIGURES",
    "EVALUATION_SECTIONS",
    "MAX_COMPARE",
    "UNIT_FIGURES",
    "CampaignIndex",
    "Query",
    "compare_figure",
    "compare_frame",
    "compare_panel_html",
    "evaluation_parts",
    "export_link_html",
    "message_html",
    "metric_title",
    "not_recorded_html",
    "section_panel_html",
    "section_slots",
    "unit_figures",
    "unit_panel_html",
    "with_indicators",
]
