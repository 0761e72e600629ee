"""Checks made before a command writes anything: no output onto one of its inputs or into a campaign folder,
no report folder written over a folder the program did not write, no notebook read that is not one.

Each failed check is a UsageError (exit 2) naming the option and the path, found before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path

from analytics.data.sources import META_FILE
from analytics.errors import UsageError

# `html` reads the whole notebook into memory: an executed report notebook is a few MB (its charts' data).
MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024
# Files a `run` leaves in its output folder: any of them makes the folder the program's own.
RUN_OWN_FILES = ("manifest.json", ".campaign-analytics.lock")


def _resolved(path: Path) -> Path:
    return Path(path).expanduser().resolve()


def campaign_folder_holding(path: Path) -> Path | None:
    """The campaign folder (a folder with campaign.yaml) that path is or lies in, if any."""
    for folder in (path, *path.parents):
        if (folder / META_FILE).is_file():
            return folder
    return None


def refuse_onto_inputs(option: str, out: Path, inputs: dict[str, Path], folder: bool = False) -> None:
    """out (a file, or a folder when folder) must not be one of the inputs, lie inside an input folder, or lie
    in (or be) a campaign folder."""
    target = _resolved(out)
    for name, given in inputs.items():
        source = _resolved(given)
        if target == source:
            raise UsageError(f"{option} {out} is {name} {given}: a command never writes onto its input; "
                             "choose another path")
        if source in target.parents:
            raise UsageError(f"{option} {out} is inside {name} {given}: a command never writes into its input "
                             "folder; choose a path outside it")
    campaign = campaign_folder_holding(target if folder else target.parent)
    if campaign is not None:
        raise UsageError(f"{option} {out} is in the campaign folder {campaign} (it holds {META_FILE}): campaign "
                         "folders are only read; choose a path outside it")


def refuse_foreign_report_folder(out: Path | None, force: bool) -> None:
    """`run --out`: a folder that exists, is not empty and holds none of run's own files (manifest.json, its
    lock) is the user's: refused unless --force."""
    if out is None or force:
        return
    folder = Path(out)
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UsageError(f"--out {out} is not a folder")
    if any((folder / name).exists() for name in RUN_OWN_FILES):
        return
    if any(folder.iterdir()):
        raise UsageError(f"--out {out} is a folder that holds other files and no report of this program "
                         "(no manifest.json): its index.html, kpis.csv and manifest.json would be replaced; choose "
                         "a new or empty folder, or add --force to write into it")


def read_notebook(path: Path):
    """The notebook at path (nbformat 4), or a UsageError: not a regular file, too large, not a notebook."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"NOTEBOOK {path} is not a regular file")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise UsageError(f"NOTEBOOK {path} is {size / 2**20:.0f} MB; a report notebook is at most "
                         f"{MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        with open(path, "rb") as handle:
            text = handle.read(MAX_NOTEBOOK_BYTES + 1).decode("utf-8")
        nb = nbformat.reads(text, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no cells")
    except (ValueError, UnicodeDecodeError, AttributeError, KeyError, TypeError, json.JSONDecodeError,
            nbformat.ValidationError) as exc:
        raise UsageError(f"NOTEBOOK {path} is not a Jupyter notebook (.ipynb) that can be read: "
                         f"{type(exc).__name__}") from None
    return nb
