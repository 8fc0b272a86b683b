#!/usr/bin/env bash
# core-range.sh BUILD SANITY_ROOT LOWEST LOWEST_PYTHON HIGHEST HIGHEST_PYTHON
# Runs, on the lowest and on the highest ansible-core the collection claims (meta/runtime.yml
# requires_ansible), each in a venv of its own under BUILD/core-<version>/ with a Python it supports:
#   - the lab audit and converge (tests/lab/test_core_range.py, no deprecation warning) and the
#     lab's audit-converge-audit test, with the built tarball;
#   - ansible-test sanity (tools/ci/sanity.sh, the same skips as make sanity), with the list of the
#     errors known with that ansible-core (tools/ci/known-failures/sanity-ansible-core-<X.Y>.txt);
#   - ansible-test units (tools/ci/units.sh), with the list of the tests known to fail with that
#     ansible-core (tools/ci/known-failures/units-ansible-core-<X.Y>.txt), where there is one.
# Why: the venv's own ansible-core runs every other step; this one checks both ends of the range.
# ansible.windows and awx.awx (tests/requirements.yml) come from the venv's `ansible` package.
# A version whose Python is missing (empty *_PYTHON) is skipped, and the skip printed.
set -euo pipefail
build=$1 sanity_root=$2
lowest=$3 lowest_python=${4:-} highest=$5 highest_python=${6:-}
here=$(cd "$(dirname "$0")" && pwd)
venv_python=${VIRTUAL_ENV:?the default venv, which the Makefile exports as VIRTUAL_ENV}/bin/python
collections=$build/collections

echo "== core-range: lab audit/converge, sanity and units on ansible-core $lowest and $highest"
if ! grep -q "requires_ansible: \">=${lowest%.*}.0\"" meta/runtime.yml; then
  echo "core-range: meta/runtime.yml requires_ansible does not start at ${lowest%.*}" >&2
  exit 1
fi
# requirements-dev.txt's pins but ansible-core's own (and its resolvelib, which 2.16 caps lower);
# rewritten only when they change, so that core-venv.sh keeps a venv that is up to date.
grep -vE '^(-r|ansible|resolvelib)' requirements-dev.txt > "$build/core-constraints.txt.new"
if cmp -s "$build/core-constraints.txt.new" "$build/core-constraints.txt"; then
  rm "$build/core-constraints.txt.new"
else
  mv "$build/core-constraints.txt.new" "$build/core-constraints.txt"
fi
core_site=$("$venv_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

summary=()
for pair in "$lowest $lowest_python" "$highest $highest_python"; do
  read -r version python <<< "$pair"
  if [ -z "${python:-}" ]; then
    echo "skipped: ansible-core $version needs a Python this machine does not have (3.12+ for 2.21; set CORE_LOWEST_PYTHON / CORE_HIGHEST_PYTHON)"
    continue
  fi
  dir=$build/core-$version
  bin=$dir/venv/bin
  "$here/core-venv.sh" "$version" "$python" "$dir" "$build/core-constraints.txt"
  "$here/test-collections.sh" "$venv_python" "$dir/venv"
  rm -rf "$dir/collections" && mkdir -p "$dir/collections/ansible_collections"
  ln -s "$collections/ansible_collections/tlsready" "$dir/collections/ansible_collections/tlsready"
  ln -s "$core_site/ansible_collections/ansible" "$dir/collections/ansible_collections/ansible"
  echo "-- $("$bin/ansible" --version | sed -n 1p) on $("$bin/python" --version)"

  start=$SECONDS
  env -u VIRTUAL_ENV PATH="$bin:$PATH" TLSREADY_TEST_COLLECTIONS="$dir/collections" \
    "$bin/python" -m pytest -q -p no:cacheprovider tests/lab/test_core_range.py \
    "tests/lab/test_lab_playbooks.py::test_audit_converge_audit"
  lab=$((SECONDS - start))

  echo "-- sanity: ansible-test sanity on ansible-core $version"
  known=$here/known-failures/sanity-ansible-core-${version%.*}.txt
  [ -f "$known" ] || known=
  start=$SECONDS
  "$here/sanity.sh" "$sanity_root" "$bin" "" "$known"
  sanity=$((SECONDS - start))

  echo "-- units: ansible-test units on ansible-core $version"
  known=$here/known-failures/units-ansible-core-${version%.*}.txt
  [ -f "$known" ] || known=
  start=$SECONDS
  "$here/units.sh" "$sanity_root" "$bin" "" "$known"
  units=$((SECONDS - start))

  summary+=("ansible-core $version: lab ${lab}s, sanity ${sanity}s, units ${units}s")
done
for line in "${summary[@]}"; do echo "core-range: $line"; done
