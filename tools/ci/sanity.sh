#!/usr/bin/env bash
# sanity.sh SANITY_ROOT BIN [PYTHON_VERSION] [KNOWN_FAILURES]
# Runs: BIN/ansible-test sanity in SANITY_ROOT (the ansible_collections/tlsready/windows copy),
# with BIN first on PATH and --python PYTHON_VERSION (default: the version of BIN/python).
# Without pwsh, pslint is skipped, and validate-modules runs on its own on every plugin file but
# the PowerShell ones; each skip is printed.
# Why: one sanity run for every ansible-core: make sanity runs it with the venv's ansible-core,
# make core-range with the lowest and the highest one the collection claims (their venvs).
# KNOWN_FAILURES (make core-range) lists the errors, one "<test> <path> <code>" a line, that this
# ansible-core's sanity finds for a reason written above them there: every test still runs, and
# the step fails when any other error is found, or when a listed one is not (then take it off).
set -euo pipefail
root=$(cd "$1" && pwd) bin=$(cd "$2" && pwd) python=${3:-} known=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/ci/use-venv.sh
. "$here/use-venv.sh" "$bin"
[ -n "$python" ] || python=$("$bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ -z "$known" ] || known=$(cd "$(dirname "$known")" && pwd)/$(basename "$known")
"$here/seed-get-pip.sh" "$bin/python"

skip=()
split_validate_modules=
if ! command -v pwsh >/dev/null 2>&1; then
  # PowerShell plugin files: pslint checks them with PSScriptAnalyzer in pwsh, and
  # validate-modules reads a PowerShell module's argument spec by running pwsh.
  ps_files=$(find "$root/plugins" -type f \( -name '*.ps1' -o -name '*.psm1' -o -name '*.psd1' \) 2>/dev/null | wc -l)
  skip+=(--skip-test pslint)
  echo "skipped: pslint needs PowerShell (pwsh), not available on this machine ($ps_files PowerShell files unchecked)"
  if [ "$ps_files" -gt 0 ]; then
    skip+=(--skip-test validate-modules)
    split_validate_modules=1
    echo "skipped: validate-modules on the $ps_files .ps1/.psm1/.psd1 files needs PowerShell (pwsh) to read their argument spec; it runs on all other files"
  fi
fi

cd "$root"
# ansible-core 2.16 has two tests more, which ask for Python 2 boilerplate in modules: 2.16 takes a
# collection's modules to run on Python 2.7 too, unless tests/config.yml gives their python_requires.
# plugins/modules holds only the documentation of action plugins and of PowerShell modules, never run
# by a Python 2.7; the tests left ansible-test with Python 2.7 in 2.17.
tests=$("$bin/ansible-test" sanity --list-tests 2>/dev/null)
if [ ! -f tests/config.yml ] && grep -qx future-import-boilerplate <<< "$tests"; then
  skip+=(--skip-test future-import-boilerplate --skip-test metaclass-boilerplate)
  echo "skipped: future-import-boilerplate and metaclass-boilerplate (this ansible-test only) ask for Python 2 boilerplate in modules; no module here runs on Python 2.7, which no tests/config.yml rules out"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
"$bin/ansible-test" sanity --color no --python "$python" "${skip[@]}" 2>&1 | tee "$work/log" || rc=$?
if [ -n "$split_validate_modules" ]; then
  mapfile -t targets < <(find plugins -type f ! -path '*/__pycache__/*' ! -name '*.ps1' ! -name '*.psm1' ! -name '*.psd1' | sort)
  if [ "${#targets[@]}" -gt 0 ]; then
    "$bin/ansible-test" sanity --color no --python "$python" --test validate-modules "${targets[@]}" 2>&1 \
      | tee -a "$work/log" || rc=$?
  fi
fi
if [ -z "$known" ]; then
  exit "$rc"
fi
# Each error ansible-test printed ("ERROR: path:line:column: code: message"), as "<test> <path> <code>".
awk '
  /^Running sanity test "/ { match($0, /"[^"]+"/); test = substr($0, RSTART + 1, RLENGTH - 2); next }
  /^ERROR: [^ :]+:[0-9]+:[0-9]+: / {
    split(substr($0, 8), part, ": "); path = part[1]; sub(/:[0-9]+:[0-9]+$/, "", path)
    print test, path, part[2]
  }' "$work/log" | sort -u > "$work/found"
{ grep -vE '^(#|$)' "$known" || true; } | sort -u > "$work/listed"
comm -12 "$work/found" "$work/listed" | while read -r line; do echo "known sanity error: $line"; done
comm -23 "$work/found" "$work/listed" > "$work/unexpected"
comm -13 "$work/found" "$work/listed" > "$work/fixed"
while read -r line; do echo "unexpected sanity error: $line"; done < "$work/unexpected"
while read -r line; do echo "not found, but listed in $(basename "$known"): $line"; done < "$work/fixed"
if [ -s "$work/unexpected" ] || [ -s "$work/fixed" ] || { [ "$rc" -ne 0 ] && [ ! -s "$work/found" ]; }; then
  echo "sanity: errors other than the listed ones, or listed ones not found (ansible-test exit $rc)" >&2
  exit 1
fi
echo "sanity: no error but the $(wc -l < "$work/found") listed in $known"
