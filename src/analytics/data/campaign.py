"""The Campaign object: its description from campaign.yaml and its validated tables, plus the hierarchy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analytics.data.appraisal import AppraisalSpec, parse_appraisal
from analytics.data.contract import GROUPS, TABLES, VISIT_KINDS
from analytics.errors import Problem

META_FILE = "campaign.yaml"


@dataclass(frozen=True)
class CampaignMeta:
    """What campaign.yaml says: identity, period and extra vocabulary with labels."""

    id: str
    name: dict[str, str]
    start: dt.date
    end: dt.date
    as_of: dt.date | None = None
    description: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    indicators: dict[str, dict[str, str]] = field(default_factory=dict)
    satisfaction_min: int = 4  # a rating counts as satisfied at this score or above (满意率)
    appraisal: AppraisalSpec | None = None

    def title(self, language: str = "zh") -> str:
        """Name in the language asked for, else the other one, else the id."""
        return self.name.get(language) or next(iter(self.name.values()), None) or self.id

    def default_as_of(self, today: dt.date | None = None) -> dt.date:
        """as_of from campaign.yaml, else the earlier of today and the end date."""
        if self.as_of:
            return self.as_of
        return min(today or dt.date.today(), self.end)

    def kind_label(self, code: str, language: str) -> str:
        return _label(code, VISIT_KINDS, self.kinds, language)

    def group_label(self, code: str, language: str) -> str:
        return _label(code, GROUPS, self.groups, language)

    def indicator_label(self, code: str, language: str) -> str:
        labels = self.indicators.get(code, {})
        return labels.get(language) or labels.get("zh") or labels.get("en") or code


def _label(code: str, base: dict[str, tuple[str, str]], extra: dict[str, dict[str, str]], language: str) -> str:
    if code in extra:
        return extra[code].get(language) or extra[code].get("zh") or code
    if code in base:
        zh, en = base[code]
        return zh if language == "zh" else en
    return code


def _text_map(value: Any) -> dict[str, str] | None:
    if isinstance(value, str):
        return {"zh": value, "en": value}
    if isinstance(value, dict) and value and all(isinstance(v, str | int | float) for v in value.values()):
        return {str(k): str(v) for k, v in value.items()}
    return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_meta(path: Path) -> tuple[CampaignMeta | None, list[Problem]]:
    """Read campaign.yaml with safe loading; every problem with a key is reported, not just the first."""
    file = path.name
    if not path.exists():
        return None, [Problem(file, None, None, None, "is missing; a campaign folder needs campaign.yaml")]
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return None, [Problem(file, None, None, None, "is not UTF-8 text")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        return None, [Problem(file, row, None, None, f"is not valid YAML ({getattr(exc, 'problem', 'syntax error')})")]
    except ValueError as exc:  # PyYAML builds dates itself: start: 2012-02-30 raises here, not as a YAMLError
        return None, [Problem(file, None, None, None, f"holds an impossible date ({exc}); write dates as YYYY-MM-DD")]
    if not isinstance(doc, dict):
        return None, [Problem(file, None, None, None, "must be a mapping of keys such as id, name, start, end")]
    problems: list[Problem] = []

    def need(key: str, ok: bool, rule: str) -> None:
        if not ok:
            problems.append(Problem(file, None, key, doc.get(key), rule))

    cid = doc.get("id")
    need("id", isinstance(cid, str | int) and str(cid).strip() != "", "is required: a short campaign id")
    name = _text_map(doc.get("name"))
    need("name", name is not None, "is required: text, or a mapping with zh and en")
    start, end = _date(doc.get("start")), _date(doc.get("end"))
    need("start", start is not None, "is required: a date as YYYY-MM-DD")
    need("end", end is not None, "is required: a date as YYYY-MM-DD")
    if start and end and start > end:
        problems.append(Problem(file, None, "start, end", f"{start} > {end}", "start must not be after end"))
    as_of = None
    if doc.get("as_of") is not None:
        as_of = _date(doc.get("as_of"))
        need("as_of", as_of is not None, "must be a date as YYYY-MM-DD")
    description = _text_map(doc.get("description")) if doc.get("description") is not None else {}
    need("description", description is not None, "must be text, or a mapping with zh and en")
    satisfaction_min = doc.get("satisfaction_min", 4)
    need("satisfaction_min", isinstance(satisfaction_min, int) and not isinstance(satisfaction_min, bool)
         and 1 <= satisfaction_min <= 5, "must be a whole number from 1 to 5 (default 4: 满意 and above)")
    appraisal = None
    if doc.get("appraisal") is not None:
        appraisal, found = parse_appraisal(doc["appraisal"], file)
        problems.extend(found)
    vocab = doc.get("vocabulary") or {}
    extras: dict[str, dict[str, dict[str, str]]] = {}
    if not isinstance(vocab, dict):
        problems.append(Problem(file, None, "vocabulary", None, "must be a mapping with kinds, groups, indicators"))
        vocab = {}
    for key in vocab:
        if key not in ("kinds", "groups", "indicators"):
            problems.append(Problem(file, None, f"vocabulary.{key}", None, "is not one of kinds, groups, indicators"))
    for key in ("kinds", "groups", "indicators"):
        section = vocab.get(key) or {}
        extras[key] = {}
        if not isinstance(section, dict):
            problems.append(Problem(file, None, f"vocabulary.{key}", None, "must map each code to its labels"))
            continue
        for code, labels in section.items():
            parsed = _text_map(labels) if labels is not None else {}
            if parsed is None:
                problems.append(Problem(file, None, f"vocabulary.{key}.{code}", labels, "labels must be text or zh/en"))
                continue
            extras[key][str(code)] = parsed
    for key, base in (("kinds", VISIT_KINDS), ("groups", GROUPS)):
        for code, labels in extras[key].items():
            for other, (zh, _en) in base.items():
                if labels.get("zh") == zh and code != other:
                    problems.append(
                        Problem(file, None, f"vocabulary.{key}.{code}", zh, f"label already belongs to code {other}")
                    )
    if problems:
        return None, problems
    return (
        CampaignMeta(
            id=str(cid).strip(),
            name=name or {},
            start=start,
            end=end,
            as_of=as_of,
            description=description or {},
            kinds=extras["kinds"],
            groups=extras["groups"],
            indicators=extras["indicators"],
            satisfaction_min=satisfaction_min,
            appraisal=appraisal,
        ),
        [],
    )


def empty_table(name: str) -> pd.DataFrame:
    """A table with the contract's columns and no rows, typed like a loaded one."""
    dtypes = {"int": "Int64", "number": "Float64", "date": "datetime64[ns]", "text": "str", "tags": "str"}
    return pd.DataFrame({c.name: pd.Series(dtype=dtypes[c.dtype]) for c in TABLES[name]})


class Campaign:
    """A loaded, validated campaign. Tables absent from the folder read as empty frames with the right columns.

    The campaign owns its derived state: the hierarchy (built once), empty stand-ins for absent tables (built
    once), and `memo`, where computations that many reports of one campaign share are kept
    (`memoised(key, build)`). `narrowed(tables)` gives a view with other rows that shares all of it.
    """

    def __init__(self, meta: CampaignMeta, tables: dict[str, pd.DataFrame], fingerprint: str, source: Path | None,
                 present: frozenset[str] = frozenset()):
        self.meta = meta
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

    def memoised(self, key: Any, build: Callable[[], Any]) -> Any:
        """build() computed once per key for this campaign (and the views narrowed from it)."""
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    def narrowed(self, tables: dict[str, pd.DataFrame], keep: tuple[Any, ...] = ()) -> Campaign:
        """The same campaign with other rows in some tables (e.g. one subtree's), sharing the hierarchy.

        The view starts with an empty memo, except for the entries named in `keep`: results computed over the
        whole campaign that stay true in the view (data-quality findings are judged among all rows).
        """
        view = Campaign(self.meta, {**self.tables, **tables}, self.fingerprint, self.source, self.present)
        view.__dict__["hierarchy"] = self.hierarchy  # the cached_property's own slot: built once, shared
        view._empty = self._empty
        view.whole = self.whole
        view.memo = {k: self.memo[k] for k in keep if k in self.memo}
        return view

    def as_of(self, as_of: dt.date | str | None = None) -> dt.date:
        """The as_of date asked for, else the campaign's default."""
        if as_of is None:
            return self.meta.default_as_of()
        if isinstance(as_of, str):
            return dt.date.fromisoformat(as_of)
        if isinstance(as_of, dt.datetime):
            return as_of.date()
        return as_of


class Hierarchy:
    """Parent/child structure of the units table, computed once."""

    def __init__(self, units: pd.DataFrame):
        self.ids: list[str] = list(units["unit_id"])
        self.parent: dict[str, str | None] = {
            u: (p if isinstance(p, str) and p else None) for u, p in zip(units["unit_id"], units["parent_id"], strict=True)
        }
        self.name: dict[str, str] = dict(zip(units["unit_id"], units["name"], strict=True))
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
