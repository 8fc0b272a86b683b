# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Safety on the offline lab: planted secrets never shown.

The converge playbook runs as users run it (``make build`` first).
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from labkit import COLLECTIONS, PLAYBOOK, report

SECRETS = ("S3cretPl4nted", "TOKENPLANTED123")
SOURCE = "https://user:S3cretPl4nted@host/kb?sig=TOKENPLANTED123"


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
    # One wave: the hosts that fail must not stop the rollout before win7-dbd0 (docs/canary-rollout.md).
    done = playbook(lab, "converge", "-vvv", "-l", "win7-fresh,win8,win7-dbd0,localhost",
                    "-e", json.dumps({"tlsready_hotfix_source": source, "tlsready_waves": ["100%"]}),
                    "-e", f"tlsready_report_dir={out}/report",
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


# The restart that times out, and check mode with a restart asked for, are driven through the action
# itself (tests/unit/plugins/action/test_tls_converge.py): tls_converge never restarts an offline
# host, so the lab's offline hosts cannot reach the restart step.
