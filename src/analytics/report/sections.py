"""A unit's report: sections of HTML fragments and plotly figures (plain-data specs), shown in a notebook or written as HTML.

The notebook `notebooks/unit_report.ipynb` calls `UnitReport.load(...)` and then one method per section.
Each section displays as several outputs: HTML fragments as `text/html`, figures as a bundle holding both
plotly's own JSON (JupyterLab draws it) and an HTML `<div>` with a `Plotly.newPlot` call that expects
plotly.js on the page (nbconvert keeps it; the page template supplies plotly.js exactly once).
HTML fragments come from the macros of `templates/html/ui.html.j2` (see `report.templating`), which escape
every value; figure builders escape data for plotly with `plotly_text`. Text from data shows, it never runs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.io as pio

from analytics.config import resolve_data_dir
from analytics.data.campaign import Campaign
from analytics.data.loading import load_campaign
from analytics.measures.change import COVERAGE_KEY
from analytics.measures.kpis import (
    UnitKpis,
    campaign_appraisal,
    children_commitments,
    children_figures,
    children_ratings,
    finding_detail,
    finding_value,
    rolled_totals,
    subtree_units,
    unit_kpis,
)
from analytics.measures.metrics import LAGGING_STATUSES, actual_over_time, among, tag_comparison, until
from analytics.measures.periods import parse_compare_to
from analytics.measures.vocabulary import Status
from analytics.report import charts, evaluation_sections
from analytics.report.bounds import CHILDREN_SHOWN, bounded_note, ranked, top_and_bottom
from analytics.report.comparison import Comparison, published_table, unit_comparison
from analytics.report.glance import (
    Glance,
    children_lists,
    glance_sentence,
    uncovered_list,
    unit_glance,
)
from analytics.report.layout import PAGE_TO_INDEX, OutputLayout, page_href, page_to_download
from analytics.report.levels import elapsed_text, gap_text, status_cell
from analytics.report.ondisk import HTML_ONLY_ENV
from analytics.report.parameters import check_notebook_parameters
from analytics.report.templating import Cell, Column, Fact, Link, Row, Table, footer_facts, macros, running_text
from analytics.text.labels import (
    MISSING,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_percent,
    fmt_points,
    fmt_time,
    label,
    message,
    status_label,
)
from analytics.text.language import rules_of

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud"]}
PLOTLY_MIME = "application/vnd.plotly.v1+json"
MAX_FLAG_ROWS = 200

TARGET_COLUMNS = (
    Column("indicator"), Column("measure"), Column("target", numeric=True), Column("actual", numeric=True),
    Column("completion", numeric=True), Column("elapsed", numeric=True), Column("pace_gap", numeric=True),
    Column("status"),
)
CHILDREN_COLUMNS = (
    Column("rank", numeric=True), Column("unit"), *(Column(key, numeric=True) for key in (
        "events", "persons", "coverage", "issued", "valid", "effective_rate", "targets_behind")),
)
FLAG_COUNT_COLUMNS = (Column("flag"), Column("count", numeric=True))
FLAG_COLUMNS = (
    Column("table"), Column("row", numeric=True), Column("unit_id"), Column("flag"), Column("column"),
    Column("value"), Column("detail"),
)


def kpi_card_values(k: UnitKpis) -> dict[str, str]:
    """The key figures, formatted, by label key: events, persons, coverage, grassroots coverage, effective rate,
    indicators on pace (completed, ahead or on pace) and behind (behind or missed).

    The report's cards and the explorer's panel both show these (through the `ui.kpi_cards` macro)."""
    counts = k.status_counts()
    good = counts.get(Status.COMPLETED, 0) + counts.get(Status.AHEAD, 0) + counts.get(Status.ON_PACE, 0)
    has_targets = len(k.targets) > 0
    return {
        "events": fmt_int(k.total_events),
        "persons": fmt_int(k.total_persons),
        "coverage": fmt_percent(k.coverage),
        "grassroots_coverage": fmt_percent(k.grassroots_coverage),
        "effective_rate": fmt_percent(k.surveys["effective_rate"]),
        "targets_on_pace": fmt_int(good) if has_targets else MISSING,
        "targets_behind": fmt_int(sum(counts.get(s, 0) for s in LAGGING_STATUSES)) if has_targets else MISSING,
    }


def figure_html(fig: charts.Spec, div_id: str) -> str:
    """A figure as a `<div>` plus the script that draws it with an already loaded plotly.js (the spec written as
    it is: builders' specs are checked against plotly's schema in the tests, not on every page)."""
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOTLY_CONFIG,
                       validate=False)


def figure_bundle(fig: charts.Spec, div_id: str) -> dict[str, object]:
    """Display bundle: plotly JSON for JupyterLab, HTML for nbconvert."""
    spec = json.loads(pio.to_json(fig, validate=False))
    spec["config"] = PLOTLY_CONFIG
    return {PLOTLY_MIME: spec, "text/html": figure_html(fig, div_id)}


@dataclass
class Section:
    """One report section: a title and parts, each an HTML string or a (div id, figure) pair."""

    key: str
    parts: list[str | tuple[str, charts.Spec]] = field(default_factory=list)

    def html(self) -> str:
        """The whole section as one HTML string (plotly.js must be on the page)."""
        return "\n".join(p if isinstance(p, str) else figure_html(p[1], p[0]) for p in self.parts)

    def figures(self) -> list[charts.Spec]:
        return [p[1] for p in self.parts if not isinstance(p, str)]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        html_only = os.environ.get(HTML_ONLY_ENV) == "1"
        for part in self.parts:
            if isinstance(part, str):
                display({"text/html": part}, raw=True)
            elif html_only:
                display({"text/html": figure_html(part[1], part[0])}, raw=True)
            else:
                display(figure_bundle(part[1], part[0]), raw=True)


@dataclass
class UnitReport:
    """Everything one unit's report shows, computed once; methods build the sections."""

    campaign: Campaign
    unit_id: str
    as_of: dt.date
    language: str
    tolerance: float
    kpis: UnitKpis
    generated_at: str
    _glance: Glance | None = field(default=None, repr=False)
    _children_rows: pd.DataFrame | None = field(default=None, repr=False)
    # Charts and tables of children show at most this many (top and bottom of the ranking): report.bounds.
    children_shown: int = CHILDREN_SHOWN
    compare_to: str | None = None  # as given: YYYY-MM-DD, "none", or None for the previous period
    previous_as_of: dt.date | None = None  # the date compared with; None: no comparison
    reports_dir: Path | None = None  # the output folder whose snapshots name restated figures
    _comparison: Comparison | None = field(default=None, repr=False)

    @classmethod
    def load(
        cls,
        data_dir: str | Path,
        unit_id: str | None = None,
        as_of: str | dt.date | None = None,
        language: str = "zh",
        tolerance: float = 1.0,
        compare_to: str | dt.date | None = None,
        reports_dir: str | Path | None = None,
    ) -> UnitReport:
        """Load the campaign (cached per process) and compute the unit's figures; unit_id None = the root.

        The arguments are checked as the command line checks them (UsageError with the same message);
        compare_to (a date, "none", or None for the previous period) is kept for the comparisons; reports_dir
        (the run's output folder) adds the figures restated since they were published there, as kpis.csv does.
        """
        if isinstance(compare_to, dt.date):
            compare_to = compare_to.isoformat()
        p = check_notebook_parameters(data_dir=data_dir, unit_id=unit_id, as_of=as_of, language=language,
                                      tolerance=tolerance, compare_to=compare_to, reports_dir=reports_dir)
        campaign = load_campaign(resolve_data_dir(p["data_dir"]))
        unit = campaign.check_units([p["unit_id"]])[0] if p["unit_id"] is not None else campaign.hierarchy.roots[0]
        when = campaign.as_of(p["as_of"])
        kpis = unit_kpis(campaign, unit, when, p["tolerance"])
        now = fmt_time(dt.datetime.now(dt.UTC), campaign.meta.timezone, p["language"])
        # The date compared with (None: no comparison), checked against the campaign as `run` checks it.
        previous = parse_compare_to(p["compare_to"], start=campaign.meta.start, as_of=when,
                                    period=campaign.meta.reporting.period)
        return cls(campaign, unit, when, p["language"], p["tolerance"], kpis, now, compare_to=p["compare_to"],
                   previous_as_of=previous, reports_dir=p["reports_dir"])

    # -- helpers ---------------------------------------------------------------------------------------
    def t(self, key: str) -> str:
        return label(key, self.language)

    @property
    def name(self) -> str:
        return self.campaign.hierarchy.name[self.unit_id]

    def title(self) -> str:
        """Page title: unit name and campaign name (plain text; the page template escapes it)."""
        return f"{self.name} · {self.campaign.meta.title(self.language)}"

    @property
    def ui(self):
        """The page macros (templates/html/ui.html.j2) in the report's language."""
        return macros(self.language)

    def _link(self, unit_id: str) -> Link:
        return Link(page_href(unit_id), self.campaign.hierarchy.name[unit_id])

    def _heading(self, key: str) -> str:
        return self.ui.heading(key)

    def _note(self, key: str = "no_data") -> str:
        return self.ui.note(key)

    def _subtree_visits(self) -> pd.DataFrame:
        visits = until(self.campaign.visits, self.as_of)
        return visits[among(visits["unit_id"], subtree_units(self.campaign, self.unit_id))]

    def _children(self) -> pd.DataFrame:
        """The direct children's figures (kpis.children_figures), computed once for the sections using them."""
        if self._children_rows is None:
            self._children_rows = children_figures(self.campaign, self.kpis)
        return self._children_rows

    # -- sections --------------------------------------------------------------------------------------
    def header(self) -> Section:
        """Name, breadcrumb of ancestors, campaign, period, as_of, generation time (in the campaign's time zone)."""
        meta = self.campaign.meta
        trail = [Link(PAGE_TO_INDEX, self.t("all_units"))]
        trail += [self._link(a) for a in self.campaign.hierarchy.ancestors(self.unit_id)]
        facts = [
            Fact("campaign", meta.title(self.language)),
            Fact("period", f"{fmt_date(meta.start, self.language)} – {fmt_date(meta.end, self.language)}"),
            Fact("as_of", fmt_date(self.as_of, self.language)),
            Fact("generated_at", self.generated_at),
        ]
        running = running_text(self.name, self.as_of, self.language)
        return Section("header", [self.ui.page_header(self.name, facts, trail, running)])

    @property
    def comparison(self) -> Comparison:
        """The unit's and its children's change since the previous period, lights and restatements, from the KPI
        table the run publishes (report.comparison), computed once."""
        if self._comparison is None:
            table = published_table(self.campaign, self.as_of, self.tolerance, self.compare_to, self.reports_dir)
            self._comparison = unit_comparison(self.campaign, table, self.unit_id, self.as_of, self.tolerance,
                                               self.compare_to)
        return self._comparison

    @property
    def glance(self) -> Glance:
        """What the top of the page says (report.glance), computed once."""
        if self._glance is None:
            self._glance = unit_glance(self.campaign, self.kpis, self.comparison)
        return self._glance

    def _hrefs(self, ids) -> dict[str, str]:
        return {u: page_href(u) for u in ids}

    def at_a_glance(self) -> Section:
        """First, above everything else: the sentence naming the indicators behind or missed and by how much, how
        many units below are behind or idle (or that this unit has no activity at all); one bullet per indicator;
        the units below that are behind or have no activity, by name; the links to every unit's figures."""
        g = self.glance
        meta = self.campaign.meta
        lists = children_lists(g, meta, self.language)
        named = [g.unit_id, *(n.unit_id for nl in lists for n in nl.items)]
        hrefs = self._hrefs(named)
        hrefs.pop(g.unit_id, None)  # the page's own unit is not a link to itself
        parts: list = [self._heading("glance"),
                       self.ui.glance_sentence(glance_sentence(g, meta, self.language), hrefs)]
        c = self.comparison
        if not g.targets.empty:
            previous, previous_label = None, ""
            if c.previous_as_of is not None:
                previous = c.values(self.unit_id, "completion_previous")
                previous_label = self.t("legend.previous") + rules_of(self.language).bracketed(
                    fmt_date(c.previous_as_of, self.language))
            parts.append(("chart-bullet", charts.bullet_chart(targets=g.targets, meta=meta, language=self.language,
                                                              previous=previous, previous_label=previous_label)))
        if c.thresholds and (not g.targets.empty or c.light(self.unit_id, COVERAGE_KEY) is not None):
            parts.append(self.ui.light_thresholds(light_thresholds_text(c, self.campaign, self.language)))
        restated = restatement_lines(c, self.unit_id, self.campaign.meta, self.language)
        if restated:
            parts.append(self.ui.restatements(restated))
        downloads = [Link(page_to_download(name), name) for name in (OutputLayout.KPIS_XLSX, OutputLayout.KPIS_CSV)]
        parts.append(self.ui.glance_lists(lists, hrefs, downloads))
        return Section("glance", parts)

    def footer(self) -> Section:
        """At the bottom: one line naming the sections the campaign does not record (no responses, commitments or
        appraisal: those sections are left out), then the data fingerprint and the program's version."""
        missing = evaluation_sections.not_recorded(self.campaign)
        return Section("footer", [*evaluation_sections.not_recorded_parts(missing, self.language),
                                  self.ui.page_footer(footer_facts(self.campaign.fingerprint))])

    def kpi_cards(self) -> Section:
        """Events, person-times, coverage, grassroots coverage, survey effective rate, targets on pace / behind.
        Nothing for a unit with no activity: the sentence at the top says so."""
        if self.kpis.no_activity:
            return Section("kpis", [])
        return Section("kpis", [self._heading("kpi_cards"), self.ui.kpi_cards(kpi_card_values(self.kpis))])

    def visits(self) -> Section:
        """Person-times by group, events by kind, trend over time, coverage of direct children and its gaps.
        Nothing for a unit with no activity: the sentence at the top says so."""
        meta = self.campaign.meta
        if self.kpis.no_activity:
            return Section("visits", [])
        parts: list = [self._heading("visits")]
        visits = self._subtree_visits()
        if visits.empty:
            return Section("visits", [*parts, self._note()])
        lang = self.language
        parts.append(("chart-persons", charts.persons_by_group_chart(persons=self.kpis.persons, meta=meta, language=lang)))
        parts.append(("chart-events", charts.events_by_kind_chart(events=self.kpis.events, meta=meta, language=lang)))
        end = min(self.as_of, meta.end)
        parts.append(("chart-trend", charts.visits_trend_chart(visits=visits, start=meta.start, end=end, language=lang)))
        covered = self.kpis.covered_children
        if len(covered):
            cut = top_and_bottom(ranked(covered.assign(_events=pd.to_numeric(covered["events"], errors="coerce").fillna(0)),
                                        "_events"), self.children_shown)
            shown = cut.rows.drop(columns="_events") if cut.rest else covered
            parts.append(("chart-coverage", charts.coverage_chart(covered_children=shown, language=lang)))
            if cut.rest:
                parts.append(bounded_note(cut, "axis.events", lang))
            parts += self._coverage_gaps()
        return Section("visits", parts)

    def _coverage_gaps(self) -> list[str]:
        """Both coverage figures with their counts, and the grassroots units below with no visit, by name."""
        k, g = self.kpis, self.glance
        covered = int(k.covered_children["covered"].sum())
        rules = rules_of(self.language)
        shown = [
            _LabelledNumber("kpi.coverage", fmt_percent(k.coverage)
                            + rules.bracketed(rules.count_of(covered, len(k.covered_children)))),
            _LabelledNumber("kpi.grassroots_coverage", fmt_percent(k.grassroots_coverage)
                            + rules.bracketed(rules.count_of(k.leaves - len(k.uncovered), k.leaves)),
                            self.comparison.light(self.unit_id, COVERAGE_KEY)),
        ]
        missing = uncovered_list(g)
        hrefs = self._hrefs(n.unit_id for n in missing.items) if missing else {}
        full = Link(page_to_download(OutputLayout.KPIS_XLSX), OutputLayout.KPIS_XLSX) if missing and missing.more else None
        return [self.ui.subheading("section.coverage_gaps"), self.ui.coverage_gaps(shown, missing, hrefs, full)]

    def surveys(self) -> Section:
        """Issued → returned → valid funnel and rates by direct child."""
        parts: list = [self._heading("surveys")]
        if self.kpis.surveys["issued"] == 0:
            return Section("surveys", [] if self.kpis.no_activity else [*parts, self._note()])
        parts.append(("chart-funnel", charts.survey_funnel_chart(surveys=self.kpis.surveys, language=self.language)))
        children = self._children()
        if len(children) and children["survey_issued"].sum() > 0:
            by_child = pd.DataFrame(
                {
                    "name": children["name"],
                    "issued": children["survey_issued"],
                    "returned": children["survey_returned"],
                    "valid": children["survey_valid"],
                }
            )
            unsurveyed = charts.children_without_surveys(by_child)  # of all children, before any cut
            surveyed = children[children["survey_issued"] > 0]
            cut = top_and_bottom(ranked(surveyed, "survey_effective_rate"), self.children_shown)
            if cut.rest:  # the surveyed children ranked by effective rate, top and bottom
                by_child = by_child.loc[cut.rows.index]
            parts.append(("chart-survey-rates", charts.survey_rates_by_child_chart(by_child=by_child, language=self.language)))
            if cut.rest:
                parts.append(bounded_note(cut, "rate.effective_rate", self.language))
            if unsurveyed:
                parts.append(self.ui.note("note.unsurveyed_children", unsurveyed))
        return Section("surveys", parts)

    def targets(self) -> Section:
        """Each indicator's figures (worst first, as the bullets at the top) with the gap in points, then its
        cumulative actual over time against the pace line."""
        parts: list = [self._heading("targets")]
        targets = self.glance.targets
        if targets.empty:
            return Section("targets", [] if self.kpis.no_activity else [*parts, self._note()])
        meta = self.campaign.meta
        c = self.comparison
        compared = c.previous_as_of is not None
        changes = c.values(self.unit_id, "completion_change") if compared else {}
        rows = []
        for t in targets.itertuples(index=False):
            cells = [
                meta.indicator_label(t.indicator, self.language), meta.measure_label(t.measure, self.language),
                fmt_number(t.target), fmt_number(t.actual), fmt_percent(t.completion, 2),
                elapsed_text(t, lambda x: fmt_percent(x, 2)), gap_text(t, meta, self.language),
                status_cell(t, self.language),
                light_cell(c, self.unit_id, t.indicator, self.language),
            ]
            if compared:
                cells.append(fmt_points(changes.get(t.indicator), 2))
            rows.append(Row(tuple(cells)))
        columns = (*TARGET_COLUMNS, Column("col.light"), *((Column("col.completion_vs_previous", numeric=True),)
                                                            if compared else ()))
        parts.append(self.ui.data_table(Table(columns, rows)))
        untranslated = meta.untranslated_measures(targets["measure"], self.language)
        if untranslated:
            parts.append(self.ui.note_list("note.untranslated_measures", untranslated))
        parts.append(self.ui.subheading("section.pace_over_time"))
        c = self.campaign
        for i, t in enumerate(targets.itertuples(index=False)):
            series = actual_over_time(c.targets, c.actuals, c.hierarchy.parent, self.unit_id, t.indicator, self.as_of)
            parts.append((f"chart-pace-{i}", charts.pace_over_time_chart(
                series=series, indicator=t.indicator, target=t.target, period_start=t.period_start,
                period_end=t.period_end, as_of=self.as_of, status=t.status, meta=meta,
                measure=t.measure if isinstance(t.measure, str) else "", language=self.language)))
        return Section("targets", parts)

    def children(self) -> Section:
        """Ranking of direct children by person-times, laggards highlighted; advanced vs lagging by tags."""
        parts: list = [self._heading("children")]
        children = self._children()
        if children.empty:  # a unit without units below has no such section
            return Section("children", [])
        by_persons = children.sort_values(["persons", "events"], ascending=False, kind="stable")
        cut = top_and_bottom(by_persons.assign(_rank=range(1, len(by_persons) + 1)), self.children_shown)
        rows = []
        for rank, c in zip(cut.rows["_rank"].tolist(), cut.rows.itertuples(index=False), strict=True):
            laggard = c.events == 0 or c.targets_lagging > 0 or (not pd.isna(c.coverage) and c.coverage < 0.5)
            tags = tuple(self.t(tag) for tag in c.tags.split(";") if tag)
            if laggard:  # said in words too: a row's colour is lost on paper printed without backgrounds
                tags = (self.t("note.attention"), *tags)
            unit = Cell(self.campaign.hierarchy.name[c.unit_id], href=page_href(c.unit_id), chips=tags)
            rows.append(Row(
                (str(rank), unit, fmt_int(c.events), fmt_int(c.persons), fmt_percent(c.coverage),
                 fmt_int(c.survey_issued), fmt_int(c.survey_valid), fmt_percent(c.survey_effective_rate),
                 fmt_int(c.targets_lagging)),
                css_class="laggard" if laggard else "",
            ))
        parts.append(self.ui.note("note.ranked_by_persons"))  # the order is a ranking: say by what
        parts.append(self.ui.data_table(Table(CHILDREN_COLUMNS, rows)))
        if cut.rest:
            parts.append(bounded_note(cut, "axis.persons", self.language))
        parts.append(self.ui.laggard_legend())
        comparison = self._tag_comparison()
        if not comparison.empty:
            parts.append(self.ui.subheading("tag_comparison"))
            if set(comparison["tag"]) >= {"advanced", "lagging"}:
                parts.append(("chart-tags", charts.tag_comparison_chart(comparison=comparison, language=self.language)))
            else:  # one side alone is no comparison: said in one line, no chart
                parts.append(self.ui.note("note.tags_one_side"))
        return Section("children", parts)

    def _tag_comparison(self) -> pd.DataFrame:
        h = self.campaign.hierarchy
        subtree = h.descendants(self.unit_id)[1:]
        units = self.campaign.units.set_index("unit_id")
        tags = units["tags"].reindex(subtree)
        tagged = tags.fillna("").str.contains("advanced|lagging")
        if not tagged.any():
            return pd.DataFrame()
        # Only the tagged units' totals are compared: the unit's children have theirs in its rollup, units further
        # down are rolled up alone (not every unit of the campaign).
        columns = ["events", "persons", "survey_issued", "survey_returned", "survey_valid"]
        family = self.kpis.family
        rolled = set(family.index.tolist())
        deeper = [u for u in tags.index[tagged.to_numpy()].tolist() if u not in rolled]
        totals = family[columns] if not deeper else \
            pd.concat([family[columns], rolled_totals(self.campaign, deeper, self.as_of)[columns]])
        per_unit = totals.reindex(subtree)[columns]
        per_unit.columns = ["events", "persons", "issued", "returned", "valid"]
        return tag_comparison(per_unit.astype(float), tags)

    def quality(self) -> Section:
        """Every data-quality flag in the unit's subtree, counted by kind, then listed."""
        parts: list = [self._heading("quality")]
        flags = self.kpis.flags
        if flags.empty:
            return Section("quality", [*parts, self._note("no_flags")])
        counts = flags.groupby("flag").size()
        parts.append(self.ui.data_table(Table(FLAG_COUNT_COLUMNS, [Row((self.t(f), fmt_int(n))) for f, n in counts.items()])))
        shown = flags.head(MAX_FLAG_ROWS)
        meta, lang = self.campaign.meta, self.language
        rows = [
            Row((self.t(f"table.{f.table}"), _text(f.row), _text(f.unit_id), self.t(f"flag.{f.flag}"),
                 self.t(f"field.{f.column}"), finding_value(f, meta, lang), finding_detail(f, meta, lang)))
            for f in shown.itertuples(index=False)
        ]
        parts.append(self.ui.data_table(Table(FLAG_COLUMNS, rows)))
        if len(flags) > MAX_FLAG_ROWS:
            parts.append(self.ui.note("more_rows", len(flags) - MAX_FLAG_ROWS))
        return Section("quality", parts)

    def ratings(self) -> Section:
        """群众评议: ratings by question (count, mean score, 满意率), the distribution of scores, children compared."""
        present = "responses" in self.campaign.present
        children = children_ratings(self.campaign, self.unit_id, self.as_of) if present else None
        return Section("ratings", evaluation_sections.ratings_parts(
            ratings=self.kpis.ratings, children=children, meta=self.campaign.meta, language=self.language,
            present=present, bound=self.children_shown))

    def commitments(self) -> Section:
        """公开承诺: fulfilment (kept, late, overdue, due today, of due), children compared, overdue ones listed."""
        present = "commitments" in self.campaign.present
        children = children_commitments(self.campaign, self.unit_id, self.as_of) if present else None
        return Section("commitments", evaluation_sections.commitments_parts(
            figures_=self.kpis.commitments, overdue=self.kpis.overdue_commitments, children=children,
            as_of=self.as_of, language=self.language, present=present, bound=self.children_shown))

    def appraisal(self) -> Section:
        """考核评分: score, grade, rank among siblings, points by item, the scoring rule, the children's ranking."""
        scored = campaign_appraisal(self.campaign, self.as_of, self.tolerance)
        children = None
        if scored is not None:
            children = scored.items[scored.items["unit_id"].isin(self.campaign.hierarchy.children[self.unit_id])]
        return Section("appraisal", evaluation_sections.appraisal_parts(
            appraisal=self.kpis.appraisal, children_items=children, meta=self.campaign.meta, language=self.language,
            bound=self.children_shown))

    def sections(self) -> list[Section]:
        """All sections in page order."""
        return [self.header(), self.at_a_glance(), self.kpi_cards(), self.visits(), self.surveys(), self.targets(),
                self.children(), self.ratings(), self.commitments(), self.appraisal(), self.quality(), self.footer()]


def light_cell(c: Comparison, unit_id: str, key: str, language: str) -> Cell:
    """A warning light as a badge with its word, and "new red" / "back to green" when it changed."""
    now, before = c.light(unit_id, key), c.light_previous(unit_id, key)
    chips: tuple[str, ...] = ()
    if c.previous_as_of is not None and before is not None:
        if now == "red" and before != "red":
            chips = (label("light.new_red", language),)
        elif now == "none" and before in ("red", "yellow"):
            chips = (label("light.back_to_green", language),)
    return Cell("", warning=now or "none", chips=chips)


def _threshold(value: float) -> str:
    """A threshold as written: 10 -> '10', 12.5 -> '12.5'."""
    return fmt_number(value, 0) if float(value).is_integer() else f"{value:g}"


def light_thresholds_text(c: Comparison, campaign: Campaign, language: str) -> str:
    """The warning lights' thresholds, said once on a page (the root's light_threshold rows; coverage lights from
    campaign.yaml when set)."""
    text = message("glance.light_thresholds", language, yellow=_threshold(c.thresholds.get("yellow", 10.0)),
                   red=_threshold(c.thresholds.get("red", 30.0)))
    coverage = campaign.meta.reporting.lights.coverage
    if coverage is not None and "visits" in campaign.present:
        text += message("glance.coverage_thresholds", language, yellow=fmt_percent(coverage.yellow, 2),
                        red=fmt_percent(coverage.red, 2))
    return text


# How restated figures are shown, by metric: the page's formats (percentages and points with two decimals).
_PERCENT_METRICS = frozenset({"completion", "elapsed", "coverage", "grassroots_coverage", "survey_return_rate",
                              "survey_validity", "survey_effective_rate", "satisfaction", "commitment_fulfilment"})
_POINT_METRICS = frozenset({"pace_gap", "level_gap"})
_COUNT_METRICS = frozenset({"events", "persons", "survey_issued", "survey_returned", "survey_valid", "rating_count",
                            "commitments_due", "commitments_kept", "commitments_late", "commitments_overdue",
                            "commitments_due_today", "rank"})


def figure_shown(metric: str, value: object, language: str) -> str:
    """A published or current figure as the page shows it."""
    if metric in _PERCENT_METRICS:
        return fmt_percent(value, 2)
    if metric in _POINT_METRICS:
        return fmt_points(value, 2)
    if metric in _COUNT_METRICS:
        return fmt_int(value)
    if metric == "status":
        return status_label(value if isinstance(value, str) else None, language)
    if isinstance(value, str):
        return value
    return fmt_number(value, 2)


def figure_name(metric: str, key: str, meta, language: str) -> str:
    """'地区生产总值完成率', 'GDP completion': the indicator (or kind, group, question) and the figure's label."""
    names = {"completion": "col.completion", "actual": "col.actual", "target": "col.target",
             "pace_gap": "col.pace_gap", "status": "col.status", "elapsed": "col.elapsed"}
    what = label(names.get(metric, f"kpi.{metric}"), language)
    if what.startswith("kpi.") or what.startswith("col."):
        what = metric
    if not key:
        return what
    owner = meta.indicator_label(key, language) if metric in names else key
    rules = rules_of(language)
    return f"{owner}{rules.word_space}{rules.in_sentence(what)}"


def restatement_lines(c: Comparison, unit_id: str, meta, language: str) -> list[str]:
    """The unit's restated and revised figures that differ as shown: "地区生产总值完成率：5月31日上期公布58.41%，现为
    57.90%（数据已修订）"."""
    out = []
    for r in c.restatements(unit_id):
        published, now = figure_shown(r.metric, r.published, language), figure_shown(r.metric, r.now, language)
        if published == now:
            continue  # differs beyond the page's precision only: kpis.csv lists it
        name = figure_name(r.metric, r.key, meta, language)
        if r.kind == "restated":
            date = fmt_date(c.previous_as_of, language) if c.previous_as_of is not None else ""
            out.append(message("restated.item", language, figure=name, published=published, now=now, date=date))
        else:
            out.append(message("revised.item", language, figure=name, published=published, now=now))
    return out


@dataclass(frozen=True)
class _LabelledNumber:
    """A labelled number of the coverage block: label key, the text shown and its warning light (red, yellow; any
    other value shows none)."""

    label: str
    text: str
    light: str | None = None


def _text(value: object) -> str:
    """A data value as shown in a table: None as empty, anything else as str() gives it."""
    return "" if value is None else str(value)
