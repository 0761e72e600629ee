"""Per-unit input keys: a unit's page is re-rendered only when something it shows has changed.

A unit page shows its own and its descendants' rows, its ancestors' names (breadcrumb), its children's
names and tags, the campaign's description, and the data-quality flags found in its subtree. The key
hashes exactly those, plus the notebook, the package version and the run's parameters. Subtree row
digests are combined bottom-up (a Merkle tree), so the whole campaign costs one pass. Responses belong
to their survey's unit. With an appraisal, a page also shows the unit's rank among its siblings, so its
key holds its siblings' subtree digests too: one sibling's new rows re-render the whole sibling group.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.data.campaign import Campaign
from analytics.measures.kpis import campaign_flags
from analytics.version import __version__

_ROW_TABLES = ("visits", "surveys", "targets", "actuals", "commitments", "responses")


def _row_units(campaign: Campaign, name: str, frame: pd.DataFrame) -> tuple:
    """The unit each row belongs to, and the columns to hash: a response belongs to its survey's unit."""
    if name == "responses":
        surveys = campaign.table("surveys")
        unit_of = dict(zip(surveys["survey_id"], surveys["unit_id"], strict=True))
        return frame["survey_id"].map(unit_of).to_numpy(), frame
    return frame["unit_id"].to_numpy(), frame.drop(columns=["unit_id"])


def _own_row_digests(campaign: Campaign) -> dict[str, hashlib._Hash]:
    """unit_id -> running sha256 over that unit's own rows in every table (in file order)."""
    digests: dict[str, hashlib._Hash] = {}
    for name in _ROW_TABLES:
        frame = campaign.tables.get(name)
        if frame is None or frame.empty:
            continue
        order, hashed = _row_units(campaign, name, frame)
        row_hash = pd.util.hash_pandas_object(hashed, index=False).to_numpy()
        # Each unit's rows in file order (a stable sort by unit), cut where the unit changes: a groupby's
        # iteration made a Series per unit (rows without a unit, code -1, are left out as a groupby does).
        codes, uniques = pd.factorize(order)
        at = np.argsort(codes, kind="stable")
        codes, row_hash = codes[at], row_hash[at]
        cuts = np.flatnonzero(np.diff(codes)) + 1
        for start, end in zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(codes)].tolist(), strict=True):
            if end <= start or codes[start] < 0:
                continue
            d = digests.setdefault(uniques[codes[start]], hashlib.sha256())
            d.update(name.encode())
            d.update(row_hash[start:end].tobytes())
    return digests


def unit_input_keys(campaign: Campaign, as_of: dt.date, tolerance: float, notebook: bytes,
                    params: dict) -> dict[str, str]:
    """unit_id -> hex key of everything that unit's page depends on."""
    h = campaign.hierarchy
    own = _own_row_digests(campaign)
    flags = campaign_flags(campaign, as_of)
    flag_text = {
        uid: part.to_csv(index=False) for uid, part in flags.groupby("unit_id", sort=False)
    } if not flags.empty else {}
    units = campaign.units
    label = {u: f"{u}\0{n}\0{t}\0{k}" for u, n, t, k in zip(units["unit_id"].tolist(), units["name"].tolist(),
                                                            units["tags"].tolist(), units["kind"].tolist(), strict=True)}
    subtree: dict[str, str] = {}
    for uid, _depth in reversed(h.walk()):  # children before parents
        d = hashlib.sha256()
        d.update(label[uid].encode())
        if uid in own:
            d.update(own[uid].copy().digest())
        d.update(flag_text.get(uid, "").encode())
        for child in h.children[uid]:
            d.update(subtree[child].encode())
        subtree[uid] = d.hexdigest()
    meta = campaign.meta
    common = hashlib.sha256(json.dumps({
        "version": __version__, "as_of": as_of.isoformat(), "tolerance": tolerance, "params": params,
        "meta": [meta.id, meta.name, meta.start.isoformat(), meta.end.isoformat(), meta.description,
                 meta.kinds, meta.groups, meta.indicators, meta.satisfaction_min, repr(meta.appraisal)],
    }, sort_keys=True, default=str).encode() + notebook).hexdigest()
    ranked = meta.appraisal is not None
    keys: dict[str, str] = {}
    for uid in h.ids:
        d = hashlib.sha256(common.encode())
        d.update(subtree[uid].encode())
        for a in h.ancestors(uid):
            d.update(label[a].encode())
        if ranked:
            parent = h.parent[uid]
            for sibling in h.children[parent] if parent is not None else h.roots:
                d.update(subtree[sibling].encode())
        keys[uid] = d.hexdigest()
    return keys


@dataclass(frozen=True)
class InputSnapshot:
    """The campaign folder's files as they were at one moment: name -> (stat signature, sha256 of the bytes).

    Taken before a batch loads the campaign and again at its end: a file re-saved in between (even with the
    same bytes restored later, or with its mtime put back) shows up in `changed_since`. Hidden files and
    office lock files (`~$book.xlsx`, `.~lock.units.csv#`) are not inputs.
    """

    files: dict[str, tuple[tuple[int, ...], str]]

    @classmethod
    def take(cls, folder: Path, earlier: InputSnapshot | None = None) -> InputSnapshot:
        """Hash every input file; a file whose stat signature equals the one in `earlier` reuses its hash."""
        known = earlier.files if earlier is not None else {}
        files: dict[str, tuple[tuple[int, ...], str]] = {}
        try:
            entries = sorted(Path(folder).iterdir())
        except OSError:
            return cls({})
        for path in entries:
            if path.name.startswith((".", "~$")):
                continue
            try:
                st = path.stat()
                if not path.is_file():
                    continue
                signature = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                same = known.get(path.name)
                files[path.name] = same if same and same[0] == signature else (signature, _sha256(path))
            except OSError:
                files[path.name] = ((), "unreadable")
        return cls(files)

    def changed_since(self, before: InputSnapshot) -> list[str]:
        """Names of files added, removed or whose bytes differ (a touched but identical file is unchanged)."""
        names = sorted(set(self.files) | set(before.files))
        return [n for n in names if (self.files.get(n) or ((), ""))[1] != (before.files.get(n) or ((), ""))[1]]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
