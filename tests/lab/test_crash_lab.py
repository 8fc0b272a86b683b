# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A converge killed with SIGKILL at any moment is repaired by the next one.

The converge playbook runs on a copy of the offline lab in its own process group, which is
killed (ansible-playbook and every worker it forked, mid-write or not) at a series of moments
after the start. After each kill, every host folder must load: either its record is vouched for
by the manifest, or it is reported stale and not applied. Then one converge runs to the end and
the folders must be exactly as after an uninterrupted converge: no stale record, no temporary
file, every host that can be compliant compliant. The moments are kill points, not timings:
nothing here asserts how long anything takes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

from labkit import COLLECTIONS, NEVER_COMPLIANT, PLAYBOOK, WITHOUT_CANARY, report, run

sys.path.insert(0, COLLECTIONS)

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import load_offline_folder  # noqa: E402
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.exports import RECORD_FILES  # noqa: E402
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.manifest import stale_files  # noqa: E402

# Seconds after the start: spread over a lab converge of the exported hosts (the first ones land
# before or in the first workers, the later ones in the writes of later hosts or after the run).
# Each run starts from the lab as exported, so every run has all of its writes still to do.
KILL_AFTER = (0.3, 0.6, 1.0, 1.5, 2.0, 3.0, 5.0)


def host_folders(lab_dir: str) -> list[str]:
    hosts = os.path.join(lab_dir, "hosts")
    return sorted(os.path.join(hosts, name) for name in os.listdir(hosts))


def temporary_files(folder: str) -> list[str]:
    return [os.path.join(root, name) for root, _dirs, names in os.walk(folder) for name in names
            if name.endswith(".tmp")]


def test_a_converge_killed_at_any_moment_is_repaired_by_the_next(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOME=os.path.join(lab, ".ansible"))
    command = [PLAYBOOK, "-i", os.path.join(lab, "inventory.yml"), "tlsready.windows.converge",
               "-e", f"tlsready_backup_dir={out}/backups", "-e", f"tlsready_report_dir={out}/killed", *WITHOUT_CANARY]
    hosts = os.path.join(lab, "hosts")
    exported = os.path.join(out, "exported")
    shutil.copytree(hosts, exported, symlinks=True)
    killed = 0
    for moment in KILL_AFTER:
        shutil.rmtree(hosts)
        shutil.copytree(exported, hosts, symlinks=True)
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            process.wait(timeout=moment)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            killed += 1
        for folder in host_folders(lab):
            # Loads without error, whatever the moment: a record is applied only when vouched for.
            host = load_offline_folder(folder)
            if any(os.path.exists(os.path.join(folder, name)) for name in RECORD_FILES) and not host.stale:
                assert stale_files(folder, RECORD_FILES) == [], folder
    assert killed >= 3, "the kills must land while the converge runs"

    run(lab, "converge", "-e", f"tlsready_backup_dir={out}/backups", "-e", f"tlsready_report_dir={out}/repaired",
        *WITHOUT_CANARY)
    for folder in host_folders(lab):
        assert temporary_files(folder) == [], folder
        if any(os.path.exists(os.path.join(folder, name)) for name in RECORD_FILES):
            assert stale_files(folder, RECORD_FILES) == [], folder
    run(lab, "audit", "-e", f"tlsready_report_dir={out}/after")
    for host, entry in report(f"{out}/after").items():
        if host not in NEVER_COMPLIANT:
            assert entry["status"] == "compliant", (host, entry["findings"])
    # Backups written by the killed runs are whole: each loads (end line, hash, managed values only).
    from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.backup import load_backup  # noqa: E402

    backups = os.path.join(out, "backups")
    for name in os.listdir(backups):
        assert not name.endswith(".tmp"), name
        load_backup(os.path.join(backups, name))
