"""The docs cannot rot: every `campaign-analytics …` example in README.md and docs/*.md runs, with its exit code.

An example is a line of a fenced shell block (```bash, ```sh, ```shell) that starts with `campaign-analytics`
(or `.venv/bin/campaign-analytics`); a `papermill` line in the same block runs too, since the `html` example
reads what it writes. The lines of a block run in order in one empty folder, so `collect` finds what
`template` wrote just above it. Inputs in the checkout (`data/raw/…`, `parameters/…`, `tests/…`,
`notebooks/…`) are read where they are; every other relative path is created in that folder, `/tmp/…` moves
into it, and a `run` without `--out` is given one there, so no example writes into the checkout.
A trailing `# exit N` documents a non-zero exit status; without one the example must exit 0.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from builders import REPO_ROOT

DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 250

SHELL_FENCES = {"bash", "sh", "shell"}
PROGRAMS = {"campaign-analytics": "analytics", ".venv/bin/campaign-analytics": "analytics",
            "papermill": "papermill", ".venv/bin/papermill": "papermill"}
CHECKOUT_INPUTS = ("data/raw/", "parameters/", "tests/", "notebooks/")
# Commands that run notebooks through a Jupyter kernel: the `slow` marker's meaning.
KERNEL_COMMANDS = {"run", "html"}
EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")
FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass(frozen=True)
class Example:
    program: str  # the module run with `python -m`: analytics or papermill
    args: tuple[str, ...]
    exit_code: int
    line: int

    @property
    def needs_kernel(self) -> bool:
        # A usage error stops before any kernel starts.
        return self.program == "papermill" or (self.args[:1] in [(c,) for c in KERNEL_COMMANDS] and self.exit_code != 2)


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int
    examples: tuple[Example, ...]

    @property
    def id(self) -> str:
        return f"{self.doc.relative_to(REPO_ROOT)}:{self.line}"


def _logical_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Shell lines with their backslash continuations joined, each with the number of its first line."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, text in lines:
        if pending is not None:
            number, text = pending[0], pending[1] + " " + text.strip()
        if text.rstrip().endswith("\\"):
            pending = (number, text.rstrip()[:-1])
            continue
        pending = None
        out.append((number, text.strip()))
    return out


def _example(number: int, text: str) -> Example | None:
    match = EXIT.search(text)
    exit_code = int(match.group(1)) if match else 0
    words = shlex.split(text, comments=True)
    if not words or words[0] not in PROGRAMS:
        return None
    return Example(PROGRAMS[words[0]], tuple(words[1:]), exit_code, number)


def doc_blocks(doc: Path) -> list[Block]:
    """The fenced shell blocks of one Markdown file that hold a campaign-analytics example."""
    blocks: list[Block] = []
    fence: tuple[int, str] | None = None
    body: list[tuple[int, str]] = []
    for number, text in enumerate(doc.read_text(encoding="utf-8").splitlines(), start=1):
        match = FENCE.match(text.strip())
        if match and fence is None:
            fence, body = (number, match.group(1)), []
        elif text.strip() == "```" and fence is not None:
            if fence[1] in SHELL_FENCES:
                examples = [e for n, t in _logical_lines(body) if (e := _example(n, t))]
                if any(e.program == "analytics" for e in examples):
                    blocks.append(Block(doc, fence[0], tuple(examples)))
            fence = None
        elif fence is not None:
            body.append((number, text))
    return blocks


BLOCKS = [block for doc in DOCS for block in doc_blocks(doc)]


def _in_folder(arg: str, work: Path) -> str:
    """An argument as the example means it, run from `work` instead of the checkout."""
    if arg.startswith(CHECKOUT_INPUTS):
        return str(REPO_ROOT / arg)
    if arg.startswith("/tmp/"):
        return str(work / "tmp" / arg.removeprefix("/tmp/"))
    return arg


def command(example: Example, work: Path) -> list[str]:
    args = [_in_folder(a, work) for a in example.args]
    if example.program == "analytics" and args[:1] == ["run"] and "--out" not in args:
        args += ["--out", str(work / "reports")]
    return [sys.executable, "-m", example.program, *args]


@pytest.mark.parametrize(
    "block",
    [pytest.param(b, id=b.id, marks=[pytest.mark.slow] if any(e.needs_kernel for e in b.examples) else [])
     for b in BLOCKS],
)
def test_documented_example_runs_with_its_exit_code(block: Block, tmp_path: Path):
    (tmp_path / "tmp").mkdir()
    for example in block.examples:
        done = subprocess.run(command(example, tmp_path), cwd=tmp_path, capture_output=True, text=True,
                              timeout=600, check=False)
        shown = " ".join(example.args)
        assert done.returncode == example.exit_code, (
            f"{block.doc.name}, line {example.line}: `{shown}` exited {done.returncode}, the docs say "
            f"{example.exit_code}\n--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
        )
        if example.exit_code == 2:
            assert "Traceback" not in done.stderr


def test_every_command_has_an_example():
    commands = {e.args[0] for b in BLOCKS for e in b.examples if e.program == "analytics" and e.args}
    assert {"validate", "kpis", "run", "html", "template", "collect"} <= commands
    readme = {e.args[0] for b in BLOCKS if b.doc.name == "README.md" for e in b.examples if e.program == "analytics"}
    assert {"validate", "kpis", "run", "html", "template", "collect"} <= readme


def test_failing_examples_document_their_exit_code():
    assert any(e.exit_code == 2 for b in BLOCKS for e in b.examples)


def test_examples_are_found_across_continuations_and_comments(tmp_path: Path):
    doc = tmp_path / "page.md"
    doc.write_text(
        "```bash\n"
        "make report   # not an example\n"
        "campaign-analytics run --data data/raw/weishi \\\n"
        "    --units WS-T01   # one unit\n"
        "campaign-analytics validate tests/bad_inputs/x   # exit 2\n"
        "```\n"
        "```\n"
        "campaign-analytics validate shown/as/output\n"
        "```\n",
        encoding="utf-8",
    )
    [block] = doc_blocks(doc)
    assert [(e.args, e.exit_code, e.line) for e in block.examples] == [
        (("run", "--data", "data/raw/weishi", "--units", "WS-T01"), 0, 3),
        (("validate", "tests/bad_inputs/x"), 2, 5),
    ]
    run = command(block.examples[0], tmp_path)
    assert run[4:6] == ["--data", str(REPO_ROOT / "data/raw/weishi")]
    assert run[-2:] == ["--out", str(tmp_path / "reports")]


def test_readme_is_short():
    lines = (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move detail into docs/"
