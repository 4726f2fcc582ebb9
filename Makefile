# The course's two commands: `make lab` (learn) and `make test` (check everything).
# Every target is idempotent: a second run reinstalls nothing that is already current.

PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told to (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=
# Test processes: 2 halves the wall time on a 2-core machine (one process keeps one core
# busy: most test time is Python, not TensorFlow). Each file, and so each notebook, runs in
# one process. More workers need about 2.5 GB of memory each. --no-loadscope-reorder keeps
# the order of conftest.py's SLOW_FIRST (xdist would otherwise hand out the files with the
# most tests first, and the hub's long load test, which has few, last).
TEST_WORKERS ?= 2
BENCH_ARGS ?=

# The course's JupyterLab defaults (no "get notified about Jupyter news?" prompt), as a
# namespaced file in the environment's overrides.d: a learner's own settings still win.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/cnn-course.json

.PHONY: help venv dev data lab test lint format clean bench hub site

help:
	@echo "make lab    install (once), fetch the datasets, start JupyterLab on notebooks/"
	@echo "            extra JupyterLab options: make lab LAB_ARGS=\"--no-browser --port 8899\""
	@echo "make test   install dev tools (once), run ruff, unit tests, sync check, nbval (fast mode)"
	@echo "make venv   create or update .venv only"
	@echo "make data   fetch the datasets into the data directory (skips what is there)"
	@echo "make bench  time the seed and course recipes side by side (about 25 min, quiet machine)"
	@echo "            writes benchmarks/results.md and results.json; options: BENCH_ARGS=..."
	@echo "make hub    try the workshop JupyterHub on http://127.0.0.1:8000 (docs/hosting.md);"
	@echo "            needs Node.js: npm install -g configurable-http-proxy"
	@echo "make site   build the course website into site/_build/html (the stored outputs; runs nothing)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps record that the requirements were installed; they are redone only when a
# requirements file or pyproject.toml is newer than the stamp.
$(VENV)/.installed-runtime: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-runtime $(LAB_OVERRIDES)
	$(BIN)/python -m pip install -r requirements-dev.txt
	@touch $@

$(LAB_OVERRIDES): jupyterlab/overrides.d/cnn-course.json $(VENV)/.installed-runtime
	@mkdir -p $(dir $@)
	cp $< $@

venv: $(VENV)/.installed-runtime $(LAB_OVERRIDES)

dev: $(VENV)/.installed-dev

data: venv
	$(BIN)/python -m course_utils fetch all

lab: venv data
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

lint: dev
	$(BIN)/ruff check .

test: dev
	$(BIN)/ruff check .
	COURSE_FAST=1 $(BIN)/python -m pytest -v -p no:cacheprovider tests notebooks \
		-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=900 $(PYTEST_ARGS)

# Each recipe trains in its own process; MNIST pair 3 times, CIFAR-10 pair once (see --help).
bench: venv data
	$(BIN)/python -m benchmarks bench $(BENCH_ARGS)

# The workshop hub (hub/, docs/hosting.md) in local mode, on this computer only: learners choose
# their password at their first login, each gets a home under hub/runtime/homes/. HUB_PORT=...
# picks another port; COURSE_FAST=1 make hub puts every learner in fast mode.
hub: venv data
	$(BIN)/python -m pip install --quiet -r hub/requirements.txt
	$(BIN)/python hub/preflight.py
	HUB_MODE=local $(BIN)/jupyterhub -f hub/jupyterhub_config.py

# The course website: the lessons with their stored outputs (never executed) and the guides,
# with Sphinx, MyST-NB and sphinx-book-theme, offline (site/conf.py, site/course_site.py).
# SITE_ARGS=... passes options to sphinx-build (for example -E to reread every page).
SITE_ARGS ?=
site: dev
	$(BIN)/sphinx-build -b html -q -W --keep-going -c site -d site/_build/doctrees $(SITE_ARGS) \
		. site/_build/html
	@echo "site: open site/_build/html/index.html"

format: dev
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
