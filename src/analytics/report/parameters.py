"""The report notebook's parameters, declared once (the checks that need the campaign are `Campaign.as_of`'s
and `Campaign.check_units`).

`NOTEBOOK_PARAMETERS` is the `parameters` cell of `notebooks/unit_report.ipynb`; `analytics.batch.options.BatchOptions`
declares its fields with these options. `UnitReport.load` checks its arguments here, so papermill
with a bad parameter stops in the notebook's first cell with the message the command line prints.
"""

from __future__ import annotations

from typing import Any

from analytics.measures.periods import compare_to_text
from analytics.options import Option, OptionSet, check_tolerance
from analytics.text.labels import DEFAULT_LANGUAGE, LANGUAGES

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
    Option("reports_dir", "path", "output folder whose published snapshots (history/) name restated and revised "
           "figures; `campaign-analytics run` passes its own", default_text="none: no restatements"),
])


def check_notebook_parameters(**values: Any) -> dict[str, Any]:
    """The notebook's parameters parsed and checked (UsageError naming the parameter); defaults filled in."""
    parsed = NOTEBOOK_PARAMETERS.parse(values)
    return {name: (parsed.get(name) if parsed.get(name) is not None else o.default)
            for name, o in NOTEBOOK_PARAMETERS.items()}
