"""What a batch hands back: one `UnitResult` per unit (its line in manifest.json) and the `BatchResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from analytics.report.layout import PageState


@dataclass
class UnitResult:
    """One unit's line in the manifest."""

    unit_id: str
    name: str
    status: PageState
    output: str | None
    input_key: str
    duration_s: float = 0.0
    error: str | None = None
    notebook: str | None = None


@dataclass
class BatchResult:
    out_dir: Path
    units: list[UnitResult]
    exit_code: int
    index: Path
    duration_s: float
    kernel_peak_mb: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # batch-level faults (exit 1)
    stale: list[str] = field(default_factory=list)  # units of the folder whose page shows other inputs
    notes: list[str] = field(default_factory=list)  # what the run noticed and worked around (exit 0)

    def counts(self) -> dict[str, int]:
        return status_counts(self.units)


def status_counts(units: list[UnitResult]) -> dict[str, int]:
    """status -> number of units, in the order the statuses first appear."""
    out: dict[str, int] = {}
    for u in units:
        out[u.status] = out.get(u.status, 0) + 1
    return out
