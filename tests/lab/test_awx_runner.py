# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit playbook run as AWX runs a job: through ansible-runner, on a copy of the offline lab.

AWX reads a job's status and exit code, the set_stats data (``artifact_data``) and the per-host
events; docs/awx.md's exit-code table is what these tests observe. No AWX and no Windows host
are involved: the hosts are lab export folders, and an unreachable host is a WinRM address
nothing listens on.
"""

from __future__ import annotations

import json
import os
import shutil
import typing as t

import pytest

ansible_runner = pytest.importorskip("ansible_runner", reason="ansible-runner is in requirements-dev.txt; make venv installs it")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COLLECTIONS = os.environ.get("TLSREADY_TEST_COLLECTIONS", os.path.join(ROOT, "build", "collections"))

pytestmark = pytest.mark.skipif(
    not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "tlsready", "windows")),
    reason="the collection is not built and installed in build/collections: run `make build` (make test does)",
)

FAIL_TASK = "Fail this host, which is not compliant"


class Job(t.NamedTuple):
    status: str
    rc: int
    stats: dict[str, t.Any]
    artifact_data: dict[str, t.Any]
    failed_hosts: dict[str, str]  # host -> task name of its runner_on_failed event
    unreachable_hosts: set[str]


def run_job(tmp_path: t.Any, extravars: dict[str, t.Any], limit: str | None = None,
            extra_inventory: dict[str, t.Any] | None = None) -> Job:
    lab = os.path.join(str(tmp_path), "lab")
    os.makedirs(os.path.join(str(tmp_path), "runner"))
    shutil.copytree(os.path.join(ROOT, "lab"), lab, ignore=shutil.ignore_patterns(".runs"))
    inventories = [os.path.join(lab, "inventory.yml")]
    if extra_inventory:
        extra = os.path.join(str(tmp_path), "extra-inventory.json")
        with open(extra, "w", encoding="utf-8") as handle:
            json.dump(extra_inventory, handle)
        inventories.append(extra)
    runner = ansible_runner.run(
        private_data_dir=os.path.join(str(tmp_path), "runner"),
        playbook="tlsready.windows.audit",
        inventory=inventories,
        extravars=extravars,
        limit=limit,
        envvars={"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_NOCOLOR": "1"},
        quiet=True,
        timeout=900,
    )
    artifact_data: dict[str, t.Any] = {}
    failed: dict[str, str] = {}
    unreachable: set[str] = set()
    for event in runner.events:
        data = event.get("event_data") or {}
        if event["event"] == "playbook_on_stats":
            artifact_data = data.get("artifact_data") or {}
        elif event["event"] == "runner_on_failed" and not data.get("ignore_errors"):
            failed[data["host"]] = data.get("task")
        elif event["event"] == "runner_on_unreachable":
            unreachable.add(data["host"])
    return Job(runner.status, runner.rc, runner.stats or {}, artifact_data, failed, unreachable)


def lab_hosts() -> list[str]:
    return sorted(os.listdir(os.path.join(ROOT, "lab", "hosts")))


def report(path: str) -> dict[str, t.Any]:
    with open(os.path.join(path, "report.json"), encoding="utf-8") as handle:
        return t.cast(dict, json.load(handle))


def test_fail_flag_without_a_report_folder_fails_each_noncompliant_host(tmp_path: t.Any) -> None:
    job = run_job(tmp_path, {"tlsready_fail_on_noncompliant": True})
    assert job.status == "failed" and job.rc == 2
    summary = job.artifact_data["tlsready_summary"]
    assert summary["hosts"] == len(lab_hosts()) and summary["report_dir"] == ""
    bad = summary["hosts"] - summary["compliant"]
    assert bad > 0
    # Each noncompliant host fails on its own task; the compliant ones do not.
    assert len(job.failed_hosts) == bad
    assert set(job.failed_hosts.values()) == {FAIL_TASK}
    assert "win7-dbd0" not in job.failed_hosts and "win7-fresh" in job.failed_hosts
    assert set(job.stats["failures"]) == set(job.failed_hosts)


def test_noncompliant_hosts_pass_without_the_flag(tmp_path: t.Any) -> None:
    out = os.path.join(str(tmp_path), "reports")
    job = run_job(tmp_path, {"tlsready_report_dir": out})
    assert job.status == "successful" and job.rc == 0
    assert job.failed_hosts == {}
    assert job.artifact_data["tlsready_summary"]["noncompliant"] == report(out)["summary"]["noncompliant"] > 0


def test_every_host_failing_the_read_still_writes_the_report_and_set_stats(tmp_path: t.Any) -> None:
    out = os.path.join(str(tmp_path), "reports")
    job = run_job(tmp_path, {"tlsready_report_dir": out, "tlsready_offline_path": os.path.join(str(tmp_path), "missing")},
                  limit="win7-fresh,win7-dbd0")
    assert job.status == "failed" and job.rc == 2
    assert job.failed_hosts == {"win7-fresh": FAIL_TASK, "win7-dbd0": FAIL_TASK}
    written = report(out)
    assert written["summary"]["failed"] == 2 and {h["status"] for h in written["hosts"]} == {"failed"}
    assert "no such folder" in written["hosts"][0]["error"]
    assert job.artifact_data["tlsready_summary"]["failed"] == 2


UNREACHABLE = {"all": {"hosts": {"pc-unreachable": {
    "ansible_connection": "winrm", "ansible_host": "127.0.0.1", "ansible_port": 9, "ansible_user": "audit",
    "ansible_password": "not-a-secret", "ansible_winrm_transport": "ntlm", "ansible_winrm_scheme": "http",
    "ansible_winrm_connection_timeout": 5, "ansible_winrm_read_timeout_sec": 10, "ansible_winrm_operation_timeout_sec": 8}}}}


def test_unreachable_host_is_reported_and_fails_only_with_the_flag(tmp_path: t.Any) -> None:
    out = os.path.join(str(tmp_path), "reports")
    job = run_job(tmp_path / "plain", {"tlsready_report_dir": out}, limit="pc-unreachable,win7-dbd0",
                  extra_inventory=UNREACHABLE)
    assert job.unreachable_hosts == {"pc-unreachable"}
    assert job.status == "successful" and job.rc == 0, "ignore_unreachable: an unreachable host alone does not fail the job"
    assert report(out)["summary"]["unreachable"] == 1
    assert job.artifact_data["tlsready_summary"]["unreachable"] == 1

    flagged = run_job(tmp_path / "flag", {"tlsready_report_dir": out, "tlsready_fail_on_noncompliant": True},
                      limit="pc-unreachable,win7-dbd0", extra_inventory=UNREACHABLE)
    assert flagged.status == "failed" and flagged.rc == 2
    assert flagged.failed_hosts == {"pc-unreachable": FAIL_TASK}
