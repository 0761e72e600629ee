"""One exception family: every failure the package reports to a user derives from AnalyticsError.

A `Problem` (the input breaks the contract) and a `Note` (a real-world habit accepted and read as described)
are located as a user sees them in a spreadsheet: file, row (header = row 1), column and the value written.
Their words come from `analytics.text.labels.MESSAGES` (kept in analytics.text.messages, which imports nothing, so
that errors and labels stay independent layers) by message code and parameters, so each reads in Chinese
and in English: `str(p)` is the English text, `p.text("zh")` the Chinese one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analytics.text.messages import message, where_text

_MAX_VALUE_CHARS = 60


@dataclass(frozen=True)
class Located:
    """A finding about one place in the input: file, spreadsheet row, column, value, and the rule in words.

    `code` and `params` name the message in `analytics.text.labels.MESSAGES`; `rule` is its English text (kept as
    a plain field so that callers and tests that read it see the same words as `str()`). A located finding
    made without a code (`Problem(file, row, column, value, "rule in English")`) reads the same in both
    languages.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    rule: str
    code: str = field(default="", compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, file: str, row: int | None, column: str | None, value: object, code: str, **params: Any):
        """A finding whose words come from MESSAGES[code], filled with params."""
        return cls(file, row, column, value, message(code, "en", **params), code, dict(params))

    def rule_text(self, language: str = "en") -> str:
        """The rule alone, in language."""
        return message(self.code, language, **self.params) if self.code else self.rule

    def text(self, language: str = "en") -> str:
        """Where, the value written, and the rule, in language: "visits.csv, row 3, column persons: value '三十': ..."."""
        shown = None if self.value is None or self.value == "" else _show(self.value)
        return where_text(self.file, self.row, self.column, shown, self.rule_text(language), language)

    def __str__(self) -> str:
        return self.text("en")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the validated-data cache keeps notes this way)."""
        return {"file": self.file, "row": self.row, "column": self.column,
                "value": None if self.value is None else str(self.value), "rule": self.rule, "code": self.code,
                "params": {k: _plain(v) for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]):
        return cls(data["file"], data["row"], data["column"], data["value"], data["rule"], data.get("code", ""),
                   dict(data.get("params") or {}))


@dataclass(frozen=True)
class Problem(Located):
    """One violation of the data contract: the campaign is refused until it is fixed."""


@dataclass(frozen=True)
class Note(Located):
    """A real-world habit read with certainty and accepted (a percent cell, merged cells, a title row...),
    said in `validate`'s output so that nothing is read differently from what the user sees in silence."""


def _show(value: object) -> str:
    text = str(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 1] + "…"
    return repr(text)


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


class AnalyticsError(Exception):
    """Base class of the errors this package raises on purpose."""


class UsageError(AnalyticsError):
    """A bad option, parameter file or output folder: the caller's mistake, not the data's."""


class CampaignDataError(AnalyticsError, ValueError):
    """A campaign folder breaks the data contract; carries every problem found, not just the first.

    `notes` are the habits accepted while reading (shown by `validate` beside the problems).
    """

    def __init__(self, problems: list[Problem], source: str = "", notes: list[Note] | tuple[Note, ...] = ()):
        self.problems = sorted(problems, key=_order)
        self.source = source
        self.notes = tuple(sorted(notes, key=_order))
        super().__init__(self.text("en"))

    def text(self, language: str = "en") -> str:
        """The heading and every problem, one per line, in language."""
        head = message("error.heading", language, count=len(self.problems), source=self.source or "",
                       s="s" if len(self.problems) != 1 else "")
        if not self.source:
            head = message("error.heading_no_source", language, count=len(self.problems),
                           s="s" if len(self.problems) != 1 else "")
        return head + "\n" + "\n".join(f"  - {p.text(language)}" for p in self.problems)


def _order(p: Located) -> tuple:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.rule)
