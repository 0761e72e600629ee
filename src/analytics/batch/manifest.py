"""manifest.json: the record a batch keeps of an output folder, as one `Manifest`.

    {"campaign", "data_dir", "fingerprint", "package_version", "as_of", "language", "assets", "tolerance",
     "started_at", "run_key", "complete", "duration_s", "counts", "inputs_changed", "problems",
     "units": [{"unit_id", "name", "status", "output", "input_key", "duration_s", "error", "notebook"}, ...]}

`Manifest.load` reads it (an empty, unclean Manifest when missing or unreadable), `Manifest.dumps` writes it,
`is_clean` tells whether the batch that wrote it finished without a problem. `ManifestRecorder` keeps it current
while a batch runs, so a killed batch leaves a true record.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analytics.batch.output import Output, cannot_write
from analytics.batch.result import UnitResult, status_counts
from analytics.report.layout import OutputLayout, PageState

log = logging.getLogger(__name__)

# The head fields index.html, kpis.csv and kpis.xlsx are made from (with the units' lines).
SUMMARY_HEAD = ("campaign", "data_dir", "fingerprint", "package_version", "as_of", "language", "assets", "tolerance")


@dataclass
class Manifest:
    """One output folder's manifest.json; the fields in the file's order."""

    campaign: str | None = None
    data_dir: str | None = None
    fingerprint: str | None = None
    package_version: str | None = None
    as_of: str | None = None
    language: str | None = None
    assets: str | None = None
    tolerance: float | None = None
    started_at: str | None = None
    run_key: str | None = None  # analytics.batch.unchanged.run_key; None when as_of follows today's date
    complete: bool = False  # the batch reached its end (False while it runs, and after it was killed)
    duration_s: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    inputs_changed: list[str] = field(default_factory=list)  # campaign files changed while the batch ran
    problems: list[str] = field(default_factory=list)  # batch-level faults
    units: list[UnitResult] = field(default_factory=list)
    whole: bool = field(default=True, compare=False)  # False: the file had lines that are not unit lines

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The folder's manifest.json as the last batch left it (an empty Manifest when missing or unreadable)."""
        try:
            doc = json.loads(OutputLayout(out_dir).manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(doc, dict) or not isinstance(doc.get("units", []), list):
            return cls()
        units = [_unit_line(line) for line in doc.get("units", [])]
        head = {f.name: doc[f.name] for f in dataclasses.fields(cls) if f.name not in ("units", "whole") and f.name in doc}
        return cls(**head, units=[u for u in units if u is not None], whole=None not in units)

    def dumps(self) -> str:
        doc: dict[str, Any] = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                               if f.name not in ("units", "whole")}
        names = [f.name for f in dataclasses.fields(UnitResult)]  # flat: asdict's deep copy of each line is not needed
        doc["units"] = [{name: getattr(u, name) for name in names} for u in self.units]
        return json.dumps(doc, ensure_ascii=False, indent=1)

    def is_clean(self) -> bool:
        """Whether the batch that wrote it finished, without a problem and with its inputs unchanged."""
        return bool(self.complete) and not self.problems and not self.inputs_changed and self.whole

    def by_unit(self) -> dict[str, UnitResult]:
        return {u.unit_id: u for u in self.units}

    def summary_head(self) -> tuple:
        """What index.html, kpis.csv and kpis.xlsx are made from, apart from the units' pages."""
        return tuple(getattr(self, name) for name in SUMMARY_HEAD)


def _unit_line(line: Any) -> UnitResult | None:
    """A unit's line as written, or None when it is not one (no id, or a status no batch writes)."""
    if not isinstance(line, dict) or "unit_id" not in line:
        return None
    try:
        status = PageState(line.get("status"))
    except ValueError:
        return None
    return UnitResult(**{f.name: line.get(f.name) for f in dataclasses.fields(UnitResult)} | {"status": status})


def page_states(units: list[UnitResult]) -> dict[str, tuple]:
    """unit -> what the index shows of its page (a page rendered then and up to date now is the same page)."""
    return {u.unit_id: ("current" if u.status.current else u.status, u.output, u.input_key, u.error, u.notebook)
            for u in units}


class ManifestRecorder:
    """Keeps manifest.json current while the batch runs.

    Every unit of the folder has its line: those of this run as they finish, the others as the folder holds
    them (`up_to_date`, `stale` or an earlier failure). A write during the run that fails is retried at the end.
    """

    def __init__(self, output: Output, head: Manifest, order: list[str], others: dict[str, UnitResult]):
        self.output = output
        self.head = head
        self.order = order
        self.units: dict[str, UnitResult] = dict(others)
        self._last = 0.0

    def record(self, result: UnitResult) -> None:
        self.units[result.unit_id] = result
        now = time.monotonic()
        if now - self._last > 1.0:
            self._last = now
            try:
                self._write(None, [], [])
            except OSError as exc:
                log.warning("%s (retried at the end)", cannot_write(OutputLayout.MANIFEST, exc))

    def finish(self, duration: float, problems: list[str], changed_inputs: list[str]) -> None:
        self._write(duration, problems, changed_inputs)

    def _write(self, duration: float | None, problems: list[str], changed_inputs: list[str]) -> None:
        lines = [self.units[u] for u in self.order if u in self.units]
        doc = dataclasses.replace(self.head, complete=duration is not None,
                                  duration_s=duration and round(duration, 3), counts=status_counts(lines),
                                  inputs_changed=changed_inputs, problems=problems, units=lines)
        self.output.write(OutputLayout.MANIFEST, doc.dumps())
