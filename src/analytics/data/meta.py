"""campaign.yaml: `CampaignMeta` (what it says) and its strict parser, every problem reported at once."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analytics.data.appraisal import AppraisalSpec, parse_appraisal
from analytics.data.contract import GROUPS, TAGS, VISIT_KINDS
from analytics.data.reporting import Reporting, parse_reporting
from analytics.errors import Problem
from analytics.text.labels import is_translated_measure, measure_label, message
from analytics.text.language import Language

# campaign.yaml's keys, docs/domain.md's table "campaign.yaml: every key, and strict": any other key, at any level,
# is an error naming the closest known one.
META_KEYS = ("id", "name", "start", "end", "as_of", "description", "timezone", "satisfaction_min", "vocabulary",
             "appraisal", "reporting")
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
    reporting: Reporting = field(default_factory=Reporting)  # the reporting section, its defaults without one

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
        written = dict(zip((Language.ZH, Language.EN), base[code], strict=True))  # the contract's (zh, en) pairs
        return written.get(language) or written[Language.EN]
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
    appraisal = _appraisal(doc, file, problems, vocabulary)
    reporting = _collected(parse_reporting(doc.get("reporting"), file), problems)
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
            reporting=reporting,
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


def _appraisal(doc: dict, file: str, problems: list[Problem], vocabulary: dict | None = None) -> AppraisalSpec | None:
    """The appraisal section as analytics.data.appraisal parses and checks it (kind and group labels read as codes)."""
    if doc.get("appraisal") is None:
        return None
    spec, found = parse_appraisal(doc["appraisal"], file, vocabulary)
    problems.extend(found)  # each with its message code: they read in Chinese too
    return spec


def _collected(parsed: tuple[Any, list[Problem]], problems: list[Problem]) -> Any:
    """A parsed section, its problems added to the list."""
    problems.extend(parsed[1])
    return parsed[0]


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
