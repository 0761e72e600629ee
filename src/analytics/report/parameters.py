"""The report notebook's parameters, declared once, and the checks that need the campaign (unit ids;
the as_of range is `Campaign.as_of`'s).

`NOTEBOOK_PARAMETERS` is the `parameters` cell of `notebooks/unit_report.ipynb`; the batch options
(`analytics.batch.options.RUN_OPTIONS`) extend it. `UnitReport.load` checks its arguments here, so papermill
with a bad parameter stops in the notebook's first cell with the message the command line prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analytics.errors import UsageError
from analytics.labels import DEFAULT_LANGUAGE, LANGUAGES
from analytics.measures.periods import compare_to_text
from analytics.options import Option, OptionSet, check_tolerance

if TYPE_CHECKING:
    from analytics.data.campaign import Campaign

NOTEBOOK_PARAMETERS = OptionSet([
    Option("data_dir", "path", "campaign folder", flag="--data", default_text="required"),
    Option("unit_id", "text", "unit id whose report it is", default_text="the root unit"),
    Option("as_of", "date", "date of the figures, YYYY-MM-DD, from the campaign's start to a year after its end",
           default_text="campaign's `as_of`, else the earlier of today and its end"),
    Option("language", "choice", "report language", default=DEFAULT_LANGUAGE, choices=LANGUAGES),
    Option("tolerance", "number", "pace tolerance in percentage points, a finite number ≥ 0", default=1.0,
           check=check_tolerance),
    Option("compare_to", "text", "date the figures are compared with, YYYY-MM-DD from the campaign's start to before "
           "as_of, or `none` for no comparison", check=compare_to_text,
           default_text="the previous period (campaign.yaml `reporting.period`)"),
])


def check_notebook_parameters(**values: Any) -> dict[str, Any]:
    """The notebook's parameters parsed and checked (UsageError naming the parameter); defaults filled in."""
    parsed = NOTEBOOK_PARAMETERS.parse(values)
    return {name: (parsed.get(name) if parsed.get(name) is not None else o.default)
            for name, o in NOTEBOOK_PARAMETERS.items()}


def read_campaign(data_dir: Path) -> Campaign:
    """load_campaign, with a folder or file the OS will not let us read reported as bad input (exit 2)."""
    from analytics.data.loading import load_campaign

    try:
        return load_campaign(data_dir)
    except OSError as exc:
        where = exc.filename or data_dir
        raise UsageError(f"cannot read campaign folder {data_dir}: {exc.strerror or exc} ({where})") from None


def check_units(campaign: Campaign, units: Iterable[str]) -> list[str]:
    """The unit ids, each one a unit of the campaign (UsageError listing those that are not)."""
    units = list(units)
    unknown = [u for u in units if u not in campaign.hierarchy.parent]
    if unknown:
        source = campaign.source if campaign.source is not None else campaign.meta.id
        raise UsageError(f"unknown unit id(s) {', '.join(repr(u) for u in unknown)}: not in the units table of {source}")
    return units
