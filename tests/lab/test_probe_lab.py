# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The handshake probe on the offline lab: a right registry with a failing probe.json is noncompliant.

ansible-playbook runs tls_probe then tls_facts (with ``probe``) then tls_report, with the built
collection, on a copy of lab/. The lab's win7-dbd0 is compliant as collected (lab/README.md);
its simulated probe.json (docs/probe.md) says WinHTTP fails with 12175 while Schannel works.
No Windows host is involved: the probe result is the recorded file, as for every offline host.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import textwrap
import xml.etree.ElementTree as ET

from labkit import COLLECTIONS, PLAYBOOK, ROOT, report

FAILING_PROBE = os.path.join(ROOT, "tests", "unit", "fixtures", "probe", "winhttp-12175-secure-failure.json")

PROBE_PLAY = textwrap.dedent("""\
    ---
    - name: Probe and judge
      hosts: win7-dbd0,win7-fresh
      gather_facts: false
      tasks:
        - name: Probe
          tlsready.windows.tls_probe:
          register: lab_probe
        - name: Judge the registry with the probe
          tlsready.windows.tls_facts:
            probe: "{{ lab_probe }}"
          register: lab_facts
        - name: Write the report
          tlsready.windows.tls_report:
            dest: "{{ lab_report_dir }}"
            mode: audit
            profile: m365_client
            result_var: lab_facts
          run_once: true
          delegate_to: localhost
        - name: Keep what the tasks returned
          ansible.builtin.copy:
            content: "{{ {'probe': lab_probe, 'facts': lab_facts} | to_nice_json }}"
            dest: "{{ lab_report_dir }}/{{ inventory_hostname }}.json"
            mode: "0644"
          delegate_to: localhost
    """)


def probe_and_judge(lab_dir: str, out: str) -> dict[str, dict]:
    playbook = os.path.join(lab_dir, "probe.yml")
    with open(playbook, "w", encoding="utf-8") as handle:
        handle.write(PROBE_PLAY)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOME=os.path.join(lab_dir, ".ansible"))
    done = subprocess.run([PLAYBOOK, "-i", os.path.join(lab_dir, "inventory.yml"), playbook, "-e", f"lab_report_dir={out}"],
                          env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    returned = {}
    for host in ("win7-dbd0", "win7-fresh"):
        with open(os.path.join(out, f"{host}.json"), encoding="utf-8") as handle:
            returned[host] = json.load(handle)
    return returned


def test_right_registry_failing_probe_is_reported_noncompliant_naming_the_stack(lab: str, tmp_path: os.PathLike[str]) -> None:
    before = os.path.join(str(tmp_path), "before")
    returned = probe_and_judge(lab, before)
    patched = returned["win7-dbd0"]
    assert patched["probe"]["probe"]["probed"] is False
    assert patched["probe"]["probe"]["reason"] == "not probed: offline host without probe.json"
    assert report(before)["win7-dbd0"]["status"] == "compliant"
    assert {s["effective"] for s in patched["facts"]["setting_states"]} == {"not_probed"}

    shutil.copyfile(FAILING_PROBE, os.path.join(lab, "hosts", "win7-dbd0", "probe.json"))
    after = os.path.join(str(tmp_path), "after")
    returned = probe_and_judge(lab, after)
    patched = returned["win7-dbd0"]
    assert patched["probe"]["probe"]["effective"] == {"winhttp": "fails", "dotnet": "works", "schannel": "works"}
    states = {s["id"]: s for s in patched["facts"]["setting_states"]}
    assert states["winhttp.default_secure_protocols"]["configured"] == "right"
    assert states["winhttp.default_secure_protocols"]["effective"] == "fails"
    assert patched["facts"]["ansible_facts"]["tlsready_status"]["findings"] == ["probe.winhttp.failed"]

    hosts = report(after)
    assert hosts["win7-dbd0"]["status"] == "noncompliant"
    errors = [f for f in hosts["win7-dbd0"]["findings"] if f["severity"] == "error"]
    assert [f["id"] for f in errors] == ["probe.winhttp.failed"]
    assert "WinHTTP" in errors[0]["message"] and "12175 ERROR_WINHTTP_SECURE_FAILURE" in errors[0]["message"]
    assert "KB3140245" in errors[0]["remediation"]
    # The host without probe.json keeps its registry verdict and gets no probe finding.
    assert not [f for f in hosts["win7-fresh"]["findings"] if f["id"].startswith("probe.")]
    assert returned["win7-fresh"]["probe"]["probe"]["probed"] is False

    # The finding reaches the other three formats through the evaluation.
    with open(os.path.join(after, "report.csv"), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert any(r.get("host") == "win7-dbd0" and "probe.winhttp.failed" in r.values() for r in rows), rows[:3]
    junit = ET.parse(os.path.join(after, "report.xml")).getroot()
    cases = {c.get("name"): c for c in junit.iter("testcase")}
    patched_case = next(c for name, c in cases.items() if name and "win7-dbd0" in name)
    assert "probe.winhttp.failed" in ET.tostring(patched_case, encoding="unicode")
    with open(os.path.join(after, "report.html"), encoding="utf-8") as handle:
        assert "probe.winhttp.failed" in handle.read()
