"""One unit's figures (unit_kpis) and every unit's figures in tidy long form (kpi_table), from one rollup.

`rolled_figures` is the single place where rows become per-unit figures: events and person-times (total,
by kind, by group), questionnaires, coverage and grassroots coverage, each unit's own rows plus all its
descendants'. `kpi_table` runs it over the whole hierarchy; `unit_kpis` over one unit and its children.
Ratings, commitments and the appraisal come from analytics.evaluation; the appraisal scores the rows of
the same KPI table, so a score always agrees with the figures beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from analytics.data.campaign import Campaign, CampaignMeta
from analytics.evaluation import (
    Appraisal,
    UnitAppraisal,
    appraisal,
    commitment_figures,
    commitment_status,
    ratings,
)
from analytics.labels import message
from analytics.metrics import (
    LAGGING_STATUSES,
    STATUSES,
    coverage_by_parent,
    dated_findings,
    flag_frame,
    grassroots_coverage,
    rollup,
    standing_findings,
    survey_rates,
    target_pace,
    until,
)

KPI_COLUMNS = ["unit_id", "metric", "key", "value"]
METRICS = (
    "events", "persons", "coverage", "grassroots_coverage", "survey_issued", "survey_returned", "survey_valid",
    "survey_return_rate", "survey_validity", "survey_effective_rate", "target", "actual", "completion", "elapsed",
    "pace_gap", "status", "rating_count", "rating_mean", "satisfaction", "commitments_due", "commitments_kept",
    "commitments_late", "commitments_overdue", "commitments_due_today", "commitment_fulfilment", "appraisal_score",
    "appraisal_item", "grade", "rank",
)
# Rating figures: KPI metric -> column of evaluation.ratings (key = question, '' = all questions).
_RATING_METRICS = {"rating_count": "count", "rating_mean": "mean", "satisfaction": "satisfaction"}
# Commitment figures: KPI metric -> column of evaluation.commitment_figures.
_COMMITMENT_METRICS = {"commitments_due": "due", "commitments_kept": "kept", "commitments_late": "late",
                       "commitments_overdue": "overdue", "commitments_due_today": "due_today",
                       "commitment_fulfilment": "fulfilment"}
_TEXT_METRICS = ("status", "grade")
_TARGET_METRICS = ("target", "actual", "completion", "elapsed", "pace_gap", "status")
_COUNTS = ("issued", "returned", "valid")
_RATES = ("return_rate", "validity", "effective_rate")


@dataclass
class Rolled:
    """Per-unit figures over own and descendants' rows, for the units asked for (index: unit_id)."""

    totals: pd.DataFrame  # events, persons, survey_issued/returned/valid, coverage, leaves, leaves_covered, ...
    events: pd.Series  # (unit_id, kind) -> rows
    persons: pd.Series  # (unit_id, group) -> sum of persons
    uncovered: dict[str, list[str]]  # unit_id -> leaves below it without a visit row of their own


def rolled_figures(campaign: Campaign, units: list[str], visits: pd.DataFrame, surveys: pd.DataFrame) -> Rolled:
    """Every rolled-up figure of `units`, counting the given (already windowed and filtered) rows."""
    h = campaign.hierarchy
    ids = pd.Index(units, name="unit_id")
    closure = h.closure[h.closure["ancestor_id"].isin(units)]
    events_total = rollup(visits, closure).reindex(ids, fill_value=0)
    totals = pd.DataFrame({
        "events": events_total,
        "persons": rollup(visits, closure, value="persons").reindex(ids, fill_value=0),
    })
    for name in _COUNTS:
        totals[f"survey_{name}"] = rollup(surveys, closure, value=name).reindex(ids, fill_value=0)
    rates = [survey_rates(*row) for row in totals[[f"survey_{c}" for c in _COUNTS]].itertuples(index=False)]
    for name in _RATES:
        totals[f"survey_{name}"] = [r[name] for r in rates]
    has_visits = "visits" in campaign.present
    # A child is covered when it has a visit at or below it: the children's own rolled totals say so.
    children = [c for u in units for c in h.children[u]]
    child_closure = h.closure[h.closure["ancestor_id"].isin(children)]
    active = set(rollup(visits, child_closure).index)
    totals["coverage"] = coverage_by_parent(h.parent, active, units) if has_visits else math.nan
    own = set(visits["unit_id"].unique())
    leaves = h.leaves
    grass = grassroots_coverage(closure, leaves, own).reindex(ids)
    totals["leaves"] = grass["leaves"].fillna(0).astype("int64")
    totals["leaves_covered"] = grass["leaves_covered"].fillna(0).astype("int64")
    totals["grassroots_coverage"] = grass["grassroots_coverage"] if has_visits else math.nan
    uncovered: dict[str, list[str]] = {}
    if has_visits:
        pairs = closure[closure["unit_id"].isin(leaves - own)]
        for ancestor, part in pairs.groupby("ancestor_id", sort=False)["unit_id"]:
            uncovered[ancestor] = sorted(part, key=h.position.__getitem__)
    return Rolled(
        totals=totals,
        events=rollup(visits, closure, by="kind"),
        persons=rollup(visits, closure, by="group", value="persons"),
        uncovered=uncovered,
    )


@dataclass
class UnitKpis:
    """One unit's figures as of a date: its own rows plus all its descendants'."""

    unit_id: str
    as_of: dt.date
    events: pd.Series  # by kind
    persons: pd.Series  # by group
    coverage: float
    grassroots_coverage: float
    uncovered: list[str]  # leaves below the unit without a visit row of their own, in file order
    covered_children: pd.DataFrame  # child unit_id, name, events, covered
    surveys: dict[str, float]  # issued, returned, valid, return_rate, validity, effective_rate
    targets: pd.DataFrame  # metrics.target_pace rows for this unit
    flags: pd.DataFrame  # metrics.quality_flags rows for rows in this unit's subtree
    # evaluation.ratings rows of this unit, question '' (all) first; empty without a responses table
    ratings: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    # due, kept, late, overdue, due_today, not_due, total, fulfilment; empty without a commitments table
    commitments: dict[str, float] = dataclasses.field(default_factory=dict)
    # the subtree's commitments with name (of the unit), status and days_overdue, most overdue first
    commitment_list: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    appraisal: UnitAppraisal | None = None  # None without an appraisal section in campaign.yaml
    leaves: int = 0  # leaf units at or below the unit (itself, for a leaf): grassroots coverage's denominator
    # The unit (first row) and its direct children, index unit_id: the rolled totals under kpi_wide's column
    # names (events, persons, coverage, grassroots_coverage, survey_*, leaves, leaves_covered), indicators per
    # status (targets_<status>, targets_lagging) and no_activity (no visit row at or below, visits present).
    family: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    family_targets: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)  # target_pace rows of `family`

    @property
    def overdue_commitments(self) -> pd.DataFrame:
        """The subtree's overdue commitments (逾期未兑现): unit, name, text, due, days overdue, most overdue first."""
        if self.commitment_list.empty:
            return self.commitment_list
        return self.commitment_list[self.commitment_list["status"] == "overdue"].reset_index(drop=True)

    def with_targets(self, targets: pd.DataFrame, family_targets: pd.DataFrame | None = None) -> UnitKpis:
        """The same figures with other target rows (the explorer judges targets at as_of and visits up to another
        date, or keeps a few indicators): the unit's, and its family's with their status counts recounted."""
        if family_targets is None:
            family_targets = self.family_targets
        family = self.family
        if len(family):
            counted = [c for c in family.columns if c.startswith("targets_")]
            family = family.drop(columns=counted).join(status_counts(family_targets, family.index))
        return dataclasses.replace(self, targets=targets, family=family, family_targets=family_targets)

    @property
    def no_activity(self) -> bool:
        """No visit row at or below the unit (DOMAIN.md's "no activity"); False when there is no visits table."""
        return bool(len(self.family)) and bool(self.family["no_activity"].iloc[0])

    @property
    def children(self) -> pd.DataFrame:
        """The direct children's rows of `family`, in the hierarchy's order."""
        return self.family.iloc[1:]

    @property
    def total_events(self) -> int:
        return int(self.events.sum())

    @property
    def total_persons(self) -> int:
        return int(self.persons.sum())

    def status_counts(self) -> dict[str, int]:
        """Indicators per pace status."""
        return {str(k): int(v) for k, v in self.targets["status"].value_counts().items()}

    def to_long(self) -> pd.DataFrame:
        """The same rows kpi_table gives for this unit."""
        rows = [("events", "", self.total_events), ("persons", "", self.total_persons)]
        rows += [("events", k, int(v)) for k, v in self.events.items()]
        rows += [("persons", k, int(v)) for k, v in self.persons.items()]
        rows.append(("coverage", "", self.coverage))
        rows.append(("grassroots_coverage", "", self.grassroots_coverage))
        for name in (*_COUNTS, *_RATES):
            rows.append((f"survey_{name}", "", self.surveys[name]))
        for t in self.targets.itertuples(index=False):
            rows += [(m, t.indicator, getattr(t, m)) for m in _TARGET_METRICS]
        for r in self.ratings.to_dict("records"):
            rows += [(m, r["question"], r[c]) for m, c in _RATING_METRICS.items()]
        if self.commitments:
            rows += [(m, "", self.commitments[c]) for m, c in _COMMITMENT_METRICS.items()]
        if self.appraisal is not None:
            a = self.appraisal
            rows.append(("appraisal_score", "", a.score))
            rows += [("appraisal_item", item, points) for item, points in zip(a.items["item"], a.items["points"],
                                                                            strict=True)]
            rows += [("grade", "", a.grade), ("rank", "", math.nan if a.rank is None else a.rank)]
        frame = pd.DataFrame(rows, columns=["metric", "key", "value"])
        frame.insert(0, "unit_id", self.unit_id)
        return frame


def unit_kpis(
    campaign: Campaign,
    unit_id: str,
    as_of: dt.date | str | None = None,
    tolerance: float = 1.0,
    start: dt.date | None = None,
    kinds: list[str] | None = None,
    groups: list[str] | None = None,
) -> UnitKpis:
    """One unit's figures; optional start date and kind/group filters narrow the visits looked at."""
    return units_kpis(campaign, [unit_id], as_of, tolerance, start, kinds, groups)[0]


def units_kpis(
    campaign: Campaign,
    unit_ids: list[str],
    as_of: dt.date | str | None = None,
    tolerance: float = 1.0,
    start: dt.date | None = None,
    kinds: list[str] | None = None,
    groups: list[str] | None = None,
) -> list[UnitKpis]:
    """unit_kpis of each of several units, their rows rolled up in one pass (the explorer's compared units)."""
    h = campaign.hierarchy
    for unit_id in unit_ids:
        if unit_id not in h.parent:
            raise KeyError(f"unknown unit_id {unit_id!r}")
    when = campaign.as_of(as_of)
    visits = _window(campaign.visits, when, start)
    if kinds is not None:
        visits = visits[visits["kind"].isin(kinds)]
    if groups is not None:
        visits = visits[visits["group"].isin(groups)]
    surveys = _window(campaign.surveys, when, start)
    # A unit's rolled figures count only its own subtree's rows, whichever other units are rolled up with it.
    families = [[unit_id, *h.children[unit_id]] for unit_id in unit_ids]
    rolled = rolled_figures(campaign, list(dict.fromkeys(u for family in families for u in family)), visits, surveys)
    targets = campaign_pace(campaign, when, tolerance)
    flags = campaign_flags(campaign, when)
    scored = campaign_appraisal(campaign, when, tolerance)
    return [_unit_kpis(campaign, family, when, surveys, rolled,
                       rolled.totals if len(families) == 1 else rolled.totals.loc[family], targets, flags, scored)
            for family in families]


def _unit_kpis(campaign: Campaign, family_ids: list[str], when: dt.date, surveys: pd.DataFrame, rolled: Rolled,
               totals: pd.DataFrame, targets: pd.DataFrame, flags: pd.DataFrame, scored: Appraisal | None) -> UnitKpis:
    """The figures of family_ids[0] (its children after it), from what units_kpis computed for all units at once;
    `totals` are the family's rows of rolled.totals, in family order."""
    h = campaign.hierarchy
    unit_id, children = family_ids[0], family_ids[1:]
    me = totals.loc[unit_id]
    child_events = totals["events"].reindex(children)
    covered = pd.DataFrame({"unit_id": children, "name": [h.name[c] for c in children],
                            "events": child_events.to_numpy(dtype="int64")})
    covered["covered"] = covered["events"] > 0
    surveys_out = {name: int(me[f"survey_{name}"]) for name in _COUNTS}
    surveys_out.update({name: me[f"survey_{name}"] for name in _RATES})
    family_targets = targets[targets["unit_id"].isin(family_ids)].reset_index(drop=True)
    family = with_statuses(totals, family_targets, "visits" in campaign.present)
    subtree = set(h.descendants(unit_id))
    me_only = h.closure[h.closure["ancestor_id"] == unit_id]
    rated = pd.DataFrame()
    if "responses" in campaign.present:
        rated = ratings(campaign.responses, surveys, me_only, [unit_id], campaign.meta.satisfaction_min)
        rated = rated.drop(columns="unit_id")
    promised: dict[str, float] = {}
    promised_list = pd.DataFrame()
    if "commitments" in campaign.present:
        status = commitments_at(campaign, when)
        figures = commitment_figures(status, me_only, [unit_id]).loc[unit_id]
        promised = {k: (float(v) if k == "fulfilment" else int(v)) for k, v in figures.items()}
        promised_list = _commitment_list(status[status["unit_id"].isin(subtree)], h.name)
    return UnitKpis(
        unit_id=unit_id,
        as_of=when,
        events=_of(rolled.events, unit_id, "events"),
        persons=_of(rolled.persons, unit_id, "persons"),
        coverage=float(me["coverage"]),
        grassroots_coverage=float(me["grassroots_coverage"]),
        uncovered=rolled.uncovered.get(unit_id, []),
        covered_children=covered,
        surveys=surveys_out,
        targets=targets[targets["unit_id"] == unit_id].reset_index(drop=True),
        flags=flags[flags["unit_id"].isin(subtree)].reset_index(drop=True),
        ratings=rated,
        commitments=promised,
        commitment_list=promised_list,
        appraisal=None if scored is None else scored.of(unit_id, campaign.whole.hierarchy),
        leaves=int(me["leaves"]),
        family=family,
        family_targets=family_targets,
    )


def campaign_pace(campaign: Campaign, as_of: dt.date | str | None = None, tolerance: float = 1.0) -> pd.DataFrame:
    """metrics.target_pace of every unit (own and summed targets), memoised per as_of and tolerance."""
    when = campaign.as_of(as_of)
    h = campaign.hierarchy
    return campaign.memoised(("target_pace", when, tolerance),
                             lambda: target_pace(campaign.targets, campaign.actuals, h.parent, when, tolerance))


def status_counts(pace: pd.DataFrame, units: pd.Index) -> pd.DataFrame:
    """Per unit: indicators per pace status (targets_<status>) and targets_lagging (behind or missed)."""
    counts = pace.groupby(["unit_id", "status"]).size().unstack(fill_value=0) if len(pace) else pd.DataFrame()
    out = pd.DataFrame(index=units)
    for name in STATUSES:
        out[f"targets_{name}"] = counts[name].reindex(units, fill_value=0) if name in counts else 0
    out = out.fillna(0).astype("int64")
    out["targets_lagging"] = sum(out[f"targets_{s}"] for s in LAGGING_STATUSES)
    return out


def with_statuses(totals: pd.DataFrame, pace: pd.DataFrame, has_visits: bool) -> pd.DataFrame:
    """Rolled totals plus indicators per status and `no_activity` (no visit row at or below the unit; False
    for every unit when the campaign has no visits table)."""
    out = totals.join(status_counts(pace, totals.index))
    out["no_activity"] = (pd.to_numeric(out["events"]) == 0) & has_visits
    return out


def _commitment_list(status: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Commitments with the unit's name, most overdue first, then by due date and file order."""
    out = status[["commitment_id", "unit_id", "text", "due", "done", "status", "days_overdue"]].copy()
    out.insert(2, "name", [names.get(u, u) for u in out["unit_id"]])
    out["_row"] = range(len(out))
    out = out.sort_values(["days_overdue", "due", "_row"], ascending=[False, True, True], na_position="last",
                          kind="stable")
    return out.drop(columns="_row").reset_index(drop=True)


def overdue_commitments(campaign: Campaign, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """Every overdue commitment of the campaign at as_of (逾期未兑现), most overdue first: commitment_id, unit_id,
    name (of the unit), text, due, done (empty, or after as_of), status, days_overdue. Empty without a
    commitments table."""
    if "commitments" not in campaign.present:
        return pd.DataFrame()
    status = commitments_at(campaign, campaign.as_of(as_of))
    return _commitment_list(status[status["status"] == "overdue"], campaign.hierarchy.name)


def commitments_at(campaign: Campaign, as_of: dt.date) -> pd.DataFrame:
    """evaluation.commitment_status of the campaign's commitments at as_of (memoised on it)."""
    return campaign.memoised(("commitments", as_of), lambda: commitment_status(campaign.commitments, as_of))


def campaign_appraisal(campaign: Campaign, as_of: dt.date | str | None = None,
                       tolerance: float = 1.0) -> Appraisal | None:
    """The appraisal of every unit (None without an appraisal section), scored on the KPI table's values.

    Computed once per as_of and tolerance on the whole campaign, even from a narrowed view: a rank compares a
    unit with its siblings, whose rows a view may not hold.
    """
    whole = campaign.whole
    spec = whole.meta.appraisal
    if spec is None:
        return None
    when = whole.as_of(as_of)
    return whole.memoised(("appraisal", when, tolerance),
                          lambda: appraisal(spec, _figures_table(whole, when, tolerance), whole.hierarchy))


def _window(frame: pd.DataFrame, when: dt.date, start: dt.date | None) -> pd.DataFrame:
    rows = until(frame, when)
    return rows if start is None else rows[rows["date"] >= pd.Timestamp(start)]


def _of(series: pd.Series, unit_id: str, name: str) -> pd.Series:
    """One unit's slice of a (unit_id, code) series, indexed by code."""
    if series.empty or unit_id not in series.index.get_level_values(0):
        return pd.Series(dtype="int64", name=name)
    return series.xs(unit_id, level=0).rename(name)


def campaign_flags(campaign: Campaign, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """Data-quality findings for the whole campaign as of a date (memoised on it, per as_of).

    The memo entry holds the whole campaign's tables, so a view narrowed with keep=("quality_flags",) judges
    its findings among all rows, for any as_of.
    """
    when = campaign.as_of(as_of)
    return campaign.memoised("quality_flags", lambda: _Findings(campaign)).at(when)


def finding_detail(finding, meta: CampaignMeta, language: str) -> str:
    """A data-quality finding (a row of metrics.quality_flags) in words of `language`, the codes in it (visit
    kind, indicator) given by their labels: "人次在“办实事”类活动中偏离中位数过大……"."""
    code = getattr(finding, "code", None)
    if not code:
        return str(getattr(finding, "detail", "") or "")
    params = dict(finding.params)
    if "kind" in params:
        params["kind"] = meta.kind_label(str(params["kind"]), language)
    if "indicator" in params:
        params["indicator"] = meta.indicator_label(str(params["indicator"]), language)
    return message(code, language, **params)


def finding_value(finding, meta: CampaignMeta, language: str) -> str:
    """The value a finding is about, as a reader of `language` reads it: an indicator or kind by its label, a date
    as YYYY-MM-DD, a whole number without '.0', anything else as written."""
    value = finding.value
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if finding.column == "indicator":
        return meta.indicator_label(str(value), language)
    if finding.column == "kind":
        return meta.kind_label(str(value), language)
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Findings:
    """metrics.quality_flags of one campaign, computed once per as_of; the findings that hold at any as_of
    (every one but targets without an actual yet) are judged once for all of them."""

    def __init__(self, campaign: Campaign):
        self._tables = campaign.tables
        self._units = set(campaign.units["unit_id"])
        self._parent = campaign.hierarchy.parent
        self._start, self._end = campaign.meta.start, campaign.meta.end
        self._standing: list[dict] | None = None
        self._standing_frame: pd.DataFrame | None = None
        self._by_date: dict[dt.date, pd.DataFrame] = {}

    def at(self, as_of: dt.date) -> pd.DataFrame:
        if as_of not in self._by_date:
            if self._standing is None:
                self._standing = standing_findings(self._tables, self._units, self._start, self._end,
                                                   parent=self._parent)
                self._standing_frame = flag_frame(self._standing)
            dated = dated_findings(self._tables, as_of)
            # Without a finding of this date, the standing ones alone: one frame for every such as_of.
            self._by_date[as_of] = flag_frame(self._standing + dated) if dated else self._standing_frame
        return self._by_date[as_of]


def kpi_table(campaign: Campaign, as_of: dt.date | str | None = None, tolerance: float = 1.0) -> pd.DataFrame:
    """Every unit's figures in tidy long form: unit_id, metric, key, value (key '' for a total).

    Keys: events by visit kind, persons by group, target figures by indicator, rating figures by question
    ('' = all questions), appraisal_item by item (`metric` or `metric:key`); '' for every other metric.
    """
    h = campaign.hierarchy
    when = campaign.as_of(as_of)
    scored = campaign_appraisal(campaign, when, tolerance)
    if scored is None:
        parts = [_figures(campaign, when, tolerance)]
    else:  # the figures the appraisal scored, computed once for both
        parts = [_figures_table(campaign, when, tolerance), scored.long()]
    out = pd.concat([p.astype({"value": object}) for p in parts], ignore_index=True)
    order = {u: i for i, u in enumerate(h.ids)}
    metric_order = {m: i for i, m in enumerate(METRICS)}
    out = out.sort_values(
        ["unit_id", "metric"],
        key=lambda c: c.map(order) if c.name == "unit_id" else c.map(metric_order),
        kind="stable",
    )
    return out.reset_index(drop=True)


def _figures_table(campaign: Campaign, when: dt.date, tolerance: float) -> pd.DataFrame:
    """The KPI rows the appraisal scores (all but its own), memoised per as_of and tolerance; rows of one
    metric in key order, except rating figures, whose questions keep their file order ('' first)."""
    return campaign.memoised(("figures", when, tolerance), lambda: _figures(campaign, when, tolerance))


def _figures(campaign: Campaign, when: dt.date, tolerance: float) -> pd.DataFrame:
    h = campaign.hierarchy
    surveys = until(campaign.surveys, when)
    rolled = rolled_figures(campaign, h.ids, until(campaign.visits, when), surveys)
    t = rolled.totals
    parts = [_frame(t["events"], "events"), _frame(t["persons"], "persons"),
             _keyed(rolled.events, "events"), _keyed(rolled.persons, "persons"),
             _frame(t["coverage"], "coverage"), _frame(t["grassroots_coverage"], "grassroots_coverage")]
    parts += [_frame(t[f"survey_{name}"], f"survey_{name}") for name in (*_COUNTS, *_RATES)]
    targets = campaign_pace(campaign, when, tolerance)
    if not targets.empty:
        long = targets.melt(id_vars=["unit_id", "indicator"], value_vars=list(_TARGET_METRICS), var_name="metric")
        parts.append(long.rename(columns={"indicator": "key"})[KPI_COLUMNS])
    parts = [p.sort_values(["unit_id", "metric", "key"], kind="stable") for p in parts]
    closure = h.closure
    if "responses" in campaign.present:
        rated = ratings(campaign.responses, surveys, closure, h.ids, campaign.meta.satisfaction_min)
        long = rated.melt(id_vars=["unit_id", "question"], value_vars=list(_RATING_METRICS.values()),
                          var_name="column")
        long["metric"] = long["column"].map({c: m for m, c in _RATING_METRICS.items()})
        parts.append(long.rename(columns={"question": "key"})[KPI_COLUMNS])
    if "commitments" in campaign.present:
        figures = commitment_figures(commitments_at(campaign, when), closure, h.ids)
        parts += [_frame(figures[column], metric) for metric, column in _COMMITMENT_METRICS.items()]
    return pd.concat([p.astype({"value": object}) for p in parts], ignore_index=True)


def _frame(series: pd.Series, metric: str) -> pd.DataFrame:
    return pd.DataFrame({"unit_id": series.index.astype(str), "metric": metric, "key": "",
                         "value": series.to_numpy(dtype=object)})


def _keyed(series: pd.Series, metric: str) -> pd.DataFrame:
    frame = series.rename("value").reset_index()
    frame.columns = ["unit_id", "key", "value"]
    frame.insert(1, "metric", metric)
    return frame[KPI_COLUMNS]


def cached_kpi_table(campaign: Campaign, as_of: dt.date | str | None = None, tolerance: float = 1.0) -> pd.DataFrame:
    """kpi_table computed once per campaign, as_of and tolerance (reports of many units share it)."""
    when = campaign.as_of(as_of)
    return campaign.memoised(("kpi_table", when, tolerance), lambda: kpi_table(campaign, when, tolerance))


def kpi_wide(long: pd.DataFrame) -> pd.DataFrame:
    """Per unit: the totals (key '') as columns, plus counts of indicators per status (targets_<status>, and
    targets_lagging: behind or missed)."""
    totals = long[long["key"] == ""].pivot(index="unit_id", columns="metric", values="value")
    numeric = [c for c in totals.columns if c not in _TEXT_METRICS]
    totals[numeric] = totals[numeric].apply(pd.to_numeric, errors="coerce")
    status = long[long["metric"] == "status"].rename(columns={"value": "status"})
    return totals.join(status_counts(status, totals.index))


def cached_kpi_wide(campaign: Campaign, as_of: dt.date | str | None = None, tolerance: float = 1.0) -> pd.DataFrame:
    """kpi_wide of the cached kpi_table, computed once per campaign, as_of and tolerance."""
    when = campaign.as_of(as_of)
    return campaign.memoised(("wide", when, tolerance), lambda: kpi_wide(cached_kpi_table(campaign, when, tolerance)))


def children_table(campaign: Campaign, unit_id: str, as_of: dt.date | str | None = None,
                   tolerance: float = 1.0) -> pd.DataFrame:
    """The direct children of a unit with their rolled-up KPIs, in the hierarchy's order."""
    h = campaign.hierarchy
    when = campaign.as_of(as_of)
    wide = cached_kpi_wide(campaign, when, tolerance)
    children = h.children[unit_id]
    out = wide.reindex(children).reset_index().rename(columns={"index": "unit_id"})
    out.insert(1, "name", [h.name[c] for c in children])
    tags = dict(zip(campaign.units["unit_id"], campaign.units["tags"], strict=True))
    out["tags"] = [t if isinstance(t, str) else "" for t in (tags.get(c) for c in children)]
    return out


def children_ratings(campaign: Campaign, unit_id: str, as_of: dt.date | str | None = None,
                     start: dt.date | None = None) -> pd.DataFrame:
    """The direct children of a unit with their ratings over all questions (evaluation.ratings, question ''):
    unit_id, name, count, mean, satisfied, satisfaction, score_1 … score_5, in the hierarchy's order; the
    questionnaires looked at run from `start` (default: all) to as_of, as in unit_kpis. Empty without a
    responses table or without children."""
    h = campaign.hierarchy
    children = h.children[unit_id]
    if "responses" not in campaign.present or not children:
        return pd.DataFrame()
    surveys = _window(campaign.surveys, campaign.as_of(as_of), start)
    closure = h.closure[h.closure["ancestor_id"].isin(children)]
    rated = ratings(campaign.responses, surveys, closure, children, campaign.meta.satisfaction_min)
    out = rated[rated["question"] == ""].drop(columns="question").reset_index(drop=True)
    out.insert(1, "name", [h.name[c] for c in out["unit_id"]])
    return out


def children_commitments(campaign: Campaign, unit_id: str, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """The direct children of a unit with their commitments at as_of (evaluation.commitment_figures): unit_id,
    name, due, kept, late, overdue, due_today, not_due, total, fulfilment, in the hierarchy's order. Empty without
    a commitments table or without children."""
    h = campaign.hierarchy
    children = h.children[unit_id]
    if "commitments" not in campaign.present or not children:
        return pd.DataFrame()
    status = commitments_at(campaign, campaign.as_of(as_of))
    out = commitment_figures(status, h.closure[h.closure["ancestor_id"].isin(children)], children).reset_index()
    out.columns.name = None
    out.insert(1, "name", [h.name[c] for c in out["unit_id"]])
    return out
