"""What a batch's kernels run before their first unit: code sent as text, executed in the kernel.

    IMPORTS                                   the report's modules (while the campaign is validated)
    campaign_source(data_dir, as_of, tol)     the campaign and its campaign-wide tables (once it is validated)

The campaign-wide tables a page reads (every unit's rollup over the rows up to as_of, the pace of every target,
the data-quality findings, the appraisal) are memoised on the campaign a kernel keeps loaded: built here, they
are not part of the first unit's time; a page slices its unit's and its children's rows out of them. This
module is imported in the kernels, so it imports nothing of the notebook machinery.
"""

from __future__ import annotations

from pathlib import Path

# The report's modules (pandas, plotly.io) and a chart written as pages write theirs (a plain spec, no graph
# objects), so that the first unit neither imports nor first-calls them.
IMPORTS = (
    "import analytics.report.sections\n"
    "import plotly.io as _pio\n"
    "_pio.to_html({'data': [{'type': 'bar', 'x': ['a'], 'y': [1]}], 'layout': {}}, include_plotlyjs=False,"
    " full_html=False, validate=False)\n"
    "del _pio\n"
)


def campaign_source(data_dir: Path, as_of: str, tolerance: float) -> str:
    """The code that runs `campaign_tables` with these arguments in a kernel."""
    args = ", ".join(repr(a) for a in (str(Path(data_dir).resolve()), as_of, float(tolerance)))
    return f"from analytics.batch.warmup import campaign_tables as _tables\n_tables({args})\ndel _tables\n"


def campaign_tables(data_dir: str, as_of: str, tolerance: float) -> None:
    """Load the campaign as a unit's notebook does (`UnitReport.load`) and build the tables every page uses."""
    from analytics.data.loading import load_campaign
    from analytics.measures.kpis import campaign_appraisal, unit_figures

    campaign = load_campaign(Path(data_dir))
    when = campaign.as_of(as_of)
    unit_figures(campaign, when, tolerance)  # every unit's rollup, pace rows and findings, which pages slice
    campaign_appraisal(campaign, when, tolerance)
