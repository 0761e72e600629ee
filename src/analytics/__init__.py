"""campaign-analytics: KPIs, dashboards and offline HTML reports for organisational campaigns."""

__version__ = "0.1.0"

from analytics.data.campaign import Campaign, CampaignMeta  # noqa: E402
from analytics.data.loading import load_campaign  # noqa: E402
from analytics.errors import AnalyticsError, CampaignDataError, Problem, UsageError  # noqa: E402

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
