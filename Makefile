# Two commands do all the set-up on a fresh machine with Python 3.11: `make report` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test test-fast lint docs docs-check bench bench-compare bench-wide bench-validate bench-explore bench-lab lab samples clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name campaign-analytics --display-name "campaign-analytics (Python 3.11)" >/dev/null
	$(BIN)/python -m compileall -q src >/dev/null
	touch $(STAMP)

## report: render every campaign that has a parameter file into reports/<campaign>/
report: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null  # byte-code written once: each process then starts without compiling
	@set -e; for p in parameters/*.yaml; do \
	  echo "== $$p"; $(BIN)/campaign-analytics run "$$p"; \
	done

## test: lint (ruff, import layers), the docs site built strictly, and the whole test suite, test files spread over the cores
test: lint docs-check
	$(BIN)/python -m pytest -n auto --dist loadfile

## test-fast: the edit loop: every test but the browser, notebook-kernel, JupyterLab and LibreOffice ones, in parallel
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow and not lab and not libreoffice" -n auto

## bench: batch benchmark (naive loop vs warm kernels vs in-process floor, issue 25's table), then the comparisons' cost
bench: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python benchmarks/batch.py
	$(BIN)/python benchmarks/comparisons.py

## bench-compare: the KPI table with and without the previous period's comparisons (1,000 units / 1,000,000 rows)
bench-compare: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python benchmarks/comparisons.py

## bench-wide: a unit with 100,000 children: `run --units R` as a process (time, peak RSS), page render and size, the index of 100,001 units in Chromium
bench-wide: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python benchmarks/wide.py

## bench-validate: cold `validate` of 1,000 units / 1,000,000 visit rows as a process (time, peak RSS)
bench-validate: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python benchmarks/validate.py

## bench-explore: explorer update times (largest sample; synthetic 1,000 units / 1,000,000 rows)
bench-explore: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python benchmarks/explore.py

## bench-lab: the explorer in a real JupyterLab in Chromium, control changed -> every chart redrawn (needs chromium)
bench-lab: $(STAMP)
	$(BIN)/python benchmarks/explore_lab.py

## lint: ruff, and import-linter's layer contract (pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/lint-imports --no-cache

## docs: build the documentation site (MkDocs, Material theme) into site/
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

## docs-check: build the docs strictly into a temporary folder: a broken link or a page missing from the nav fails
docs-check: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && $(BIN)/mkdocs build --strict --quiet --site-dir "$$tmp"

## samples: regenerate the bundled sample campaigns (deterministic)
samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py

## lab: JupyterLab in the project's environment
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root,)

clean:
	rm -rf $(VENV) reports data/processed site .pytest_cache .ruff_cache
