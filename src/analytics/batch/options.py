"""The options of `campaign-analytics run`, declared once: the notebook's parameters plus the batch's own.

From `RUN_OPTIONS` come the parameter-file reader (`analytics.batch.params`), the click options of `run`
(`analytics.cli`), `BatchOptions` (its fields, defaults and checks) and the options table of docs/commands.md
(`RUN_OPTIONS.markdown_table()`, kept equal by a test).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from analytics.config import REPORT_NOTEBOOK
from analytics.errors import UsageError
from analytics.options import Option
from analytics.report.layout import ASSET_MODES
from analytics.report.parameters import NOTEBOOK_PARAMETERS

EXECUTORS = ("local", "dask")

RUN_OPTIONS = NOTEBOOK_PARAMETERS.subset(["data_dir"]).extended([
    Option("out", "path", "output folder", attr="out_dir", default_text="`reports/<campaign id>`"),
    Option("units", "list", "unit ids to render (repeat or comma-separate)", default_text="all units"),
    *(NOTEBOOK_PARAMETERS[n] for n in ("as_of", "language", "tolerance")),
    Option("jobs", "int", "parallel kernels", default=1, minimum=1, maximum=64),
    Option("assets", "choice", "how pages get plotly.js: inside each page (~1.3 MB, opens alone) or one "
           "`assets/plotly.min.js` per folder (1.2 MB; pages ~20–80 KB)", default="self_contained", choices=ASSET_MODES),
    Option("timeout", "number", "seconds allowed per unit; a hung kernel is replaced", default=600.0, minimum=1),
    Option("force", "bool", "re-render units that are up to date", default=False),
    Option("executor", "choice", "where units run: warm kernels in this process's pool, or a Dask cluster",
           default="local", choices=EXECUTORS),
    Option("scheduler", "text", "with `dask`: a scheduler address (`tcp://host:8786`) or `local` (a LocalCluster "
           "of `--jobs` workers)"),
])


def _post_init(self) -> None:
    """Every field parsed by its option: a bad value is a UsageError before anything runs."""
    for option in RUN_OPTIONS.values():
        try:
            value = option.parse(getattr(self, option.field))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        setattr(self, option.field, option.default if value is None else value)
    if self.executor == "dask" and not self.scheduler:
        raise UsageError("the dask executor needs --scheduler ADDRESS (or --scheduler local)")
    if self.data_dir is None:
        raise UsageError("give a parameter file or --data DIR")
    self.notebook = Path(self.notebook)


def _check(self) -> None:
    """What can only be checked on this machine: the notebook exists."""
    if not self.notebook.is_file():
        raise UsageError(f"notebook {self.notebook} does not exist")


def _from_values(cls, values: dict[str, Any]) -> Any:
    """BatchOptions from option names (as in parameter files): `out` fills `out_dir`."""
    return cls(**{RUN_OPTIONS[name].field: value for name, value in values.items()})


BatchOptions = dataclasses.make_dataclass(
    "BatchOptions",
    [(o.field, Any, dataclasses.field(default=o.default)) for o in RUN_OPTIONS.values()]
    + [("notebook", Path, dataclasses.field(default=REPORT_NOTEBOOK))],
    namespace={"__post_init__": _post_init, "check": _check, "from_values": classmethod(_from_values),
               "__doc__": "What to render and how: one field per option of RUN_OPTIONS, plus the notebook.",
               "__module__": __name__},
)
