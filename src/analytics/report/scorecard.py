"""The scorecard: one row per unit, in tree order, with its key figures and each indicator's completion,
gap and pace status. One model behind three views, so they always agree:

- the index (`report.index`): rows embedded as compact JSON, drawn by a small script (`index_payload`);
- the explorer's table (`scorecard_table`: the same columns as a server-side table);
- `kpis.xlsx` (`report.downloads`): every figure and, per indicator, target, actual, completion, gap, status.

Columns come from one registry. `KPI_COLUMNS` lists the key figures by their column in `Scorecard.units` (the
names of `kpis.kpi_wide`: events, persons, coverage, ..., appraisal_score, grade, rank): adding a column to
the index, the explorer and kpis.xlsx is one `KpiColumn(...)` appended to it. `PACE_FIELDS` lists what each
indicator contributes to kpis.xlsx; the index shows completion with a traffic light and the gap below it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from analytics import frames
from analytics.data.campaign import Campaign
from analytics.data.meta import CampaignMeta
from analytics.measures.change import COVERAGE_KEY
from analytics.measures.derived import derived
from analytics.measures.kpis import UnitKpis, cached_kpi_wide, campaign_pace
from analytics.measures.metrics import until
from analytics.measures.vocabulary import LAGGING_STATUSES, SEVERITY, STATUSES, Status
from analytics.report.comparison import indicator_changes, previous_date, unit_figures
from analytics.report.layout import PageState
from analytics.report.levels import gap_text, is_level, status_text
from analytics.report.templating import Cell, Column, Row, Table
from analytics.text.labels import (
    MESSAGES,
    STATUS_COLOURS,
    STATUS_SYMBOLS,
    as_number,
    fmt_int,
    fmt_number,
    fmt_percent,
    fmt_points,
    fmt_score,
    grade_key,
    grade_label,
    indicator_status_label,
    label,
    light_style,
    message,
    status_label,
)

FORMATS = ("int", "percent", "points", "number", "score", "grade", "text")
# Appraisal grades by their value on the index, worst first: a sort lowest first puts 不合格 first, as a sort on
# any other figure puts the lowest first. The index's JSON holds the grade's number; its script shows the name.
GRADE_ORDER = ("fail", "pass", "good", "excellent")
# What a figure may need: a table of the campaign, or its appraisal section (campaign.yaml).
NEEDS = ("responses", "commitments", "appraisal")


@dataclass(frozen=True)
class KpiColumn:
    """A key-figure column: `key` a column of Scorecard.units, `label` the label key of its header, `format`
    one of FORMATS (int 2,274; percent 58.4%; points +8.7; number 52.8; score 80.94; grade 良好; text as is).
    `index` False keeps it out of the index and the explorer (kpis.xlsx has every figure). A text figure
    holding codes names its `vocabulary`: a code is shown as label(f"{vocabulary}.{code}"). `needs` (one of
    NEEDS) leaves the figure out of a campaign without that table or without an appraisal section."""

    key: str
    label: str
    format: str
    index: bool = True
    vocabulary: str | None = None
    needs: str | None = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"Figure {self.key}: format must be one of {FORMATS}, not {self.format!r}")
        if self.needs is not None and self.needs not in NEEDS:
            raise ValueError(f"Figure {self.key}: needs must be one of {NEEDS}, not {self.needs!r}")

    def applies_to(self, campaign: Campaign) -> bool:
        """Whether the campaign has what this figure needs."""
        if self.needs is None:
            return True
        if self.needs == "appraisal":
            return campaign.meta.appraisal is not None
        return self.needs in campaign.present

    def text(self, value: object, language: str) -> str:
        """The value as people read it (labels.fmt_*), '—' when missing."""
        return figure_text(value, self.format, language, self.vocabulary)

    def compact(self, value: object, language: str) -> object:
        """The value for the index's JSON: the number rounded as shown (so the script only adds separators and
        signs and sorts on what people see), text as shown, None when missing."""
        return compact_value(value, self.format, language, self.vocabulary)


# The key figures, in column order. Every one is in kpis.xlsx; those with index=True on the index too.
KPI_COLUMNS: list[KpiColumn] = [
    KpiColumn("events", "col.events", "int"),
    KpiColumn("persons", "col.persons", "int"),
    KpiColumn("coverage", "col.coverage", "percent"),
    KpiColumn("grassroots_coverage", "col.grassroots_coverage", "percent"),
    KpiColumn("survey_effective_rate", "col.effective_rate", "percent"),
    KpiColumn("uncovered", "col.uncovered", "int", index=False),
    KpiColumn("survey_issued", "col.issued", "int", index=False),
    KpiColumn("survey_returned", "col.returned", "int", index=False),
    KpiColumn("survey_valid", "col.valid", "int", index=False),
    KpiColumn("survey_return_rate", "col.return_rate", "percent", index=False),
    KpiColumn("survey_validity", "col.validity", "percent", index=False),
    KpiColumn("targets_lagging", "col.targets_lagging", "int", index=False),
    # 考核评分 (campaign.yaml's appraisal): score, grade and rank among siblings, on the index too
    KpiColumn("appraisal_score", "col.score", "score", needs="appraisal"),
    KpiColumn("grade", "col.grade", "grade", needs="appraisal"),
    KpiColumn("rank", "col.rank_among_siblings", "int", needs="appraisal"),
    # 群众评议 over all questions, and 公开承诺 at as_of
    KpiColumn("rating_count", "col.rating_count", "int", index=False, needs="responses"),
    KpiColumn("rating_mean", "col.rating_mean", "score", index=False, needs="responses"),
    KpiColumn("satisfaction", "col.satisfaction", "percent", index=False, needs="responses"),
    KpiColumn("commitments_due", "col.commitments_due_all", "int", index=False, needs="commitments"),
    KpiColumn("commitments_kept", "kpi.commitments_kept", "int", index=False, needs="commitments"),
    KpiColumn("commitments_late", "kpi.commitments_late", "int", index=False, needs="commitments"),
    KpiColumn("commitments_overdue", "kpi.commitments_overdue", "int", index=False, needs="commitments"),
    KpiColumn("commitments_due_today", "kpi.commitments_due_today", "int", index=False, needs="commitments"),
    KpiColumn("commitment_fulfilment", "kpi.commitment_fulfilment", "percent", index=False, needs="commitments"),
]


def kpi_columns_of(campaign: Campaign, index: bool = False) -> list[KpiColumn]:
    """The KPI_COLUMNS a campaign has (in order); with index=True only those the index and the explorer show."""
    return [f for f in KPI_COLUMNS if f.applies_to(campaign) and (f.index or not index)]


@dataclass(frozen=True)
class PaceField:
    """One figure of an indicator (a column of metrics.target_pace), with its header label and format
    (`number`, `percent`, `points`, or `status`: the status's name)."""

    key: str
    label: str
    format: str


PACE_FIELDS: list[PaceField] = [
    PaceField("target", "col.target", "number"),
    PaceField("actual", "col.actual", "number"),
    PaceField("completion", "col.completion", "percent"),
    PaceField("pace_gap", "col.pace_gap", "points"),
    PaceField("status", "col.status", "status"),
]


def figure_text(value: object, fmt: str, language: str, vocabulary: str | None = None) -> str:
    """A figure as shown on pages: int 2,274; percent 58.4%; points +8.7; number 52.8; score 80.94; grade 良好;
    text as is."""
    if fmt == "int":
        return fmt_int(value)
    if fmt == "percent":
        return fmt_percent(value)
    if fmt == "points":
        return fmt_points(value)
    if fmt == "number":
        return fmt_number(value)
    if fmt == "score":
        return fmt_score(value)
    if fmt == "grade":
        return "—" if grade_key(value) == "no_data" else grade_label(value, language)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = str(value)
    return label(f"{vocabulary}.{text}", language) if vocabulary else text


def compact_value(value: object, fmt: str, language: str, vocabulary: str | None = None) -> object:
    """A figure for the index's JSON, rounded exactly as figure_text shows it (percent as points: 58.41); a grade
    as its place in GRADE_ORDER (fail 0 … excellent 3)."""
    if fmt == "text":
        text = figure_text(value, fmt, language, vocabulary)
        return None if text == "—" else text
    if fmt == "grade":
        key = grade_key(value)
        return GRADE_ORDER.index(key) if key in GRADE_ORDER else None
    number = as_number(value)
    if number is None:
        return None
    if fmt == "int":
        return int(float(f"{number:.0f}"))
    if fmt == "percent":
        return float(f"{number * 100:.2f}")
    return float(f"{number:.2f}")  # points, numbers and scores: two decimals


def compact_column(values: pd.Series, fmt: str, language: str, vocabulary: str | None = None) -> list:
    """compact_value of each value of a column: a column of numpy numbers read whole, each finite one rounded by
    Python's round (which gives the number the f-string of compact_value prints), the others one at a time."""
    if fmt in ("text", "grade") or not (isinstance(values.dtype, np.dtype) and values.dtype.kind in "iuf"):
        return [compact_value(v, fmt, language, vocabulary) for v in values.tolist()]
    numbers = values.to_numpy(dtype="float64")
    shown = np.isfinite(numbers).tolist()
    if fmt == "int":
        return [int(v) if ok else None for v, ok in zip(np.rint(numbers).tolist(), shown, strict=True)]
    scaled = numbers * 100 if fmt == "percent" else numbers
    return [round(v, 2) if ok else None for v, ok in zip(scaled.tolist(), shown, strict=True)]


@dataclass
class Scorecard:
    """Units in tree order with their figures, and every indicator's pace."""

    as_of: dt.date
    # index unit_id, tree order: name, parent_id, depth (root 0), level (root 1), kind, no_activity, worst
    # (the most severe status, or None), targets_total, targets_<status>, targets_lagging, uncovered, and the
    # figures (kpi_wide's columns)
    units: pd.DataFrame
    pace: pd.DataFrame  # metrics.target_pace rows of these units
    indicators: list[str]  # indicator codes, in the order columns show them
    uncovered: list[str]  # leaves without a visit row of their own, file order (the full list of kpis.xlsx)
    has_visits: bool
    _by_unit: dict = field(default_factory=dict, repr=False)

    def pace_of(self, unit_id: str) -> dict[str, dict]:
        """indicator -> that indicator's target_pace row (as a dict) for one unit."""
        if not self._by_unit and len(self.pace):
            for row in frames.records(self.pace):
                self._by_unit.setdefault(row["unit_id"], {})[row["indicator"]] = row
        return self._by_unit.get(unit_id, {})


def unit_kind_label(meta: CampaignMeta, code: object, language: str) -> str:
    """A unit kind in words: campaign.yaml's vocabulary.kinds, else the common kinds of labels (unit_kind.*),
    else the code as written ('' for none)."""
    if not isinstance(code, str) or not code:
        return ""
    if code in meta.kinds:
        return meta.kinds[code].get(language) or meta.kinds[code].get("zh") or code
    key = f"unit_kind.{code}"
    text = label(key, language)
    return code if text == key else text


def indicator_order(campaign: Campaign) -> list[str]:
    """Indicators as columns show them: those named in campaign.yaml's vocabulary first, in its order, then the
    others in the order the targets table first gives them."""
    present = list(dict.fromkeys(map(str, campaign.targets["indicator"].tolist())))
    named = [c for c in campaign.meta.indicators if c in present]
    return named + [c for c in present if c not in named]


def _frame(campaign: Campaign, totals: pd.DataFrame, pace: pd.DataFrame, order: list[str],
           depth: dict[str, int]) -> pd.DataFrame:
    """The units frame: identity columns, then statuses and figures."""
    h = campaign.hierarchy
    units = totals.reindex(order)
    kinds = dict(zip(campaign.units["unit_id"], campaign.units["kind"], strict=True))
    ident = pd.DataFrame({
        "name": [h.name[u] for u in order],
        "parent_id": [h.parent[u] or "" for u in order],
        "depth": [depth[u] for u in order],
        "kind": [k if isinstance(k, str) else "" for k in (kinds.get(u) for u in order)],
    }, index=pd.Index(order, name="unit_id"))
    ident["level"] = ident["depth"] + 1
    rank = {s: i for i, s in enumerate(SEVERITY)}
    if len(pace):
        ranks = pace.assign(_r=pace["status"].map(rank)).groupby("unit_id")["_r"].min()
        ident["worst"] = pd.Series([SEVERITY[int(ranks[u])] if u in ranks.index else None for u in order],
                                   index=ident.index, dtype=object)
        ident["targets_total"] = pace.groupby("unit_id").size().reindex(order, fill_value=0).to_numpy()
    else:
        ident["worst"] = pd.Series([None] * len(order), index=ident.index, dtype=object)
        ident["targets_total"] = 0
    units = units.drop(columns=[c for c in ident.columns if c in units.columns])
    return ident.join(units)


def campaign_scorecard(campaign: Campaign, as_of: dt.date, tolerance: float = 1.0) -> Scorecard:
    """Every unit of the campaign (the index's and kpis.xlsx's rows), memoised per as_of and tolerance."""
    return _scorecard_memo(campaign, as_of, tolerance)


def _campaign_scorecard(campaign: Campaign, when: dt.date, tolerance: float) -> Scorecard:
    h = campaign.hierarchy
    walk = h.walk()
    order = [u for u, _ in walk]
    pace = campaign_pace(campaign, when, tolerance)
    has_visits = "visits" in campaign.present
    totals = cached_kpi_wide(campaign, when, tolerance).copy()
    visited = set(until(campaign.visits, when)["unit_id"])
    uncovered = sorted((u for u in h.leaves if u not in visited), key=h.position.__getitem__) if has_visits else []
    pairs = h.closure[h.closure["unit_id"].isin(set(uncovered))]
    totals["uncovered"] = pairs.groupby("ancestor_id").size().reindex(totals.index, fill_value=0) \
        if has_visits else math.nan
    units = _frame(campaign, totals, pace, order, dict(walk))
    units["no_activity"] = (units["events"].fillna(0) == 0) & has_visits
    return Scorecard(when, units, pace, indicator_order(campaign), uncovered, has_visits)


def unit_scorecard(campaign: Campaign, k: UnitKpis) -> Scorecard:
    """One unit and its direct children, from its UnitKpis (the explorer's table: the same columns and numbers
    as the index for the same as_of, under the explorer's filters)."""
    h = campaign.hierarchy
    family = k.family.copy()
    order = list(family.index)
    base = len(h.ancestors(k.unit_id))
    depth = {u: base + (0 if u == k.unit_id else 1) for u in order}
    family["uncovered"] = family["leaves"] - family["leaves_covered"] if "visits" in campaign.present else math.nan
    units = _frame(campaign, family, k.family_targets, order, depth)
    units["no_activity"] = family["no_activity"].reindex(order).astype(bool).to_numpy()
    if k.appraisal is not None:
        units = units.join(_family_appraisal(k, order))
    return Scorecard(k.as_of, units, k.family_targets, indicator_order(campaign), list(k.uncovered),
                     "visits" in campaign.present)


def _family_appraisal(k: UnitKpis, order: list[str]) -> pd.DataFrame:
    """appraisal_score, grade and rank of the unit and its children, from the unit's appraisal (the numbers of its
    sentence and its 考核评分 section). A rank among no siblings says nothing (NaN, shown "—"), not "1"."""
    a = k.appraisal
    rows = {k.unit_id: (a.score, a.grade, a.rank if a.rank is not None and a.ranked_among > 1 else math.nan)}
    among = len(a.children)
    for r in a.children.itertuples(index=False):
        rank = r.rank if among > 1 and not pd.isna(r.rank) else math.nan
        rows[r.unit_id] = (r.score, r.grade, rank)
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["appraisal_score", "grade", "rank"])
    return frame.reindex(order)


# -- the same rows as a server-side table (the explorer) ------------------------------------------------------------

def scorecard_table(sc: Scorecard, campaign: Campaign, language: str, hrefs: dict[str, str] | None = None) -> Table:
    """The scorecard's rows as a Table for ui.data_table: the index's columns (unit, level, progress, the key
    figures shown on the index, each indicator's completion with its traffic light and gap), the same texts."""
    meta = campaign.meta
    figures = kpi_columns_of(campaign, index=True)  # no score columns of "—" for a campaign without an appraisal
    columns = [Column("col.unit"), Column("col.level"), Column("col.progress"),
               *(Column(f.label, numeric=True) for f in figures),
               *(Column(meta.indicator_label(code, language), numeric=True) for code in sc.indicators)]
    rows = []
    top = int(sc.units["depth"].min()) if len(sc.units) else 0
    for uid, r in sc.units.iterrows():
        kind = unit_kind_label(meta, r["kind"], language)
        worst = r["worst"] if isinstance(r["worst"], str) else None
        progress = Cell(status_label(worst, language) if worst else "", light=worst,
                        chips=(label("status.no_activity", language),) if r["no_activity"] else ())
        cells = [Cell(r["name"], href=(hrefs or {}).get(uid), chips=(uid,), indent=int(r["depth"]) - top),
                 f"{int(r['level'])} · {kind}" if kind else str(int(r["level"])), progress]
        cells += [f.text(r[f.key] if f.key in r else None, language) for f in figures]
        mine = sc.pace_of(uid)
        for code in sc.indicators:
            t = mine.get(code)
            cells.append("" if t is None else Cell(fmt_percent(t["completion"]), light=t["status"],
                                                   sub=(f"{status_text(t, language)} {gap_text(t, meta, language)}"
                                                        if is_level(t) else fmt_points(t["pace_gap"])),
                                                   title=status_text(t, language)))
        rows.append(Row(cells, css_class="lagging" if r["targets_lagging"] else ""))
    return Table(columns, rows, css_class="scorecard-static")


# -- the index's data -----------------------------------------------------------------------------------------------

PAGE_STATES = tuple(PageState)
# The states the index names beside a unit (a chip), and the one that also shows its error.
FLAGGED_PAGE_STATES = (PageState.FAILED, PageState.STALE, PageState.NOT_RENDERED)
ROW_FIELDS = ("id", "name", "parent", "depth", "kind", "href", "page", "error", "idle", "worst", "lagging", "focus",
              "light", "light_prev", "restated", "alone", "cov_light", "cov_low")
LIGHTS = ("red", "yellow", "none")  # worst first: a sort lowest first puts red first


def index_columns(sc: Scorecard, campaign: Campaign, language: str, compared: bool = False,
                  lights: bool = False) -> list[dict]:
    """The index's value columns: the warning light and the rank with its change (with `lights`), the key figures
    shown on the index, then one per indicator, each followed by its change in points when `compared`."""
    meta = campaign.meta
    measures, levels = {}, set()
    if len(sc.pace):
        measures = dict(zip(sc.pace["indicator"].tolist(), sc.pace["measure"].tolist(), strict=True))
        if "pacing" in sc.pace:
            levels = set(sc.pace.loc[sc.pace["pacing"] == "level", "indicator"].tolist())
    columns = []
    if lights:
        columns.append({"key": "light", "label": label("col.light", language), "format": "light"})
        columns.append({"key": "rank_change", "label": label("col.index_rank_change", language), "format": "rank"})
    columns += [{"key": f.key, "label": label(f.label, language), "format": f.format}
                for f in kpi_columns_of(campaign, index=True)]
    for code in sc.indicators:
        measure = measures.get(code)
        name = meta.indicator_label(code, language)
        column = {"key": f"pace:{code}", "label": name, "format": "pace",
                  "measure": meta.measure_label(measure, language)}
        if code in levels:  # a level indicator's gap is in its measure: points for a %
            column["gapUnit"] = _gap_unit(measure, meta, language)
        columns.append(column)
        if compared:
            columns.append({"key": f"change:{code}", "format": "change",
                            "label": message("index.change_column", language, indicator=name)})
    return columns


def _gap_unit(measure: object, meta: CampaignMeta, language: str) -> str:
    """The unit a level indicator's gap is read in: 点/个百分点 for a %, else the measure's words."""
    if measure == "%":
        return label("index.focus_points", language)
    return meta.measure_label(measure, language) if isinstance(measure, str) else ""


def _focus(mine: dict, meta: CampaignMeta, language: str) -> list | None:
    """On what, by how much: the unit's worst lagging indicator (missed before behind, then the largest gap), its
    gap in points (a level indicator's gap to its target, with the unit it is in as a 4th element; null without
    one) and how many more indicators lag; None when none."""
    lagging = [(code, t) for code, t in mine.items() if t["status"] in LAGGING_STATUSES]
    if not lagging:
        return None

    def severity(item):
        code, t = item
        gap = t["pace_gap"]
        rank = SEVERITY.index(t["status"]) if t["status"] in SEVERITY else SEVERITY.index(Status.BEHIND)
        return (rank, gap if isinstance(gap, float) and not math.isnan(gap) else 0.0)
    code, t = min(lagging, key=severity)
    gap = t["level_gap"] if is_level(t) else t["pace_gap"]
    shown = None if not isinstance(gap, float) or math.isnan(gap) else compact_value(gap, "points", language)
    focus = [meta.indicator_label(code, language), shown, len(lagging) - 1]
    return [*focus, _gap_unit(t.get("measure"), meta, language)] if is_level(t) else focus


def lone_units(campaign: Campaign) -> frozenset[str]:
    """Units without siblings (a root alone among the roots, an only child): a rank among siblings says nothing
    there, so the index and kpis.xlsx leave it blank as the pages do."""
    h = campaign.whole.hierarchy
    alone = [h.roots[0]] if len(h.roots) == 1 else []
    alone += [kids[0] for kids in h.children.values() if len(kids) == 1]
    return frozenset(alone)


def lowest_among_siblings(units: pd.DataFrame, column: str = "grassroots_coverage") -> pd.Series:
    """Per unit (units' index; columns parent_id and `column`, a fraction): whether its figure is the lowest among
    two or more siblings with one, below 100% (ties all marked; compared as shown, to 2 decimals of a percent).
    The index marks these where no coverage lights are set."""
    share = pd.to_numeric(units[column], errors="coerce").round(4) if column in units else \
        pd.Series(math.nan, index=units.index)
    groups = units["parent_id"].to_numpy(dtype=object)
    lowest = share.groupby(groups).transform("min")
    counted = share.groupby(groups).transform("count")
    return ((share == lowest) & (counted >= 2) & (share < 1.0)).rename("lowest")


def _light_index(value: object) -> int:
    return LIGHTS.index(value) if isinstance(value, str) and value in LIGHTS else -1


def _whole_or_none(value: object) -> int | None:
    number = as_number(value)
    return None if number is None else int(number)


def _lagging(pace: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """unit -> indicator -> its target_pace row (the fields _focus reads), for the units with an indicator behind or
    missed: Scorecard.pace_of of those units, the others' rows left unread."""
    if not len(pace):
        return {}
    units = pace["unit_id"]
    behind = units[pace["status"].isin(LAGGING_STATUSES).to_numpy()].unique().tolist()
    part = pace[frames.positions(units, behind) >= 0]
    fields = [c for c in ("status", "pace_gap", "level_gap", "pacing", "measure") if c in part]
    out: dict[str, dict[str, dict]] = {}
    for unit, code, row in zip(part["unit_id"].tolist(), part["indicator"].tolist(), frames.records(part[fields]),
                               strict=True):
        out.setdefault(unit, {})[code] = row
    return out


def _pace_cells(pace: pd.DataFrame, language: str) -> dict[tuple[str, str], list]:
    """(unit, indicator) -> its cell on the index: [completion in %, gap in points, status index], a level
    indicator's with its gap to the target and a 4th element, 1; a met indicator without a gap ("+0.00" under
    100% said nothing). Each column rounded whole."""
    if not len(pace):
        return {}
    status_index = {s: i for i, s in enumerate(STATUSES)}
    level = (pace["pacing"] == "level").to_numpy(dtype=bool) if "pacing" in pace else np.zeros(len(pace), dtype=bool)
    gap = pace["pace_gap"].where(~level, pace["level_gap"]) if level.any() else pace["pace_gap"]
    cells = []
    for completion, gap_shown, status, is_level_row in zip(
            compact_column(pace["completion"], "percent", language), compact_column(gap, "points", language),
            pace["status"].tolist(), level.tolist(), strict=True):
        cell = [completion, None if status == Status.COMPLETED else gap_shown,
                status_index.get(status, status_index[Status.NO_DATA])]
        cells.append([*cell, 1] if is_level_row else cell)
    return dict(zip(zip(pace["unit_id"].tolist(), pace["indicator"].tolist(), strict=True), cells, strict=True))


class _UnitRow(NamedTuple):
    """The columns of Scorecard.units the index's rows read."""

    name: str
    parent_id: object
    depth: int
    kind: object
    no_activity: bool
    worst: object
    targets_lagging: object


def index_payload(sc: Scorecard, campaign: Campaign, results: dict, language: str,
                  table: pd.DataFrame | None = None) -> dict:
    """Everything the index's script draws, as plain JSON-able values (see templates/js/scorecard.js).

    `rows` holds one array per unit in tree order: ROW_FIELDS (code, name, parent row or -1, depth, kind label
    index, page href or "", page state index, page error or "", no activity 0/1, worst status index or -1,
    indicators behind or missed, focus, light and light before as places in LIGHTS or -1, restated or revised
    figures 0/1, no siblings 0/1, the grassroots coverage light as a place in LIGHTS or -1 (with coverage lights
    set), the lowest grassroots coverage among its siblings 0/1 (without them)), then one value per column: a
    figure rounded as shown (or null; the rank null without siblings), for an indicator [completion in %, gap in
    points, status index] (null for a unit without that target), its change in points (2 decimals), the light
    [now, before] and the rank [now, before] (null without siblings).

    `table`: the KPI table the run publishes (report.comparison.published_table) for the lights, ranks, changes
    and restatements; without it the index has none of them.
    """
    meta = campaign.meta
    status_index = {s: i for i, s in enumerate(STATUSES)}
    position = {u: i for i, u in enumerate(sc.units.index.tolist())}
    kinds: list[str] = []
    kind_index: dict[str, int] = {}
    kind_label: dict[object, str] = {}  # unit kind -> its label
    figures = kpi_columns_of(campaign, index=True)
    rows = []
    u = sc.units
    lights = table is not None
    compared = lights and previous_date(table) is not None
    extra = unit_figures(table, u.index) if lights else None
    # One list per column, in u's order: a row lookup (.loc) per unit took most of the index's time.
    extras = {k: extra[k].tolist() for k in ("light", "light_previous", "restated", "rank_now", "rank_previous")} \
        if extra is not None else {}
    changes = indicator_changes(table) if compared else {}
    alone = lone_units(campaign)
    coverage_light = {}  # unit -> its grassroots coverage light, where campaign.yaml sets coverage lights
    if lights:
        part = table[(table["metric"] == "light").to_numpy() & (table["key"] == COVERAGE_KEY).to_numpy()]
        coverage_light = dict(zip(part["unit_id"].tolist(), part["value"].tolist(), strict=True))
    low = (lowest_among_siblings(u) if not coverage_light and sc.has_visits
           else pd.Series(False, index=u.index)).to_numpy(dtype=bool)
    # Each figure compacted by its whole column, each indicator's cells from target_pace's columns.
    columns = {f.key: compact_column(u[f.key], f.format, language, f.vocabulary) if f.key in u else [None] * len(u)
               for f in figures}
    if "rank" in columns:  # a rank among no siblings says nothing (the pages' rule): left blank, never "1"
        columns["rank"] = [None if uid in alone else v for uid, v in zip(u.index.tolist(), columns["rank"], strict=True)]
    figure_values = list(zip(*columns.values(), strict=True)) if columns else [()] * len(u)
    cells = _pace_cells(sc.pace, language)
    focus = {uid: _focus(mine, meta, language) for uid, mine in _lagging(sc.pace).items()}
    for i, (uid, r) in enumerate(zip(u.index.tolist(), map(_UnitRow._make, frames.rows(u[list(_UnitRow._fields)])),
                                     strict=True)):
        kind = kind_label.get(r.kind)
        if kind is None:
            kind = kind_label[r.kind] = unit_kind_label(meta, r.kind, language)
        if kind not in kind_index:
            kind_index[kind] = len(kinds)
            kinds.append(kind)
        result = results.get(uid)
        state = getattr(result, "status", None) or PageState.NOT_RENDERED
        output = getattr(result, "output", None)
        error = getattr(result, "error", None) or (label("stale_help", language) if state == PageState.STALE else "")
        row = [uid, r.name, position.get(r.parent_id, -1), int(r.depth), kind_index[kind],
               output if output and state != PageState.FAILED else "", PAGE_STATES.index(state)
               if state in PAGE_STATES else PAGE_STATES.index(PageState.NOT_RENDERED), error or "",
               int(bool(r.no_activity)),
               status_index[r.worst] if isinstance(r.worst, str) else -1, int(r.targets_lagging or 0)]
        row.append(focus.get(uid))
        lone = uid in alone
        if extra is not None:
            now, before = _light_index(extras["light"][i]), _light_index(extras["light_previous"][i])
            row += [now, before, int(extras["restated"][i] > 0), int(lone), _light_index(coverage_light.get(uid)),
                    int(low[i])]
            row += [None if now < 0 else [now, None if before < 0 else before],
                    None if lone else [_whole_or_none(extras["rank_now"][i]), _whole_or_none(extras["rank_previous"][i])]]
        else:
            row += [-1, -1, 0, int(lone), -1, int(low[i])]
        row += figure_values[i]
        for code in sc.indicators:
            row.append(cells.get((uid, code)))
            if compared:
                change = changes.get((uid, code))
                row.append(None if change is None else float(f"{change:.2f}"))
        rows.append(row)
    kinds_of_level: dict[int, list] = {}  # level -> its units' kinds, in order of appearance
    for level, kind in dict.fromkeys(zip(u["level"].tolist(), u["kind"].tolist(), strict=True)):
        kinds_of_level.setdefault(level, []).append(kind)
    return {
        "fields": list(ROW_FIELDS),
        "columns": index_columns(sc, campaign, language, compared, lights),
        "lights": list(LIGHTS),
        "lightLabels": [label(f"light.{x}", language) for x in LIGHTS],
        "lightStyles": [light_style(x) for x in LIGHTS],
        "rows": rows,
        "kinds": kinds,
        "levels": [{"level": int(lv), "kinds": [unit_kind_label(meta, x, language) for x in kinds_of_level[lv] if x][:3]}
                   for lv in sorted(kinds_of_level)],
        "statuses": list(STATUSES),
        "statusLabels": [status_label(s, language) for s in STATUSES],
        "levelLabels": [indicator_status_label(s, "level", language) for s in STATUSES],
        "statusColours": [STATUS_COLOURS[s] for s in STATUSES],
        "statusSymbols": [STATUS_SYMBOLS[s] for s in STATUSES],
        "severity": [SEVERITY.index(s) for s in STATUSES],
        "grades": [{"key": g, "label": grade_label(g, language)} for g in GRADE_ORDER],
        "pages": [str(s) for s in PAGE_STATES],
        "pageLabels": [label(s, language) for s in PAGE_STATES],
        "pageFlagged": [s in FLAGGED_PAGE_STATES for s in PAGE_STATES],
        "pageFailed": PAGE_STATES.index(PageState.FAILED),
        "text": {key: label(f"index.{key}", language) for key in (
            "no_match", "more", "gap", "no_target", "expand_row", "level_n", "focus_points", "light_up",
            "light_down", "previous", "no_siblings", "lowest_coverage")} | {
            "shown": MESSAGES["index.shown"][language], "idle": label("status.no_activity", language),
            "points": label("glance.points", language), "level_gap": label("col.level_gap", language),
            "coverage": label("col.grassroots_coverage", language)},
    }



_scorecard_memo = derived(_campaign_scorecard)  # once per campaign, as_of and tolerance

__all__ = [
    "FORMATS",
    "GRADE_ORDER",
    "KPI_COLUMNS",
    "LIGHTS",
    "PACE_FIELDS",
    "FLAGGED_PAGE_STATES",
    "PAGE_STATES",
    "ROW_FIELDS",
    "KpiColumn",
    "PaceField",
    "Scorecard",
    "campaign_scorecard",
    "compact_value",
    "figure_text",
    "index_columns",
    "index_payload",
    "indicator_order",
    "kpi_columns_of",
    "lone_units",
    "lowest_among_siblings",
    "scorecard_table",
    "unit_kind_label",
    "unit_scorecard",
]
