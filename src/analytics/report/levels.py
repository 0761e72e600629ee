"""How every view shows an indicator's standing: a linear indicator by its pace gap in points (+8.68) and its pace
status, a level indicator (`pacing: level`, DOMAIN.md "Level indicators") by its gap to the target in its own
measure (points for a %) and 达标 / 低于目标 / 未达标, never against elapsed time. One place for the pages' targets
table, the at-a-glance lists, the explorer and the index's cell."""

from __future__ import annotations

from analytics.data.meta import CampaignMeta
from analytics.report.templating import Cell
from analytics.text.labels import MISSING, fmt_level_gap, fmt_points, indicator_status_label


def is_level(t) -> bool:
    """Whether a target_pace row (a namedtuple or a dict) is a level indicator's."""
    pacing = t.get("pacing") if isinstance(t, dict) else getattr(t, "pacing", None)
    return pacing == "level"


def _field(t, name: str) -> object:
    return t.get(name) if isinstance(t, dict) else getattr(t, name, None)


def gap_text(t, meta: CampaignMeta, language: str) -> str:
    """The gap as a table shows it, signed: '+8.68' (pace gap, points), or a level indicator's '-10.00个百分点' /
    '-5件' (actual − target)."""
    if is_level(t):
        measure = _field(t, "measure")
        words = meta.measure_label(measure, language) if isinstance(measure, str) else ""
        return fmt_level_gap(_field(t, "level_gap"), measure, words, language, signed=True)
    return fmt_points(_field(t, "pace_gap"))


def elapsed_text(t, fmt) -> str:
    """The elapsed share, or '—' for a level indicator (it has no elapsed time)."""
    return MISSING if is_level(t) else fmt(_field(t, "elapsed"))


def status_text(t, language: str) -> str:
    """达标 / 低于目标 / 未达标 for a level indicator, the pace status's name otherwise."""
    return indicator_status_label(_field(t, "status"), _field(t, "pacing"), language)


def status_cell(t, language: str) -> Cell:
    """A status badge in the status's colour, with a level indicator's own words."""
    status = _field(t, "status")
    return Cell(status=status, text=status_text(t, language) if is_level(t) else "")


__all__ = ["elapsed_text", "gap_text", "is_level", "status_cell", "status_text"]
