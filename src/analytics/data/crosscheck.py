"""Contract rules across tables: every actual names an indicator the targets have, and only like is summed
with like (children's targets of one indicator summed into a parent share one measure)."""

from __future__ import annotations

import pandas as pd

from analytics.data.campaign import unit_depths
from analytics.data.habits import measure_text
from analytics.data.readers import RawTable
from analytics.data.validation import folded, likely_code
from analytics.errors import Problem

_KNOWN_SHOWN = 12


def check_actual_indicators(raw: RawTable, actuals: pd.DataFrame, targets: pd.DataFrame | None) -> list[Problem]:
    """An actual whose indicator matches no target's is refused, naming the likely code: `GDP` where the
    targets say `gdp` (case or full-width letters), else the close one, else the codes there are."""
    if "indicator" not in raw.headers or actuals.empty:
        return []
    if targets is None:
        return [Problem.of(raw.file, None, None, None, "rule.actuals_without_targets")]
    known = sorted({i for i in targets["indicator"].dropna() if isinstance(i, str)})
    accepted = {k: k for k in known}
    problems: list[Problem] = []
    listed = ", ".join(known[:_KNOWN_SHOWN]) + (", …" if len(known) > _KNOWN_SHOWN else "")
    for row, indicator in actuals["indicator"].items():
        if not isinstance(indicator, str) or indicator in accepted:
            continue
        where = (raw.file, int(row), raw.shown("indicator"), indicator)
        suggestion = likely_code(indicator, accepted)
        if suggestion is not None and folded(suggestion) == folded(indicator):
            problems.append(Problem.of(*where, "rule.indicator_case", indicator=indicator, suggestion=suggestion))
        elif suggestion is not None:
            problems.append(Problem.of(*where, "rule.indicator_unknown_hint", indicator=indicator,
                                       suggestion=suggestion))
        else:
            problems.append(Problem.of(*where, "rule.indicator_unknown", indicator=indicator, known=listed or "—"))
    return problems


def check_measures(raw: RawTable, targets: pd.DataFrame, units: pd.DataFrame) -> list[Problem]:
    """Targets summed into a parent (a `sum` indicator where the parent has no target of its own) must share
    one measure: 万元 and 元 added together are a contract error naming both rows, never a sum.

    Follows the summation of metrics.target_pace level by level from the deepest, without recursion.
    """
    if targets.empty or "unit_id" not in units:
        return []
    parent = {u: (p if isinstance(p, str) and p else None) for u, p in zip(units["unit_id"], units["parent_id"],
                                                                            strict=True)}
    depth = unit_depths(parent)
    summed = targets[targets["aggregation"] == "sum"]
    own: dict[tuple[str, str], tuple[str, int]] = {}
    for row, unit, indicator, measure in zip(summed.index, summed["unit_id"], summed["indicator"], summed["measure"],
                                             strict=True):
        if isinstance(unit, str) and isinstance(indicator, str):
            own.setdefault((unit, indicator), (measure_text(measure), int(row)))
    figures = dict(own)
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    levels = sorted({depth.get(u, 0) for u, _ in figures}, reverse=True)
    for level in levels:
        for (unit, indicator) in [k for k in list(figures) if depth.get(k[0], 0) == level]:
            up = parent.get(unit)
            if up is None or (up, indicator) in own:
                continue
            measure, row = figures[(unit, indicator)]
            if (up, indicator) not in figures:
                figures[(up, indicator)] = (measure, row)
                continue
            other_measure, other_row = figures[(up, indicator)]
            if other_measure != measure and (up, indicator) not in reported:
                reported.add((up, indicator))
                first, second = sorted([(other_row, other_measure), (row, measure)])
                problems.append(Problem.of(raw.file, second[0], raw.shown("measure"), second[1] or None,
                                           "rule.mixed_measures", indicator=indicator, parent=up,
                                           measure=second[1] or "(none)", other_measure=first[1] or "(none)",
                                           other_row=first[0]))
    return problems
