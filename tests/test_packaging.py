"""Packaging metadata agrees with itself: pyproject, environment.yml, constraints.txt, the console script."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from builders import NOTEBOOKS, REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEPENDENCIES = PYPROJECT["project"]["dependencies"]


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (REPO_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert match, f"constraints.txt: {line!r} is not a name==version pin"
        pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def test_environment_yml_pip_list_equals_pyproject_dependencies():
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1
    requirements = [r for r in pip_sections[0] if not r.startswith("-")]  # "-e ." installs the package
    assert sorted(requirements) == sorted(DEPENDENCIES)
    assert "-e ." in pip_sections[0]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python=3.11"]  # requires-python is >=3.11,<3.12


@pytest.mark.parametrize("requirement", DEPENDENCIES)
def test_constraints_pin_every_runtime_dependency_within_its_range(requirement):
    req = Requirement(requirement)
    pins = _pins()
    name = canonicalize_name(req.name)
    assert name in pins, f"constraints.txt does not pin {req.name}"
    assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} is outside {req.specifier}"


def test_console_script_is_declared():
    assert PYPROJECT["project"]["scripts"]["campaign-analytics"] == "analytics.cli:main"


@pytest.mark.parametrize("name", ["unit_report.ipynb", "explore.ipynb"])
def test_notebooks_folder_holds_the_shipped_notebook_not_a_second_copy(name):
    # notebooks/ is what users open in JupyterLab; the package ships src/analytics/notebooks/. One file, two paths.
    opened = NOTEBOOKS / name
    shipped = REPO_ROOT / "src" / "analytics" / "notebooks" / name
    assert opened.is_symlink() and opened.resolve() == shipped.resolve()


def test_package_data_declares_the_notebooks_and_templates():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]["analytics"]
    assert {"notebooks/*.ipynb", "report/templates/**/*", "explore/static/*.js", "py.typed"} <= set(data)
    assert (REPO_ROOT / "src" / "analytics" / "py.typed").is_file()
    assert (REPO_ROOT / "src" / "analytics" / "explore" / "static" / "width_probe.js").is_file()


def test_import_layers_are_declared_for_import_linter():
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers" and "containers" not in c)
    assert layers[0] == "analytics.cli" and layers[-1] == "analytics.text"
    assert "analytics.measures | analytics.exchange" in layers and "analytics.data" in layers
    measures = next(c for c in contracts if c.get("containers") == ["analytics.measures"])
    assert measures["layers"] == ["kpis", "evaluation | findings", "metrics", "vocabulary | derived"]
    assert any(c["type"] == "acyclic_siblings" and "analytics.data" in c["ancestors"] for c in contracts)


def test_imports_keep_to_their_layers():
    pytest.importorskip("importlinter", reason="import-linter is a dev dependency (make installs it)")
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def _private_names_of_measures(source: str) -> list[str]:
    """Private names of analytics.measures used by a module: imported (`from analytics.measures.kpis import _x`)
    or read off a measures module (`kpis._x`, `analytics.measures.kpis._x`)."""
    import ast

    tree = ast.parse(source)
    modules: set[str] = set()  # local names bound to a measures module
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analytics.measures"):
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"{node.module}.{alias.name}")
                elif node.module == "analytics.measures":
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("analytics.measures") and alias.asname:
                    modules.add(alias.asname)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = ast.unparse(node.value)
            if owner in modules or owner.startswith("analytics.measures"):
                found.append(f"{owner}.{node.attr}")
    return found


def test_private_names_of_measures_stay_inside_measures():
    measures = REPO_ROOT / "src" / "analytics" / "measures"
    outside = [p for top in ("src", "tests", "scripts", "benchmarks") for p in (REPO_ROOT / top).rglob("*.py")
               if measures not in p.parents]
    used = {str(p.relative_to(REPO_ROOT)): names for p in outside
            if (names := _private_names_of_measures(p.read_text(encoding="utf-8")))}
    assert used == {}


def test_the_private_name_check_sees_imports_and_attributes():
    assert _private_names_of_measures("from analytics.measures.kpis import _POSITIONS, unit_kpis\n") == [
        "analytics.measures.kpis._POSITIONS"]
    assert _private_names_of_measures("from analytics.measures import kpis\nkpis._POSITIONS.clear()\n") == [
        "kpis._POSITIONS"]
    assert _private_names_of_measures("import analytics.measures.kpis\nanalytics.measures.kpis._x()\n") == [
        "analytics.measures.kpis._x"]
    assert _private_names_of_measures("from analytics.measures.kpis import unit_kpis\n") == []
