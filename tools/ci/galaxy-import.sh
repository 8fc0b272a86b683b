#!/usr/bin/env bash
# galaxy-import.sh PYTHON BUILD
# Runs: galaxy-importer on the built tarball (BUILD/tlsready-windows-*.tar.gz), as Galaxy and
# Automation Hub do on upload, with their settings (tests/galaxy/galaxy-importer.cfg), from an
# empty folder so that ansible-lint sees only the tarball.
# Why: any WARNING or ERROR line fails the step, since Hub shows both to the uploader.
# galaxy-importer needs a venv of its own (BUILD/galaxy-importer-venv, made with PYTHON; remade
# when tests/galaxy/requirements.txt changes; that file says why).
set -euo pipefail
python=$1 build=$2
root=$(pwd)
venv=$build/galaxy-importer-venv
stamp=$venv/.installed-requirements
if [ ! -f "$stamp" ] || [ tests/galaxy/requirements.txt -nt "$stamp" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet -r tests/galaxy/requirements.txt
  touch "$stamp"
fi
tarball=$(ls "$build"/tlsready-windows-*.tar.gz)
echo "== galaxy-import: galaxy-importer on $(basename "$tarball")"
out=$build/galaxy-import.log
work=$(mktemp -d)
rc=0
( cd "$work" && env -u VIRTUAL_ENV -u ANSIBLE_COLLECTIONS_PATH PATH="$venv/bin:/usr/bin:/bin" \
    GALAXY_IMPORTER_CONFIG="$root/tests/galaxy/galaxy-importer.cfg" \
    "$venv/bin/python" -m galaxy_importer.main "$tarball" ) > "$out" 2>&1 || rc=$?
rm -rf "$work"
if [ "$rc" -ne 0 ] || grep -qE '^(WARNING|ERROR)' "$out"; then
  cat "$out"
  echo "galaxy-import: galaxy-importer reported the lines above (exit $rc)" >&2
  exit 1
fi
grep -E 'Importing with|Linting|ansible-doc|Done' "$out" || true
echo "galaxy-import: no warning, no error ($out)"
