#!/usr/bin/env bash
# build.sh BUILD COLLECTIONS
# Runs: ansible-galaxy collection build into BUILD/, then ansible-galaxy collection install
# --no-deps of that tarball into COLLECTIONS (the ANSIBLE_COLLECTIONS_PATH the Makefile exports).
# Why: lint, molecule, the lab tests and the demo use the built tarball, not the source tree.
# --no-deps: Galaxy is unreachable; ansible.windows is bundled in the `ansible` package.
set -euo pipefail
build=$1 collections=$2
echo "== build: collection tarball, installed into $collections"
rm -rf "$collections" "$build"/tlsready-windows-*.tar.gz
ansible-galaxy collection build --force --output-path "$build/"
ansible-galaxy collection install --no-deps --force -p "$collections" "$build"/tlsready-windows-*.tar.gz
test -f "$collections/ansible_collections/tlsready/windows/MANIFEST.json"
ansible-galaxy collection list tlsready.windows -p "$collections"
