"""The typed vocabularies: statuses, lights, pacing and page states are StrEnums whose values are the files' strings,
and no template, script or module outside the vocabularies spells a status or a page state as a literal."""

import ast
import json
import re

from analytics.measures import metrics
from analytics.measures.vocabulary import LAGGING_STATUSES, LIGHTS, SEVERITY, STATUSES, Light, Pacing, Status
from analytics.report.layout import PageState

from builders import SRC

TEMPLATES = SRC / "report" / "templates"
WORDS = {s.value for s in Status} | {s.value for s in PageState}

# Where a vocabulary is defined, and the catalogues of words keyed by its values (labels, phrases).
DEFINED = {"measures/vocabulary.py", "report/layout.py", "bulletin/wording.py"}
# The same word meaning something else: (module, word): why.
OTHER_MEANING = {
    ("data/appraisal.py", "missed"): "a veto rule's name (the data layer, below the measures)",
    ("data/appraisal.py", "no_data"): "a grade key",
    ("measures/evaluation.py", "missed"): "the veto rule's name",
    ("report/charts.py", "below"): "plotly's layer='below'",
    ("report/evaluation_sections.py", "no_data"): "a note key (note.no_data)",
    ("report/sections.py", "no_data"): "a note key (note.no_data)",
    ("report/scorecard.py", "no_data"): "a grade key",
    ("report/theme.py", "no_data"): "a grade colour key",
}
_QUOTED = re.compile(r"""["'](""" + "|".join(sorted(WORDS)) + r""")["']""")


def test_values_are_the_files_strings():
    assert STATUSES == ("completed", "ahead", "on_pace", "below", "behind", "missed", "no_data")
    assert LAGGING_STATUSES == ("below", "behind", "missed") and set(SEVERITY) == set(STATUSES)
    assert LIGHTS == ("red", "yellow", "none") and tuple(Pacing) == ("linear", "level")
    assert tuple(PageState) == ("rendered", "up_to_date", "failed", "stale", "not_rendered")
    assert json.dumps([Status.ON_PACE, Light.RED]) == '["on_pace", "red"]' and f"{Status.BELOW}" == "below"
    assert metrics.STATUSES is STATUSES  # one declaration, re-exported


def test_pace_status_answers_with_the_vocabulary():
    assert metrics.pace_status(1.0, 0.0) is Status.COMPLETED
    assert metrics.pace_status(0.5, -2.0, tolerance=1.0) is Status.BEHIND
    assert metrics.pace_status(0.5, 0.5, tolerance=1.0) is Status.ON_PACE


def _script_and_template_hits() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in (".j2", ".js"):
            continue
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)  # Jinja comments
        for n, line in enumerate(text.splitlines(), 1):
            found += [f"{path.relative_to(SRC)}:{n}: {m.group(0)}" for m in _QUOTED.finditer(line)]
    return found


def _python_hits() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name in DEFINED or name.startswith("text/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in WORDS and (name, node.value) not in OTHER_MEANING:
                found.append(f"{name}:{node.lineno}: {node.value!r}")
    return found


def test_no_template_or_script_spells_a_status_or_page_state():
    assert _script_and_template_hits() == [], "read them from the page's data (scorecard.index_payload)"


def test_no_module_spells_a_status_or_page_state():
    assert _python_hits() == [], "use analytics.measures.vocabulary.Status or report.layout.PageState"


def test_the_scan_finds_a_literal():
    assert _QUOTED.search('if (page === "failed") {') and _QUOTED.search("x == 'on_pace'")
    assert not _QUOTED.search('"failed_units"')
