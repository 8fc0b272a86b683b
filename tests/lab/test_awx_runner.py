# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit and converge playbooks run as AWX runs a job: through ansible-runner, on a copy of the offline lab.

AWX reads a job's status and exit code, the set_stats data (``artifact_data``) and the per-host
events; docs/awx.md's exit-code tables are what these tests observe. No AWX and no Windows host
are involved: the hosts are lab export folders, and an unreachable host is a WinRM address
nothing listens on. The converge tests assert outcomes (exit code, stats, which hosts fail or
change), not task names: the converge playbook's tasks may be reorganised.
"""

from __future__ import annotations

import json
import os
import shutil
import typing as t

import pytest

from labkit import COLLECTIONS, NEEDS_BUILD, ROOT, WITHOUT_CANARY

ansible_runner = pytest.importorskip("ansible_runner", reason="ansible-runner is in requirements-dev.txt; make venv installs it")

pytestmark = NEEDS_BUILD

FAIL_TASK = "Fail this host, which is not compliant"


# The tasks whose result is the host's verdict (not the rollout brake or the report, which run once).
READ_ACTIONS = ("tlsready.windows.tls_facts", "tlsready.windows.tls_converge")


class Job(t.NamedTuple):
    status: str
    rc: int
    stats: dict[str, t.Any]
    artifact_data: dict[str, t.Any]
    failed_hosts: dict[str, str]  # host -> task name of its runner_on_failed event
    unreachable_hosts: set[str]
    changed_hosts: set[str]  # hosts with a changed result of their own (not a run_once task's)
    first_results: dict[str, dict[str, t.Any]]  # host -> the result of its read or converge task


def run_job(tmp_path: t.Any, extravars: dict[str, t.Any], limit: str | None = None,
            extra_inventory: dict[str, t.Any] | None = None, playbook: str = "tlsready.windows.audit") -> Job:
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
        playbook=playbook,
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
    changed: set[str] = set()
    first: dict[str, dict[str, t.Any]] = {}
    for event in runner.events:
        data = event.get("event_data") or {}
        if event["event"] == "playbook_on_stats":
            artifact_data = data.get("artifact_data") or {}
            continue
        if event["event"] in ("runner_on_ok", "runner_on_failed", "runner_on_unreachable") and \
                data.get("task_action") in READ_ACTIONS:
            first.setdefault(data["host"], data.get("res") or {})
        if event["event"] == "runner_on_failed" and not data.get("ignore_errors"):
            failed[data["host"]] = data.get("task")
        elif event["event"] == "runner_on_unreachable":
            unreachable.add(data["host"])
        elif event["event"] == "runner_on_ok" and (data.get("res") or {}).get("changed") and not data.get("delegated_host"):
            changed.add(data["host"])
    return Job(runner.status, runner.rc, runner.stats or {}, artifact_data, failed, unreachable, changed, first)


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


# ---------------------------------------------------------------------------------------------- converge
CONVERGE = "tlsready.windows.converge"
GPO_HOST, WININET_GPO = "win10-gpo-broken", "Turn off encryption support"


def converge_job(tmp_path: t.Any, extravars: dict[str, t.Any], **kwargs: t.Any) -> Job:
    backups = os.path.join(str(tmp_path), "backups")
    return run_job(tmp_path, {"tlsready_backup_dir": backups, **extravars}, playbook=CONVERGE, **kwargs)


def counts(summary: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    return {k: v for k, v in summary.items() if k != "report_dir"}


def test_converge_changes_hosts_and_passes_without_the_flag(tmp_path: t.Any) -> None:
    out = os.path.join(str(tmp_path), "reports")
    # The canary lab host loses management after its change: tests/lab/test_canary_lab.py converges it.
    job = converge_job(tmp_path, {"tlsready_report_dir": out}, limit=WITHOUT_CANARY[1])
    assert job.status == "successful" and job.rc == 0
    assert job.failed_hosts == {} and job.unreachable_hosts == set()
    written = report(out)
    summary = job.artifact_data["tlsready_summary"]
    assert counts(summary) == written["summary"] and summary["report_dir"] == out
    assert summary["hosts"] == len(lab_hosts()) - 1 and summary["noncompliant"] > 0 and summary["reboot_required"] > 0
    # AWX's host summary: the hosts this run changed are "changed", and they are the ones the report says.
    entries = {h["host"]: h for h in written["hosts"]}
    worked = {h for h, e in entries.items() if e["applied"] or e["installed_hotfixes"]}
    assert job.changed_hosts == worked == set(job.stats["changed"])
    assert "win7-fresh" in worked and "win7-dbd0" not in worked  # win7-dbd0 is compliant as collected
    # Still not compliant after the converge, and not failed: the flag is off.
    assert entries["win7-patched"]["status"] == "noncompliant" and "win7-patched" not in job.stats.get("failures", {})
    # The converge result says which GPO setting to change for the values it left to Group Policy.
    assert any(WININET_GPO in w for w in job.first_results[GPO_HOST].get("warnings") or [])


def test_converge_fail_flag_fails_each_host_still_not_compliant(tmp_path: t.Any) -> None:
    out = os.path.join(str(tmp_path), "reports")
    job = converge_job(tmp_path, {"tlsready_report_dir": out, "tlsready_fail_on_noncompliant": True},
                       limit=WITHOUT_CANARY[1])
    assert job.status == "failed" and job.rc == 2
    entries = {h["host"]: h for h in report(out)["hosts"]}
    summary = job.artifact_data["tlsready_summary"]
    assert summary["hosts"] == len(entries) == len(lab_hosts()) - 1
    not_compliant = {h for h, e in entries.items() if e["status"] != "compliant"}
    # Each host not compliant after the converge fails on its own task of the report play, also one
    # waiting for its restart (docs/awx.md): the report judged it as it is now.
    assert set(job.failed_hosts) == not_compliant == set(job.stats["failures"])
    assert {"win7-patched", "win7-nosp", "win2012r2-net452", "win2008sp2"} <= set(job.failed_hosts)
    for host in job.failed_hosts:
        assert job.failed_hosts[host] == FAIL_TASK, host
    # The converge result (its failure ignored, so the report play runs) names the findings.
    assert "is not compliant with profile m365_client" in job.first_results["win7-patched"]["msg"]
    # Compliant hosts that were changed stay green.
    assert "win7-fresh" in job.changed_hosts and "win7-fresh" not in job.failed_hosts


def test_converge_blocked_by_a_safety_guard_fails_that_host_only(tmp_path: t.Any) -> None:
    out = os.path.join(str(tmp_path), "reports")
    # strict disables TLS 1.0 server, and win7-fresh lacks KB3080079 (RDP): the guard stops it before any change.
    job = converge_job(tmp_path, {"tlsready_report_dir": out, "tlsready_profile": "strict"},
                       limit="win7-fresh,win7-dbd0")
    assert job.status == "failed" and job.rc == 2
    assert set(job.failed_hosts) == {"win7-fresh"} and "Blocked before any change" in job.first_results["win7-fresh"]["msg"]
    assert "win7-fresh" not in job.changed_hosts
    assert job.artifact_data["tlsready_summary"]["hosts"] == 2 and report(out)["summary"]["hosts"] == 2


def test_converge_unreachable_host_is_reported_and_the_job_passes(tmp_path: t.Any) -> None:
    out = os.path.join(str(tmp_path), "reports")
    job = converge_job(tmp_path, {"tlsready_report_dir": out}, limit="pc-unreachable,win7-dbd0",
                       extra_inventory=UNREACHABLE)
    assert job.unreachable_hosts == {"pc-unreachable"}
    assert job.status == "successful" and job.rc == 0
    assert report(out)["summary"]["unreachable"] == job.artifact_data["tlsready_summary"]["unreachable"] == 1
    # ignore_unreachable: Ansible's stats (AWX's host summary) count the host as ignored, not unreachable.
    assert "pc-unreachable" not in job.stats.get("dark", {}) and job.stats["ignored"] == {"pc-unreachable": 1}


def test_converge_fail_flag_fails_an_unreachable_host(tmp_path: t.Any) -> None:
    out = os.path.join(str(tmp_path), "reports")
    job = converge_job(tmp_path, {"tlsready_report_dir": out, "tlsready_fail_on_noncompliant": True},
                       limit="pc-unreachable,win7-dbd0", extra_inventory=UNREACHABLE)
    assert job.status == "failed" and job.rc == 2
    assert set(job.failed_hosts) == {"pc-unreachable"}


def test_converge_every_host_failing_still_writes_the_report_and_set_stats(tmp_path: t.Any) -> None:
    out = os.path.join(str(tmp_path), "reports")
    # One wave: with canary waves the failure of the first host would leave the second not started.
    job = converge_job(tmp_path, {"tlsready_report_dir": out, "tlsready_waves": ["100%"],
                                  "tlsready_offline_path": os.path.join(str(tmp_path), "missing")},
                       limit="win7-fresh,win7-dbd0")
    assert job.status == "failed" and job.rc == 2
    assert set(job.failed_hosts) == {"win7-fresh", "win7-dbd0"}
    assert job.artifact_data["tlsready_summary"]["failed"] == 2
    assert report(out)["summary"]["failed"] == 2
