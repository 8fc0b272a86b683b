# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The converge does not fight Group Policy: a lab host whose GPO-owned values are wrong, converged.

``win10-gpo-broken`` (lab/README.md) has two values Group Policy owns wrong: the GPO "SSL Cipher
Suite Order" keeps no suite Azure Front Door accepts, and the GPO "Turn off encryption support"
sets WinINet to SSL 3.0 + TLS 1.0 (0xA0), over a machine value that is wrong too. The policy values
win over the machine values (docs/reference/tls-facts.md 2f), so the converge writes neither: it
writes the .NET values only, and says in the task output and in every report format which GPO
setting to change. The exports are lab files, not a Windows host.
"""

from __future__ import annotations

import csv
import html
import os
import subprocess
import xml.etree.ElementTree as ET

# lab is the fixture these tests use.
from labkit import COLLECTIONS, NEEDS_BUILD, PLAYBOOK, report, run, tree_digest

pytestmark = NEEDS_BUILD

HOST = "win10-gpo-broken"
WININET_GPO = "Internet Control Panel > Advanced Page > Turn off encryption support"
CIPHER_GPO = "Network > SSL Configuration Settings > SSL Cipher Suite Order"


def read_reg(path: str) -> str:
    """A .reg file as Windows writes it (UTF-16 LE with a BOM) or as UTF-8."""
    with open(path, "rb") as handle:
        data = handle.read()
    return data[2:].decode("utf-16-le") if data.startswith(b"\xff\xfe") else data.decode("utf-8-sig")


def written_reg_files(folder: str) -> dict[str, str]:
    found = {}
    for name in ("tlsready-applied.reg", os.path.join("remediation", "remediation.reg")):
        if os.path.exists(os.path.join(folder, name)):
            found[name] = read_reg(os.path.join(folder, name))
    return found


def test_converge_leaves_gpo_owned_values_and_names_the_gpo_settings(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = os.path.join(str(tmp_path), "converge")
    folder = os.path.join(lab, "hosts", HOST)
    done = run(lab, "converge", "-l", HOST, "-e", f"tlsready_report_dir={out}",
               "-e", f"tlsready_backup_dir={tmp_path}/backups")

    # Nothing under a policy key and not the machine value the WinINet policy overrides.
    files = written_reg_files(folder)
    assert set(files) == {"tlsready-applied.reg", os.path.join("remediation", "remediation.reg")}
    for name, text in files.items():
        assert "Policies" not in text and "SecureProtocols" not in text, name
        assert "Cryptography\\Configuration" not in text, name
        assert "SchUseStrongCrypto" in text, name  # the values tlsready does own are written
    assert "\\Internet Settings]" not in files["tlsready-applied.reg"]

    # The task output (its warnings) names the GPO setting for each value left to Group Policy.
    task_output = " ".join((done.stdout + done.stderr).split())  # Ansible writes warnings to stderr
    assert "wininet.policy_secure_protocols: Group Policy owns this value, so the converge does not write it; " \
           "change the GPO setting Computer Configuration > Administrative Templates > Windows Components > " \
           f"Internet Explorer > {WININET_GPO}" in task_output
    assert "cipher.no_afd_suite: Group Policy owns this value" in task_output and CIPHER_GPO in task_output

    hosts = report(out)  # validates against the schema
    entry = hosts[HOST]
    assert entry["status"] == "noncompliant"
    applied = {(c["path"].rsplit("\\", 1)[-1], c["name"]) for c in entry["applied"]}
    assert applied == {(v, n) for v in ("v4.0.30319",) for n in ("SchUseStrongCrypto", "SystemDefaultTlsVersions")}
    assert len(entry["applied"]) == 4 and all(c["result"] == "changed" for c in entry["applied"])
    owned = {f["id"]: f.get("group_policy", "") for f in entry["findings"]}
    assert WININET_GPO in owned["wininet.policy_secure_protocols"]
    assert CIPHER_GPO in owned["cipher.no_afd_suite"]
    assert WININET_GPO in owned["wininet.secure_protocols.overridden_by_policy"]
    assert "wininet.secure_protocols" not in owned  # the machine value is not judged under a set policy

    case = next(c for c in ET.parse(os.path.join(out, "report.xml")).getroot().iter("testcase") if c.get("name") == HOST)
    failure = case.find("failure").text
    assert "wininet.policy_secure_protocols: " in failure and WININET_GPO in failure and CIPHER_GPO in failure
    with open(os.path.join(out, "report.csv"), encoding="utf-8", newline="") as handle:
        rows = {r["finding_id"]: r for r in csv.DictReader(handle) if r["host"] == HOST}
    assert WININET_GPO in rows["wininet.policy_secure_protocols"]["group_policy"]
    assert CIPHER_GPO in rows["cipher.no_afd_suite"]["group_policy"]
    with open(os.path.join(out, "report.html"), encoding="utf-8") as handle:
        page = handle.read()
    fleet = html.unescape(page[page.index('<section id="fleet">'):page.index('<section id="hosts">')])
    assert "Set by Group Policy: change Computer Configuration" in fleet and WININET_GPO in fleet and CIPHER_GPO in fleet

    # A second converge changes nothing: the GPO-owned values are still not written.
    digest = tree_digest(lab)
    again = run(lab, "converge", "-l", HOST, "-e", f"tlsready_backup_dir={tmp_path}/backups")
    assert "changed=0" in again.stdout and "changed=1" not in again.stdout
    assert tree_digest(lab) == digest


def test_the_fail_flag_names_the_gpo_setting_in_the_failure(lab: str, tmp_path: os.PathLike[str]) -> None:
    # The first converge writes the .NET values, which need a restart: a host waiting for one is not judged
    # yet. The second finds nothing left to write and fails the host on the values Group Policy owns.
    run(lab, "converge", "-l", HOST, "-e", f"tlsready_backup_dir={tmp_path}/backups")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOME=os.path.join(lab, ".ansible"))
    done = subprocess.run([PLAYBOOK, "-i", os.path.join(lab, "inventory.yml"), "tlsready.windows.converge",
                           "-l", HOST, "-e", "tlsready_fail_on_noncompliant=true",
                           "-e", f"tlsready_backup_dir={tmp_path}/backups"],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 2, done.stdout[-3000:]
    output = " ".join((done.stdout + done.stderr).split())
    assert "is not compliant with profile m365_client" in output
    assert "(set by Group Policy: change Computer Configuration > Administrative Templates > Windows Components > " \
           f"Internet Explorer > {WININET_GPO})" in output
