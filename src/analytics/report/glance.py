"""At a glance: what the top of every unit page says first, and the index's summary line.

Who is behind, on what, by how much: `unit_glance(campaign, k)` gathers it from one unit's `UnitKpis`
(its indicators, its children's rolled figures and statuses, its uncovered leaves); `glance_sentence` writes it
in the page's language as a list of `Segment`s (plain text, indicator names, unit names), which the template
renders and a test can read back. The explorer shows the same block from the same functions.

The sentence is a sequence of clauses: each function of `SENTENCE_CLAUSES` takes (Glance, meta, language) and
returns its segments, or [] when it has nothing to say. A new clause (e.g. the appraisal's grade and rank)
is one function appended there; `INDEX_CLAUSES` are the index summary's, over a campaign's roots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analytics.data.campaign import Campaign
from analytics.data.meta import CampaignMeta
from analytics.measures.change import COVERAGE_KEY
from analytics.measures.evaluation import UnitAppraisal
from analytics.measures.kpis import UnitKpis
from analytics.measures.metrics import LAGGING_STATUSES, SEVERITY, STATUSES, among
from analytics.measures.vocabulary import Status
from analytics.report.comparison import Comparison
from analytics.report.levels import is_level, status_text
from analytics.text.labels import (
    fmt_date,
    fmt_level_gap,
    fmt_number,
    fmt_percent,
    fmt_points,
    fmt_score,
    grade_key,
    grade_label,
    label,
    message,
)
from analytics.text.language import rules_of

# A bounded list names at most this many units, then "and N more".
MAX_NAMED = 20
MAX_UNCOVERED = 50  # docs/domain.md: uncovered units are listed by name up to 50, with the count of the rest


@dataclass(frozen=True)
class Segment:
    """A piece of a generated sentence: text, naming an indicator (its code and status) or a unit (its id), or a
    warning light's word (red, yellow: shown as its badge)."""

    text: str
    indicator: str | None = None
    status: str | None = None
    unit_id: str | None = None
    light: str | None = None

    @property
    def plain(self) -> bool:
        return self.indicator is None and self.unit_id is None and self.light is None


@dataclass
class Glance:
    """What a unit's at-a-glance block shows, as of a date."""

    unit_id: str
    name: str
    as_of: dt.date
    is_leaf: bool
    has_visits: bool
    no_activity: bool
    targets: pd.DataFrame  # the unit's target_pace rows, worst first (order_targets)
    children: pd.DataFrame  # per direct child (index unit_id): name, no_activity, targets_lagging, figures
    children_targets: pd.DataFrame  # target_pace rows of the children
    leaves: int
    uncovered: list[str]  # leaves below without a visit of their own, file order
    grassroots_coverage: float
    names: dict[str, str] = field(default_factory=dict)  # unit_id -> name, for every unit named
    appraisal: UnitAppraisal | None = None
    comparison: Comparison | None = None  # the change since the previous period; None: not asked for
    indicators: list[str] = field(default_factory=list)  # the campaign's indicators in column order

    @property
    def lagging(self) -> pd.DataFrame:
        """The unit's indicators behind or missed, missed first, then most behind first."""
        return self.targets[self.targets["status"].isin(LAGGING_STATUSES)]

    @property
    def children_behind(self) -> list[str]:
        """Children with any indicator behind or missed (docs/domain.md: such a child is behind), in tree order."""
        if self.children.empty:
            return []
        return self.children.index[self.children["targets_lagging"] > 0].tolist()

    @property
    def children_idle(self) -> list[str]:
        """Children with no visit at or below them."""
        if self.children.empty:
            return []
        return self.children.index[self.children["no_activity"].astype(bool)].tolist()


def order_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """Target rows worst first: by SEVERITY (missed, behind, no data, on pace, ahead, completed), then by pace
    gap (most behind first), then indicator code. Pages, charts and tables show indicators in this order."""
    if targets.empty:
        return targets.reset_index(drop=True)
    rank = {s: i for i, s in enumerate(SEVERITY)}
    keyed = targets.assign(_rank=targets["status"].map(rank).fillna(len(rank)),
                           _gap=pd.to_numeric(targets["pace_gap"], errors="coerce"))
    keyed = keyed.sort_values(["_rank", "_gap", "indicator"], kind="stable", na_position="last")
    return keyed.drop(columns=["_rank", "_gap"]).reset_index(drop=True)


def unit_glance(campaign: Campaign, k: UnitKpis, comparison: Comparison | None = None) -> Glance:
    """The at-a-glance figures of the unit of `k` (from unit_kpis), with its change since the previous period
    when `comparison` is given (report.comparison)."""
    h = campaign.hierarchy
    children = k.children.copy()
    children.insert(0, "name", [h.name[c] for c in children.index.tolist()])
    return Glance(
        unit_id=k.unit_id,
        name=h.name[k.unit_id],
        as_of=k.as_of,
        is_leaf=not h.children[k.unit_id],
        has_visits="visits" in campaign.present,
        no_activity=k.no_activity,
        targets=order_targets(k.targets),
        children=children,
        children_targets=k.family_targets[k.family_targets["unit_id"] != k.unit_id].reset_index(drop=True)
        if len(k.family_targets) else k.family_targets,
        leaves=k.leaves,
        uncovered=list(k.uncovered),
        grassroots_coverage=k.grassroots_coverage,
        names=h.name,
        appraisal=k.appraisal,
        comparison=comparison,
        indicators=_indicator_order(campaign),
    )


def _indicator_order(campaign: Campaign) -> list[str]:
    """campaign.yaml's indicators first, in its order, then the others as the targets table gives them (the
    index's column order: report.scorecard.indicator_order)."""
    present = list(dict.fromkeys(map(str, campaign.targets["indicator"].tolist()))) if "targets" in campaign.present \
        else []
    named = [c for c in campaign.meta.indicators if c in present]
    return named + [c for c in present if c not in named]


# -- lists of units named ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Named:
    """A unit named in a list, with what to say about it (e.g. its lagging indicators)."""

    unit_id: str
    name: str
    detail: str = ""
    light: str | None = None  # its warning light (red, yellow), when the page shows lights


@dataclass(frozen=True)
class NamedList:
    """A bounded list: its title (a label key), the units named, and how many more there are."""

    title: str
    items: list[Named]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    def more_text(self, language: str) -> str:
        return message("glance.more", language, n=self.more) if self.more > 0 else ""


def _bounded(title: str, ids: Sequence[str], names: dict[str, str], limit: int,
             detail: Callable[[str], str] = lambda u: "",
             light: Callable[[str], str | None] = lambda u: None) -> NamedList:
    return NamedList(title, [Named(u, names.get(u, u), detail(u), light(u)) for u in ids[:limit]], len(ids))


def children_lists(g: Glance, meta: CampaignMeta, language: str, limit: int = MAX_NAMED) -> list[NamedList]:
    """The children behind (each with its indicators behind or missed and by how much) and the children with no
    activity, by name, at most `limit` each; empty lists are left out."""
    out = []
    behind = g.children_behind
    if behind:
        # The details of the children named only: a unit with 100,000 children names `limit` of them.
        rows = g.children_targets
        lagging = rows[rows["status"].isin(LAGGING_STATUSES).to_numpy() & among(rows["unit_id"], behind[:limit])]
        by_child: dict[str, list[str]] = {}
        c = g.comparison
        for t in order_targets(lagging).itertuples(index=False):
            item = (f"{meta.indicator_label(t.indicator, language)} {fmt_percent(t.completion)}"
                    + rules_of(language).bracketed(gap_detail(t, meta, language)))
            change = c.value(t.unit_id, "completion_change", t.indicator) if c is not None else None
            if change is not None and not pd.isna(change) and c is not None and c.previous_as_of is not None:
                item += _m("glance.item_change", language, points=fmt_points(change, 2),
                           date=short_date(c.previous_as_of, g.as_of, language))
            by_child.setdefault(t.unit_id, []).append(item)
        separator = message("glance.item_separator", language)
        out.append(_bounded("glance.children_behind", behind, g.names, limit,
                            lambda u: separator.join(by_child.get(u, [])), lambda u: _light_of(g, u)))
    idle = g.children_idle
    if idle:
        out.append(_bounded("glance.children_idle", idle, g.names, limit, light=lambda u: _light_of(g, u)))
    return out


def _light_of(g: Glance, unit_id: str) -> str | None:
    """A unit's warning light when it is red or yellow and the page shows lights."""
    light = g.comparison.light(unit_id) if g.comparison is not None else None
    return light if light in ("red", "yellow") else None


def uncovered_list(g: Glance, limit: int = MAX_UNCOVERED) -> NamedList | None:
    """The grassroots units below with no visit of their own, by name up to `limit` (docs/domain.md: 50)."""
    if g.is_leaf or not g.has_visits or not g.uncovered:
        return None
    return _bounded("glance.uncovered", g.uncovered, g.names, limit)


# -- the sentence ------------------------------------------------------------------------------------------------

Clause = Callable[[Glance, CampaignMeta, str], list[Segment]]


def _m(code: str, language: str, **params) -> str:
    return message(code, language, **params)


def _counted(code: str, n: int, language: str, **params) -> str:
    """The message for a count: `<code>_one` when n is 1 and that message exists, else `<code>`."""
    one = f"{code}_one"
    if n == 1 and message(one, language) != one:
        return message(one, language, n=n, **params)
    return message(code, language, n=n, **params)


def _listed(parts: Sequence[str], language: str, kind: str = "list") -> str:
    """'a, b and c' / 'a、b、c' (kind "list"), or clauses 'a and b' / 'a，b' (kind "part")."""
    if len(parts) <= 1:
        return "".join(parts)
    sep, last = (("glance.list_separator", "glance.last_separator") if kind == "list"
                 else ("glance.part_separator", "glance.part_last"))
    return _m(sep, language).join(parts[:-1]) + _m(last, language) + parts[-1]


def _points(value: float) -> str:
    """Points without their sign, two decimals: 1.2419 -> '1.24'."""
    return f"{abs(value):.2f}"


def status_parts(statuses: Sequence[str], language: str, pacing: Sequence[object] | None = None) -> str:
    """'4 are ahead of pace, 1 is on pace and 1 is behind pace' / '4项快于序时进度、1项符合序时进度、1项落后序时进度';
    level indicators (pacing level) that are completed or missed are counted as 达标 / 未达标."""
    keys = [f"level_{s}" if p == "level" and s in (Status.COMPLETED, Status.MISSED) else s
            for s, p in zip(statuses, pacing if pacing is not None else [None] * len(statuses), strict=True)]
    counts = pd.Series(keys, dtype=object).value_counts()
    order = [k for s in STATUSES for k in (s, f"level_{s}")]
    parts = [_counted(f"glance.status.{s}", int(counts[s]), language) for s in order if s in counts]
    return _listed(parts, language)


def level_gap_text(gap: object, measure: object, meta: CampaignMeta, language: str) -> str:
    """A level indicator's distance to its target, unsigned, in its measure: '10.00个百分点' / '10.00 points' for a
    %, else '5件' / '5 cases'; '—' without one."""
    text = meta.measure_label(measure, language) if isinstance(measure, str) else ""
    return fmt_level_gap(gap, measure, text, language)


def gap_detail(t, meta: CampaignMeta, language: str) -> str:
    """An indicator's gap as a list shows it: the pace gap in points (+8.68), or for a level indicator its
    standing and distance to the target ('低于目标10.00个百分点' / 'below target, 10.00 points')."""
    if is_level(t):
        words = status_text(t, language)
        gap = level_gap_text(t.level_gap, t.measure, meta, language)
        rules = rules_of(language)
        return f"{rules.in_sentence(words)}{rules.comma if rules.capitalises else ''}{gap}"
    return fmt_points(t.pace_gap)


def indicators_clause(g: Glance, meta: CampaignMeta, language: str) -> list[Segment]:
    """How many indicators per status, then each one behind or missed, by how much."""
    if g.targets.empty:
        return []
    total = len(g.targets)
    pacing = list(g.targets["pacing"]) if "pacing" in g.targets else None
    out = [Segment(_m("glance.indicators", language, total=total, s="" if total == 1 else "s",
                      parts=status_parts(list(g.targets["status"]), language, pacing)))]
    lagging = g.lagging
    if lagging.empty:
        return out
    below = "pacing" in lagging and bool((lagging["status"] == Status.BELOW).any())
    out.append(Segment(rules_of(language).sentence_space + _m("glance.lagging_intro_level" if below
                                                               else "glance.lagging_intro", language)))
    for i, t in enumerate(lagging.itertuples(index=False)):
        if i:
            out.append(Segment(_m("glance.item_separator", language)))
        out.append(Segment(meta.indicator_label(t.indicator, language), indicator=t.indicator, status=t.status))
        if getattr(t, "pacing", None) == "level":
            code = "glance.level_missed_item" if t.status == Status.MISSED else "glance.below_item"
            out.append(Segment(_m(code, language, completion=fmt_percent(t.completion),
                                  gap=level_gap_text(t.level_gap, t.measure, meta, language))))
        elif t.status == Status.MISSED:
            out.append(Segment(_m("glance.missed_item", language, completion=fmt_percent(t.completion),
                                  short=_points((1.0 - t.completion) * 100.0))))
        else:
            out.append(Segment(_m("glance.behind_item", language, completion=fmt_percent(t.completion),
                                  gap=_points(t.pace_gap), elapsed=fmt_percent(t.elapsed))))
    out.append(Segment(_m("glance.end", language)))
    return out


def activity_clause(g: Glance, meta: CampaignMeta, language: str) -> list[Segment]:
    """'<name> has no activity' when no visit is recorded at or below the unit."""
    if not g.no_activity:
        return []
    code = "glance.no_activity_leaf" if g.is_leaf else "glance.no_activity"
    text = _m(code, language, name="\0")
    before, after = text.split("\0", 1)
    return [Segment(before), Segment(g.name, unit_id=g.unit_id), Segment(after)]


def children_clause(g: Glance, meta: CampaignMeta, language: str) -> list[Segment]:
    """'Of 6 units below, 2 are behind and 1 has no activity.'"""
    if g.children.empty or g.no_activity:
        return []
    parts = []
    if len(g.children_targets):
        behind = len(g.children_behind)
        parts.append(_counted("glance.children_behind", behind, language) if behind
                     else _m("glance.children_none_behind", language))
    if g.has_visits:
        idle = len(g.children_idle)
        parts.append(_counted("glance.children_idle", idle, language) if idle
                     else _m("glance.children_all_active", language))
    if not parts:
        return []
    return [Segment(_m("glance.children", language, total=len(g.children), parts=_listed(parts, language, "part")))]


def coverage_clause(g: Glance, meta: CampaignMeta, language: str) -> list[Segment]:
    """'38 of 95 grassroots units have no visit (grassroots coverage 60.0%).', with its light when campaign.yaml
    sets coverage lights and it is on ('… (grassroots coverage 60.00%, red light).'), as an indicator's is said;
    a leaf or a unit with no activity under a light: 'Grassroots coverage 0.00% (red light).'"""
    light = _coverage_light(g)
    share = fmt_percent(g.grassroots_coverage)
    if g.is_leaf or not g.has_visits or g.no_activity or not g.uncovered:
        return [] if light is None else _lit(_m("glance.coverage_light", language, share=share, light="\0"), light,
                                             language)
    n = len(g.uncovered)
    code = "glance.coverage_gap_one" if n == 1 else "glance.coverage_gap"
    if light is None:
        return [Segment(_m(code, language, uncovered=n, leaves=g.leaves, share=share))]
    return _lit(_m(f"{code}_light", language, uncovered=n, leaves=g.leaves, share=share, light="\0"), light, language)


def _coverage_light(g: Glance) -> str | None:
    """The unit's grassroots coverage light when it is on (red, yellow), else None."""
    light = g.comparison.light(g.unit_id, COVERAGE_KEY) if g.comparison is not None else None
    return light if light in ("red", "yellow") else None


def _lit(text: str, light: str, language: str) -> list[Segment]:
    """A clause with a NUL character where its light's word goes, the word as a light segment (its badge)."""
    before, after = text.split("\0", 1)
    word = rules_of(language).in_sentence(label(f"light.{light}", language))
    return [Segment(before), Segment(word, light=light), Segment(after)]


def appraisal_clause(g: Glance, meta: CampaignMeta, language: str) -> list[Segment]:
    """'Appraisal score 94.98, grade excellent, rank 1 of 6 units with the same parent.' (no rank for a lone unit)"""
    a = g.appraisal
    if a is None or a.rank is None:
        return []
    grade = grade_label(a.grade, language)
    params = {"score": fmt_score(a.score), "grade": rules_of(language).in_sentence(grade)}
    if a.ranked_among > 1:
        return [Segment(_m("glance.appraisal_ranked", language, rank=a.rank, among=a.ranked_among, **params))]
    return [Segment(_m("glance.appraisal", language, **params))]


def short_date(day: dt.date, as_of: dt.date, language: str) -> str:
    """A date in a sentence about as_of: without its year when it is as_of's (5月31日, 31 May)."""
    text = fmt_date(day, language)
    if day.year != as_of.year:
        return text
    return fmt_date(day, language, year=False)


def fmt_change(points: float) -> str:
    """A change in points, two decimals, no sign (the words say up or down): 12.266 -> '12.27'."""
    return fmt_number(abs(points), 2)


def change_clause(g: Glance, meta: CampaignMeta, language: str) -> list[Segment]:
    """The change since the previous period (环比): the first indicator (campaign.yaml's order) with a comparable
    completion, from before to now in points, and the events added in the period; "no earlier period" in one
    line when there is none; nothing when comparisons are off or the unit has neither activity nor a target."""
    c = g.comparison
    if c is None or c.off or (g.no_activity and g.targets.empty):
        return []  # a unit with no activity and no target says so in one sentence: there is nothing to compare
    if c.previous_as_of is None:
        return [Segment(_m("glance.no_earlier_period", language))]
    date = short_date(c.previous_as_of, g.as_of, language)
    out: list[Segment] = []
    before_all, change_all = c.values(g.unit_id, "completion_previous"), c.values(g.unit_id, "completion_change")
    now_all = c.values(g.unit_id, "completion")
    for code in [*g.indicators, *sorted(change_all)]:
        change, before, now = change_all.get(code), before_all.get(code), now_all.get(code)
        if any(v is None or pd.isna(v) for v in (change, before, now)):
            continue
        points = round(float(change), 2)
        kind = "glance.change_up" if points > 0 else "glance.change_down" if points < 0 else "glance.change_same"
        # plain text: the sentence's marked indicators are those behind or missed
        out.append(Segment(_m(kind, language, indicator=meta.indicator_label(code, language), date=date,
                              before=fmt_percent(before, 2), now=fmt_percent(now, 2), points=fmt_change(points))))
        break
    added = c.value(g.unit_id, "events_added")
    if g.has_visits and added is not None and not pd.isna(added):
        if out:
            out.append(Segment(_m("glance.item_separator", language)))
        out.append(Segment(_counted("glance.events_added", int(added), language)))
    if not out:
        return []
    first = out[0]
    if first.indicator is None:
        out[0] = Segment(rules_of(language).sentence_start(first.text))
    return [*out, Segment(_m("glance.end", language))]


SENTENCE_CLAUSES: list[Clause] = [activity_clause, indicators_clause, change_clause, children_clause,
                                  coverage_clause, appraisal_clause]


def glance_sentence(g: Glance, meta: CampaignMeta, language: str,
                    clauses: Sequence[Clause] | None = None) -> list[Segment]:
    """The at-a-glance sentences: 'As of <date>, ' and then each clause that has something to say."""
    return _with_lead(_m("glance.lead", language, date=fmt_date(g.as_of, language)),
                      [c(g, meta, language) for c in (SENTENCE_CLAUSES if clauses is None else clauses)], language)


def _with_lead(lead: str, clauses: list[list[Segment]], language: str) -> list[Segment]:
    """The lead joined to the first clause (in English its first word lower-cased: 'As of …, of 6 …'), the rest
    after it, separated by a space in English."""
    said = [c for c in clauses if c]
    if not said:
        return [Segment(lead.rstrip(" ，,") + _m("glance.end", language))]
    first = list(said[0])
    head = first[0]
    rules = rules_of(language)
    if head.plain and rules.clause_start(head.text) != head.text:
        first[0] = Segment(rules.clause_start(head.text))
    out = [Segment(lead), *first]
    for clause in said[1:]:
        out.append(Segment(rules.sentence_space))
        out.extend(clause)
    return _merged(out)


def _merged(segments: list[Segment]) -> list[Segment]:
    """Adjacent plain-text segments joined, empty ones dropped."""
    out: list[Segment] = []
    for s in segments:
        if not s.text:
            continue
        if s.plain and out and out[-1].plain:
            out[-1] = Segment(out[-1].text + s.text)
        else:
            out.append(s)
    return out


def sentence_text(segments: Sequence[Segment]) -> str:
    """The sentence as plain text."""
    return "".join(s.text for s in segments)


# -- the index's summary line --------------------------------------------------------------------------------------

def lights_clause(figures: pd.DataFrame, previous: dt.date | None, as_of: dt.date, off: bool,
                  language: str) -> list[Segment]:
    """The index's count of red and yellow units and what changed since the previous period (new red, back to
    green, ranks up and down, units with restated figures); `figures` is report.comparison.unit_figures."""
    if figures.empty:
        return []
    light, before = figures["light"], figures["light_previous"]
    out = [Segment(_m("index.lights", language, red=int((light == "red").sum()),
                      yellow=int((light == "yellow").sum())))]
    if previous is not None:
        known = before.notna()
        now = pd.to_numeric(figures["rank_now"], errors="coerce")
        then = pd.to_numeric(figures["rank_previous"], errors="coerce")
        out.append(Segment(_m("index.changed", language, date=short_date(previous, as_of, language),
                              new_red=int(((light == "red") & known & (before != "red")).sum()),
                              green=int(((light == "none") & before.isin(["red", "yellow"])).sum()),
                              up=int((now < then).sum()), down=int((now > then).sum()))))
    elif not off:
        out.append(Segment(_m("glance.no_earlier_period", language)))
    restated = int((figures["restated"] > 0).sum())
    if restated:
        out.append(Segment(_m("index.restated", language, n=restated)))
    space = rules_of(language).sentence_space
    if space:
        out = [out[0], *(x for s in out[1:] for x in (Segment(space), s))]
    return out


def index_summary(roots: Sequence[Glance], units: pd.DataFrame, meta: CampaignMeta, language: str,
                  lights: list[Segment] | None = None) -> list[Segment]:
    """The line above the index: per root, its indicators by status and those behind or missed (as its page
    says them); then, over every unit, how many have an indicator behind or missed and how many no activity,
    and (with an appraisal) how many have each grade.

    `units` has one row per unit with `targets_lagging`, `targets_total` and `no_activity` (the scorecard's);
    `lights` (lights_clause) is said after them.
    """
    if not roots:
        return []
    date = fmt_date(roots[0].as_of, language)
    out: list[Segment] = []
    for g in roots:
        clause = indicators_clause(g, meta, language)
        if not clause:
            continue
        lead = _m("glance.lead_named", language, date=date, name=g.name) if len(roots) > 1 else \
            _m("glance.lead", language, date=date)
        if out:
            out.append(Segment(rules_of(language).sentence_space))
        out.extend(_with_lead(lead, [clause], language))
    for clause in (_units_clause(units, roots[0].has_visits, language), _grades_clause(units, language),
                   lights or []):
        if clause and out:
            out.extend([Segment(rules_of(language).sentence_space), *clause])
        elif clause:
            out.extend(_with_lead(_m("glance.lead", language, date=date), [clause], language))
    return _merged(out)


def _grades_clause(units: pd.DataFrame, language: str) -> list[Segment]:
    """'Appraisal grades: 12 excellent, 8 good, 15 pass and 10 fail.' over every unit with a score."""
    if "grade" not in units.columns:
        return []
    counts = units["grade"].map(grade_key).value_counts()
    parts = [_m("glance.grade_count", language, n=int(counts[g]), grade=rules_of(language).in_sentence(grade_label(g, language)))
             for g in ("excellent", "good", "pass", "fail") if g in counts]
    if not parts:
        return []
    return [Segment(_m("glance.grades", language, parts=_listed(parts, language)))]


def _units_clause(units: pd.DataFrame, has_visits: bool, language: str) -> list[Segment]:
    """'Of 126 units, 5 have an indicator behind or missed and 38 have no activity.'"""
    parts = []
    if units["targets_total"].sum() > 0:
        behind = int((units["targets_lagging"] > 0).sum())
        parts.append(_counted("glance.units_behind", behind, language) if behind
                     else _m("glance.units_none_behind", language))
    if has_visits:
        idle = int(units["no_activity"].astype(bool).sum())
        if idle:
            parts.append(_counted("glance.units_idle", idle, language))
    if not parts:
        return []
    return [Segment(_m("glance.units", language, total=len(units), parts=_listed(parts, language, "part")))]


__all__ = [
    "MAX_NAMED",
    "MAX_UNCOVERED",
    "SENTENCE_CLAUSES",
    "Glance",
    "Named",
    "NamedList",
    "Segment",
    "activity_clause",
    "appraisal_clause",
    "change_clause",
    "children_clause",
    "children_lists",
    "coverage_clause",
    "glance_sentence",
    "index_summary",
    "indicators_clause",
    "lights_clause",
    "order_targets",
    "sentence_text",
    "status_parts",
    "uncovered_list",
    "unit_glance",
]
