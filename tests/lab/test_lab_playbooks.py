# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""End to end on the offline lab: the real playbooks, the built collection, a copy of lab/.

These run ``ansible-playbook`` against the collection installed from its tarball
(``make build``); no Windows host is involved, the hosts are the lab's export folders.
"""

from __future__ import annotations

import os
import subprocess

from labkit import (
    COLLECTIONS,
    COMPLIANT_AS_COLLECTED,
    NEEDS_BUILD,
    NEVER_COMPLIANT,
    PLAYBOOK,
    WITHOUT_CANARY,
    report,
    run,
    tree_digest,
)

pytestmark = NEEDS_BUILD


def test_audit_converge_audit(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    run(lab, "audit", "-e", f"tlsready_report_dir={out}/before")
    before = report(f"{out}/before")
    win7 = before["win7-fresh"]
    assert win7["status"] == "noncompliant"
    assert "KB3140245" in win7["missing_hotfixes"]
    to_change = {(c["setting"], c["name"]): c["desired"] for c in win7["changes"]}
    # Windows 7: DisabledByDefault=0 alone makes TLS 1.2 offered; Enabled absent is not "off" (tls-facts 2a).
    assert ("schannel.tls1_2.client", "Enabled") not in to_change
    assert to_change[("schannel.tls1_2.client", "DisabledByDefault")] == 0
    assert to_change[("winhttp.default_secure_protocols", "DefaultSecureProtocols")] == 0xA00
    assert to_change[("dotnet4.strong_crypto", "SchUseStrongCrypto")] == 1
    for host in COMPLIANT_AS_COLLECTED:
        assert (before[host]["status"], before[host]["changes"]) == ("compliant", []), host
    assert before["win11-25h2"]["release"]["id"] == "win11_25h2"
    # 8.1 and later: TLS 1.2 over WinHTTP natively, no DefaultSecureProtocols written (tls-facts 2b).
    for host in ("win81", "win2016", "win2022", "win11-23h2", "win11-25h2"):
        assert not [c for c in before[host]["changes"] if c["name"] == "DefaultSecureProtocols"], host
    assert before["win7-patched"]["status"] == "noncompliant"

    run(lab, "converge", "-e", f"tlsready_report_dir={out}/converge", "-e", f"tlsready_backup_dir={out}/backups",
        *WITHOUT_CANARY)
    run(lab, "audit", "-e", f"tlsready_report_dir={out}/after")
    after = report(f"{out}/after")
    for host, entry in after.items():
        if host in NEVER_COMPLIANT:
            assert entry["status"] != "compliant"
            assert NEVER_COMPLIANT[host] in {f["id"] for f in entry["findings"]}, host
        else:
            assert entry["status"] == "compliant", (host, entry["findings"])
    bundle = os.path.join(lab, "hosts", "win7-fresh", "remediation")
    with open(os.path.join(bundle, "remediation.cmd"), encoding="ascii") as handle:
        cmd = handle.read()
    assert "call :install KB3140245 windows6.1-kb3140245-x64*.msu" in cmd
    assert os.path.exists(os.path.join(bundle, "remediation.reg"))
    assert os.path.exists(os.path.join(out, "backups", "win7-fresh.reg"))

    # A second converge changes nothing: no file in the lab changes.
    digest = tree_digest(lab)
    second = run(lab, "converge", "-e", f"tlsready_backup_dir={out}/backups", *WITHOUT_CANARY)
    assert "changed=0" in second.stdout and "changed=1" not in second.stdout
    assert tree_digest(lab) == digest


def test_audit_fails_only_when_asked_and_hosts_are_not_compliant(lab: str, tmp_path: os.PathLike[str]) -> None:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1")
    out = os.path.join(str(tmp_path), "reports")
    command = [PLAYBOOK, "-i", os.path.join(lab, "inventory.yml"), "tlsready.windows.audit",
               "-e", f"tlsready_report_dir={out}", "-e", "tlsready_fail_on_noncompliant=true"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    hosts = report(out)
    bad = sum(1 for entry in hosts.values() if entry["status"] != "compliant")
    assert done.returncode == 2, done.stdout[-3000:]
    assert f"{bad} of {len(hosts)} hosts are not compliant" in done.stdout
    # Limited to a compliant host (the limit leaves localhost out): the report is written, the run passes.
    limited = subprocess.run(command + ["-e", f"tlsready_report_dir={out}-patched", "-l", "win7-dbd0"],
                             env=env, capture_output=True, text=True, timeout=600, check=False)
    assert limited.returncode == 0, limited.stdout[-3000:]
    assert list(report(f"{out}-patched")) == ["win7-dbd0"]


def test_converge_in_check_mode_changes_no_file(lab: str, tmp_path: os.PathLike[str]) -> None:
    digest = tree_digest(lab)
    done = run(lab, "converge", "-e", f"tlsready_backup_dir={tmp_path}/backups", check=True)
    # In check mode nothing changes, so the canary host is checked too: no post-check, nothing to revert.
    assert "DefaultSecureProtocols" in done.stdout  # the diff shows the planned values
    assert tree_digest(lab) == digest
    assert not os.path.exists(os.path.join(str(tmp_path), "backups"))


def test_strict_converge_stops_on_windows_7_without_kb3080079(lab: str, tmp_path: os.PathLike[str]) -> None:
    digest = tree_digest(os.path.join(lab, "hosts", "win7-fresh"))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1")
    done = subprocess.run(
        [PLAYBOOK, "-i", os.path.join(lab, "inventory.yml"), "tlsready.windows.converge", "-l", "win7-fresh",
         "-e", "tlsready_profile=strict", "-e", f"tlsready_backup_dir={tmp_path}/backups"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode != 0
    assert "Blocked before any change" in done.stdout and "KB3080079" in done.stdout
    assert tree_digest(os.path.join(lab, "hosts", "win7-fresh")) == digest


def test_restore_puts_back_the_values_exactly(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    run(lab, "audit", "-e", f"tlsready_report_dir={out}/original")
    run(lab, "converge", "-e", f"tlsready_backup_dir={out}/backups", *WITHOUT_CANARY)
    run(lab, "restore", "-e", f"tlsready_backup_dir={out}/backups", "-l", "win7-fresh,win2012")
    run(lab, "audit", "-e", f"tlsready_report_dir={out}/restored")
    original, restored = report(f"{out}/original"), report(f"{out}/restored")
    for host in ("win7-fresh", "win2012"):
        # Updates are not uninstalled, so compare what the registry plan says: the same values to change.
        planned = sorted((c["path"], c["name"], c["current"]) for c in original[host]["changes"])
        assert sorted((c["path"], c["name"], c["current"]) for c in restored[host]["changes"]) == planned
