"""The batch's index page: the unit tree with each unit's status and key figures, linking every page."""

from __future__ import annotations

import datetime as dt
import html

from analytics import __version__
from analytics.data.campaign import Campaign
from analytics.kpis import cached_kpi_wide
from analytics.labels import fmt_int, fmt_percent, label
from analytics.report.page import report_css


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def index_html(campaign: Campaign, results: dict, as_of: dt.date, language: str, tolerance: float) -> str:
    """A standalone page (no scripts at all) listing every unit in tree order."""
    t = lambda key: _e(label(key, language))  # noqa: E731
    meta = campaign.meta
    wide = cached_kpi_wide(campaign, as_of, tolerance)
    head = ["unit", "status", "events", "persons", "coverage", "effective_rate", "targets_behind"]
    th = "".join(f'<th{" class=num" if i > 1 else ""}>{t(k)}</th>' for i, k in enumerate(head))
    rows = []
    for uid, depth in campaign.hierarchy.walk():
        result = results.get(uid)
        name = _e(campaign.hierarchy.name[uid])
        status = getattr(result, "status", None) or "not_rendered"
        output = getattr(result, "output", None)
        cell = f'<a href="{_e(output)}">{name}</a>' if output and status != "failed" else name
        w = wide.loc[uid] if uid in wide.index else None
        figures = ["—"] * 5 if w is None else [
            fmt_int(w.get("events")), fmt_int(w.get("persons")), fmt_percent(w.get("coverage")),
            fmt_percent(w.get("survey_effective_rate")), fmt_int(w.get("targets_lagging")),
        ]
        why = getattr(result, "error", None) or (label("stale_help", language) if status == "stale" else None)
        title = f' title="{_e(why)}"' if why else ""
        rows.append(
            f'<tr class="status-{_e(status)}"><td style="padding-left:{8 + 18 * depth}px">{cell}'
            f' <span class="tag">{_e(uid)}</span></td><td{title}>{t(status)}</td>'
            + "".join(f"<td class=num>{_e(v)}</td>" for v in figures)
            + "</tr>"
        )
    title = meta.title(language)
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = (
        f"<div><dt>{t('period')}</dt><dd>{meta.start.isoformat()} – {meta.end.isoformat()}</dd></div>"
        f"<div><dt>{t('as_of')}</dt><dd>{as_of.isoformat()}</dd></div>"
        f"<div><dt>{t('fingerprint')}</dt><dd><code>{_e(campaign.fingerprint[:16])}</code></dd></div>"
        f"<div><dt>{t('generated_at')}</dt><dd>{generated}</dd></div>"
    )
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if language == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} · {t('all_units')}</title><style>{report_css()}"
        f".status-failed td{{background:#fde8e4}}.status-stale td{{background:#fff4d6}}</style></head><body><main class=report>"
        f'<header class="report-header"><h1>{_e(title)}</h1><dl class="facts">{facts}</dl></header>'
        f'<p><a href="kpis.csv">kpis.csv</a> · <a href="manifest.json">manifest.json</a></p>'
        f'<div class="table-wrap"><table class="unit-tree"><thead><tr>{th}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f'<footer class="report-footer">campaign-analytics {_e(__version__)}</footer></main></body></html>'
    )
