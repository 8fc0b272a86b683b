#!/usr/bin/env bash
# sanity-copy.sh ROOT BUILD
# Runs: a copy of the files git knows of (tracked, or untracked but not ignored) into
# BUILD/ansible_collections/tlsready/windows; without git, a tar of ROOT with excludes.
# Why: ansible-test needs the collection at .../ansible_collections/<namespace>/<name>, and local
# junk (.venv, build, caches, lab runs) must never reach the tests. The copy gets an empty git
# repo of its own (ansible-test lists content files with git from the nearest .git upwards, and
# build/ is ignored here), whose info/exclude leaves out the files that hold Windows' own bytes:
# Windows writes them with CRLF and tlsready reads them as Windows writes them (the lab's
# exports, the export fixtures, collect.cmd, which cmd.exe needs in CRLF; .gitattributes keeps
# them byte for byte). They stay in the copy, for the unit tests, but out of what ansible-test
# lists, so its line-endings test does not ask for LF and tests/sanity/ holds no ignore file for
# any ansible-core; tests/unit/test_collect_cmd.py checks that they keep their CRLF.
set -euo pipefail
root=$1 build=$2
dest=$build/ansible_collections/tlsready/windows
windows_bytes=(/lab/hosts/ /files/collect.cmd '/tests/unit/fixtures/exports/systeminfo-*')
rm -rf "$build/ansible_collections"
mkdir -p "$dest"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$root" ls-files -z --cached --others --exclude-standard \
    | tar -C "$root" --null --ignore-failed-read -T - -cf - | tar -C "$dest" -xf -
else
  tar -C "$root" --exclude=./.venv --exclude=./build --exclude=./.git --exclude=__pycache__ \
    --exclude=./.ansible --exclude=./tests/output --exclude=./lab/.runs --exclude=./reports \
    -cf - . | tar -C "$dest" -xf -
fi
if command -v git >/dev/null 2>&1; then
  git -C "$dest" init --quiet
  printf '%s\n' "${windows_bytes[@]}" >> "$dest/.git/info/exclude"
fi
