"""Options declared once: name, type, default, allowed values or range, and help, in one `Option` each.

An `OptionSet` is the single source from which the rest is made: the parameter-file reader, the click options
of the command line, `BatchOptions` and its checks, the notebook's parameter check and the table in docs/commands.md.
Every value, whatever it came from (YAML, a command-line string, a papermill parameter, Python), goes through
`Option.parse`, so one rule gives one message everywhere.

Parameter files are read with `read_parameter_file`: UTF-8 YAML, at most 1 MB, no aliases, dates kept as text
(so `as_of: 2012-02-30` gets the same clear message as `--as-of 2012-02-30`, not a YAML library error).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analytics.errors import UsageError

KINDS = ("text", "path", "date", "int", "number", "bool", "choice", "list")
MAX_PARAMETER_FILE_BYTES = 1_000_000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class OptionValueError(ValueError):
    """A value an option cannot take; the message is one sentence naming the option."""


@dataclass(frozen=True)
class Option:
    """One option: `name` is the parameter-file key and notebook parameter; `flag` the command-line spelling."""

    name: str
    kind: str
    help: str
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    flag: str | None = None  # default: --name-with-dashes
    attr: str | None = None  # attribute name where it differs from name (BatchOptions.out_dir for out)
    default_text: str | None = None  # how the docs show a default that is computed at run time
    check: Callable[[Any], Any] | None = None  # a further rule: returns the value or raises ValueError

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"option {self.name}: kind must be one of {KINDS}, not {self.kind!r}")

    @property
    def cli_flag(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    @property
    def field(self) -> str:
        return self.attr or self.name

    def parse(self, value: Any) -> Any:
        """The value in its Python type, or OptionValueError; None stays None (= the default)."""
        if value is None:
            return None
        parsed = getattr(self, f"_parse_{self.kind}")(value)
        if self.check is not None:
            try:
                parsed = self.check(parsed)
            except (TypeError, ValueError) as exc:
                raise OptionValueError(str(exc)) from None
        return parsed

    def _fail(self, value: Any, wanted: str) -> OptionValueError:
        return OptionValueError(f"{self.name} must be {wanted}, not {_show(value)}")

    def _parse_text(self, value: Any) -> str:
        # papermill's -p turns digits into an int; a unit id of digits is still text.
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self._fail(value, "text")
        text = str(value)
        if not text.strip():
            raise self._fail(value, "non-empty text")
        return text

    def _parse_path(self, value: Any) -> Path:
        if isinstance(value, Path):
            return value
        return Path(self._parse_text(value)).expanduser()

    def _parse_date(self, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            raise self._fail(value, "a date as YYYY-MM-DD without a time")
        if isinstance(value, dt.date):
            return value
        text = str(value).strip() if isinstance(value, str) else None
        # fromisoformat alone would also take 20120630 and 2012-W26: a compact date is never guessed.
        if text is None or not _ISO_DATE.fullmatch(text):
            raise OptionValueError(f"{self.name}: {_show(value)} is not a date as YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise OptionValueError(f"{self.name}: {_show(value)} is not a date as YYYY-MM-DD ({exc})") from None

    def _parse_int(self, value: Any) -> int:
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(value, "a whole number")
        self._check_range(value)
        return value

    def _parse_number(self, value: Any) -> float:
        if isinstance(value, bool):
            raise self._fail(value, "a number")
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise self._fail(value, "a number") from None
        if not isinstance(value, int | float):
            raise self._fail(value, "a number")
        number = float(value)
        if not math.isfinite(number):
            raise self._fail(value, "a finite number")
        self._check_range(number)
        return number

    def _check_range(self, number: float) -> None:
        low, high = self.minimum, self.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise self._fail(number, self.range_text())

    def range_text(self) -> str:
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"between {_num(low)} and {_num(high)}"
        if low is not None:
            return f"{_num(low)} or more"
        return f"{_num(high)} or less"

    def _parse_bool(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self._fail(value, "true or false")
        return value

    def _parse_choice(self, value: Any) -> str:
        """The allowed value itself (a `StrEnum` member when the choices are one's)."""
        if not isinstance(value, str) or value not in self.choices:
            raise self._fail(value, "one of " + ", ".join(self.choices))
        return self.choices[self.choices.index(value)]

    def _parse_list(self, value: Any) -> list[str]:
        """A list of text values; a string is split on commas (`--units A,B`, `units: A, B`)."""
        items: Iterable[Any]
        if isinstance(value, str):
            items = [v for v in value.split(",") if v.strip()]
        elif isinstance(value, int) and not isinstance(value, bool):
            items = [value]
        elif isinstance(value, list | tuple):
            items = [piece for v in value for piece in (v.split(",") if isinstance(v, str) else [v])]
        else:
            raise self._fail(value, "a list of text values")
        out: list[str] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int) or not str(item).strip():
                raise self._fail(value, "a list of text values")
            out.append(str(item).strip())
        return out

    def shown_default(self) -> str:
        """The default as the docs show it."""
        if self.default_text is not None:
            return self.default_text
        if self.default is None:
            return "—"
        if isinstance(self.default, bool):
            return "on" if self.default else "off"
        if isinstance(self.default, float) and self.default.is_integer():
            return str(int(self.default))
        return str(self.default)


class OptionSet(Mapping[str, Option]):
    """Options in their documented order, looked up by name."""

    def __init__(self, options: Iterable[Option]):
        self._options = {o.name: o for o in options}

    def __getitem__(self, name: str) -> Option:
        return self._options[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._options)

    def __len__(self) -> int:
        return len(self._options)

    def extended(self, options: Iterable[Option]) -> OptionSet:
        return OptionSet([*self._options.values(), *options])

    def subset(self, names: Iterable[str]) -> OptionSet:
        return OptionSet([self._options[n] for n in names])

    def defaults(self) -> dict[str, Any]:
        """field name -> default."""
        return {o.field: o.default for o in self._options.values()}

    def parse(self, values: Mapping[str, Any], source: str = "") -> dict[str, Any]:
        """Check every value by name; unknown names and bad values are UsageErrors (`source: message`)."""
        prefix = f"{source}: " if source else ""
        unknown = [str(k) for k in values if k not in self._options]
        if unknown:
            hints = [_closest(k, self._options) for k in unknown]
            said = ", ".join(f"{k!r}" + (f" (did you mean {h}?)" if h else "") for k, h in zip(unknown, hints, strict=True))
            raise UsageError(f"{prefix}unknown key {said}; known keys: {', '.join(self._options)}")
        out: dict[str, Any] = {}
        for name, value in values.items():
            try:
                out[name] = self._options[name].parse(value)
            except OptionValueError as exc:
                raise UsageError(f"{prefix}{exc}") from None
        return out

    def markdown_table(self) -> str:
        """The options as the table in docs/commands.md: option (key) | meaning | default."""
        lines = ["| option (YAML key) | meaning | default |", "|---|---|---|"]
        for o in self._options.values():
            meaning = o.help
            if o.kind == "choice":
                meaning += ": " + ", ".join(f"`{c}`" for c in o.choices)
            elif o.minimum is not None or o.maximum is not None:
                meaning += f" ({o.range_text()})"
            default = o.shown_default()
            if o.default is not None and o.default_text is None and o.kind != "bool":
                default = f"`{default}`"
            lines.append(f"| `{o.cli_flag}` (`{o.name}`) | {meaning} | {default} |")
        return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, float) else _num(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _num(x: float) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _closest(name: str, known: Iterable[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(name.replace("-", "_"), list(known), n=1, cutoff=0.6)
    return match[0] if match else None


# -- parameter files ---------------------------------------------------------------------------------------------
@functools.cache
def _parameter_loader() -> type:
    """Safe YAML without aliases, and with dates left as text for `Option.parse` to judge. Made on first use: a
    run without a parameter file (a re-run with nothing to do: 0.2 s in all) does not import PyYAML."""
    import yaml

    class ParameterLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.MarkedYAMLError("while reading a parameter file", None, "aliases are not allowed here",
                                           event.start_mark)
            return super().compose_node(parent, index)

    ParameterLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return ParameterLoader


def read_parameter_file(path: Path, options: OptionSet) -> dict[str, Any]:
    """A YAML parameter file checked against `options`: name -> parsed value (None values left out)."""
    path = Path(path)
    try:
        kind = path.stat().st_mode
    except OSError as exc:
        raise UsageError(f"cannot read parameter file {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(kind):
        # A FIFO or a device would block or never end: only a regular file is read.
        raise UsageError(f"{path}: is {_file_kind(kind)}, not a regular file; give a YAML parameter file")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_PARAMETER_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read parameter file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_PARAMETER_FILE_BYTES:
        raise UsageError(f"{path}: a parameter file is a few lines of YAML; this one is over 1 MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the parameter file as UTF-8"
        ) from None
    import yaml

    loader = _parameter_loader()(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_repeated_keys(node, path)
        doc = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UsageError(f"{path}: not valid YAML{at}: {problem}") from None
    finally:
        loader.dispose()
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise UsageError(f"{path}: must be a mapping of parameter names to values")
    for key, value in doc.items():
        if any("\0" in text for text in _texts(value)):
            raise UsageError(f"{path}: the value of {key} holds a NUL character (\\0), which no path or name can hold")
    values = options.parse({str(k): v for k, v in doc.items()}, source=str(path))
    return {k: v for k, v in values.items() if v is not None}


def _refuse_repeated_keys(root: Any, path: Path) -> None:
    """UsageError for a key given twice in one mapping (YAML would keep the last in silence), as campaign.yaml."""
    import yaml

    if not isinstance(root, yaml.MappingNode):
        return
    seen: dict[str, int] = {}
    for key, _value in root.value:
        name, line = str(key.value), key.start_mark.line + 1
        if name in seen:
            raise UsageError(f"{path}: {name} is given twice (lines {seen[name]} and {line}); keep one")
        seen[name] = line


def _texts(value: Any) -> list[str]:
    """Every text in a parameter's value (a list's items too)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _texts(v)]
    return []


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def check_tolerance(tolerance: float) -> float:
    """The pace tolerance as a float; ValueError unless it is a finite number ≥ 0 (points)."""
    try:
        value = float(tolerance)
    except (TypeError, ValueError):
        raise ValueError(f"tolerance must be a number of percentage points, not {tolerance!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"tolerance must be a finite number of percentage points, 0 or more, not {tolerance!r}")
    return value
