"""One bulletin from a campaign: its KPI table (the one kpis.csv is written from), figures, parts, Word file."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pandas as pd

from analytics.bulletin.content import Bulletin, bulletin_content
from analytics.bulletin.figures import bulletin_figures
from analytics.bulletin.settings import BulletinSettings, bulletin_settings
from analytics.data.campaign import Campaign
from analytics.measures.change import compared_kpis, comparison_date
from analytics.measures.kpis import campaign_flags


def today_in(campaign: Campaign) -> dt.date:
    """Today in the campaign's time zone: the bulletin's default date."""
    return dt.datetime.now(zoneinfo.ZoneInfo(campaign.meta.timezone)).date()


def has_snapshots(reports_dir: Path | None) -> bool | None:
    """Whether `reports_dir/history/` holds published snapshots; None when no reports folder was named."""
    if reports_dir is None:
        return None
    history = Path(reports_dir) / "history"
    return history.is_dir() and any(p.is_file() for p in history.rglob("*"))


def campaign_bulletin(campaign: Campaign, *, unit_id: str | None = None, as_of: dt.date | None = None,
                      tolerance: float = 1.0, language: str = "zh", date: dt.date | None = None,
                      table: pd.DataFrame | None = None, settings: BulletinSettings | None = None,
                      reports_dir: Path | None = None, compare_to: object = None) -> Bulletin:
    """The bulletin of `unit_id` (default the root) at `as_of`, from `table` (default: the KPI table kpis.csv
    publishes: the campaign's figures with the comparison rows (compare_to: None for the previous period, "none",
    or a date) and, from `reports_dir`'s published snapshots, the restated and revised rows)."""
    h = campaign.hierarchy
    unit = unit_id or h.roots[0]
    when = campaign.as_of(as_of)
    if table is None:
        from analytics.report.history import published_kpis

        table = compared_kpis(campaign, when, compare_to, tolerance)
        if reports_dir is not None and Path(reports_dir).is_dir():
            table = published_kpis(campaign, table, when, tolerance, Path(reports_dir),
                                   previous_as_of=comparison_date(campaign, when, compare_to)).table
    subtree = set(h.descendants(unit))
    flags = campaign_flags(campaign, when)
    problems = int(flags["unit_id"].isin(subtree).sum()) if "unit_id" in flags.columns else len(flags)
    figures = bulletin_figures(table, campaign, unit, when, language, snapshots=has_snapshots(reports_dir),
                               problems=problems)
    return bulletin_content(figures, settings or bulletin_settings(campaign), campaign.meta.title(language), language,
                            date or today_in(campaign), root=h.parent.get(unit) is None)


def write_run_bulletin(campaign: Campaign, as_of: dt.date, language: str, tolerance: float, out_dir: Path,
                       table: pd.DataFrame | None = None) -> list[str]:
    """`run`'s bulletin.docx of the root in its output folder, rewritten only when its figures or words changed;
    what went wrong, as the runner lists problems (a bulletin that cannot be made never stops the run)."""
    from analytics.bulletin.word import write_docx
    from analytics.report.layout import OutputLayout

    target = Path(out_dir) / OutputLayout.BULLETIN
    try:
        settings = bulletin_settings(campaign)
        template = settings.template if settings.template is not None and settings.template.is_file() else None
        bulletin = campaign_bulletin(campaign, as_of=as_of, tolerance=tolerance, language=language,
                                     settings=settings, reports_dir=Path(out_dir), table=table)
        write_docx(target, bulletin, template, only_if_changed=True, make_parents=False)
    except OSError as exc:
        return [f"could not write {OutputLayout.BULLETIN}: {exc.strerror or exc}"]
    except Exception as exc:  # noqa: BLE001 - reported with the run's other problems, the pages stand
        return [f"could not make {OutputLayout.BULLETIN}: {type(exc).__name__}: {exc}"]
    return []


__all__ = ["campaign_bulletin", "has_snapshots", "today_in", "write_run_bulletin"]
