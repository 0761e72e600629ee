"""The options of `campaign-analytics run`, declared once, as the fields of `BatchOptions`.

Each field carries its `Option` (type, default, range, help) in its metadata; `RUN_OPTIONS` is made from those
fields, and from it the parameter-file reader (`read_parameters`), the click options of `run` (`analytics.cli`)
and the README's options table (`RUN_OPTIONS.markdown_table()`, kept equal by a test). The notebook's own
parameters (`analytics.report.parameters.NOTEBOOK_PARAMETERS`) are reused as they are.

    data_dir: data/raw/weishi        # a parameter file: the keys are the options' names
    units: [WS, WS-T01]
    as_of: 2010-05-15
    language: en
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from analytics.config import REPORT_NOTEBOOK
from analytics.errors import UsageError
from analytics.options import Option, OptionSet, read_parameter_file
from analytics.report.layout import AssetMode
from analytics.report.parameters import NOTEBOOK_PARAMETERS


class Executor(StrEnum):
    """Where units run."""

    LOCAL = "local"  # warm unit workers in this process's pool (analytics.batch.pool)
    DASK = "dask"  # a Dask cluster's workers (analytics.batch.dask)


def _declared(option: Option) -> Any:
    """A field declared by its option: the option's default, and the option itself in the field's metadata."""
    return field(default=option.default, metadata={"option": option})


@dataclass(frozen=True)
class BatchOptions:
    """What to render and how: one field per option of `RUN_OPTIONS`, plus the notebook.

    Every field is parsed by its option when the object is made (`BatchOptions(jobs="2")` holds 2; a bad value
    is a UsageError before anything runs); None takes the option's default.
    """

    data_dir: Path | None = _declared(NOTEBOOK_PARAMETERS["data_dir"])
    out_dir: Path | None = _declared(Option("out", "path", "output folder", default_text="`reports/<campaign id>`"))
    units: tuple[str, ...] | None = _declared(
        Option("units", "list", "unit ids to render (repeat or comma-separate)", default_text="all units"))
    as_of: dt.date | None = _declared(NOTEBOOK_PARAMETERS["as_of"])
    language: str = _declared(NOTEBOOK_PARAMETERS["language"])
    tolerance: float = _declared(NOTEBOOK_PARAMETERS["tolerance"])
    compare_to: str | None = _declared(NOTEBOOK_PARAMETERS["compare_to"])
    jobs: int = _declared(Option("jobs", "int", "parallel workers", default=1, minimum=1, maximum=64))
    assets: AssetMode = _declared(Option(
        "assets", "choice", "how pages get plotly.js: inside each page (~1.3 MB, opens alone) or one "
        "`assets/plotly.min.js` per folder (1.2 MB; pages ~20–80 KB)", default=AssetMode.SELF_CONTAINED,
        choices=tuple(AssetMode)))
    timeout: float = _declared(Option("timeout", "number", "seconds allowed per unit; a hung worker is replaced",
                                      default=600.0, minimum=1))
    force: bool = _declared(Option(
        "force", "bool", "re-render units that are up to date; also write into a non-empty folder that holds no "
        "report of this program (no manifest.json)", default=False))
    executor: Executor = _declared(Option(
        "executor", "choice", "where units run: warm workers in this process's pool, or a Dask cluster",
        default=Executor.LOCAL, choices=tuple(Executor)))
    scheduler: str | None = _declared(Option(
        "scheduler", "text", "with `dask`: a scheduler address (`tcp://host:8786`) or `local` (a LocalCluster "
        "of `--jobs` workers)"))
    notebook: Path = REPORT_NOTEBOOK

    def __post_init__(self) -> None:
        for option in RUN_OPTIONS.values():
            try:
                value = option.parse(getattr(self, option.field))
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            if isinstance(value, list):
                value = tuple(value)
            object.__setattr__(self, option.field, option.default if value is None else value)
        if self.executor == Executor.DASK and not self.scheduler:
            raise UsageError("the dask executor needs --scheduler ADDRESS (or --scheduler local)")
        if self.data_dir is None:
            raise UsageError("give a parameter file or --data DIR")
        object.__setattr__(self, "notebook", Path(self.notebook))

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> BatchOptions:
        """BatchOptions from option names (as in parameter files): `out` fills `out_dir`."""
        return cls(**{RUN_OPTIONS[name].field: value for name, value in values.items()})

    def check(self) -> None:
        """What can only be checked on this machine: the notebook exists."""
        if not self.notebook.is_file():
            raise UsageError(f"notebook {self.notebook} does not exist")


RUN_OPTIONS = OptionSet(
    dataclasses.replace(f.metadata["option"], attr=None if f.name == f.metadata["option"].name else f.name)
    for f in dataclasses.fields(BatchOptions) if "option" in f.metadata
)


def read_parameters(path: Path) -> dict[str, Any]:
    """A parameter file (parameters/*.yaml): option name -> parsed value; a bad file, key or value is one clear
    UsageError."""
    return read_parameter_file(path, RUN_OPTIONS)
