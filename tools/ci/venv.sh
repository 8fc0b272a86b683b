#!/usr/bin/env bash
# venv.sh PYTHON VENV_DIR
# Runs: PYTHON -m venv VENV_DIR, pip install -r requirements-dev.txt (every package pinned), pip check.
# Why: every step runs its tools from this one venv, so nothing installed by hand is used. The
# Makefile reruns this only when a requirements file is newer than the venv's stamp.
set -euo pipefail
python=$1 venv=$2
echo "== venv: $venv with $("$python" --version)"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r requirements-dev.txt
"$venv/bin/python" -m pip check
