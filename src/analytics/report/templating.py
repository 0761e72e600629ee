"""The one way the package makes HTML: Jinja2 templates shipped in `analytics/report/templates`, autoescaped.

Every HTML fragment and page (report sections, the index, the explorer's panel) is a template or a macro
of `templates/html/`. Values reach HTML only through Jinja's autoescaping, so text from data shows, never
runs, and no caller has to remember to escape anything. Undefined names are errors (`StrictUndefined`).

    ui = macros("zh")                                   # templates/html/ui.html.j2, bound to a language
    ui.heading("visits")                                # <h2 id="visits">走访与座谈</h2>, as Markup
    ui.data_table(Table([Column("unit"), Column("events", numeric=True)],
                        [Row((Cell("雨露", href="units/x.html"), "12"))]))
    render("html/index.html.j2", language="en", ...)    # a whole page

Templates see the label and number helpers of `analytics.text.labels`: `t(key)` (the label in the template's
`language`), `rules()` (its punctuation: `rules().colon`, `rules().list_separator`),
and the filters `fmt_int`, `fmt_percent`, `fmt_number`, `fmt_points`, `fmt_score`,
`status_label`, `status_colour`, `grade_key`, `grade_label`. Table cells are plain values (escaped text) or
`Cell`s (text with a link, chips, a code, a status or grade badge, a tooltip or an indent), so tables hold no
HTML at all.

Stylesheets (`*.css.j2`) are the one exception to autoescaping: HTML escaping is wrong inside <style>.
They take only theme values (checked colours and font names, see `report.theme`), never data, and
`render_css` refuses a result that could close its <style> element.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from analytics.config import resource
from analytics.text.labels import (
    LANGUAGES,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_percent,
    fmt_points,
    fmt_score,
    grade_key,
    grade_label,
    label,
    light_style,
    message,
    status_colour,
    status_label,
    status_symbol,
)
from analytics.text.language import Rules, rules_of
from analytics.version import __version__

TEMPLATES = resource("report", "templates")
UI = "html/ui.html.j2"
_SCRIPT_END = re.compile(r"</script", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    """A table column: its header (a label key, shown in the table's language) and whether it holds numbers.

    `text` is a header shown as written instead of a label (a name from the data, e.g. an appraisal item)."""

    label: str
    numeric: bool = False
    text: str | None = None


@dataclass(frozen=True)
class Cell:
    """A table cell richer than plain text. Every field is text, escaped when rendered.

    text: shown literally (a link's text when `href` is given; a status badge's words when given with `status`,
    e.g. a level indicator's 达标 / 低于目标 / 未达标); status: a pace status shown as a coloured badge; grade: an
    appraisal grade (excellent, good, pass, fail) shown as a badge likewise;
    chips: small grey labels after the text (tags, a code); code: a code after the text in <code>; title: a
    tooltip; indent: tree depth, shown as left padding; light: a pace status shown as a coloured dot before the
    text (a traffic light); sub: a small second line (a gap under a completion).
    """

    text: object = ""
    href: str | None = None
    status: str | None = None
    grade: str | None = None
    chips: tuple[str, ...] = ()
    code: str | None = None
    title: str | None = None
    indent: int | None = None
    light: str | None = None
    sub: str | None = None
    warning: str | None = None  # a warning light (red, yellow) shown as a badge with its word before the text


@dataclass(frozen=True)
class Row:
    """A table row: its cells (plain values or `Cell`s) and an optional CSS class (e.g. "laggard")."""

    cells: Sequence[object]
    css_class: str = ""


@dataclass(frozen=True)
class Table:
    """What `ui.data_table` draws: columns, rows and an optional CSS class of the <table>."""

    columns: Sequence[Column]
    rows: Sequence[Row]
    css_class: str = ""


@dataclass(frozen=True)
class Link:
    """A link: href and text, both escaped when rendered."""

    href: str
    text: str


@dataclass(frozen=True)
class Fact:
    """One 'label: value' pair of a page header; `code` shows the value in <code> (a fingerprint)."""

    label: str
    text: object
    code: bool = False


def footer_facts(fingerprint: str) -> list[Fact]:
    """What the footer of every page says (ui.page_footer): the data fingerprint, 16 hex digits, and the program's
    version."""
    return [Fact("header.fingerprint", fingerprint[:16], code=True),
            Fact("header.version", f"campaign-analytics {__version__}")]


def running_text(name: str, as_of: object, language: str) -> str:
    """What every printed page after the first says at its foot before 'n / N': '小陈乡 · 截至2010年5月31日 · '."""
    return message("print.running", language, name=name, date=fmt_date(as_of, language))


def css_string(text: object) -> Markup:
    """Text as a double-quoted CSS string (for `content:` in a stylesheet made by a template) that can close neither
    itself nor its <style> element: ASCII letters, digits and spaces and printable characters beyond ASCII as they
    are, every other character (quotes, backslash, <, /, &, line breaks, controls) as a 6-digit escape followed by
    the space that ends it."""
    out = []
    for ch in str(text):
        safe = (ch.isalnum() or ch == " ") if ch.isascii() else ch.isprintable()
        out.append(ch if safe else f"\\{ord(ch):06X} ")
    return Markup('"' + "".join(out) + '"')


@pass_context
def _t(context: Context, key: str) -> str:
    """The label for key in the template's language."""
    return label(key, context["language"])


@pass_context
def _rules(context: Context) -> Rules:
    """The punctuation and sentence rules of the template's language: `rules().colon`."""
    return rules_of(context["language"])


@pass_context
def _status_label(context: Context, status: object) -> str:
    return status_label(status, context["language"])


@pass_context
def _grade_label(context: Context, grade: object) -> str:
    return grade_label(grade, context["language"])


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith(".css.j2")


@functools.cache
def environment() -> Environment:
    """The package's one Jinja2 environment (autoescaping on for HTML, undefined names are errors)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    # `tojson` (pages embed data for their scripts): compact, and readable text instead of \uXXXX escapes;
    # Jinja still escapes < > & ' so the JSON can never close its <script> element.
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": False}
    env.globals.update(t=_t, rules=_rules, Cell=Cell)
    env.filters.update(
        fmt_int=fmt_int,
        fmt_percent=fmt_percent,
        fmt_number=fmt_number,
        fmt_points=fmt_points,
        fmt_score=fmt_score,
        grade_key=grade_key,
        grade_label=_grade_label,
        status_label=_status_label,
        status_colour=status_colour,
        status_symbol=status_symbol,
        light_style=light_style,
        css_string=css_string,
    )
    env.tests.update(cell=lambda value: isinstance(value, Cell))
    return env


def render(template: str, /, **context: object) -> Markup:
    """A template of `templates/` rendered with `context` (which must hold `language` if it uses labels)."""
    return Markup(environment().get_template(template).render(**context))


@functools.cache
def macros(language: str, template: str = UI):
    """The macros of a template bound to a language: `macros("en").kpi_cards(...)` returns Markup."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    return environment().get_template(template).make_module({"language": language})


def render_css(template: str, /, **theme_values: object) -> Markup:
    """A stylesheet from a `*.css.j2` template and theme values, safe to put inside <style>."""
    if not template.endswith(".css.j2"):
        raise ValueError(f"{template!r} is not a stylesheet template (*.css.j2)")
    css = environment().get_template(template).render(**theme_values)
    if "<" in css:  # no value may close the <style> element or open another
        raise ValueError(f"{template}: a stylesheet may not contain '<'")
    return Markup(css)


def script_tag(*, code: str | None = None, src: str | None = None) -> Markup:
    """A <script> element: trusted code shipped with the package inline (never data), or a relative src."""
    if (code is None) == (src is None):
        raise ValueError("give either code or src")
    if code is not None and _SCRIPT_END.search(code):
        raise ValueError("inline script code may not contain '</script'")
    return render("html/script.html.j2", code=None if code is None else Markup(code), src=src)


__all__ = [
    "Cell",
    "Column",
    "Fact",
    "Link",
    "Row",
    "Table",
    "environment",
    "macros",
    "render",
    "render_css",
    "running_text",
    "css_string",
    "script_tag",
]
