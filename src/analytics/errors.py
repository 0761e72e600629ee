"""One exception family: every failure the package reports to a user derives from AnalyticsError."""

from __future__ import annotations

from dataclasses import dataclass

_MAX_VALUE_CHARS = 60


@dataclass(frozen=True)
class Problem:
    """One violation of the data contract, located as a user sees it in a spreadsheet (header = row 1)."""

    file: str
    row: int | None
    column: str | None
    value: object
    rule: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        text = ", ".join(where)
        if self.value is not None and self.value != "":
            text += f": value {_show(self.value)}"
        return f"{text}: {self.rule}"


def _show(value: object) -> str:
    text = str(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 1] + "…"
    return repr(text)


class AnalyticsError(Exception):
    """Base class of the errors this package raises on purpose."""


class UsageError(AnalyticsError):
    """A bad option, parameter file or output folder: the caller's mistake, not the data's."""


class CampaignDataError(AnalyticsError, ValueError):
    """A campaign folder breaks the data contract; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = sorted(problems, key=_order)
        self.source = source
        head = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in campaign data"
        if source:
            head += f" at {source}"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


def _order(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.rule)
