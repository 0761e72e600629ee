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

# The report's modules (pandas, plotly.io) and a chart written as pages write theirs (a plain spec, no graph
# objects), so that the first unit neither imports nor first-calls them.
IMPORTS = (
    "from analytics.batch.warmup import lazy_flushes as _lazy\n"
    "_lazy()\n"
    "del _lazy\n"
    "import analytics.report.sections\n"
    "import plotly.io as _pio\n"
    "_pio.to_html({'data': [{'type': 'bar', 'x': ['a'], 'y': [1]}], 'layout': {}}, include_plotlyjs=False,"
    " full_html=False, validate=False)\n"
    "del _pio\n"
    "import gc as _gc\n"
    "_gc.freeze()\n"
    "del _gc\n"
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
    # What the kernel keeps for every unit (modules, the campaign, its tables) is set aside from the garbage
    # collector, whose full passes would otherwise walk it again after each unit.
    gc.freeze()


def lazy_flushes() -> None:
    """Make this kernel's `sys.stdout.flush()` and `sys.stderr.flush()` return at once when nothing was written
    since the last flush.

    ipykernel flushes both streams before every `display()` and after every cell, and each flush hands the work to
    its IO thread and waits for it: about 60 thread round trips a page, on a busy machine a quarter of a unit's
    time. Text written is still flushed, on the IO thread, before the output displayed after it, so the order of
    a cell's text and outputs is unchanged. A stream that is not ipykernel's (or echoes to a terminal) is left
    as it is."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        lock, flush = getattr(stream, "_buffer_lock", None), getattr(stream, "flush", None)
        if lock is None or not hasattr(stream, "_buffers") or getattr(stream, "echo", None) is not None:
            continue

        def flush_written(stream=stream, lock=lock, flush=flush) -> None:
            with lock:
                written = bool(stream._buffers)
            if written:
                flush()

        stream.flush = flush_written


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
