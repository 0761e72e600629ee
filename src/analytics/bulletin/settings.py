"""The `reporting.bulletin` settings of campaign.yaml (title, issuer, 文号, 主送, 下步要求, template), read defensively.

The campaign may not carry them yet (data/reporting.py parses the `reporting` section): `bulletin_settings`
accepts the campaign's parsed section as an object with attributes or as a plain mapping, and gives the
defaults when there is none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEXT_KEYS = ("title", "issuer", "recipients", "requirements")


@dataclass(frozen=True)
class BulletinSettings:
    """What an office sets for its bulletin; every text in zh and/or en, every key optional."""

    title: dict[str, str] = field(default_factory=dict)
    issuer: dict[str, str] = field(default_factory=dict)
    recipients: dict[str, str] = field(default_factory=dict)
    requirements: dict[str, str] = field(default_factory=dict)
    number: str = ""  # 文号, printed as written
    template: Path | None = None  # the office's .docx, already resolved against the campaign folder

    def text(self, key: str, language: str) -> str:
        """The setting in `language`, else ''. (A Chinese title is not an English one: no fallback.)"""
        return getattr(self, key).get(language, "")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None, folder: Path | None = None) -> BulletinSettings:
        """From campaign.yaml's `reporting.bulletin` mapping; a template path is taken relative to `folder`."""
        values = dict(values or {})
        texts = {key: _labels(values.get(key)) for key in TEXT_KEYS}
        template = values.get("template")
        path = None
        if template:
            path = Path(str(template))
            if folder is not None and not path.is_absolute():
                path = Path(folder) / path
        return cls(**texts, number=str(values.get("number") or ""), template=path)


def _labels(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"zh": value, "en": value}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items() if v is not None and str(v).strip()}
    return {str(k): str(v) for k, v in vars(value).items() if isinstance(v, str)}


def _get(holder: Any, name: str) -> Any:
    if holder is None:
        return None
    if isinstance(holder, Mapping):
        return holder.get(name)
    return getattr(holder, name, None)


def bulletin_settings(campaign: Any) -> BulletinSettings:
    """The campaign's `reporting.bulletin` settings, wherever the loaded campaign keeps them (the meta's
    `reporting`, as an object or a mapping); the defaults without any."""
    meta = getattr(campaign, "meta", campaign)
    section = _get(_get(meta, "reporting"), "bulletin")
    if isinstance(section, BulletinSettings):
        return section
    if section is not None and not isinstance(section, Mapping):
        section = {k: v for k, v in vars(section).items() if not k.startswith("_")}
    return BulletinSettings.from_mapping(section, getattr(campaign, "source", None))


__all__ = ["BulletinSettings", "bulletin_settings"]
