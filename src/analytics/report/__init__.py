"""The presentation layer: theme, figure builders, report sections, the offline page and the index.

    from analytics.report import UnitReport
    report = UnitReport.load("data/raw/shunhe_2012", "SH")

`UnitReport` is imported on first use, so light modules of this package (parameters, layout) can be imported
without plotly and nbconvert (the command line's options come from them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analytics.report.sections import UnitReport

__all__ = ["UnitReport"]


def __getattr__(name: str):
    if name == "UnitReport":
        from analytics.report.sections import UnitReport

        return UnitReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
