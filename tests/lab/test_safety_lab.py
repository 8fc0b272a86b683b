# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Safety on the offline lab: planted secrets never shown, a restart that times out.

The converge playbook runs as users run it (``make build`` first). The restart test
replaces ``ansible.windows`` with a stand-in whose ``win_reboot`` fails as the real
one does when the host does not come back in time, and makes the role treat the lab
hosts as live (``-e tls12_offline=false``) so that the restart step runs at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

import pytest

from test_lab_playbooks import COLLECTIONS, PLAYBOOK, lab, report, tree_digest  # noqa: F401  # pylint: disable=unused-import

SECRETS = ("S3cretPl4nted", "TOKENPLANTED123")
SOURCE = "https://user:S3cretPl4nted@host/kb?sig=TOKENPLANTED123"
WIN7_CHANGES = 11  # values the m365_client profile writes on the lab's win7-fresh (lab/README.md)


def playbook(lab_dir: str, name: str, *extra: str, collections: str = COLLECTIONS) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOME=os.path.join(lab_dir, ".ansible"))
    command = [PLAYBOOK, "-i", os.path.join(lab_dir, "inventory.yml"), f"tlsready.windows.{name}", *extra]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)


def files_under(*folders: str) -> dict[str, bytes]:
    found = {}
    for folder in folders:
        for root, _dirs, names in os.walk(folder):
            for name in names:
                with open(os.path.join(root, name), "rb") as handle:
                    found[os.path.join(root, name)] = handle.read()
    return found


# Each source form with what must never be shown and how the source must be shown instead.
SOURCES = [
    (SOURCE, SECRETS, "https://host/kb (credentials hidden)"),
    # A share whose short password holds "/" and a space; it is echoed repr-escaped (backslashes doubled).
    ("\\\\adm:k/ Z@files\\msu", (":k/ Z@", "adm:k/ Z", "k/ Z@files"), "files\\\\msu (credentials hidden)"),
]


@pytest.mark.parametrize(("source", "secrets", "shown"), SOURCES, ids=["url", "share-short-password"])
def test_converge_never_shows_a_planted_secret(lab: str, tmp_path: os.PathLike[str], source: str,
                                               secrets: tuple[str, ...], shown: str) -> None:
    out = str(tmp_path)
    done = playbook(lab, "converge", "-vvv", "-l", "win7-fresh,win8,win7-dbd0,localhost",
                    "-e", json.dumps({"tlsready_hotfix_source": source}), "-e", f"tlsready_report_dir={out}/report",
                    "-e", f"tlsready_backup_dir={out}/backups")
    # The hosts missing an update fail (an offline host's source must be a controller folder) ...
    assert done.returncode != 0, done.stdout[-3000:]
    assert shown in done.stdout, done.stdout[-3000:]
    # ... and nothing the run printed or wrote shows the credential.
    for secret in secrets:
        assert secret not in done.stdout and secret not in done.stderr, secret
        for path, content in files_under(lab, out).items():
            assert secret.encode() not in content and secret.encode("utf-16-le") not in content, (secret, path)
    hosts = report(f"{out}/report")
    assert hosts["win7-fresh"]["status"] == "failed" and "source" in hosts["win7-fresh"]["error"]
    assert hosts["win7-dbd0"]["status"] == "compliant"


FAKE_REBOOT = '''
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Stand-in for ansible.windows.win_reboot: the host does not come back in time."""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        timeout = self._task.args.get("reboot_timeout", 600)
        result.update(failed=True, changed=True, rebooted=True, elapsed=int(timeout),
                      msg=f"Timed out waiting for last boot time check (timeout={timeout})")
        return result
'''


def fake_windows_collection(root: str) -> str:
    """A collections folder whose ansible.windows has only a win_reboot that times out."""
    plugin_dir = os.path.join(root, "ansible_collections", "ansible", "windows", "plugins")
    os.makedirs(os.path.join(plugin_dir, "action"))
    os.makedirs(os.path.join(plugin_dir, "modules"))
    with open(os.path.join(plugin_dir, "action", "win_reboot.py"), "w", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(FAKE_REBOOT))
    with open(os.path.join(plugin_dir, "modules", "win_reboot.py"), "w", encoding="utf-8") as handle:
        handle.write('DOCUMENTATION = """\nmodule: win_reboot\nshort_description: stand-in\n"""\n')
    return root


def test_a_restart_that_times_out_fails_the_host_with_what_changed(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    collections = fake_windows_collection(os.path.join(out, "fake")) + os.pathsep + COLLECTIONS
    limit = ("-l", "win7-fresh,win7-dbd0,localhost")
    done = playbook(lab, "converge", *limit, "-e", "tls12_offline=false", "-e", "tlsready_reboot=true",
                    "-e", f"tlsready_report_dir={out}/timeout", "-e", f"tlsready_backup_dir={out}/backups",
                    collections=collections)
    assert done.returncode != 0, done.stdout[-4000:]
    assert "Timed out waiting for last boot time check (timeout=1800)" in done.stdout, done.stdout[-4000:]
    assert "Changed before the failure: HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL" in done.stdout
    hosts = report(f"{out}/timeout")
    failed = hosts["win7-fresh"]
    assert failed["status"] == "failed" and failed["compliant"] is False
    assert "Restart for the TLS changes failed: Timed out" in failed["error"]
    applied = [c for c in failed["applied"] if c["result"] == "changed"]
    assert len(applied) == WIN7_CHANGES
    assert ("SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp", "DefaultSecureProtocols") in {
        (c["path"].split("\\", 1)[1], c["name"]) for c in applied}
    assert hosts["win7-dbd0"]["status"] == "compliant"

    # The rerun reads the host afresh: the values are already right, nothing is written again, the host converges.
    digest = tree_digest(os.path.join(lab, "hosts", "win7-fresh"))
    again = playbook(lab, "converge", *limit, "-e", f"tlsready_report_dir={out}/rerun", "-e", f"tlsready_backup_dir={out}/backups")
    assert again.returncode == 0, again.stdout[-4000:] + again.stderr[-2000:]
    rerun = report(f"{out}/rerun")["win7-fresh"]
    assert rerun["status"] == "compliant", rerun["findings"]
    assert rerun["applied"] == []
    changed = tree_digest(os.path.join(lab, "hosts", "win7-fresh"))
    assert changed.get("tlsready-applied.reg") == digest.get("tlsready-applied.reg")


def test_check_mode_with_a_failing_restart_changes_nothing(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    collections = fake_windows_collection(os.path.join(out, "fake")) + os.pathsep + COLLECTIONS
    digest = tree_digest(lab)
    done = playbook(lab, "converge", "--check", "-l", "win7-fresh,localhost", "-e", "tls12_offline=false",
                    "-e", "tlsready_reboot=true", "-e", f"tlsready_backup_dir={out}/backups", collections=collections)
    # win_reboot fails in check mode too (the stand-in always does): the rescue reports, nothing is written.
    assert "Changed before the failure: no registry value" in done.stdout, done.stdout[-4000:]
    assert tree_digest(lab) == digest
    assert not os.path.exists(os.path.join(out, "backups"))
