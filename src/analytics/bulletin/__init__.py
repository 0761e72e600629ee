"""The bulletin (通报) offices circulate: figures from the KPI table, in the official Word layout, and as PDF.

figures.py reads the KPI table; content.py and wording.py put the figures into the bulletin's parts in zh or
en; word.py lays them out with python-docx; pdf.py converts the .docx with LibreOffice Writer; build.py ties
them to a campaign.
"""

from analytics.bulletin.build import campaign_bulletin
from analytics.bulletin.content import Bulletin, Part
from analytics.bulletin.settings import BulletinSettings, bulletin_settings
from analytics.bulletin.word import docx_bytes, write_docx

__all__ = ["Bulletin", "BulletinSettings", "Part", "bulletin_settings", "campaign_bulletin", "docx_bytes",
           "write_docx"]
