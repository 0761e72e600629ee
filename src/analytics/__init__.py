"""campaign-analytics: KPIs, dashboards and offline HTML reports for organisational campaigns."""

__version__ = "0.1.0"

from .campaign import Campaign, CampaignMeta  # noqa: E402
from .errors import AnalyticsError, CampaignDataError, Problem, UsageError  # noqa: E402
from .loading import load_campaign  # noqa: E402

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
