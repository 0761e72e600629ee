"""reporting.bulletin read from a campaign whatever shape its parsed section has (an object or a mapping)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analytics.bulletin.settings import BulletinSettings, bulletin_settings


@dataclass(frozen=True)
class _Bulletin:  # the shape data/reporting.py gives: None where campaign.yaml says nothing
    title: dict | None = None
    issuer: dict | None = None
    number: str | None = None
    recipients: dict | None = None
    requirements: dict | None = None
    template: str | None = None


@dataclass(frozen=True)
class _Reporting:
    period: str = "month"
    bulletin: _Bulletin = field(default_factory=_Bulletin)


@dataclass(frozen=True)
class _Meta:
    reporting: object = None


@dataclass(frozen=True)
class _Campaign:
    meta: _Meta
    source: Path | None = None


def test_an_object_section_with_a_template_relative_to_the_campaign_folder():
    section = _Bulletin(issuer={"zh": "顺河镇党委办公室"}, number="顺办通〔2012〕7号", template="bulletin-template.docx")
    got = bulletin_settings(_Campaign(_Meta(_Reporting(bulletin=section)), Path("/data/shunhe")))
    assert got.text("issuer", "zh") == "顺河镇党委办公室" and got.text("issuer", "en") == ""
    assert got.number == "顺办通〔2012〕7号" and got.title == {}
    assert got.template == Path("/data/shunhe/bulletin-template.docx")


def test_a_mapping_section_and_none():
    campaign = _Campaign(_Meta({"bulletin": {"title": {"en": "Progress"}, "requirements": {"zh": "  "}}}))
    assert bulletin_settings(campaign) == BulletinSettings(title={"en": "Progress"})
    assert bulletin_settings(_Campaign(_Meta(None))) == BulletinSettings()
