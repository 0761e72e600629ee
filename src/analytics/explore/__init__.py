"""The interactive explorer for JupyterLab.

    from analytics.explore import CampaignExplorer
    CampaignExplorer.from_folder("data/raw/weishi").show()
"""

from analytics.explore.widgets import CampaignExplorer, copy_figure, discover_campaigns

__all__ = ["CampaignExplorer", "copy_figure", "discover_campaigns"]
