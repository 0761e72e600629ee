"""The `reporting` section of campaign.yaml (月度通报、三色预警), read strictly.

    reporting:
      period: month          # week, month, quarter; default month
      lights:
        yellow: 10           # points behind pace (default 10)
        red: 30              # default 30
        coverage: {yellow: 0.8, red: 0.5}   # optional: grassroots coverage below these fractions
      bulletin:              # all optional
        title: {zh: …, en: …}
        issuer: {zh: …, en: …}
        number: 顺办通〔2012〕7号
        recipients: {zh: …, en: …}
        requirements: {zh: …, en: …}
        template: bulletin-template.docx

`parse_reporting` turns that mapping into `Reporting` settings or a list of problems; a campaign without the
section gets `Reporting()` (monthly periods, lights at 10 and 30 points, no coverage lights, no bulletin text).
Any other key, at any level, is a problem naming the closest known key, as everywhere in campaign.yaml.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from analytics.errors import Problem

PERIODS = ("week", "month", "quarter")
DEFAULT_PERIOD = "month"
DEFAULT_YELLOW, DEFAULT_RED = 10.0, 30.0
SECTION_KEYS = ("period", "lights", "bulletin")
LIGHT_KEYS = ("yellow", "red", "coverage")
COVERAGE_KEYS = ("yellow", "red")
BULLETIN_KEYS = ("title", "issuer", "number", "recipients", "requirements", "template")
_LABELLED = ("title", "issuer", "recipients", "requirements")
_LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class CoverageLights:
    """Grassroots coverage strictly below `yellow` is yellow, strictly below `red` red (fractions, 0 < red ≤ yellow ≤ 1)."""

    yellow: float
    red: float


@dataclass(frozen=True)
class Lights:
    """Warning thresholds in points behind pace (0 < yellow ≤ red), and the optional coverage lights."""

    yellow: float = DEFAULT_YELLOW
    red: float = DEFAULT_RED
    coverage: CoverageLights | None = None


@dataclass(frozen=True)
class Bulletin:
    """The office's own words for its bulletin (通报); None where campaign.yaml gives none."""

    title: dict[str, str] | None = None
    issuer: dict[str, str] | None = None
    number: str | None = None  # 文号, printed as written
    recipients: dict[str, str] | None = None
    requirements: dict[str, str] | None = None
    template: str | None = None  # a .docx path relative to the campaign folder


@dataclass(frozen=True)
class Reporting:
    """How a campaign reports: the period compared with (环比), the lights, the bulletin's words."""

    period: str = DEFAULT_PERIOD
    lights: Lights = field(default_factory=Lights)
    bulletin: Bulletin = field(default_factory=Bulletin)

    def bulletin_keys(self) -> list[str]:
        """The bulletin keys campaign.yaml gives, in their documented order."""
        return [k for k in BULLETIN_KEYS if getattr(self.bulletin, k) is not None]


class _Found:
    """Problems of the reporting section, each with its message code."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def __call__(self, column: str, shown: Any, code: str, **params: Any) -> None:
        self.problems.append(Problem.of(self.file, None, column, shown, code, **params))

    def mapping(self, value: Any, column: str, known: tuple[str, ...]) -> bool:
        """Whether value is a mapping of known keys; each unknown key reported with the closest known one."""
        if not isinstance(value, dict):
            self(column, _shown(value), "meta.mapping", keys=", ".join(known))
            return False
        ok = True
        for key in value:
            if key in known:
                continue
            ok = False
            suggestion = _closest(key, known)
            where = f"{column}.{key}"
            if suggestion is not None:
                self(where, None, "meta.unknown_key", suggestion=f"{column}.{suggestion}")
            else:
                self(where, None, "meta.unknown_key_list", known=", ".join(known))
        return ok


def _closest(key: object, known: tuple[str, ...]) -> str | None:
    folded = str(key).strip().lower().replace("-", "_").replace(" ", "_")
    if folded in known:
        return folded
    close = difflib.get_close_matches(folded, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _shown(value: Any) -> Any:
    return value if isinstance(value, str | int | float) else None


def _number(value: Any) -> float | None:
    """A finite YAML number (not a bool, not text), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_reporting(value: Any, file: str = "campaign.yaml") -> tuple[Reporting | None, list[Problem]]:
    """The reporting section as settings (defaults where a key is left out), or None and every problem found."""
    if value is None:
        return Reporting(), []
    bad = _Found(file)
    if not bad.mapping(value, "reporting", SECTION_KEYS):
        if not isinstance(value, dict):
            return None, bad.problems
    period = value.get("period", DEFAULT_PERIOD)
    if period not in PERIODS:
        bad("reporting.period", _shown(period), "reporting.period", known=", ".join(PERIODS))
    lights = _lights(value.get("lights"), bad)
    bulletin = _bulletin(value.get("bulletin"), bad)
    if bad.problems or lights is None or bulletin is None:
        return None, bad.problems
    return Reporting(period=period, lights=lights, bulletin=bulletin), []


def _lights(value: Any, bad: _Found) -> Lights | None:
    if value is None:
        return Lights()
    if not bad.mapping(value, "reporting.lights", LIGHT_KEYS) and not isinstance(value, dict):
        return None
    found = len(bad.problems)
    yellow = _threshold(value, "yellow", DEFAULT_YELLOW, "reporting.lights", "reporting.points", bad)
    red = _threshold(value, "red", DEFAULT_RED, "reporting.lights", "reporting.points", bad)
    if yellow is not None and red is not None and yellow > red:
        bad("reporting.lights", f"yellow {yellow:g} > red {red:g}", "reporting.lights_order")
    coverage = None
    if value.get("coverage") is not None:
        coverage = _coverage(value["coverage"], bad)
    if len(bad.problems) > found or yellow is None or red is None:
        return None
    return Lights(yellow=yellow, red=red, coverage=coverage)


def _threshold(value: dict, key: str, default: float | None, column: str, code: str, bad: _Found) -> float | None:
    """value[key] as a number > 0 (at most 1 for a fraction), else a problem and None."""
    if key not in value or value[key] is None:
        if default is None:
            bad(f"{column}.{key}", None, f"{code}_required")
        return default
    number = _number(value[key])
    fraction = code == "reporting.fraction"
    if number is None or number <= 0 or (fraction and number > 1):
        bad(f"{column}.{key}", _shown(value[key]), code)
        return None
    return number


def _coverage(value: Any, bad: _Found) -> CoverageLights | None:
    if not bad.mapping(value, "reporting.lights.coverage", COVERAGE_KEYS) and not isinstance(value, dict):
        return None
    yellow = _threshold(value, "yellow", None, "reporting.lights.coverage", "reporting.fraction", bad)
    red = _threshold(value, "red", None, "reporting.lights.coverage", "reporting.fraction", bad)
    if yellow is None or red is None:
        return None
    if red > yellow:
        bad("reporting.lights.coverage", f"red {red:g} > yellow {yellow:g}", "reporting.coverage_order")
        return None
    return CoverageLights(yellow=yellow, red=red)


def _bulletin(value: Any, bad: _Found) -> Bulletin | None:
    if value is None:
        return Bulletin()
    if not bad.mapping(value, "reporting.bulletin", BULLETIN_KEYS) and not isinstance(value, dict):
        return None
    found = len(bad.problems)
    parsed: dict[str, Any] = {}
    for key in _LABELLED:
        if value.get(key) is not None:
            parsed[key] = _labels(value[key], f"reporting.bulletin.{key}", bad)
    number = value.get("number")
    if number is not None:
        if isinstance(number, bool) or not isinstance(number, str | int) or not str(number).strip():
            bad("reporting.bulletin.number", _shown(number), "reporting.text")
        else:
            parsed["number"] = str(number).strip()
    template = value.get("template")
    if template is not None:
        if not _relative_docx(template):
            bad("reporting.bulletin.template", _shown(template), "reporting.template")
        else:
            parsed["template"] = template.strip()
    if len(bad.problems) > found:
        return None
    return Bulletin(**parsed)


def _labels(value: Any, column: str, bad: _Found) -> dict[str, str] | None:
    """Text (the same in both languages), or {zh: …, en: …} with at least one of them; each non-empty text."""
    if isinstance(value, str) and value.strip():
        return {"zh": value, "en": value}
    if not isinstance(value, dict):
        bad(column, _shown(value), "meta.text_or_labels")
        return None
    if not bad.mapping(value, column, _LANGUAGES):
        return None
    texts = {k: v for k, v in value.items() if v is not None}
    if not texts or not all(isinstance(v, str) and v.strip() for v in texts.values()):
        bad(column, None, "meta.text_or_labels")
        return None
    return {k: str(v) for k, v in texts.items()}


def _relative_docx(value: Any) -> bool:
    """A .docx file named relative to the campaign folder, never outside it."""
    if not isinstance(value, str) or not value.strip() or not value.strip().lower().endswith(".docx"):
        return False
    text = value.strip()
    for path in (PurePosixPath(text), PureWindowsPath(text)):
        if path.is_absolute() or path.anchor or ".." in path.parts:
            return False
    return True
