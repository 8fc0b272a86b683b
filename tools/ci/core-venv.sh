#!/usr/bin/env bash
# core-venv.sh VERSION PYTHON DIR CONSTRAINTS
# Runs: python -m venv DIR/venv, then pip install of ansible-core==VERSION and
# tests/unit/requirements.txt, with CONSTRAINTS (requirements-dev.txt's pins).
# Why: make core-range tests the lowest and highest ansible-core the collection claims, each in a
# venv of its own with a Python that ansible-core supports; the unit tests' packages are the ones
# the default venv has. Kept when it already has this ansible-core and a stamp newer than the
# requirements files; rebuilt otherwise.
set -euo pipefail
version=$1 python=$2 dir=$3 constraints=$4
venv=$dir/venv
stamp=$venv/.installed-requirements
if [ -f "$stamp" ] && [ "$stamp" -nt tests/unit/requirements.txt ] && [ "$stamp" -nt "$constraints" ] \
  && [ "$(cat "$stamp")" = "$version $python" ]; then
  exit 0
fi
echo "-- venv $venv: ansible-core $version on $("$python" --version)"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -c "$constraints" "ansible-core==$version" -r tests/unit/requirements.txt
"$venv/bin/python" -m pip check
echo "$version $python" > "$stamp"
