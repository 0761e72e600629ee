"""The batch's index page: the unit tree with each unit's status and key figures, linking every page."""

from __future__ import annotations

import datetime as dt

from analytics import __version__
from analytics.data.campaign import Campaign
from analytics.kpis import cached_kpi_wide
from analytics.labels import MISSING, fmt_int, fmt_percent, label
from analytics.report.layout import OutputLayout
from analytics.report.templating import Cell, Column, Fact, Link, Row, Table, render
from analytics.report.theme import report_css

COLUMNS = (
    Column("unit"),
    Column("status"),
    Column("events", numeric=True),
    Column("persons", numeric=True),
    Column("coverage", numeric=True),
    Column("effective_rate", numeric=True),
    Column("targets_behind", numeric=True),
)


def unit_tree_table(campaign: Campaign, results: dict, as_of: dt.date, language: str, tolerance: float) -> Table:
    """Every unit in tree order: name (linking its page unless it failed), page status, key figures."""
    wide = cached_kpi_wide(campaign, as_of, tolerance)
    rows = []
    for uid, depth in campaign.hierarchy.walk():
        result = results.get(uid)
        status = getattr(result, "status", None) or "not_rendered"
        output = getattr(result, "output", None)
        href = output if output and status != "failed" else None
        w = wide.loc[uid] if uid in wide.index else None
        figures = [MISSING] * 5 if w is None else [
            fmt_int(w.get("events")), fmt_int(w.get("persons")), fmt_percent(w.get("coverage")),
            fmt_percent(w.get("survey_effective_rate")), fmt_int(w.get("targets_lagging")),
        ]
        why = getattr(result, "error", None) or (label("stale_help", language) if status == "stale" else None)
        cells = [
            Cell(campaign.hierarchy.name[uid], href=href, chips=(uid,), indent=depth),
            Cell(label(status, language), title=why),
            *figures,
        ]
        rows.append(Row(cells, css_class=f"status-{status}"))
    return Table(COLUMNS, rows, css_class="unit-tree")


def index_html(campaign: Campaign, results: dict, as_of: dt.date, language: str, tolerance: float) -> str:
    """A standalone page (no scripts at all) listing every unit in tree order."""
    meta = campaign.meta
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = [
        Fact("period", f"{meta.start.isoformat()} – {meta.end.isoformat()}"),
        Fact("as_of", as_of.isoformat()),
        Fact("fingerprint", campaign.fingerprint[:16], code=True),
        Fact("generated_at", generated),
    ]
    downloads = [Link(name, name) for name in (OutputLayout.KPIS_CSV, OutputLayout.MANIFEST)]
    return render(
        "html/index.html.j2",
        language=language,
        css=report_css(),
        version=__version__,
        title=meta.title(language),
        facts=facts,
        downloads=downloads,
        table=unit_tree_table(campaign, results, as_of, language, tolerance),
    )
