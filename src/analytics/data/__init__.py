"""The data layer: the contract, readers, validation, the Campaign object, the validated-data cache, loading.

Nothing here knows about reports, batches or widgets; every layer above reads campaigns through it.
"""

from analytics.data.campaign import Campaign, CampaignMeta, Hierarchy
from analytics.data.loading import load_campaign

__all__ = ["Campaign", "CampaignMeta", "Hierarchy", "load_campaign"]
