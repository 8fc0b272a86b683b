# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helpers of the lab tests: where the built collection is, the expected verdicts, running a
playbook, reading a report.

The ``lab`` fixture (a fresh copy of lab/ per test) is in conftest.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import jsonschema
import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COLLECTIONS = os.environ.get("TLSREADY_TEST_COLLECTIONS", os.path.join(ROOT, "build", "collections"))
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")

NEEDS_BUILD = pytest.mark.skipif(
    not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "tlsready", "windows")),
    reason="the collection is not built and installed in build/collections: run `make build` (make test does)",
)


def _expected_verdicts() -> dict[str, dict[str, str]]:
    """lab/expected.yml: per lab host, its audit status as collected and its verdict after a converge."""
    with open(os.path.join(ROOT, "lab", "expected.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["hosts"]


# The lab's expected verdicts, listed once in lab/expected.yml (molecule's verify reads it too;
# lab/README.md says why each host ends as it does).
EXPECTED = _expected_verdicts()
# Lab hosts that no registry value or update can make compliant, and the finding that says why.
NEVER_COMPLIANT = {host: e["after_converge"] for host, e in EXPECTED.items() if e["after_converge"] != "compliant"}
# Hosts compliant as collected, with nothing to change (issue 10), and the ones not judged at all.
COMPLIANT_AS_COLLECTED = tuple(host for host, e in EXPECTED.items() if e["as_collected"] == "compliant")
UNSUPPORTED = tuple(host for host, e in EXPECTED.items() if e["as_collected"] == "unsupported")
# The lab host that loses management once tlsready changed it (its simulate.yml, docs/canary-rollout.md):
# a canary converge reverts it, so no converge leaves it compliant (NEVER_COMPLIANT has it). Converges of
# the whole lab that test something else leave it out (WITHOUT_CANARY); tests/lab/test_canary_lab.py
# converges it.
CANARY_HOST = "win2019-loses-mgmt"
WITHOUT_CANARY = ("-l", f"all:!{CANARY_HOST}")


def run(lab: str, playbook: str, *extra: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOME=os.path.join(lab, ".ansible"))
    command = [PLAYBOOK, "-i", os.path.join(lab, "inventory.yml"), f"tlsready.windows.{playbook}", *extra]
    if check:
        command += ["--check", "--diff"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done


SCHEMA = os.path.join(ROOT, "docs", "schemas", "report-v1.schema.json")


def report(path: str) -> dict[str, dict]:
    """The hosts of ``path``/report.json, which must validate against the published schema."""
    with open(os.path.join(path, "report.json"), encoding="utf-8") as handle:
        document = json.load(handle)
    with open(SCHEMA, encoding="utf-8") as handle:
        jsonschema.Draft202012Validator(json.load(handle)).validate(document)
    return {h["host"]: h for h in document["hosts"]}


def tree_digest(path: str) -> dict[str, str]:
    digests = {}
    for folder, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d != ".ansible"]
        for name in files:
            full = os.path.join(folder, name)
            with open(full, "rb") as handle:
                digests[os.path.relpath(full, path)] = hashlib.sha256(handle.read()).hexdigest()
    return digests
