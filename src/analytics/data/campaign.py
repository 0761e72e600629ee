"""The Campaign object (campaign.yaml's meta and the validated tables) and the hierarchy of its units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.data.contract import DTYPES, TABLES
from analytics.data.meta import CampaignMeta
from analytics.errors import Note, UsageError
from analytics.text.labels import message


def empty_table(name: str) -> pd.DataFrame:
    """A table with the contract's columns and no rows, typed like a loaded one."""
    return pd.DataFrame({c.name: pd.Series(dtype=DTYPES[c.dtype]) for c in TABLES[name]})


# Derived tables a campaign keeps (analytics.measures.derived): about ten per as_of and tolerance asked.
MEMO_SIZE = 128


class Campaign:
    """A loaded, validated campaign. Tables absent from the folder read as empty frames with the right columns.

    The campaign owns its derived state: the hierarchy (built once), empty stand-ins for absent tables (built
    once), and `memo`, where computations that many reports of one campaign share are kept
    (`memoised(key, build)`). `narrowed(tables)` gives a view with other rows that shares all of it.
    """

    def __init__(self, meta: CampaignMeta, tables: dict[str, pd.DataFrame], fingerprint: str, source: Path | None,
                 present: frozenset[str] = frozenset(), notes: tuple[Note, ...] = (),
                 sources: dict[str, str] | None = None, before_start: dict[str, pd.DataFrame] | None = None):
        self.meta = meta
        # Rows dated before the campaign's start (docs/domain.md's window), kept out of `tables`: listed as findings.
        self.before_start = dict(before_start or {})
        self.notes = tuple(notes)  # habits accepted while reading (analytics.errors.Note), shown by `validate`
        self.sources = dict(sources or {})  # table -> the file (or "book.xlsx [sheet]") it was read from
        self.tables = tables
        self.fingerprint = fingerprint
        self.source = source
        self.present = present
        self.memo: dict[Any, Any] = {}
        self._empty: dict[str, pd.DataFrame] = {}
        # The campaign a view was narrowed from (itself otherwise): figures that compare a unit with units
        # outside the view, such as its rank among siblings, are computed on it.
        self.whole: Campaign = self

    def __repr__(self) -> str:
        return f"Campaign({self.meta.id!r}, units={len(self.tables.get('units', ()))}, source={str(self.source)!r})"

    def table(self, name: str) -> pd.DataFrame:
        """The named table, or an empty one with the contract's columns when the campaign has none."""
        frame = self.tables.get(name)
        if frame is not None:
            return frame
        if name not in TABLES:
            raise KeyError(f"no table {name!r} in the data contract")
        if name not in self._empty:
            self._empty[name] = empty_table(name)
        return self._empty[name]

    units = property(lambda self: self.table("units"), doc="The units table.")
    visits = property(lambda self: self.table("visits"), doc="The visits table (empty when absent).")
    surveys = property(lambda self: self.table("surveys"), doc="The surveys table (empty when absent).")
    targets = property(lambda self: self.table("targets"), doc="The targets table (empty when absent).")
    actuals = property(lambda self: self.table("actuals"), doc="The actuals table (empty when absent).")
    responses = property(lambda self: self.table("responses"), doc="The responses table (empty when absent).")
    commitments = property(lambda self: self.table("commitments"), doc="The commitments table (empty when absent).")

    @cached_property
    def hierarchy(self) -> Hierarchy:
        return Hierarchy(self.tables["units"])

    def source_of(self, table: str) -> str:
        """The file a table was read from, as messages name it ("visits.csv", "campaign.xlsx [visits]")."""
        return self.sources.get(table, f"{table}.csv")

    def memoised(self, key: Any, build: Callable[[], Any]) -> Any:
        """build() computed once per key for this campaign (and the views narrowed from it); the memo keeps the
        MEMO_SIZE entries used last (a kernel asked about many dates keeps the recent ones)."""
        memo = self.memo
        if key in memo:
            value = memo.pop(key)  # moved to the end: used last
        else:
            value = build()
        self.remember(key, value)
        return value

    def is_memoised(self, key: Any) -> bool:
        """Whether the memo holds a value under key (nothing is built, and the entry's place is kept): a caller
        that could use a larger memoised result, or compute a smaller one, asks first."""
        return key in self.memo

    def remember(self, key: Any, value: Any) -> None:
        """Keep value under key (analytics.measures.derived makes the keys), dropping the entry used longest ago
        beyond MEMO_SIZE."""
        memo = self.memo
        memo.pop(key, None)
        memo[key] = value
        while len(memo) > MEMO_SIZE:
            del memo[next(iter(memo))]

    def narrowed(self, tables: dict[str, pd.DataFrame], keep: tuple[Any, ...] = ()) -> Campaign:
        """The same campaign with other rows in some tables (e.g. one subtree's), sharing the hierarchy.

        The view starts with an empty memo, except for the entries named in `keep`: results computed over the
        whole campaign that stay true in the view (data-quality findings are judged among all rows).
        """
        view = Campaign(self.meta, {**self.tables, **tables}, self.fingerprint, self.source, self.present, self.notes,
                        self.sources, self.before_start)
        view.__dict__["hierarchy"] = self.hierarchy  # the cached_property's own slot: built once, shared
        view._empty = self._empty
        view.whole = self.whole
        view.memo = {k: self.memo[k] for k in keep if k in self.memo}
        return view

    def as_of(self, as_of: dt.date | str | None = None) -> dt.date:
        """The as_of date asked for, else the campaign's default; UsageError outside start … end + 366 days."""
        if as_of is None:
            return self.meta.default_as_of()
        if isinstance(as_of, str):
            try:
                as_of = dt.date.fromisoformat(as_of.strip())
            except ValueError:
                raise UsageError(message("usage.as_of_format", "en", as_of=as_of)) from None
        elif isinstance(as_of, dt.datetime):
            as_of = as_of.date()
        elif not isinstance(as_of, dt.date):
            raise UsageError(message("usage.as_of_format", "en", as_of=as_of))
        problem = self.meta.as_of_problem(as_of)
        if problem:
            raise UsageError(problem)
        return as_of

    def check_units(self, units: Iterable[str]) -> list[str]:
        """The unit ids, each one a unit of the campaign (UsageError listing those that are not)."""
        units = list(units)
        unknown = [u for u in units if u not in self.hierarchy.parent]
        if unknown:
            source = self.source if self.source is not None else self.meta.id
            raise UsageError(f"unknown unit id(s) {', '.join(repr(u) for u in unknown)}: not in the units table of "
                             f"{source}")
        return units


def unit_depths(parent: dict[str, str | None]) -> dict[str, int]:
    """unit -> depth (root 0), iteratively: a hierarchy thousands of levels deep needs no recursion. Units on
    a cycle (reported elsewhere) get the depth reached when the walk meets itself."""
    depth: dict[str, int] = {}
    for start in parent:
        chain: list[str] = []
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node not in depth and node not in seen:
            chain.append(node)
            seen.add(node)
            node = parent.get(node)
        base = depth.get(node, -1) if node is not None else -1
        for offset, unit in enumerate(reversed(chain), start=1):
            depth[unit] = base + offset
    return depth


class Hierarchy:
    """Parent/child structure of the units table, computed once."""

    def __init__(self, units: pd.DataFrame):
        # Python lists first: iterating a column of Arrow text makes a scalar per value (100,000 units: 0.4 s).
        self.ids: list[str] = units["unit_id"].tolist()
        self.parent: dict[str, str | None] = {
            u: (p if isinstance(p, str) and p else None) for u, p in zip(self.ids, units["parent_id"].tolist(), strict=True)
        }
        self.name: dict[str, str] = dict(zip(self.ids, units["name"].tolist(), strict=True))
        self.children: dict[str, list[str]] = {u: [] for u in self.ids}
        for u in self.ids:
            p = self.parent[u]
            if p is not None:
                self.children[p].append(u)
        self.roots = [u for u in self.ids if self.parent[u] is None]

    def ancestors(self, unit_id: str) -> list[str]:
        """From the root down to the unit's parent."""
        chain: list[str] = []
        node = self.parent[unit_id]
        while node is not None:
            chain.append(node)
            node = self.parent[node]
        return chain[::-1]

    def descendants(self, unit_id: str) -> list[str]:
        """The unit itself and everything below it, depth first."""
        out, stack = [], [unit_id]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children[node]))
        return out

    @cached_property
    def leaves(self) -> frozenset[str]:
        """Units without children."""
        return frozenset(u for u in self.ids if not self.children[u])

    @cached_property
    def position(self) -> dict[str, int]:
        """unit_id -> its row in the units table (file order)."""
        return {u: i for i, u in enumerate(self.ids)}

    @cached_property
    def closure(self) -> pd.DataFrame:
        """Every (unit_id, ancestor_id) pair, the unit itself included: the join table for rollups."""
        pairs_u, pairs_a = [], []
        for u in self.ids:
            node: str | None = u
            while node is not None:
                pairs_u.append(u)
                pairs_a.append(node)
                node = self.parent[node]
        return pd.DataFrame({"unit_id": pairs_u, "ancestor_id": pairs_a})

    def walk(self) -> list[tuple[str, int]]:
        """(unit_id, depth) in tree order, roots first."""
        out: list[tuple[str, int]] = []
        stack = [(r, 0) for r in reversed(self.roots)]
        while stack:
            node, d = stack.pop()
            out.append((node, d))
            stack.extend((c, d + 1) for c in reversed(self.children[node]))
        return out
