"""The measures' vocabularies, typed: a target's status, a warning light, an indicator's pacing.

Each is a `StrEnum`, so a member is the very string written in kpis.csv, JSON and YAML ("on_pace", "red",
"level"): files do not change, code names the values instead of spelling them. docs/domain.md defines them.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A target's status on a day (DOMAIN.md "Pace"); `below` (低于目标) is a level indicator's before its end."""

    COMPLETED = "completed"
    AHEAD = "ahead"
    ON_PACE = "on_pace"
    BELOW = "below"
    BEHIND = "behind"
    MISSED = "missed"
    NO_DATA = "no_data"


class Light(StrEnum):
    """A warning light (三色预警); `none` is a judged indicator without a warning."""

    RED = "red"
    YELLOW = "yellow"
    NONE = "none"


class Pacing(StrEnum):
    """How a target's pace is measured: against a line from start to end, or against the level itself."""

    LINEAR = "linear"
    LEVEL = "level"


# Every status, best first; a child is behind when any indicator is behind, below or missed.
STATUSES: tuple[Status, ...] = tuple(Status)
LAGGING_STATUSES: tuple[Status, ...] = (Status.BELOW, Status.BEHIND, Status.MISSED)
# Worst first: the status that speaks for a unit with several indicators (the index's status column).
SEVERITY: tuple[Status, ...] = (Status.MISSED, Status.BEHIND, Status.BELOW, Status.NO_DATA, Status.ON_PACE,
                                Status.AHEAD, Status.COMPLETED)
LIGHTS: tuple[Light, ...] = tuple(Light)  # worst first

__all__ = ["LAGGING_STATUSES", "LIGHTS", "SEVERITY", "STATUSES", "Light", "Pacing", "Status"]
