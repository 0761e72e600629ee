"""campaign-analytics: KPIs, dashboards and offline HTML reports for organisational campaigns.

The names below are imported on first use, so that a light module (the command line, a re-run with nothing to
render) does not load pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from analytics.version import __version__

if TYPE_CHECKING:
    from analytics.data.campaign import Campaign
    from analytics.data.loading import load_campaign
    from analytics.data.meta import CampaignMeta
    from analytics.errors import AnalyticsError, CampaignDataError, Problem, UsageError

__all__ = [
    "AnalyticsError",
    "Campaign",
    "CampaignDataError",
    "CampaignMeta",
    "Problem",
    "UsageError",
    "__version__",
    "load_campaign",
]
_WHERE = {
    "Campaign": "analytics.data.campaign",
    "CampaignMeta": "analytics.data.meta",
    "load_campaign": "analytics.data.loading",
    "AnalyticsError": "analytics.errors",
    "CampaignDataError": "analytics.errors",
    "Problem": "analytics.errors",
    "UsageError": "analytics.errors",
}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
