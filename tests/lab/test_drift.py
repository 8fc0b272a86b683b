# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift: a second audit after "Group Policy" put a value back on a lab host reports the regression in all four formats.

Group Policy is simulated: the host's export folder gets the policy key a GPO writes
(``wininet-policy.reg``, as ``reg export`` writes it: UTF-16 LE with a BOM), as the host's next
collect.cmd run would export it.
"""

from __future__ import annotations

import csv
import json
import os
import re
import xml.etree.ElementTree as ET

# lab is the fixture these tests use.
from labkit import report, run

HOST = "win7-dbd0"
GPO = "Turn off encryption support"
POLICY_REG = ("Windows Registry Editor Version 5.00\r\n\r\n"
              "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings]\r\n"
              "\"SecureProtocols\"=dword:000000a0\r\n\r\n")


def test_a_value_put_back_by_group_policy_shows_as_a_regression_in_every_format(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = os.path.join(str(tmp_path), "nightly")
    run(lab, "audit", "-e", f"tlsready_report_dir={out}")
    assert report(out)[HOST]["status"] == "compliant"
    with open(os.path.join(lab, "hosts", HOST, "wininet-policy.reg"), "wb") as handle:
        handle.write(b"\xff\xfe" + POLICY_REG.encode("utf-16-le"))

    run(lab, "audit", "-e", f"tlsready_report_dir={out}")  # the last report in the folder is the previous one
    with open(os.path.join(out, "report.json"), encoding="utf-8") as handle:
        document = json.load(handle)
    hosts = report(out)  # validates against the schema
    assert document["drift"]["regressed"] == [HOST] and document["drift"]["fixed"] == []
    drift = hosts[HOST]["drift"]
    assert (drift["before"], drift["after"]) == ("compliant", "noncompliant")
    moved = {m[0]: m for m in drift["moved"]}
    assert moved["finding wininet.policy_secure_protocols"][1:3] == ["absent", "present"]
    assert GPO in moved["finding wininet.policy_secure_protocols"][3]
    finding = next(f for f in hosts[HOST]["findings"] if f["id"] == "wininet.policy_secure_protocols")
    assert GPO in finding["group_policy"]
    assert [h for h, e in hosts.items() if e.get("drift")] == [HOST]

    case = next(c for c in ET.parse(os.path.join(out, "report.xml")).getroot().iter("testcase") if c.get("name") == HOST)
    drift_property = next(p for p in case.iter("property") if p.get("name") == "drift")
    assert drift_property.get("value").startswith("regressed (compliant -> noncompliant)")
    assert GPO in case.find("system-out").text and GPO in case.find("failure").text

    with open(os.path.join(out, "report.csv"), encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["host"] == HOST]
    assert rows and all(r["drift"].startswith("regressed (compliant -> noncompliant)") for r in rows)
    assert any(GPO in r["group_policy"] for r in rows if r["finding_id"] == "wininet.policy_secure_protocols")

    with open(os.path.join(out, "report.html"), encoding="utf-8") as handle:
        page = handle.read()
    assert re.search(r'<b id="drift-regressed">1</b>', page)
    assert f'<code class="regressed">{HOST}</code>' in page
    assert re.search(rf'<tr class="moved"><td>{HOST}</td><td><code>finding wininet.policy_secure_protocols</code></td>'
                     rf'<td>absent</td><td>present</td><td><span class="gpo">set by Group Policy: change [^<]*{GPO}', page)
