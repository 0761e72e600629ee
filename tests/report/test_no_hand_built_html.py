"""No HTML is built by hand in src/: every page and fragment comes from the templates (report.templating).

The rule, applied to the syntax tree of every module under src/analytics except report/templating.py:

A *tag* is `<` followed by a letter, `/` or `!` (`<td`, `</a>`, `<!DOCTYPE`); `a < b` and `<=` are not tags.
A string-building expression is flagged when a literal part of it holds a tag:

- an f-string (`f'<td>{x}</td>'`),
- `'...'.format(...)` and `'...' % x`,
- `'sep'.join(...)` (the separator holds the tag: `'</td><td>'.join(cells)`),
- `+` of a literal with something that is not a literal (`'<b>' + name`),
- `.replace(old, new)` whose replacement holds a tag (`text.replace('\\n', '<br>')`).

`Markup(x)` with anything but a literal is flagged too: it marks text as safe HTML, bypassing escaping, and
only templating.py may do that (for CSS rendered from the theme and the plotly.js bundle).

One exception: plotly's own mini-markup. Plotly draws `<br>` (line break) and `<extra>` (the hover box's
trace name) inside its hover templates and text templates; these never reach an HTML page as markup, and
figure builders pass data to plotly only escaped by `plotly_text` or through `customdata`. So in the figure
module alone, a literal whose only tags are `<br>`, `<extra>` and `</extra>` is not flagged. Anywhere else
`<br>` is HTML like any other tag.

A second exception: worksheet XML. `report/xlsxrows.py` and `report/xlsxcolumns.py` (the same rows column by
column) stream kpis.xlsx's data rows as SpreadsheetML (`<row>`, `<c>`, `<is>`, `<t>`, `<v>`), never HTML, escaping
every text they write (tests/report/test_xlsxrows.py reads the cells back, test_xlsxcolumns.py compares the two);
in those modules alone those five tags are not flagged, and any other tag is.

Plain literals holding HTML with no data in them (no formatting at all) are not string building and are
not flagged; templates under report/templates/html may not switch escaping off (`|safe`,
`autoescape false`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from builders import SRC

TEMPLATING = Path("report/templating.py")
PLOTLY_MODULES = {Path("report/charts.py")}
PLOTLY_TAGS = {"br", "extra"}
SHEET_MODULES = {Path("report/xlsxrows.py"), Path("report/xlsxcolumns.py")}
SHEET_TAGS = {"row", "c", "is", "t", "v"}
TAG = re.compile(r"<(/?)([A-Za-z!][A-Za-z0-9-]*)")


def _literals(node: ast.AST) -> list[str]:
    """The literal text of a str constant or of an f-string's constant parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return []


def _is_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant)


def _html_tags(texts: list[str], allowed: set[str]) -> list[str]:
    tags = [m.group(0) for text in texts for m in TAG.finditer(text)]
    if allowed and all(t.lstrip("</").lower() in allowed for t in tags):
        return []
    return tags


def hand_built_html(source: str, module: Path = Path("x.py")) -> list[tuple[int, str]]:
    """(line, what) for every place the rule above flags in one module's source."""
    if module == TEMPLATING:
        return []
    allowed = PLOTLY_TAGS if module in PLOTLY_MODULES else SHEET_TAGS if module in SHEET_MODULES else set()
    found: list[tuple[int, str]] = []

    def flag(node: ast.AST, what: str, texts: list[str]) -> None:
        tags = _html_tags(texts, allowed)
        if tags:
            found.append((node.lineno, f"{what} with {tags[0]}"))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            flag(node, "f-string", _literals(node))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            flag(node, "%-formatting", _literals(node.left))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            if not (_is_literal(node.left) and _is_literal(node.right)):
                flag(node, "+ concatenation", _literals(node.left) + _literals(node.right))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in ("format", "join"):
                flag(node, f".{name}()", _literals(node.func.value))
            elif name == "replace" and len(node.args) >= 2:
                flag(node, ".replace()", _literals(node.args[1]))
        if isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if callee == "Markup" and not all(_is_literal(a) for a in node.args):
                found.append((node.lineno, "Markup() of a non-literal"))
    return found


def test_no_module_in_src_builds_html_by_hand():
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC)
        for line, what in hand_built_html(path.read_text(encoding="utf-8"), module):
            problems.append(f"src/analytics/{module}:{line}: {what}")
    assert problems == [], "HTML built by hand (use a template of report/templates/html):\n" + "\n".join(problems)


def test_templates_never_switch_escaping_off():
    folder = SRC / "report" / "templates" / "html"
    templates = sorted(folder.rglob("*.j2"))
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|autoescape\s+false", text), path.name


# The rule catches what it should and nothing else: each line below is one module's source.
FLAGGED = [
    "x = f'<td>{name}</td>'",
    "x = f'<a href=\"{href}\">'",
    "x = '<b>{}</b>'.format(name)",
    "x = '<b>%s</b>' % name",
    "x = '</td><td>'.join(cells)",
    "x = '<b>' + name",
    "x = name + '</b>'",
    "x = text.replace('\\n', '<br>')",
    "x = '<br>'.join(lines)",  # plotly's <br> is exempt only in the figure module
    "x = f'<!DOCTYPE html>{body}'",
    "x = Markup(name)",
    "x = markupsafe.Markup(f'{name}')",
]
NOT_FLAGGED = [
    "x = f'{a} < {b}'",
    "x = f'{a} <= {b}'",
    "x = '<b>fixed</b>'",  # a constant: no data goes in
    "x = '<b>' + '</b>'",
    "x = ', '.join(names)",
    "x = f'{name} ({code})'",
    "x = Markup('<br>')",
    "x = text.replace('<', '&lt;')",
]
PLOTLY = [
    "x = '<br>'.join(lines) + '<extra></extra>'",
    "x = f'%{{x}}<br>{label}: %{{y}}'",
]


@pytest.mark.parametrize("source", FLAGGED)
def test_the_rule_flags_html_built_from_data(source):
    assert hand_built_html(source), source
    assert hand_built_html(source, Path("report/charts.py")) or "<br>" in source


@pytest.mark.parametrize("source", NOT_FLAGGED)
def test_the_rule_leaves_other_strings_alone(source):
    assert hand_built_html(source) == []


@pytest.mark.parametrize("source", PLOTLY)
def test_plotly_mini_markup_is_allowed_only_in_the_figure_module(source):
    assert hand_built_html(source, Path("report/charts.py")) == []
    assert hand_built_html(source, Path("report/sections.py"))
    assert hand_built_html(source.replace("<br>", "<b>"), Path("report/charts.py"))
