# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit and converge playbooks on the offline lab, with no deprecation warning.

`make core-range` runs this file (and the lab's audit-converge-audit test) with the lowest and the
highest ansible-core that meta/runtime.yml claims; `make lab-tests` runs it with the venv's one.
Which ansible-core ran is the one next to the Python running pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COLLECTIONS = os.environ.get("TLSREADY_TEST_COLLECTIONS", os.path.join(ROOT, "build", "collections"))
BIN = os.path.dirname(sys.executable)

pytestmark = pytest.mark.skipif(
    not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "tlsready", "windows")),
    reason="the collection is not built and installed in build/collections: run `make build` (make test does)",
)


def play(lab: str, playbook: str, *extra: str) -> str:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOME=os.path.join(lab, ".ansible"), ANSIBLE_DEPRECATION_WARNINGS="1")
    done = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(lab, "inventory.yml"),
                           f"tlsready.windows.{playbook}", *extra],
                          env=env, capture_output=True, text=True, timeout=900, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "DEPRECATION" not in output, [line for line in output.splitlines() if "DEPRECATION" in line][:5]
    return output


def test_audit_and_converge_run_without_deprecation_warnings(tmp_path: os.PathLike[str]) -> None:
    lab = os.path.join(str(tmp_path), "lab")
    subprocess.run([sys.executable, os.path.join(ROOT, "lab", "generate.py"), "--out", lab], check=True,
                   capture_output=True, env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS))
    version = subprocess.run([os.path.join(BIN, "ansible"), "--version"], capture_output=True, text=True,
                             check=True).stdout.splitlines()[0]
    reports = os.path.join(str(tmp_path), "reports")
    play(lab, "audit", "-e", f"tlsready_report_dir={reports}/audit")
    # The canary host (tests/lab/labkit.py CANARY_HOST) is reverted by its converge: left out here.
    play(lab, "converge", "-e", f"tlsready_report_dir={reports}/converge",
         "-e", f"tlsready_backup_dir={tmp_path}/backups", "-l", "all:!win2019-loses-mgmt")
    with open(os.path.join(reports, "audit", "report.json"), encoding="utf-8") as handle:
        audit = json.load(handle)
    hosts = sorted(os.listdir(os.path.join(lab, "hosts")))
    assert [h["host"] for h in audit["hosts"]] == hosts, version
    with open(os.path.join(reports, "converge", "report.json"), encoding="utf-8") as handle:
        converge = json.load(handle)
    assert converge["summary"]["compliant"] > audit["summary"]["compliant"], version
