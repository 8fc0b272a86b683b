#!/usr/bin/env bash
# test-collections.sh SOURCE_PYTHON VENV
# Runs: for each collection of tests/requirements.yml, a symlink from VENV's site-packages/
# ansible_collections/<namespace>/<name> to the copy that the `ansible` package bundles in
# SOURCE_PYTHON's site-packages, after checking that its version is in the file's range.
# Why: a venv with only ansible-core (make core-range) has no collection but ansible.builtin, and
# Galaxy is out of reach; linked there, they are found as the `ansible` package's are in the
# default venv (ansible-core scans sys.path), by ansible-test units and ansible-playbook alike.
set -euo pipefail
source_python=$1 venv=$2
source_site=$("$source_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
"$venv/bin/python" - "$source_site" "$site" tests/requirements.yml <<'PY'
import json, os, sys

import yaml
from packaging.specifiers import SpecifierSet

source_site, site, requirements = sys.argv[1:]
with open(requirements, encoding="utf-8") as handle:
    collections = yaml.safe_load(handle)["collections"]
for entry in collections:
    namespace, name = entry["name"].split(".")
    source = os.path.join(source_site, "ansible_collections", namespace, name)
    with open(os.path.join(source, "MANIFEST.json"), encoding="utf-8") as handle:
        version = json.load(handle)["collection_info"]["version"]
    wanted = str(entry.get("version", "*"))
    spec = SpecifierSet(wanted if wanted[:1] in "<>=!~" else f"=={wanted}") if wanted != "*" else SpecifierSet()
    if version not in spec:
        sys.exit(f"test-collections: {entry['name']} {version} in {source_site} is outside {wanted!r} ({requirements})")
    link = os.path.join(site, "ansible_collections", namespace, name)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.islink(link):
        os.unlink(link)
    os.symlink(source, link)
    print(f"-- {entry['name']} {version} ({wanted}) linked into {site}")
PY
