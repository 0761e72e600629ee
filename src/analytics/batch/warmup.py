"""What a batch's kernels run before their first unit: code sent as text, executed in the kernel.

    IMPORTS                                   the report's modules (while the campaign is validated)
    campaign_source(data_dir, as_of, tol)     the campaign and its campaign-wide tables (once it is validated)

The campaign-wide tables a page reads (every unit's rollup over the rows up to as_of, the pace of every target,
the data-quality findings, the appraisal) are memoised on the campaign a kernel keeps loaded: built here, they
are not part of the first unit's time; a page slices its unit's and its children's rows out of them. This
module is imported in the kernels, so it imports nothing of the notebook machinery.
"""

from __future__ import annotations

import gc
from pathlib import Path

# The report's modules (pandas, plotly.io), papermill's engine and the page exporter with its compiled templates,
# and a chart written as pages write theirs (a plain spec, no graph objects), so that the first unit neither
# imports nor first-calls them.
IMPORTS = (
    "import analytics.report.sections\n"
    "import plotly.io as _pio\n"
    "_pio.to_html({'data': [{'type': 'bar', 'x': ['a'], 'y': [1]}], 'layout': {}}, include_plotlyjs=False,"
    " full_html=False, validate=False)\n"
    "del _pio\n"
    "from analytics.batch.warmup import notebook_machinery as _machinery\n"
    "_machinery()\n"
    "del _machinery\n"
    "import gc as _gc\n"
    "_gc.freeze()\n"
    "del _gc\n"
)


def notebook_machinery() -> None:
    """papermill's steps, its in-process engine and the page exporter, each used once (imports, registrations,
    the exporter's templates compiled)."""
    import nbformat
    import papermill.execute  # noqa: F401 - imported for the first unit
    import papermill.parameterize  # noqa: F401

    from analytics.batch.inprocess import inprocess_engine
    from analytics.report.layout import AssetMode
    from analytics.report.page import notebook_html

    inprocess_engine()
    notebook_html(nbformat.v4.new_notebook(), "", "en", AssetMode.SHARED)


def campaign_source(data_dir: Path, as_of: str, tolerance: float, compare_to: str | None = None,
                    reports_dir: Path | None = None) -> str:
    """The code that runs `campaign_tables` with these arguments in a worker."""
    args = ", ".join(repr(a) for a in (str(Path(data_dir).resolve()), as_of, float(tolerance), compare_to,
                                       None if reports_dir is None else str(Path(reports_dir).resolve())))
    return f"from analytics.batch.warmup import campaign_tables as _tables\n_tables({args})\ndel _tables\n"


def campaign_tables(data_dir: str, as_of: str, tolerance: float, compare_to: str | None = None,
                    reports_dir: str | None = None) -> None:
    """Load the campaign as a unit's notebook does (`UnitReport.load`) and build the tables every page uses:
    every unit's figures, the appraisal, and the KPI table the run publishes with its comparisons (as pages
    read it, with the run's output folder)."""
    from analytics.data.loading import load_campaign
    from analytics.measures.kpis import campaign_appraisal, unit_figures
    from analytics.report.comparison import published_table

    campaign = load_campaign(Path(data_dir))
    when = campaign.as_of(as_of)
    unit_figures(campaign, when, tolerance)  # every unit's rollup, pace rows and findings, which pages slice
    campaign_appraisal(campaign, when, tolerance)
    published_table(campaign, when, tolerance, compare_to, None if reports_dir is None else Path(reports_dir))
    # What the worker keeps for every unit (modules, the campaign, its tables) is set aside from the garbage
    # collector, whose full passes would otherwise walk it again after each unit.
    gc.freeze()


def reset_namespace(shell) -> None:
    """Empty an IPython shell's user namespace for the next unit: `shell.reset(new_session=False)` without the
    full `gc.collect()` its output-cache flush runs (tens of milliseconds a unit on a warm heap). The cached
    outputs that flush would release (`_oh`, `_`, `__`, `___`) are released here; the collector's own passes
    reclaim any cycles left."""
    hook = shell.displayhook
    cached = shell.user_ns.get("_oh")
    if cached is not None:
        cached.clear()
    hook._, hook.__, hook.___ = "", "", ""
    full, hook.do_full_cache = hook.do_full_cache, 0
    try:
        shell.reset(new_session=False)
    finally:
        hook.do_full_cache = full
