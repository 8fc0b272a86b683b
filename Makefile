# Build, test and demo targets for the tlsready.windows collection: a thin front end over the scripts
# in tools/ci/ (one a step; each says at its top what it runs and why). `make help` lists the targets;
# `make test` runs the steps of TEST_STEPS in order. Everything runs from the project's own
# virtualenv ($(VENV)); nothing installed by hand is used. See docs/building-and-testing.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# sanity, units and core-range share one ansible_collections/ copy; steps run one after another.
.NOTPARALLEL:

PYTHON ?= python3
VENV ?= .venv
# The Python version ansible-test runs sanity/units with: the venv's own version.
TEST_PYTHON ?= $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')

CI_DIR := tools/ci
VENV_DIR := $(abspath $(VENV))
BIN := $(VENV_DIR)/bin
STAMP := $(VENV_DIR)/.installed-requirements
BUILD := $(CURDIR)/build
COLLECTIONS := $(BUILD)/collections
SANITY_ROOT := $(BUILD)/ansible_collections/tlsready/windows

# The lowest and the highest ansible-core the collection claims (meta/runtime.yml requires_ansible),
# each with a Python it supports: 2.16 runs on 3.10-3.12, 2.21 needs 3.12+ (make core-range).
CORE_LOWEST := 2.16.19
CORE_HIGHEST := 2.21.5
CORE_LOWEST_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.11*/bin/python3 $(HOME)/.pyenv/versions/3.12*/bin/python3 $(HOME)/.pyenv/versions/3.10*/bin/python3) $(shell command -v /usr/bin/python3.11 /usr/bin/python3.12 /usr/bin/python3.10 2>/dev/null))
CORE_HIGHEST_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3 $(HOME)/.pyenv/versions/3.12*/bin/python3) $(shell command -v /usr/bin/python3.13 /usr/bin/python3.12 2>/dev/null))

# The venv's tools come first. VIRTUAL_ENV makes ansible-compat (ansible-lint, molecule) keep its cache
# in $(VENV)/.ansible. The built tarball is the tlsready.windows that molecule, lint and the demo use.
export PATH := $(BIN):$(PATH)
export VIRTUAL_ENV := $(VENV_DIR)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
ifdef CI
export ANSIBLE_NOCOLOR := 1
export NO_COLOR := 1
export PY_COLORS := 0
endif

TEST_STEPS := venv build typecheck sanity units lint galaxy-import docs-lint browser lab-tests wine-tests core-range bench-smoke molecule molecule-windows

.PHONY: help venv build typecheck sanity-copy sanity units lint galaxy-import docs-lint browser wine wine-tests
.PHONY: lab-tests core-range bench bench-smoke molecule molecule-windows test demo demo-run clean

help: ## this list (PYTHON=python3.X make venv: the venv with another interpreter)
	@awk -F ':.*## ' '/^[a-z-]+:.*## /{ printf "make %-17s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))

test: $(TEST_STEPS) ## every step below in order, stopping at the first failure
	@echo "make test: every step passed ($(TEST_STEPS))"

venv: $(STAMP) ## the venv from requirements-dev.txt (remade when a requirements file changes)
$(STAMP): requirements.txt requirements-dev.txt
	$(CI_DIR)/venv.sh $(PYTHON) $(VENV_DIR)
	@touch $@

build: venv ## ansible-galaxy collection build, then install of the tarball into build/collections
	$(CI_DIR)/build.sh $(BUILD) $(COLLECTIONS)

typecheck: build ## mypy (mypy.ini) over plugins/ of the built collection
	@echo "== typecheck: mypy over plugins/ of the built collection"
	cd $(COLLECTIONS) && python -m mypy --config-file $(CURDIR)/mypy.ini -p ansible_collections.tlsready.windows.plugins

sanity-copy: ## the files git knows of, copied to build/ansible_collections/tlsready/windows
	$(CI_DIR)/sanity-copy.sh $(CURDIR) $(BUILD)

sanity: venv sanity-copy ## ansible-test sanity with the venv's ansible-core (pslint skipped without pwsh)
	@echo "== sanity: ansible-test sanity, Python $(TEST_PYTHON), in $(SANITY_ROOT)"
	$(CI_DIR)/sanity.sh $(SANITY_ROOT) $(BIN) $(TEST_PYTHON)

units: venv sanity-copy ## ansible-test units with the venv's ansible-core
	@echo "== units: ansible-test units, Python $(TEST_PYTHON)"
	$(CI_DIR)/units.sh $(SANITY_ROOT) $(BIN) $(TEST_PYTHON)

lint: build ## ansible-lint --offline --profile production, antsibull-changelog lint
	@echo "== lint: ansible-lint --profile production; antsibull-changelog lint"
	ansible-lint --offline --profile production --nocolor
	antsibull-changelog lint
	antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

galaxy-import: build ## galaxy-importer on the tarball, as Galaxy and Automation Hub check an upload
	$(CI_DIR)/galaxy-import.sh $(PYTHON) $(BUILD)

docs-lint: build ## antsibull-docs lint-collection-docs, then the docsite built by Sphinx
	$(CI_DIR)/docs-lint.sh $(BUILD)

browser: ## Debian's chromium (for tests/lab/test_report_html.py), installed if missing
	$(CI_DIR)/debian-tool.sh browser chromium chromium

wine: ## Debian's wine64 (Wine 8), installed if missing
	$(CI_DIR)/debian-tool.sh wine /usr/lib/wine/wine64 wine64

wine-tests: wine build ## tests/wine: collect.cmd and our .reg files through Wine's cmd.exe and reg.exe
	@echo "== wine-tests: Windows programs replaced by Wine's: cmd.exe, reg.exe (query, import, export), wmic.exe, powershell.exe and systeminfo.exe (Wine stubs: collect.cmd must notice their empty output), wusa.exe, expand.exe"
	TLSREADY_REQUIRE_WINE=1 python -m pytest tests/wine -q -p no:cacheprovider

lab-tests: build ## tests/lab: the real playbooks on a copy of the offline lab, with the tarball
	@echo "== lab-tests: audit, converge, check mode, guards, restore on the offline lab"
	python -m pytest tests/lab -q -p no:cacheprovider

core-range: build sanity-copy ## lab audit/converge, sanity and units on the lowest and highest ansible-core
	$(CI_DIR)/core-range.sh $(BUILD) $(SANITY_ROOT) $(CORE_LOWEST) "$(CORE_LOWEST_PYTHON)" $(CORE_HIGHEST) "$(CORE_HIGHEST_PYTHON)"

bench: build ## benchmark against the usual way (N = 100, 1000); rewrites benchmarks/README.md
	@echo "== bench: N = 100 and 1000 offline hosts (several minutes)"
	python benchmarks/bench.py --hosts 100 1000 --repeat 3 --readme

bench-smoke: build ## the benchmark on N = 10 offline hosts, once (checks that it runs, no timing)
	@echo "== bench-smoke: the benchmark on N = 10 offline hosts, once"
	python benchmarks/bench.py --hosts 10 --repeat 1

molecule: build ## molecule test -s lab: the offline lab scenario (extensions/molecule/lab)
	@echo "== molecule: scenario lab (offline lab hosts)"
	molecule test -s lab

# The script runs `make build` itself when a host is set; named so, `make -n` does not run the script.
SUBMAKE = $(MAKE)
molecule-windows: venv ## molecule test -s windows on a real host (skipped unless TLSREADY_WIN_HOST is set)
	$(CI_DIR)/molecule-windows.sh "$(SUBMAKE)"

demo: venv build ## venv, build, then the offline lab demo (demo-run)
	@$(MAKE) -s --no-print-directory demo-run

demo-run: ## audit the lab, converge it, audit again (a copy under build/demo); before/after
	bash tools/demo.sh

clean: ## remove build/, tests/output/, .ansible/ and the venv
	rm -rf $(BUILD) tests/output .ansible $(VENV_DIR)
