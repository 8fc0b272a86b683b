# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_converge's canary post-check: a fresh connection, a read, the probe; revert or lost.

Live hosts are replayed module results (no Windows host here); offline hosts are folders with a
``simulate.yml`` (docs/canary-rollout.md).
"""

from __future__ import annotations

import os
import shutil
import typing as t
from unittest.mock import MagicMock

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.tlsready.windows.plugins.action import tls_converge, tls_facts, tls_restore
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.status import host_result, host_status

from .test_tls_actions import ModuleCalls, action, listing, live_connection, load_read_result, offline_connection
from .test_tls_actions import win7_folder  # noqa: F401  # pylint: disable=unused-import
from .test_tls_converge import READ, WRITE, applied_read, planned, written

PROBE = "tlsready.windows.win_tls_probe"


def simulate(folder: str, condition: str) -> None:
    with open(os.path.join(folder, "simulate.yml"), "w", encoding="utf-8") as handle:
        handle.write(f"after_change: {condition}\n")


def converge_offline(folder: str, backup: str, **extra: t.Any) -> dict[str, t.Any]:
    args = {"backup": backup, "post_check": True, **extra}
    return t.cast(t.Dict[str, t.Any], action(tls_converge, args, offline_connection(folder)).run(
        task_vars={"inventory_hostname": "pc-0042"}))


def probe_result(success: bool) -> dict[str, t.Any]:
    failure = {"success": False, "error": "A security error occurred", "error_code": -2147012721}
    return {"changed": False, "runtime": {}, "results": [
        {"endpoint": "login.microsoftonline.com:443", "stack": "winhttp", **({"success": True} if success else failure)},
        {"endpoint": "login.microsoftonline.com:443", "stack": "schannel", "success": True, "protocol": "Tls12"},
    ]}


def test_offline_host_that_loses_management_is_reverted_to_exactly_what_tls_restore_writes(
        win7_folder: str, tmp_path: t.Any) -> None:  # noqa: F811
    twin = os.path.join(str(tmp_path), "twin")
    shutil.copytree(win7_folder, twin)
    simulate(win7_folder, "lose_management")
    backup = os.path.join(str(tmp_path), "pc-0042.reg")
    result = converge_offline(win7_folder, backup)
    assert result["failed"] and result["post_check"]["outcome"] == "reverted", result
    assert "Management failed after the change" in result["post_check"]["reason"]
    assert "simulate.yml (after_change: lose_management)" in result["post_check"]["reason"]
    assert len(result["post_check"]["restored"]) == len([c for c in result["changes"] if c["result"] == "changed"]) > 0
    assert "was reverted" in result["msg"]
    # The same change and tls_restore, by hand, on a twin without the simulation: the same folder.
    twin_backup = os.path.join(str(tmp_path), "twin.reg")
    assert not action(tls_converge, {"backup": twin_backup}, offline_connection(twin)).run(task_vars={}).get("failed")
    restored = action(tls_restore, {"backup": twin_backup}, offline_connection(twin)).run(task_vars={})
    assert not restored.get("failed"), restored
    mine = {k: v for k, v in listing(win7_folder).items() if k != "simulate.yml"}
    assert mine == listing(twin)
    # Management is back once the values are: the host reads again, and judges as before the change.
    facts = action(tls_facts, {}, offline_connection(win7_folder)).run(task_vars={})
    assert not facts.get("failed") and facts["evaluation"]["changes"] == result["evaluation"]["changes"] != []
    entry, _failure = host_result("pc-0042", result, "tls12_result")
    assert entry is not None and host_status(entry) == "reverted"


def test_offline_host_unreachable_after_the_change_is_lost_with_the_console_command(
        win7_folder: str, tmp_path: t.Any) -> None:  # noqa: F811
    simulate(win7_folder, "unreachable")
    backup = os.path.join(str(tmp_path), "pc-0042.reg")
    result = converge_offline(win7_folder, backup, backup_dir=None)
    check = result["post_check"]
    assert result["failed"] and check["outcome"] == "lost", result
    assert check["restored"] == []
    assert "Restoring the values failed" in check["reason"]
    command = check["restore_command"]
    assert f"copy {backup} from the controller to C:\\Windows\\Temp\\tlsready-restore-pc-0042.reg on pc-0042" in command
    assert 'reg import "C:\\Windows\\Temp\\tlsready-restore-pc-0042.reg" && shutdown /r /t 0' in command
    assert command.startswith("rebuild its folder's record and remediation bundle from the backup with "
                              "ansible-playbook tlsready.windows.restore -l pc-0042; only if its remediation bundle "
                              "was already deployed on the machine, also copy ")
    assert command in result["msg"]
    # The change stays recorded; reads keep failing as for a host Ansible cannot reach.
    try:
        action(tls_facts, {}, offline_connection(win7_folder)).run(task_vars={})
    except AnsibleConnectionFailure as err:
        assert "after_change: unreachable" in str(err)
    else:
        raise AssertionError("a lost host must not read")
    entry, _failure = host_result("pc-0042", result, "tls12_result")
    assert entry is not None and host_status(entry) == "lost"


def test_offline_probe_failure_after_the_change_reverts_only_when_the_probe_is_part_of_the_check(
        win7_folder: str, tmp_path: t.Any) -> None:  # noqa: F811
    simulate(win7_folder, "fail_probe")
    backup = os.path.join(str(tmp_path), "pc-0042.reg")
    shutil.copytree(win7_folder, os.path.join(str(tmp_path), "copy"))
    unprobed = converge_offline(os.path.join(str(tmp_path), "copy"), os.path.join(str(tmp_path), "copy.reg"))
    assert not unprobed.get("failed") and unprobed["post_check"] == {
        "outcome": "passed", "reason": None, "restored": [], "restore_command": None, "probed": False}
    result = converge_offline(win7_folder, backup, post_check_probe=True)
    assert result["post_check"]["outcome"] == "reverted" and result["post_check"]["probed"]
    reason = result["post_check"]["reason"]
    assert reason.startswith("The handshake probe failed after the change: The handshake probe failed through WinHTTP")
    assert "12175 ERROR_WINHTTP_SECURE_FAILURE" in reason


def test_a_folder_without_simulate_yml_passes_the_check_its_probe_json_was_recorded_before(
        win7_folder: str, tmp_path: t.Any) -> None:  # noqa: F811
    # A recorded failing probe.json is the host before the change (nothing is deployed yet): not a reason to revert.
    shutil.copyfile(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "probe", "winhttp-12175-secure-failure.json"),
                    os.path.join(win7_folder, "probe.json"))
    result = converge_offline(win7_folder, os.path.join(str(tmp_path), "b.reg"), post_check_probe=True)
    assert not result.get("failed") and result["post_check"]["outcome"] == "passed", result
    assert result["post_check"]["probed"] is False


def test_a_bad_simulate_yml_names_the_file_and_the_allowed_values(win7_folder: str, tmp_path: t.Any) -> None:  # noqa: F811
    simulate(win7_folder, "explode")
    result = converge_offline(win7_folder, os.path.join(str(tmp_path), "b.reg"))
    assert result["failed"] and "simulate.yml" in result["msg"]
    assert "lose_management, unreachable, fail_probe" in result["msg"]


def canary_run(tmp_path: t.Any, calls: ModuleCalls, **extra: t.Any) -> tuple[dict[str, t.Any], t.Any]:
    plugin = action(tls_converge, {"backup": os.path.join(str(tmp_path), "srv.reg"), "post_check": True, **extra},
                    live_connection())
    plugin._execute_module = calls
    result = plugin.run(task_vars={"inventory_hostname": "srv-app-01"})
    return result, plugin._connection


def test_live_host_passing_the_check_gets_a_fresh_connection_and_one_read(tmp_path: t.Any) -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan), applied_read(plan))
    result, connection = canary_run(tmp_path, calls)
    assert [c[0] for c in calls.calls] == [READ, WRITE, READ]
    connection.reset.assert_called_once_with()
    assert not result.get("failed") and result["post_check"]["outcome"] == "passed"
    assert result["evaluation"]["changes"] == []


def test_live_host_whose_fresh_connection_fails_is_restored_in_one_write(tmp_path: t.Any) -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan), AnsibleConnectionFailure("ntlm: HTTPSConnectionPool: SSLError"),
                        {"changed": True, "values": [{"result": "changed"}] * len(plan["changes"])})
    result, _connection = canary_run(tmp_path, calls)
    assert [c[0] for c in calls.calls] == [READ, WRITE, READ, WRITE]
    restore = calls.calls[3][1]["values"]
    assert len(restore) == len(plan["changes"])
    check = result["post_check"]
    assert check["outcome"] == "reverted" and "SSLError" in check["reason"] and len(check["restored"]) == len(restore)
    assert result["failed"] and "srv-app-01 failed the post-change check and was reverted" in result["msg"]
    # The verdict is the one before the change, since the values are back.
    assert result["evaluation"]["changes"] == plan["changes"]


def test_live_host_that_cannot_be_reached_to_restore_is_lost(tmp_path: t.Any) -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan), AnsibleConnectionFailure("timed out"),
                        AnsibleConnectionFailure("timed out"))
    result, _connection = canary_run(tmp_path, calls)
    check = result["post_check"]
    assert check["outcome"] == "lost" and check["restored"] == []
    assert "whether the values were restored is unknown" in check["reason"]
    backup = os.path.join(str(tmp_path), "srv.reg")
    assert check["restore_command"] == (
        f"copy {backup} from the controller to C:\\Windows\\Temp\\tlsready-restore-srv-app-01.reg on srv-app-01, "
        "then in an elevated Command Prompt on its console run: "
        "reg import \"C:\\Windows\\Temp\\tlsready-restore-srv-app-01.reg\" && shutdown /r /t 0")
    entry, _failure = host_result("srv-app-01", result, "tls12_result")
    assert entry is not None and host_status(entry) == "lost" and check["restore_command"] in entry["error"]


def test_live_probe_failure_reverts_and_restarts_again_when_the_change_restarted(tmp_path: t.Any) -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan), applied_read(plan), probe_result(False),
                        {"changed": True, "values": [{"result": "changed"}] * len(plan["changes"])})
    plugin = action(tls_converge, {"backup": os.path.join(str(tmp_path), "srv.reg"), "post_check": True,
                                   "post_check_probe": True, "reboot": True}, live_connection())
    plugin._execute_module = calls
    loader = MagicMock()
    loader.action_loader.get.return_value.run.return_value = {"changed": True, "rebooted": True}
    plugin._shared_loader_obj = loader
    result = plugin.run(task_vars={"inventory_hostname": "srv-app-01"})
    assert [c[0] for c in calls.calls] == [READ, WRITE, READ, PROBE, WRITE]
    assert calls.calls[3][1]["endpoints"] and calls.calls[3][1]["stacks"] == ["winhttp", "dotnet", "schannel"]
    assert loader.action_loader.get.call_count == 2, "one restart for the change, one for the restore"
    assert result["post_check"]["outcome"] == "reverted" and "WinHTTP" in result["post_check"]["reason"]


def test_live_probe_success_passes(tmp_path: t.Any) -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan), applied_read(plan), probe_result(True))
    result, _connection = canary_run(tmp_path, calls, post_check_probe=True)
    assert not result.get("failed") and result["post_check"] == {
        "outcome": "passed", "reason": None, "restored": [], "restore_command": None, "probed": True}


def test_post_check_needs_a_backup_and_the_probe_needs_the_check() -> None:
    calls = ModuleCalls(load_read_result())
    plugin = action(tls_converge, {"post_check": True}, live_connection())
    plugin._execute_module = calls
    result = plugin.run(task_vars={})
    assert result["failed"] and "post_check" in result["msg"] and "backup_dir" in result["msg"] and calls.calls == []
    plugin = action(tls_converge, {"post_check_probe": True, "backup": "/tmp/x.reg"}, live_connection())
    plugin._execute_module = calls
    result = plugin.run(task_vars={})
    assert result["failed"] and "post_check_probe" in result["msg"] and calls.calls == []


def test_a_host_without_change_is_not_checked(tmp_path: t.Any) -> None:
    plan = planned()
    calls = ModuleCalls(applied_read(plan, plan["missing_hotfixes"]))
    result, connection = canary_run(tmp_path, calls)
    assert [c[0] for c in calls.calls] == [READ] and "post_check" not in result
    connection.reset.assert_not_called()


def test_a_revert_puts_back_only_this_runs_changes_as_this_run_read_them(tmp_path: t.Any) -> None:
    plan = planned()
    first, *rest = plan["changes"]
    assert rest, "the replayed host needs two changes or more"
    # An earlier run changed the first value (the backup file keeps what it was before that run);
    # this run reads it as that run left it and changes the others.
    earlier = {"changes": [first]}
    calls = ModuleCalls(load_read_result(), written(earlier), applied_read(earlier))
    canary_run(tmp_path, calls, post_check=False)
    now = applied_read(earlier)
    calls = ModuleCalls(now, written({"changes": rest}), AnsibleConnectionFailure("ntlm: SSLError"),
                        {"changed": True, "values": [{"result": "changed"}] * len(rest)})
    result, _connection = canary_run(tmp_path, calls)
    assert result["post_check"]["outcome"] == "reverted", result
    restore = calls.calls[3][1]["values"]
    assert [(v["path"], v["name"]) for v in restore] == [(c["path"], c["name"]) for c in rest]
    assert (first["path"], first["name"]) not in [(v["path"], v["name"]) for v in restore]
    assert "values this run changed were put back as they were before it" in result["msg"]


def test_a_check_that_ran_before_the_restart_the_change_needs_says_so(tmp_path: t.Any) -> None:
    plan = planned()
    assert any(c["reboot"] for c in plan["changes"]), "the replayed host needs a change that needs a restart"
    calls = ModuleCalls(load_read_result(), written(plan), applied_read(plan))
    result, _connection = canary_run(tmp_path, calls)
    assert result["post_check"]["outcome"] == "passed" and result["reboot_required"]
    assert any("ran before the restart these changes need" in w for w in result["warnings"])
