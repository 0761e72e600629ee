"""The batch's index page: the campaign's scorecard, answering who is behind, on what, by how much.

A summary line (report.glance.index_summary), the downloads, and one row per unit drawn by a small inline
script from JSON embedded in the page (report.scorecard.index_payload; templates/js/scorecard.js): sort by any
column, search by name or code, filter to units behind or missed, with no activity, of one level, or (with an
appraisal) of one grade, and collapse the tree by level. No network and no library: it works from file:// in
either asset mode. Page render failures stay visible on their row (marked, with the error); the status column
is the campaign's.
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd

from analytics.config import resource
from analytics.data.campaign import Campaign
from analytics.measures.kpis import unit_kpis
from analytics.measures.periods import COMPARE_OFF
from analytics.report.comparison import previous_date, unit_figures
from analytics.report.glance import index_summary, lights_clause, unit_glance
from analytics.report.layout import OutputLayout
from analytics.report.scorecard import campaign_scorecard, index_payload
from analytics.report.templating import Fact, Link, environment, footer_facts, render, running_text, script_tag
from analytics.report.theme import report_css
from analytics.text.labels import fmt_date, fmt_time
from analytics.version import __version__

# Above this many units the tree opens collapsed to two levels (the reader expands; search finds the rest).
OPEN_ALL_UP_TO = 500


@functools.cache
def scorecard_script() -> str:
    """The index's script, shipped with the package."""
    return resource("report", "templates", "js", "scorecard.js").read_text(encoding="utf-8")


def grade_options(data: dict) -> list[dict]:
    """The grade filter's options, best first (value: the grade's place in the payload's `grades`); none when the
    index has no grade column (a campaign without an appraisal)."""
    if not any(c["format"] == "grade" for c in data["columns"]):
        return []
    return [{"value": i, "label": g["label"]} for i, g in reversed(list(enumerate(data["grades"])))]


INDEX_TEMPLATE = "html/index.html.j2"


def index_summary_of(campaign: Campaign, as_of: dt.date, language: str, tolerance: float,
                     table: pd.DataFrame | None = None, compare_to: object = None):
    """The index's summary line (the roots' figures at a glance, and with the published KPI table `table` the
    lights and what changed since the previous period): all of the index that does not depend on the pages,
    which a batch builds (with the page template compiled) while its kernels render."""
    sc = campaign_scorecard(campaign, as_of, tolerance)
    roots = [unit_glance(campaign, unit_kpis(campaign, r, as_of, tolerance)) for r in campaign.hierarchy.roots]
    environment().get_template(INDEX_TEMPLATE)
    lights = None
    if table is not None:
        off = isinstance(compare_to, str) and compare_to.strip().lower() == COMPARE_OFF
        lights = lights_clause(unit_figures(table, sc.units.index), previous_date(table), as_of, off, language)
    return index_summary(roots, sc.units, campaign.meta, language, lights)


def index_html(campaign: Campaign, results: dict, as_of: dt.date, language: str, tolerance: float,
               summary=None, table: pd.DataFrame | None = None, compare_to: object = None) -> str:
    """The index page: summary, downloads and the scorecard of every unit (figures as of `as_of`); `summary`:
    `index_summary_of` of the same arguments, when built ahead; `table`: the KPI table kpis.csv publishes (its
    lights, ranks, changes and restatements), none without it."""
    meta = campaign.meta
    facts = [
        Fact("period", f"{fmt_date(meta.start, language)} – {fmt_date(meta.end, language)}"),
        Fact("as_of", fmt_date(as_of, language)),
        Fact("generated_at", fmt_time(dt.datetime.now(dt.UTC), meta.timezone, language)),
    ]
    sc = campaign_scorecard(campaign, as_of, tolerance)
    if summary is None:
        summary = index_summary_of(campaign, as_of, language, tolerance, table, compare_to)
    downloads = [Link(name, name) for name in (OutputLayout.BULLETIN, OutputLayout.KPIS_XLSX, OutputLayout.KPIS_CSV,
                                               OutputLayout.MANIFEST)]
    data = index_payload(sc, campaign, results, language, table)
    depth = int(sc.units["level"].max()) if len(sc.units) else 1
    levels = data["levels"]
    return render(
        INDEX_TEMPLATE,
        language=language,
        css=report_css(),
        version=__version__,
        title=meta.title(language),
        facts=facts,
        running=running_text(meta.title(language), as_of, language),
        summary=summary,
        downloads=downloads,
        data=data,
        columns=data["columns"],
        grades=grade_options(data),
        lights=any(c["format"] == "light" for c in data["columns"]),
        restated=any(r[data["fields"].index("restated")] for r in data["rows"]),
        levels=levels,
        expand_levels=list(range(1, depth)),
        expand_default=None if len(sc.units) <= OPEN_ALL_UP_TO or depth <= 2 else 2,
        script=script_tag(code=scorecard_script()),
        footer=footer_facts(campaign.fingerprint),
    )
