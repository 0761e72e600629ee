"""The data layer: the contract, readers, validation, the Campaign object, the validated-data cache, loading.

Nothing here knows about reports, batches or widgets; every layer above reads campaigns through it. The names
below are imported on first use (pandas is loaded only by what needs it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analytics.data.campaign import Campaign, Hierarchy
    from analytics.data.loading import load_campaign
    from analytics.data.meta import CampaignMeta

__all__ = ["Campaign", "CampaignMeta", "Hierarchy", "load_campaign"]
_WHERE = {"Campaign": "analytics.data.campaign", "CampaignMeta": "analytics.data.meta",
          "Hierarchy": "analytics.data.campaign", "load_campaign": "analytics.data.loading"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
