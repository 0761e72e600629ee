"""The Campaign object: its description from campaign.yaml and its validated tables, plus the hierarchy."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analytics.data.appraisal import AppraisalSpec, parse_appraisal
from analytics.data.contract import GROUPS, TABLES, TAGS, VISIT_KINDS
from analytics.data.sources import META_FILE  # noqa: F401 - its old home, imported from here
from analytics.errors import Note, Problem, UsageError
from analytics.labels import is_translated_measure, measure_label, message

# campaign.yaml's keys, docs/domain.md's table "campaign.yaml: every key, and strict": any other key, at any level,
# is an error naming the closest known one.
META_KEYS = ("id", "name", "start", "end", "as_of", "description", "timezone", "satisfaction_min", "vocabulary",
             "appraisal")
LABEL_KEYS = ("zh", "en")
VOCABULARY_KEYS = ("kinds", "groups", "indicators", "measures", "tags")
MAX_META_BYTES = 1024 * 1024
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_SATISFACTION_MIN = 4
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
AS_OF_GRACE = dt.timedelta(days=366)  # as_of may run up to a year past the end (a late bulletin)
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class CampaignMeta:
    """What campaign.yaml says: identity, period, time zone, satisfaction threshold, extra vocabulary with
    labels, and the appraisal section."""

    id: str
    name: dict[str, str]
    start: dt.date
    end: dt.date
    as_of: dt.date | None = None
    description: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    indicators: dict[str, dict[str, str]] = field(default_factory=dict)
    timezone: str = DEFAULT_TIMEZONE  # IANA name, for times shown on pages
    satisfaction_min: int = DEFAULT_SATISFACTION_MIN  # a rating counts as satisfied at this score or above
    measures: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    appraisal: AppraisalSpec | None = None  # the parsed appraisal section, None without one

    def title(self, language: str = "zh") -> str:
        """Name in the language asked for, else the other one, else the id."""
        return self.name.get(language) or next(iter(self.name.values()), None) or self.id

    @property
    def latest_as_of(self) -> dt.date:
        """The last as_of figures may be asked for: end + 366 days."""
        return self.end + AS_OF_GRACE

    def as_of_problem(self, as_of: dt.date) -> str | None:
        """Why as_of is outside start … end + 366 days (the range of campaign.yaml's as_of and --as-of), else None."""
        if self.start <= as_of <= self.latest_as_of:
            return None
        return message("usage.as_of_range", "en", as_of=as_of, start=self.start, latest=self.latest_as_of)

    def default_as_of(self, today: dt.date | None = None) -> dt.date:
        """as_of from campaign.yaml, else the earlier of today and the end date (not before the start)."""
        if self.as_of:
            return self.as_of
        return max(self.start, min(today or dt.date.today(), self.end))

    def kind_label(self, code: str, language: str) -> str:
        return _label(code, VISIT_KINDS, self.kinds, language)

    def group_label(self, code: str, language: str) -> str:
        return _label(code, GROUPS, self.groups, language)

    def indicator_label(self, code: str, language: str) -> str:
        labels = self.indicators.get(code, {})
        return labels.get(language) or labels.get("zh") or labels.get("en") or code

    def tag_label(self, code: str, language: str) -> str:
        return _label(code, TAGS, self.tags, language)

    def measure_label(self, measure: object, language: str) -> str:
        """A target's measure in `language`: vocabulary.measures, else docs/domain.md's English words, else as written."""
        return measure_label(measure, language, self.measures)

    def untranslated_measures(self, measures: Iterable[object], language: str) -> list[str]:
        """The measures a reader of `language` gets as written (no word for them), each once, in order."""
        return list(dict.fromkeys(m for m in measures if not is_translated_measure(m, language, self.measures)))


def _label(code: str, base: dict[str, tuple[str, str]], extra: dict[str, dict[str, str]], language: str) -> str:
    if code in extra:
        return extra[code].get(language) or extra[code].get("zh") or code
    if code in base:
        zh, en = base[code]
        return zh if language == "zh" else en
    return code


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


def closest_key(key: object, known: tuple[str, ...]) -> str | None:
    """The known key an unknown one most likely means: as-of -> as_of, Name -> name, timezon -> timezone."""
    text = str(key).strip()
    folded = text.lower().replace("-", "_").replace(" ", "_")
    if folded in known:
        return folded
    close = difflib.get_close_matches(folded, known, n=1, cutoff=0.6)
    return close[0] if close else None


def parse_meta(path: Path) -> tuple[CampaignMeta | None, list[Problem]]:
    """Read campaign.yaml strictly; every problem with a key is reported, not just the first.

    Refused before parsing: files over 1 MB and YAML anchors or aliases (an alias-expanding file took 35 s and
    4 GB). Keys given twice are refused (YAML would keep the last in silence).
    """
    file = path.name
    if not path.exists():
        return None, [Problem.of(file, None, None, None, "meta.missing")]
    size = path.stat().st_size
    if size > MAX_META_BYTES:
        return None, [Problem.of(file, None, None, None, "meta.too_large", kb=size // 1024)]
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem.of(file, None, None, None, "meta.not_utf8")]
    doc, problems = _load_yaml(text, file)
    if problems:
        return None, problems
    if not isinstance(doc, dict):
        return None, [Problem.of(file, None, None, None, "meta.not_mapping")]
    return _meta_from(doc, file)


def _load_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """The document, or the problems that stop it being read (aliases, syntax, impossible dates, repeated keys)."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                what = "anchor" if isinstance(token, yaml.AnchorToken) else "alias"
                sign = "&" if what == "anchor" else "*"
                return None, [Problem.of(file, token.start_mark.line + 1, None, None, "meta.alias", what=what,
                                         token=f"{sign}{token.value}")]
    except yaml.YAMLError:
        pass  # the parse below says where
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        problems = _repeated_keys(node, file)
        if problems:
            return None, problems
        return loader.construct_document(node), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        return None, [Problem.of(file, row, None, None, "meta.invalid_yaml", detail=getattr(exc, "problem", None)
                                 or "syntax error")]
    except RecursionError:
        return None, [Problem.of(file, None, None, None, "meta.invalid_yaml", detail="nested too deeply")]
    except ValueError as exc:  # PyYAML builds dates itself: start: 2012-02-30 raises here, not as a YAMLError
        return None, [Problem.of(file, None, None, None, "meta.impossible_date", detail=str(exc))]
    finally:
        loader.dispose()


def _repeated_keys(root: yaml.Node, file: str) -> list[Problem]:
    """A key given twice in one mapping, at any level (walked without recursion)."""
    problems: list[Problem] = []
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value)
                line = key.start_mark.line + 1
                if name in seen:
                    problems.append(Problem.of(file, line, f"{prefix}{name}", None, "meta.duplicate_key", first=seen[name],
                                               second=line))
                else:
                    seen[name] = line
                stack.append((value, f"{prefix}{name}."))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, prefix) for item in node.value)
    return problems


def _unknown_keys(mapping: dict, known: tuple[str, ...], prefix: str, file: str) -> list[Problem]:
    problems = []
    for key in mapping:
        if key in known:
            continue
        suggestion = closest_key(key, known)
        column = f"{prefix}{key}"
        if suggestion is not None:
            problems.append(Problem.of(file, None, column, None, "meta.unknown_key", suggestion=f"{prefix}{suggestion}"))
        else:
            problems.append(Problem.of(file, None, column, None, "meta.unknown_key_list", known=", ".join(known)))
    return problems


def _labels(value: Any, column: str, file: str, problems: list[Problem], text_ok: bool = False) -> dict[str, str] | None:
    """{zh, en} labels, both non-empty text (or, where text_ok, plain text for both)."""
    if text_ok and isinstance(value, str) and value.strip():
        return {"zh": value, "en": value}
    if not isinstance(value, dict):
        code = "meta.text_or_labels" if text_ok else "meta.labels_required"
        problems.append(Problem.of(file, None, column, value if isinstance(value, str | int | float) else None, code))
        return None
    unknown = _unknown_keys(value, LABEL_KEYS, f"{column}.", file)
    problems.extend(unknown)
    labels = {k: value.get(k) for k in LABEL_KEYS}
    if unknown or not all(isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip()
                          for v in labels.values()):
        if not unknown:
            problems.append(Problem.of(file, None, column, None, "meta.labels_required"))
        return None
    return {k: str(v) for k, v in labels.items()}


def _meta_from(doc: dict, file: str) -> tuple[CampaignMeta | None, list[Problem]]:
    problems: list[Problem] = _unknown_keys(doc, META_KEYS, "", file)

    def bad(key: str, code: str, value: Any = None, **params: Any) -> None:
        problems.append(Problem.of(file, None, key, value, code, **params))

    cid = doc.get("id")
    if isinstance(cid, int) and not isinstance(cid, bool):
        bad("id", "meta.id_number", cid, number=cid)
    elif not isinstance(cid, str) or not cid.strip():
        bad("id", "meta.id_required", cid if isinstance(cid, str | int | float) else None)
    elif not _ID.match(cid.strip()):
        bad("id", "meta.id_format", cid)
    name = None
    if doc.get("name") is None:
        bad("name", "meta.name_required")
    else:
        name = _labels(doc["name"], "name", file, problems)
    start, end = _date(doc.get("start")), _date(doc.get("end"))
    for key, value in (("start", start), ("end", end)):
        if value is None:
            written = doc.get(key)
            bad(key, "meta.date_required", written if isinstance(written, str | int | float) else None)
        elif not FIRST_DATE <= value <= LAST_DATE:
            bad(key, "meta.date_range", value.isoformat())
    if start and end and start > end:
        bad("start, end", "meta.start_after_end", f"{start} > {end}")
    as_of = None
    if doc.get("as_of") is not None:
        as_of = _date(doc.get("as_of"))
        if as_of is None:
            bad("as_of", "meta.date", doc.get("as_of") if isinstance(doc.get("as_of"), str | int) else None)
        elif start and end and start <= end and not start <= as_of <= end + AS_OF_GRACE:
            bad("as_of", "meta.as_of_range", as_of.isoformat(), start=start, latest=end + AS_OF_GRACE)
    description = {}
    if doc.get("description") is not None:
        description = _labels(doc["description"], "description", file, problems, text_ok=True) or {}
    timezone = doc.get("timezone", DEFAULT_TIMEZONE)
    if not _is_timezone(timezone):
        suggestion = _closest_timezone(timezone)
        if suggestion:
            bad("timezone", "meta.timezone_hint", timezone if isinstance(timezone, str) else None, suggestion=suggestion)
        else:
            bad("timezone", "meta.timezone", timezone if isinstance(timezone, str) else None)
    satisfaction_min = doc.get("satisfaction_min", DEFAULT_SATISFACTION_MIN)
    if not (isinstance(satisfaction_min, int) and not isinstance(satisfaction_min, bool) and 1 <= satisfaction_min <= 5):
        bad("satisfaction_min", "meta.satisfaction_min", satisfaction_min if isinstance(satisfaction_min, str | int | float)
            else None)
    vocabulary = _vocabulary(doc.get("vocabulary"), file, problems)
    appraisal = _appraisal(doc, file, problems)
    if problems:
        return None, problems
    return (
        CampaignMeta(
            id=cid.strip(),
            name=name or {},
            start=start,
            end=end,
            as_of=as_of,
            description=description,
            kinds=vocabulary["kinds"],
            groups=vocabulary["groups"],
            indicators=vocabulary["indicators"],
            timezone=timezone,
            satisfaction_min=satisfaction_min,
            measures=vocabulary["measures"],
            tags=vocabulary["tags"],
            appraisal=appraisal,
        ),
        [],
    )


def _vocabulary(vocab: Any, file: str, problems: list[Problem]) -> dict[str, dict[str, dict[str, str]]]:
    extras: dict[str, dict[str, dict[str, str]]] = {key: {} for key in VOCABULARY_KEYS}
    if vocab is None:
        return extras
    if not isinstance(vocab, dict):
        problems.append(Problem.of(file, None, "vocabulary", None, "meta.mapping", keys=", ".join(VOCABULARY_KEYS)))
        return extras
    problems.extend(_unknown_keys(vocab, VOCABULARY_KEYS, "vocabulary.", file))
    for key in VOCABULARY_KEYS:
        section = vocab.get(key)
        if section is None:
            continue
        if not isinstance(section, dict):
            problems.append(Problem.of(file, None, f"vocabulary.{key}", None, "meta.codes"))
            continue
        for code, labels in section.items():
            column = f"vocabulary.{key}.{code}"
            if not isinstance(code, str | int) or isinstance(code, bool) or not str(code).strip():
                problems.append(Problem.of(file, None, column, None, "meta.code_text"))
                continue
            parsed = _labels(labels, column, file, problems)
            if parsed is not None:
                extras[key][str(code)] = parsed
    for key, base in (("kinds", VISIT_KINDS), ("groups", GROUPS), ("tags", TAGS)):
        for code, labels in extras[key].items():
            for other, (zh, _en) in base.items():
                if labels.get("zh") == zh and code != other:
                    problems.append(Problem.of(file, None, f"vocabulary.{key}.{code}", zh, "meta.label_taken", other=other))
    return extras


def _appraisal(doc: dict, file: str, problems: list[Problem]) -> AppraisalSpec | None:
    """The appraisal section as analytics.data.appraisal parses and checks it."""
    if doc.get("appraisal") is None:
        return None
    spec, found = parse_appraisal(doc["appraisal"], file)
    problems.extend(found)  # each with its message code: they read in Chinese too
    return spec


def _is_timezone(name: Any) -> bool:
    if not isinstance(name, str) or not name.strip() or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _closest_timezone(name: Any) -> str | None:
    if not isinstance(name, str):
        return None
    zones = sorted(zoneinfo.available_timezones())
    by_fold = {z.lower(): z for z in zones}
    if name.strip().lower() in by_fold:
        return by_fold[name.strip().lower()]
    close = difflib.get_close_matches(name.strip(), zones, n=1, cutoff=0.75)
    return close[0] if close else None


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
                 present: frozenset[str] = frozenset(), notes: tuple[Note, ...] = (),
                 sources: dict[str, str] | None = None):
        self.meta = meta
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
        """build() computed once per key for this campaign (and the views narrowed from it)."""
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    def narrowed(self, tables: dict[str, pd.DataFrame], keep: tuple[Any, ...] = ()) -> Campaign:
        """The same campaign with other rows in some tables (e.g. one subtree's), sharing the hierarchy.

        The view starts with an empty memo, except for the entries named in `keep`: results computed over the
        whole campaign that stay true in the view (data-quality findings are judged among all rows).
        """
        view = Campaign(self.meta, {**self.tables, **tables}, self.fingerprint, self.source, self.present, self.notes,
                        self.sources)
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
