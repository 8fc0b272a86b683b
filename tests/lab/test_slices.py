# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Four audits over disjoint slices of the offline lab, merged by the merge_reports playbook, equal one audit of all."""

from __future__ import annotations

import json
import os
import subprocess

# lab is the fixture these tests use.
from labkit import COLLECTIONS, PLAYBOOK, ROOT, report, run


def test_four_slices_merge_into_the_fleet_report(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    hosts = sorted(os.listdir(os.path.join(ROOT, "lab", "hosts")))
    slices = [hosts[i::4] for i in range(4)]
    for number, names in enumerate(slices, 1):
        run(lab, "audit", "-l", ",".join(names), "-e", f"tlsready_report_dir={out}/slices/slice-{number}")
    run(lab, "audit", "-e", f"tlsready_report_dir={out}/whole")
    run(lab, "merge_reports", "-e", f"tlsready_slice_reports_glob={out}/slices/*/report.json",
        "-e", f"tlsready_report_dir={out}/fleet")
    merged, whole = report(f"{out}/fleet"), report(f"{out}/whole")
    assert sorted(merged) == hosts
    assert {h: e["status"] for h, e in merged.items()} == {h: e["status"] for h, e in whole.items()}
    with open(os.path.join(out, "fleet", "report.json"), encoding="utf-8") as a, \
            open(os.path.join(out, "whole", "report.json"), encoding="utf-8") as b:
        assert json.load(a)["summary"] == json.load(b)["summary"]
    assert os.path.getsize(os.path.join(out, "fleet", "report.html")) > 0

    # A host in two slices is refused, naming it.
    run(lab, "audit", "-l", slices[0][0], "-e", f"tlsready_report_dir={out}/overlap")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1")
    done = subprocess.run([PLAYBOOK, "-i", os.path.join(lab, "inventory.yml"), "tlsready.windows.merge_reports",
                           "-e", json.dumps({"tlsready_slice_reports": [f"{out}/slices/slice-1", f"{out}/overlap"],
                                             "tlsready_report_dir": f"{out}/bad"})],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 2
    assert f"{slices[0][0]} is in both" in done.stdout and "disjoint" in done.stdout
    assert not os.path.exists(os.path.join(out, "bad"))
