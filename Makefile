# Build, test and demo targets for the tlsready.windows collection.
#
#   make test   venv -> build -> typecheck -> sanity -> units -> lint -> browser -> lab-tests -> wine-tests -> bench-smoke -> molecule -> molecule-windows
#   make demo   venv -> build -> demo-run
#
# Everything runs from the project's own virtualenv ($(VENV)); nothing installed by
# hand is used. See docs/building-and-testing.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# sanity and units share one ansible_collections/ copy; steps run one after another.
.NOTPARALLEL:

PYTHON ?= python3
VENV ?= .venv
# The Python version ansible-test runs sanity/units with: the venv's own version.
TEST_PYTHON ?= $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')

ROOT := $(CURDIR)
VENV_DIR := $(abspath $(VENV))
BIN := $(VENV_DIR)/bin
STAMP := $(VENV_DIR)/.installed-requirements
BUILD := $(ROOT)/build
COLLECTIONS := $(BUILD)/collections
INSTALLED := $(COLLECTIONS)/ansible_collections/tlsready/windows
SANITY_ROOT := $(BUILD)/ansible_collections/tlsready/windows

# The venv's tools come first. VIRTUAL_ENV makes ansible-compat (ansible-lint, molecule)
# keep its cache in $(VENV)/.ansible rather than ~/.ansible.
export PATH := $(BIN):$(PATH)
export VIRTUAL_ENV := $(VENV_DIR)
# The built-and-installed tarball is the tlsready.windows that molecule, lint and the
# demo resolve; ansible.windows comes from the `ansible` package in site-packages.
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
ifdef CI
export ANSIBLE_NOCOLOR := 1
export NO_COLOR := 1
export PY_COLORS := 0
endif

HAVE_PWSH := $(shell command -v pwsh 2>/dev/null)

.PHONY: galaxy-import docs-lint core-range typecheck
.PHONY: help venv build sanity-copy sanity units lint browser wine wine-tests lab-tests bench bench-smoke molecule molecule-windows test demo demo-run clean

help:
	@echo "make test              venv, build, sanity, units, lint, molecule, molecule-windows"
	@echo "make demo              venv, build, then the offline lab demo"
	@echo "make bench             benchmark against the usual way (N = 100, 1000); rewrites benchmarks/README.md"
	@echo "make <step>            one step: venv build sanity units lint molecule molecule-windows"
	@echo "make clean             remove build/, tests/output/ and the venv"
	@echo "PYTHON=python3.X make  build the venv with another interpreter"

# ---------------------------------------------------------------- venv
# Rebuilt only when a requirements file changes (the stamp is older than it).
venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@echo "== venv: $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV_DIR)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip check
	@touch $@

# ---------------------------------------------------------------- build
# --no-deps: Galaxy is unreachable; ansible.windows is bundled in the `ansible` package.
build: venv
	@echo "== build: collection tarball, installed into $(COLLECTIONS)"
	rm -rf $(COLLECTIONS) $(BUILD)/tlsready-windows-*.tar.gz
	ansible-galaxy collection build --force --output-path $(BUILD)/
	ansible-galaxy collection install --no-deps --force -p $(COLLECTIONS) $(BUILD)/tlsready-windows-*.tar.gz
	test -f $(INSTALLED)/MANIFEST.json
	ansible-galaxy collection list tlsready.windows -p $(COLLECTIONS)

# ---------------------------------------------------------------- typecheck
# The type hints of every plugin, checked by mypy on the collection as built and installed.
typecheck: build
	@echo "== typecheck: mypy over plugins/ of the built collection"
	cd $(COLLECTIONS) && python -m mypy --config-file $(ROOT)/mypy.ini -p ansible_collections.tlsready.windows.plugins

# ---------------------------------------------------------------- sanity
# ansible-test needs the collection at .../ansible_collections/<ns>/<name>. The copy holds
# the files git knows of (tracked, or untracked but not ignored), so local junk (.venv,
# build, caches, lab runs) never reaches the tests; without git, a tar with excludes.
# Windows writes these with CRLF line endings and tlsready reads them as Windows writes them:
# the lab's exports (lab/generate.py), the export fixtures and collect.cmd (cmd.exe needs CRLF).
# ansible-test's line-endings test would ask for LF, so they are kept out of the files it
# lists instead of listed in tests/sanity/ignore-*.txt (which stay empty, for every
# ansible-core); tests/unit/test_collect_cmd.py checks that they keep their CRLF.
WINDOWS_BYTES := /lab/hosts/ /files/collect.cmd /tests/unit/fixtures/exports/systeminfo-*

sanity-copy:
	rm -rf $(BUILD)/ansible_collections
	mkdir -p $(SANITY_ROOT)
	@if git -C $(ROOT) rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git -C $(ROOT) ls-files -z --cached --others --exclude-standard \
	    | tar -C $(ROOT) --null --ignore-failed-read -T - -cf - | tar -C $(SANITY_ROOT) -xf - ; \
	else \
	  tar -C $(ROOT) --exclude=./.venv --exclude=./build --exclude=./.git --exclude=__pycache__ \
	    --exclude=./.ansible --exclude=./tests/output --exclude=./lab/.runs --exclude=./reports \
	    -cf - . | tar -C $(SANITY_ROOT) -xf - ; \
	fi
	@# ansible-test lists content files with git from the nearest .git upwards; build/ is
	@# ignored by this repo, so the copy gets an empty repo of its own (nothing committed).
	@if command -v git >/dev/null 2>&1; then git -C $(SANITY_ROOT) init --quiet; fi
	@# Files that hold Windows' own bytes (CRLF) are in the copy, for the unit tests, but not in
	@# what ansible-test lists: the copy's git excludes them (see WINDOWS_BYTES below).
	@if [ -d $(SANITY_ROOT)/.git ]; then printf '%s\n' $(WINDOWS_BYTES) >> $(SANITY_ROOT)/.git/info/exclude; fi

# pip version ansible-test bootstraps into its sanity venvs (get_venv_packages()).
GET_PIP_VERSION = $(shell sed -n "s/^ *pip='\([0-9.]*\)',.*/\1/p" \
  $$($(BIN)/python -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py | head -n1)
GET_PIP_CACHE = $(HOME)/.ansible/test/cache/get_pip_$(subst .,_,$(GET_PIP_VERSION)).py

# PowerShell plugin files: pslint checks them with PSScriptAnalyzer in pwsh, and
# validate-modules reads a PowerShell module's argument spec by running pwsh.
PS_FILES := $(shell find $(ROOT)/plugins -type f \( -name '*.ps1' -o -name '*.psm1' -o -name '*.psd1' \) 2>/dev/null)
ifeq ($(HAVE_PWSH),)
SANITY_SKIP := --skip-test pslint
ifneq ($(PS_FILES),)
# validate-modules then runs on its own, on every plugin file except the PowerShell ones.
SANITY_SKIP += --skip-test validate-modules
SPLIT_VALIDATE_MODULES := 1
endif
endif

sanity: venv sanity-copy
	@echo "== sanity: ansible-test sanity, Python $(TEST_PYTHON), in $(SANITY_ROOT)"
	@# Each sanity test gets a venv (~/.ansible/test/venv, reused) that ansible-test seeds
	@# with a get-pip script downloaded from a host this machine cannot reach: put an
	@# offline stand-in (ensurepip + pip from the index) in its cache if none is there.
	@if [ ! -f "$(GET_PIP_CACHE)" ]; then \
	  mkdir -p "$(dir $(GET_PIP_CACHE))" && cp tools/ansible_test_get_pip.py "$(GET_PIP_CACHE)" && \
	  echo "seeded $(GET_PIP_CACHE) from tools/ansible_test_get_pip.py"; fi
ifeq ($(HAVE_PWSH),)
	@echo "skipped: pslint needs PowerShell (pwsh), not available on this machine ($(words $(PS_FILES)) PowerShell files unchecked)"
endif
ifdef SPLIT_VALIDATE_MODULES
	@echo "skipped: validate-modules on the $(words $(PS_FILES)) .ps1/.psm1/.psd1 files needs PowerShell (pwsh) to read their argument spec; it runs on all other files"
endif
	cd $(SANITY_ROOT) && ansible-test sanity --color no --python $(TEST_PYTHON) $(SANITY_SKIP)
ifdef SPLIT_VALIDATE_MODULES
	cd $(SANITY_ROOT) && targets=$$(find plugins -type f ! -path '*/__pycache__/*' ! -name '*.ps1' ! -name '*.psm1' ! -name '*.psd1' | sort); \
	  if [ -n "$$targets" ]; then ansible-test sanity --color no --python $(TEST_PYTHON) --test validate-modules $$targets; fi
endif

# ---------------------------------------------------------------- units
# Same ansible_collections/ copy, the venv's Python; pytest, pytest-xdist, hypothesis and
# jsonschema come from requirements-dev.txt, so ansible-test installs nothing.
units: venv sanity-copy
	@echo "== units: ansible-test units, Python $(TEST_PYTHON)"
	cd $(SANITY_ROOT) && ansible-test units --color no --python $(TEST_PYTHON)

# ---------------------------------------------------------------- lint
# --offline: ansible-lint must not install this source tree or dependencies itself (with
# ANSIBLE_COLLECTIONS_PATH set it would write into ~/.ansible and ask Galaxy);
# tlsready.windows resolves to the installed tarball, hence the dependency on build.
lint: build
	@echo "== lint: ansible-lint --profile production; antsibull-changelog lint"
	ansible-lint --offline --profile production --nocolor
	antsibull-changelog lint
	antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# ---------------------------------------------------------------- molecule
# Scenarios live in extensions/molecule/<name>/; molecule 26 finds them only when run
# from the collection root (where galaxy.yml is), not from extensions/molecule.
molecule: build
	@echo "== molecule: scenario lab (offline lab hosts)"
	molecule test -s lab

molecule-windows: venv
	@if [ -z "$${TLSREADY_WIN_HOST:-}" ]; then \
	  echo "skipped: molecule scenario 'windows' needs a real Windows host: set TLSREADY_WIN_HOST, TLSREADY_WIN_USER and TLSREADY_WIN_PASSWORD (optional TLSREADY_WIN_TRANSPORT, default ntlm)"; \
	  exit 0; \
	fi; \
	for v in TLSREADY_WIN_USER TLSREADY_WIN_PASSWORD; do \
	  if [ -z "$${!v:-}" ]; then echo "molecule-windows: TLSREADY_WIN_HOST is set but $$v is not" >&2; exit 2; fi; \
	done; \
	echo "== molecule: scenario windows against $$TLSREADY_WIN_HOST ($${TLSREADY_WIN_TRANSPORT:-ntlm})"; \
	$(MAKE) --no-print-directory build; \
	molecule test -s windows

# ---------------------------------------------------------------- browser
# Debian's Chromium renders report.html in tests/lab/test_report_html.py (headless screenshot).
browser:
	@if command -v chromium >/dev/null 2>&1; then echo "== browser: $$(chromium --version)"; \
	else echo "== browser: installing Debian's chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null && chromium --version; fi

# ---------------------------------------------------------------- wine
# Debian's wine64 (Wine 8) is the independent peer for our Windows files: its cmd.exe, reg.exe,
# wusa.exe and expand.exe run collect.cmd, remediation.cmd and every .reg file we write
# (tests/wine). Its loader is /usr/lib/wine/wine64; nothing is put on PATH.
WINE_LOADER := /usr/lib/wine/wine64
wine:
	@if [ -x $(WINE_LOADER) ]; then echo "== wine: $$($(WINE_LOADER) --version)"; \
	else echo "== wine: installing Debian's wine64"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends wine64 >/dev/null && $(WINE_LOADER) --version; fi

wine-tests: wine build
	@echo "== wine-tests: Windows programs replaced by Wine's: cmd.exe, reg.exe (query, import, export), wmic.exe, powershell.exe and systeminfo.exe (Wine stubs: collect.cmd must notice their empty output), wusa.exe, expand.exe"
	TLSREADY_REQUIRE_WINE=1 python -m pytest tests/wine -q -p no:cacheprovider

# ---------------------------------------------------------------- lab playbooks
# The real playbooks against a copy of the offline lab, with the installed tarball.
lab-tests: build
	@echo "== lab-tests: audit, converge, check mode, guards, restore on the offline lab"
	python -m pytest tests/lab -q -p no:cacheprovider

# ---------------------------------------------------------------- benchmarks
# Round trips, payload bytes and controller time per host against the usual way, on offline
# lab copies (benchmarks/README.md). bench rewrites the table there; bench-smoke (N = 10, in
# make test) only checks that the benchmark runs: no timing is ever asserted.
bench: build
	@echo "== bench: N = 100 and 1000 offline hosts (several minutes)"
	python benchmarks/bench.py --hosts 100 1000 --repeat 3 --readme

bench-smoke: build
	@echo "== bench-smoke: the benchmark on N = 10 offline hosts, once"
	python benchmarks/bench.py --hosts 10 --repeat 1

# ---------------------------------------------------------------- core-range
# The lab audit and converge (tests/lab/test_core_range.py, the lab's audit-converge-audit test)
# and sanity's line-endings test on the lowest and the highest ansible-core the collection claims
# (meta/runtime.yml requires_ansible; the venv's own ansible-core runs every other step). Each
# gets a venv in build/ with a Python it supports: 2.16 runs on 3.10-3.12, 2.21 needs 3.12+.
# ansible.windows comes from the venv's `ansible` package (it supports ansible-core 2.16+).
CORE_LOWEST := 2.16.19
CORE_HIGHEST := 2.21.5
CORE_LOWEST_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.11*/bin/python3 $(HOME)/.pyenv/versions/3.12*/bin/python3 $(HOME)/.pyenv/versions/3.10*/bin/python3) $(shell command -v /usr/bin/python3.11 /usr/bin/python3.12 /usr/bin/python3.10 2>/dev/null))
CORE_HIGHEST_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3 $(HOME)/.pyenv/versions/3.12*/bin/python3) $(shell command -v /usr/bin/python3.13 /usr/bin/python3.12 2>/dev/null))
CORE_SITE := $(shell $(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null)

core-range: build sanity-copy
	@echo "== core-range: lab audit/converge and sanity line-endings on ansible-core $(CORE_LOWEST) and $(CORE_HIGHEST)"
	@grep -q 'requires_ansible: ">=$(basename $(CORE_LOWEST)).0"' meta/runtime.yml || \
	  { echo "core-range: meta/runtime.yml requires_ansible does not start at $(basename $(CORE_LOWEST))" >&2; exit 1; }
	grep -vE '^(-r|ansible|resolvelib)' requirements-dev.txt > $(BUILD)/core-constraints.txt
	@set -e; for pair in "$(CORE_LOWEST) $(CORE_LOWEST_PYTHON)" "$(CORE_HIGHEST) $(CORE_HIGHEST_PYTHON)"; do \
	  set -- $$pair; version=$$1; python=$${2:-}; \
	  if [ -z "$$python" ]; then echo "skipped: ansible-core $$version needs a Python this machine does not have (3.12+ for 2.21; set CORE_LOWEST_PYTHON / CORE_HIGHEST_PYTHON)"; continue; fi; \
	  dir=$(BUILD)/core-$$version; \
	  if [ ! -x $$dir/venv/bin/ansible-test ]; then \
	    echo "-- venv $$dir/venv: ansible-core $$version on $$($$python --version)"; \
	    $$python -m venv $$dir/venv; \
	    $$dir/venv/bin/python -m pip install --quiet -c $(BUILD)/core-constraints.txt ansible-core==$$version pytest jsonschema; fi; \
	  rm -rf $$dir/collections && mkdir -p $$dir/collections/ansible_collections; \
	  ln -s $(COLLECTIONS)/ansible_collections/tlsready $$dir/collections/ansible_collections/tlsready; \
	  ln -s $(CORE_SITE)/ansible_collections/ansible $$dir/collections/ansible_collections/ansible; \
	  echo "-- $$($$dir/venv/bin/ansible --version | sed -n 1p) on $$($$dir/venv/bin/python --version)"; \
	  env -u VIRTUAL_ENV PATH=$$dir/venv/bin:$$PATH TLSREADY_TEST_COLLECTIONS=$$dir/collections \
	    $$dir/venv/bin/python -m pytest -q -p no:cacheprovider tests/lab/test_core_range.py \
	    "tests/lab/test_lab_playbooks.py::test_audit_converge_audit"; \
	  ( cd $(SANITY_ROOT) && env -u VIRTUAL_ENV PATH=$$dir/venv/bin:$$PATH $$dir/venv/bin/ansible-test sanity \
	    --color no --python $$($$dir/venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --test line-endings ); \
	done

# ---------------------------------------------------------------- galaxy-import
# galaxy-importer checks the built tarball as Galaxy and Automation Hub do on upload (their
# settings: tests/galaxy/galaxy-importer.cfg), from an empty folder so that ansible-lint sees
# only the tarball. It needs a venv of its own (tests/galaxy/requirements.txt says why). Any
# WARNING or ERROR line fails the step: Hub shows both to the uploader.
GALAXY_IMPORTER_VENV := $(BUILD)/galaxy-importer-venv
GALAXY_IMPORTER_STAMP := $(GALAXY_IMPORTER_VENV)/.installed-requirements

$(GALAXY_IMPORTER_STAMP): tests/galaxy/requirements.txt
	$(PYTHON) -m venv $(GALAXY_IMPORTER_VENV)
	$(GALAXY_IMPORTER_VENV)/bin/python -m pip install --quiet -r tests/galaxy/requirements.txt
	@touch $@

galaxy-import: build $(GALAXY_IMPORTER_STAMP)
	@echo "== galaxy-import: galaxy-importer on $$(basename $(BUILD)/tlsready-windows-*.tar.gz)"
	@tarball=$$(ls $(BUILD)/tlsready-windows-*.tar.gz); out=$(BUILD)/galaxy-import.log; work=$$(mktemp -d); \
	  ( cd $$work && env -u VIRTUAL_ENV -u ANSIBLE_COLLECTIONS_PATH PATH=$(GALAXY_IMPORTER_VENV)/bin:/usr/bin:/bin \
	    GALAXY_IMPORTER_CONFIG=$(ROOT)/tests/galaxy/galaxy-importer.cfg \
	    $(GALAXY_IMPORTER_VENV)/bin/python -m galaxy_importer.main $$tarball ) > $$out 2>&1; rc=$$?; rm -rf $$work; \
	  if [ $$rc -ne 0 ] || grep -qE '^(WARNING|ERROR)' $$out; then cat $$out; echo "galaxy-import: galaxy-importer reported the lines above (exit $$rc)" >&2; exit 1; fi; \
	  grep -E 'Importing with|Linting|ansible-doc|Done' $$out || true; echo "galaxy-import: no warning, no error ($$out)"

# ---------------------------------------------------------------- docs-lint
# antsibull-docs: the plugin and role docs' markup and references, then the collection's
# docsite (the RST pages docs.ansible.com would build) rendered by Sphinx, warnings as errors.
docs-lint: build
	@echo "== docs-lint: antsibull-docs lint-collection-docs, docsite build"
	antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck .
	rm -rf $(BUILD)/docsite && mkdir -p $(BUILD)/docsite
	antsibull-docs sphinx-init --use-current --lenient --dest-dir $(BUILD)/docsite tlsready.windows >/dev/null
	echo 'intersphinx_mapping = {}  # offline build (make docs-lint)' >> $(BUILD)/docsite/conf.py
	@# Offline: labels of docs.ansible.com (other collections' modules, common_return_values, the
	@# configuration page) resolve there through intersphinx, which needs the network; they are
	@# the only Sphinx warnings allowed.
	cd $(BUILD)/docsite && antsibull-docs collection --use-current --dest-dir rst --fail-on-error tlsready.windows \
	  && sphinx-build -M html rst build -c . -q -w warnings.txt
	@if grep -vE "WARNING: undefined label: '(common_return_values|action_plugins|ansible_configuration_settings|ansible_collections\.ansible\.(windows|builtin)\.[a-z_]+(_module)?)'" \
	    $(BUILD)/docsite/warnings.txt | grep -E 'WARNING|ERROR'; then echo "docs-lint: Sphinx warnings above" >&2; exit 1; fi
	test -f $(BUILD)/docsite/build/html/collections/tlsready/windows/index.html

# ---------------------------------------------------------------- test
# Make stops at the first failing step, so reaching this recipe means every step passed.
TEST_STEPS := venv build typecheck sanity units lint galaxy-import docs-lint browser lab-tests wine-tests core-range bench-smoke molecule molecule-windows

test: $(TEST_STEPS)
	@echo "make test: every step passed ($(TEST_STEPS))"

# ---------------------------------------------------------------- demo
demo: venv build
	@$(MAKE) -s --no-print-directory demo-run

# Audit the lab, converge it, audit again (on a copy under build/demo), print before/after.
demo-run:
	bash tools/demo.sh

# ---------------------------------------------------------------- clean
clean:
	rm -rf $(BUILD) tests/output .ansible $(VENV_DIR)
