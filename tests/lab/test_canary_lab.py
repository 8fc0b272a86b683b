# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary converge on the offline lab: revert, stopped rollout, lost host, report always written.

``ansible-playbook tlsready.windows.converge`` runs with the built collection on a copy of lab/.
No Windows host is involved: the lab host win2019-loses-mgmt has a simulate.yml that makes every
read fail once tlsready's change is in its folder (docs/canary-rollout.md), as a host whose
management connection the change broke; a test adds ``after_change: unreachable`` to another.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

from labkit import CANARY_HOST, COLLECTIONS, NEEDS_BUILD, PLAYBOOK, report, run, tree_digest

pytestmark = NEEDS_BUILD


def converge(lab: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """The converge playbook as users run it; its exit code is the test's to check."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOME=os.path.join(lab, ".ansible"))
    command = [PLAYBOOK, "-i", os.path.join(lab, "inventory.yml"), "tlsready.windows.converge", *extra]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)


def host_digests(lab: str) -> dict[str, dict[str, str]]:
    hosts = os.path.join(lab, "hosts")
    return {name: tree_digest(os.path.join(hosts, name)) for name in sorted(os.listdir(hosts))}


def read_csv(folder: str) -> list[dict[str, str]]:
    with open(os.path.join(folder, "report.csv"), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_html(folder: str) -> str:
    with open(os.path.join(folder, "report.html"), encoding="utf-8") as handle:
        return handle.read()


def junit_cases(folder: str) -> tuple[ET.Element, dict[str, ET.Element]]:
    suite = ET.parse(os.path.join(folder, "report.xml")).getroot()
    return suite, {str(c.get("name")): c for c in suite.iter("testcase")}


def test_a_first_wave_host_that_loses_management_is_reverted_and_the_rollout_stops(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    # What tls_restore makes of the same change, on a twin of the canary host without the simulation.
    twin = os.path.join(out, "twin")
    shutil.copytree(lab, twin)
    os.remove(os.path.join(twin, "hosts", CANARY_HOST, "simulate.yml"))
    run(twin, "converge", "-l", CANARY_HOST, "-e", f"tlsready_backup_dir={out}/twin-backups")
    run(twin, "restore", "-l", CANARY_HOST, "-e", f"tlsready_backup_dir={out}/twin-backups")
    before = host_digests(lab)

    # The canary host first in the play, so in the first wave (of one host: the default waves).
    done = converge(lab, "-e", f"tlsready_hosts={CANARY_HOST}:all", "-e", f"tlsready_report_dir={out}/report",
                    "-e", f"tlsready_backup_dir={out}/backups")
    assert done.returncode == 2, done.stdout[-4000:] + done.stderr[-2000:]
    assert f"fatal: [{CANARY_HOST}]: FAILED!" in done.stdout.split("TASK [Fail this host, which is not compliant]")[1]

    # No other host was changed: every other folder is byte for byte as before.
    after = host_digests(lab)
    assert {h: d for h, d in after.items() if h != CANARY_HOST} == {h: d for h, d in before.items() if h != CANARY_HOST}
    # The canary host's record and bundle put the saved values back: exactly what tls_restore writes.
    mine = {k: v for k, v in after[CANARY_HOST].items() if k != "simulate.yml"}
    assert mine == tree_digest(os.path.join(twin, "hosts", CANARY_HOST))
    assert mine != {k: v for k, v in before[CANARY_HOST].items() if k != "simulate.yml"}
    # Management is back: the host reads again, with the 4 .NET values to set as before the change.
    run(lab, "audit", "-l", CANARY_HOST, "-e", f"tlsready_report_dir={out}/audit")
    assert len(report(f"{out}/audit")[CANARY_HOST]["changes"]) == 4

    folder = f"{out}/report"
    hosts = report(folder)
    with open(os.path.join(folder, "report.json"), encoding="utf-8") as handle:
        document = json.load(handle)
    reverted = hosts[CANARY_HOST]
    assert reverted["status"] == "reverted" and reverted["wave"] == 1 and not reverted["compliant"]
    check = reverted["post_check"]
    assert check["outcome"] == "reverted" and len(check["restored"]) == 4 and check["restore_command"] is None
    assert check["reason"].startswith("Management failed after the change: a fresh connection and read of the host failed")
    assert "after_change: lose_management" in check["reason"]
    assert reverted["error"].startswith(f"{CANARY_HOST} failed the post-change check and was reverted: ")
    stopped = (f"rollout stopped after wave 1 because 1 of the 1 hosts of waves 1-1 failed their change "
               f"(100%, tlsready_max_fail_percentage 0): {CANARY_HOST} (reverted)")
    rollout = document["rollout"]
    assert rollout["stopped"] == stopped and rollout["max_fail_percentage"] == 0
    assert rollout["waves"][0] == {"wave": 1, "hosts": 1, "started": True, "failed": [CANARY_HOST]}
    assert len(rollout["waves"]) == 4 and not any(w["started"] for w in rollout["waves"][1:])
    assert sum(w["hosts"] for w in rollout["waves"]) == len(hosts) == len(before)
    others = {h: e for h, e in hosts.items() if h != CANARY_HOST}
    assert {e["status"] for e in others.values()} == {"not_started"}
    assert {e["error"] for e in others.values()} == {f"not started ({stopped})"}
    assert all(e["wave"] > 1 for e in others.values())
    summary = document["summary"]
    assert (summary["reverted"], summary["not_started"], summary["hosts"]) == (1, len(others), len(hosts))

    suite, cases = junit_cases(folder)
    error = cases[CANARY_HOST].find("error")
    assert error is not None and error.get("type") == "reverted" and "was reverted" in str(error.get("message"))
    skipped = [c.find("skipped") for name, c in cases.items() if name != CANARY_HOST]
    assert all(s is not None and s.get("message") == f"not started ({stopped})" for s in skipped)
    assert suite.get("skipped") == str(len(others)) and suite.get("errors") == "1"
    rows = read_csv(folder)
    # One error row; the setting rows after it (empty finding_id) show its state before the change.
    assert [(r["status"], r["finding_id"]) for r in rows if r["host"] == CANARY_HOST and r["finding_id"]] == [
        ("reverted", "reverted")]
    assert {r["status"] for r in rows if r["host"] != CANARY_HOST} == {"not_started"}
    page = read_html(folder)
    assert f'<p class="stopped" id="rollout-stopped">{stopped}</p>' in page
    assert f'<tr class="rollout-host reverted" data-host="{CANARY_HOST}">' in page


def test_a_host_unreachable_after_its_change_is_lost_with_its_console_restore_command(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    with open(os.path.join(lab, "hosts", "win2016", "simulate.yml"), "w", encoding="utf-8") as handle:
        handle.write("after_change: unreachable\n")
    done = converge(lab, "-l", "win2016,win2019", "-e", f"tlsready_report_dir={out}/report",
                    "-e", f"tlsready_backup_dir={out}/backups")
    assert done.returncode == 2, done.stdout[-4000:]
    folder = f"{out}/report"
    hosts = report(folder)
    lost = hosts["win2016"]
    assert lost["status"] == "lost" and lost["post_check"]["outcome"] == "lost"
    command = lost["post_check"]["restore_command"]
    assert command == (
        "rebuild its folder's record and remediation bundle from the backup with ansible-playbook "
        f"tlsready.windows.restore -l win2016 -e tlsready_backup_dir={out}/backups; only if its remediation bundle "
        f"was already deployed on the machine, also copy {out}/backups/win2016.reg from the controller to "
        "C:\\Windows\\Temp\\tlsready-restore-win2016.reg on win2016, then in an elevated Command Prompt on its "
        "console run: reg import \"C:\\Windows\\Temp\\tlsready-restore-win2016.reg\" && shutdown /r /t 0")
    assert os.path.isfile(f"{out}/backups/win2016.reg")
    assert "after_change: unreachable" in lost["post_check"]["reason"] and command in lost["error"]
    # win2019 comes after win2016 in the inventory: its wave did not start.
    assert hosts["win2019"]["status"] == "not_started"
    assert hosts["win2019"]["error"].endswith("failed their change (100%, tlsready_max_fail_percentage 0): win2016 (lost))")
    _suite, cases = junit_cases(folder)
    error = cases["win2016"].find("error")
    assert error is not None and error.get("type") == "lost" and command in str(error.text)
    row = next(r for r in read_csv(folder) if r["host"] == "win2016")
    assert (row["status"], row["remediation"]) == ("lost", command)
    assert '<code class="restore-command">' in read_html(folder)


def test_the_threshold_lets_the_rollout_go_on_below_it(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    done = converge(lab, "-e", f"tlsready_hosts={CANARY_HOST}:win2016:win2019:win10-22h2",
                    "-e", '{"tlsready_waves": [1, 1, 2], "tlsready_max_fail_percentage": 60}',
                    "-e", f"tlsready_report_dir={out}/report", "-e", f"tlsready_backup_dir={out}/backups")
    assert done.returncode == 2, done.stdout[-4000:]
    hosts = report(f"{out}/report")
    # Wave 1: the canary host reverted, 1 of 1 = 100% >= 60%: the rollout stops after it.
    assert hosts[CANARY_HOST]["status"] == "reverted"
    assert {hosts[h]["status"] for h in ("win2016", "win2019", "win10-22h2")} == {"not_started"}
    done = converge(lab, "-e", "tlsready_hosts=win2016:" + CANARY_HOST + ":win2019:win10-22h2",
                    "-e", '{"tlsready_waves": [1, 1, 2], "tlsready_max_fail_percentage": 60}',
                    "-e", f"tlsready_report_dir={out}/third", "-e", f"tlsready_backup_dir={out}/backups")
    third = report(f"{out}/third")
    # Wave 1 passes; wave 2 reverts the canary host: 1 of 2 = 50% < 60%, so wave 3 runs.
    assert third["win2016"]["status"] == "compliant" and third[CANARY_HOST]["status"] == "reverted"
    assert third["win2019"]["status"] == third["win10-22h2"]["status"] == "compliant"
    with open(f"{out}/third/report.json", encoding="utf-8") as handle:
        assert [w["started"] for w in json.load(handle)["rollout"]["waves"]] == [True, True, True]


def test_the_report_and_summary_are_written_when_every_host_fails(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    run(lab, "audit", "-l", "win7-fresh,win2016,win10-22h2", "-e", f"tlsready_report_dir={out}/report")
    with open(os.path.join(out, "report", "report.json"), encoding="utf-8") as handle:
        old = json.load(handle)
    # A backup folder that cannot be created fails every host's converge before any change.
    blocker = os.path.join(out, "not-a-folder")
    with open(blocker, "w", encoding="utf-8") as handle:
        handle.write("x")
    digest = host_digests(lab)
    done = converge(lab, "-l", "win7-fresh,win2016,win10-22h2", "-e", '{"tlsready_waves": ["100%"]}',
                    "-e", f"tlsready_report_dir={out}/report", "-e", f"tlsready_backup_dir={blocker}")
    assert done.returncode == 2, done.stdout[-4000:]
    assert host_digests(lab) == digest
    with open(os.path.join(out, "report", "report.json"), encoding="utf-8") as handle:
        new = json.load(handle)
    assert (old["mode"], new["mode"]) == ("audit", "converge")
    hosts = report(f"{out}/report")
    assert {h: e["status"] for h, e in hosts.items()} == {"win7-fresh": "failed", "win2016": "failed", "win10-22h2": "failed"}
    assert all("not a folder" in e["error"] for e in hosts.values())
    assert new["summary"]["failed"] == 3
    # set_stats ran, and each host failed on its own task (AWX's host summary names each).
    assert "TASK [Publish the fleet summary to AWX (set_stats)]" in done.stdout
    fail_part = done.stdout.split("TASK [Fail this host, which is not compliant]")[1]
    for host in hosts:
        assert f"fatal: [{host}]: FAILED!" in fail_part, host


def runner_job(lab: str, tmp_path: os.PathLike[str], extravars: dict[str, object], limit: str) -> dict[str, object]:
    """The converge run as AWX runs a job (ansible-runner): status, rc, set_stats data, non-ignored failures."""
    import pytest  # pylint: disable=import-outside-toplevel

    ansible_runner = pytest.importorskip("ansible_runner", reason="ansible-runner is in requirements-dev.txt")
    private = os.path.join(str(tmp_path), "runner")
    os.makedirs(private)
    job = ansible_runner.run(private_data_dir=private, playbook="tlsready.windows.converge",
                             inventory=os.path.join(lab, "inventory.yml"), extravars=extravars, limit=limit,
                             envvars={"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_NOCOLOR": "1"},
                             quiet=True, timeout=900)
    artifact: dict[str, object] = {}
    failed: dict[str, str] = {}
    for event in job.events:
        data = event.get("event_data") or {}
        if event["event"] == "playbook_on_stats":
            artifact = data.get("artifact_data") or {}
        elif event["event"] == "runner_on_failed" and not data.get("ignore_errors"):
            failed[data["host"]] = data.get("task")
    return {"status": job.status, "rc": job.rc, "artifact": artifact, "failed": failed}


def test_awx_sees_the_summary_and_each_failed_host_when_every_host_fails(lab: str, tmp_path: os.PathLike[str]) -> None:
    blocker = os.path.join(str(tmp_path), "not-a-folder")
    with open(blocker, "w", encoding="utf-8") as handle:
        handle.write("x")
    job = runner_job(lab, tmp_path, {"tlsready_backup_dir": blocker, "tlsready_waves": ["100%"],
                                     "tlsready_report_dir": os.path.join(str(tmp_path), "report")},
                     "win7-fresh,win2016")
    assert (job["status"], job["rc"]) == ("failed", 2)
    assert job["failed"] == {"win7-fresh": "Fail this host, which is not compliant",
                             "win2016": "Fail this host, which is not compliant"}
    summary = t_summary(job)
    assert (summary["hosts"], summary["failed"]) == (2, 2)


def test_awx_sees_only_the_reverted_host_failed(lab: str, tmp_path: os.PathLike[str]) -> None:
    job = runner_job(lab, tmp_path, {"tlsready_hosts": f"{CANARY_HOST}:win2016:win2019",
                                     "tlsready_backup_dir": os.path.join(str(tmp_path), "backups")},
                     f"{CANARY_HOST},win2016,win2019")
    assert (job["status"], job["rc"]) == ("failed", 2)
    assert job["failed"] == {CANARY_HOST: "Fail this host, which is not compliant"}
    summary = t_summary(job)
    assert (summary["reverted"], summary["not_started"], summary["compliant"]) == (1, 2, 0)


def t_summary(job: dict[str, object]) -> dict[str, int]:
    artifact = job["artifact"]
    assert isinstance(artifact, dict) and "tlsready_summary" in artifact, artifact
    return artifact["tlsready_summary"]  # type: ignore[no-any-return]


def test_a_host_whose_probe_fails_after_its_change_is_reverted_when_the_probe_is_on(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = str(tmp_path)
    with open(os.path.join(lab, "hosts", "win2016", "simulate.yml"), "w", encoding="utf-8") as handle:
        handle.write("after_change: fail_probe\n")
    before = host_digests(lab)["win2016"]
    done = converge(lab, "-l", "win2016", "-e", "tlsready_canary_probe=true", "-e", f"tlsready_report_dir={out}/report",
                    "-e", f"tlsready_backup_dir={out}/backups")
    assert done.returncode == 2, done.stdout[-4000:]
    entry = report(f"{out}/report")["win2016"]
    assert entry["status"] == "reverted" and entry["post_check"]["probed"] is True
    assert entry["post_check"]["reason"].startswith("The handshake probe failed after the change: The handshake probe "
                                                    "failed through WinHTTP")
    assert "12175 ERROR_WINHTTP_SECURE_FAILURE" in entry["post_check"]["reason"]
    # Reverted: the record and bundle hold the saved values, the exports are untouched.
    after = host_digests(lab)["win2016"]
    assert {k: v for k, v in after.items() if k in before} == before
    # Without the probe in the check, the same host passes and keeps its change.
    done = converge(lab, "-l", "win2016", "-e", f"tlsready_report_dir={out}/plain", "-e", f"tlsready_backup_dir={out}/backups")
    assert done.returncode == 0, done.stdout[-4000:]
    plain = report(f"{out}/plain")["win2016"]
    assert plain["status"] == "compliant" and plain["post_check"]["outcome"] == "passed"
