"""The presentation layer: theme, figure builders, report sections, the offline page and the index.

    from analytics.report import UnitReport
    report = UnitReport.load("data/raw/shunhe_2012", "SH")
"""

from analytics.report.sections import UnitReport

__all__ = ["UnitReport"]
