# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_converge on a live host (module calls replayed, no Windows host here) and an offline folder."""

from __future__ import annotations

import copy
import hashlib
import os
import typing as t
from unittest.mock import MagicMock

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.tlsready.windows.plugins.action import tls_converge, tls_facts
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.status import host_result, host_status

from .test_tls_actions import ModuleCalls, action, listing, live_connection, load_read_result, offline_connection
from .test_tls_actions import win7_folder  # noqa: F401  # pylint: disable=unused-import

READ = "tlsready.windows.win_tls_read"
WRITE = "tlsready.windows.win_tls_write"
FIND = "ansible.windows.win_find"
COMMAND = "ansible.windows.win_command"
SHARE = r"\\fileserver\updates"


def planned() -> dict[str, t.Any]:
    """The verdict tls_facts gives the recorded Windows 7 SP1 read (the plan tls_converge must follow)."""
    calls = ModuleCalls(load_read_result())
    plugin = action(tls_facts, {}, live_connection())
    plugin._execute_module = calls
    return t.cast(t.Dict[str, t.Any], plugin.run(task_vars={})["evaluation"])


def applied_read(evaluation: t.Mapping[str, t.Any], hotfixes: t.Sequence[str] = ()) -> dict[str, t.Any]:
    """The recorded read with every planned value written and ``hotfixes`` installed."""
    read = load_read_result()
    for change in evaluation["changes"]:
        read["registry"] = [r for r in read["registry"]
                            if (r["path"].lower(), r["name"].lower()) != (change["path"].lower(), change["name"].lower())]
        read["registry"].append({"path": change["path"], "name": change["name"], "type": "dword", "data": change["desired"]})
    read["hotfixes"] = list(read["hotfixes"]) + list(hotfixes)
    return read


def written(evaluation: t.Mapping[str, t.Any], upto: int | None = None, fail_at: int | None = None) -> dict[str, t.Any]:
    """A win_tls_write result: every value changed, or changed up to ``fail_at`` which failed."""
    changes = evaluation["changes"]
    values = [{"path": c["path"], "name": c["name"], "before": None, "result": "changed"} for c in changes[:upto]]
    if fail_at is None:
        return {"changed": True, "values": values}
    values = values[:fail_at] + [{"path": changes[fail_at]["path"], "name": changes[fail_at]["name"], "result": "failed"}]
    return {"changed": True, "failed": True, "values": values, "msg": "Writing it failed: Access is denied"}


def run(args: dict[str, t.Any], calls: ModuleCalls, check_mode: bool = False,
        reboot_result: dict[str, t.Any] | None = None) -> tuple[dict[str, t.Any], MagicMock]:
    plugin = action(tls_converge, args, live_connection(), check_mode=check_mode)
    plugin._execute_module = calls
    loader = MagicMock()
    loader.action_loader.get.return_value.run.return_value = reboot_result or {"changed": True, "rebooted": True}
    plugin._shared_loader_obj = loader
    return plugin.run(task_vars={}), loader


def test_first_converge_is_read_write_verify_and_reports_before_and_after() -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan), applied_read(plan))
    result, loader = run({}, calls)
    assert [c[0] for c in calls.calls] == [READ, WRITE, READ], "one read, one batched write, one verify read"
    assert len(calls.calls[1][1]["values"]) == len(plan["changes"]) > 1
    assert result["changed"] and not result.get("failed"), result
    assert {c["result"] for c in result["changes"]} == {"changed"}
    assert result["before"]["changes"] == plan["changes"] and result["evaluation"]["changes"] == []
    assert result["reboot_required"] and not result["rebooted"]
    loader.action_loader.get.assert_not_called()
    assert "DefaultSecureProtocols" in result["diff"]["after"]


def test_compliant_host_is_one_read_and_no_change() -> None:
    plan = planned()
    calls = ModuleCalls(applied_read(plan, plan["missing_hotfixes"]))
    result, _loader = run({"update_source": SHARE}, calls)
    assert [c[0] for c in calls.calls] == [READ]
    assert not result["changed"] and result["changes"] == [] and "before" not in result


def test_check_mode_reads_only_and_says_what_would_change() -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result())
    result, loader = run({"update_source": SHARE, "reboot": True}, calls, check_mode=True)
    assert [c[0] for c in calls.calls] == [READ]
    assert result["changed"] and {c["result"] for c in result["changes"]} == {"would_change"}
    assert result["installed_hotfixes"] == plan["missing_hotfixes"] and result["reboot_required"]
    loader.action_loader.get.assert_not_called()


def test_windows_7_installs_each_msu_with_expand_and_dism_3010_and_already_installed() -> None:
    plan = planned()
    missing = plan["missing_hotfixes"]
    # KB3140245, KB3042058 and (.NET 3.5 is installed) KB3154518.
    assert len(missing) == 3
    found = {"files": [{"path": SHARE + r"\windows6.1-kb3140245-x64_5b067ffb69a94a6e5f9da89ce88c658e52a0dec0.msu"},
                       {"path": SHARE + r"\windows6.1-kb3042058-x64.msu"},
                       {"path": SHARE + r"\windows6.1-kb3154518-x64.msu"}]}
    # What win_command returns for dism.exe: 3010 (installed, restart needed), then a package already there.
    first = {"rc": 3010, "stdout": "The operation completed successfully.\r\nRestart Windows to complete this operation.",
             "stderr": "", "failed": True}
    second = {"rc": 0x00240006, "stdout": "", "stderr": "", "failed": True}
    third = {"rc": 0, "stdout": "", "stderr": ""}
    calls = ModuleCalls(load_read_result(), found, first, second, third, written(plan), applied_read(plan, missing))
    result, _loader = run({"update_source": SHARE}, calls)
    names = [c[0] for c in calls.calls]
    assert names == [READ, FIND, COMMAND, COMMAND, COMMAND, WRITE, READ]
    assert calls.calls[1][1] == {"paths": [SHARE], "patterns": ["windows6.1-kb3140245-x64*.msu", "windows6.1-kb3042058-x64*.msu",
                                                                "windows6.1-kb3154518-x64*.msu"],
                                 "get_checksum": False}
    command = calls.calls[2][1]["cmd"]
    assert 'expand.exe -F:* "\\\\fileserver\\updates\\windows6.1-kb3140245-x64_5b067ffb' in command
    assert r'dism.exe /Online /Add-Package /PackagePath:"%SystemRoot%\Temp\tlsready-KB3140245\windows6.1-kb3140245-x64.cab" /NoRestart /Quiet' in command
    assert result["installed_hotfixes"] == missing and not result.get("failed"), result
    assert result["evaluation"]["missing_hotfixes"] == []


def test_a_failed_update_stops_before_the_write_and_keeps_what_was_installed() -> None:
    plan = planned()
    found = {"files": [{"path": SHARE + r"\windows6.1-kb3140245-x64.msu"}, {"path": SHARE + r"\windows6.1-kb3042058-x64.msu"}]}
    not_applicable = {"rc": -2146498530, "stdout": "Error: 0x800f081e\r\nThe specified package is not applicable to this image.",
                      "stderr": "", "failed": True}
    calls = ModuleCalls(load_read_result(), found, {"rc": 0, "stdout": "", "stderr": ""}, not_applicable)
    result, _loader = run({"update_source": SHARE}, calls)
    assert [c[0] for c in calls.calls] == [READ, FIND, COMMAND, COMMAND]
    assert result["failed"] and result["installed_hotfixes"] == ["KB3140245"]
    assert "not applicable (0x800F081E)" in result["msg"] and "updates installed: KB3140245" in result["msg"]
    assert {c["result"] for c in result["changes"]} == {"not_attempted"}
    entry, failure = host_result("pc-0042", result, "tls12_result")
    assert failure is None and entry is not None and host_status(entry) == "failed"
    assert entry["installed_hotfixes"] == ["KB3140245"] and "0x800F081E" in entry["error"]


def test_a_share_the_host_cannot_open_surfaces_the_win_find_warning() -> None:
    warning = r"Argument path '\\fileserver\updates' does not exist or is not accessible, skipping"
    calls = ModuleCalls(load_read_result(), {"files": [], "matched": 0, "warnings": [warning]})
    result, _loader = run({"update_source": SHARE}, calls)
    assert result["failed"] and warning in result["msg"] and "become" in result["msg"]
    assert result["warnings"] == [warning]
    assert result["installed_hotfixes"] == []


def test_a_write_refused_half_way_says_exactly_what_changed() -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan, fail_at=2))
    result, _loader = run({}, calls)
    outcomes = [c["result"] for c in result["changes"]]
    assert outcomes[:3] == ["changed", "changed", "failed"] and set(outcomes[3:]) == {"not_attempted"}
    assert result["failed"] and result["changed"]
    first = plan["changes"][0]
    assert f"Changed before the failure: {first['path']}\\{first['name']}" in result["msg"]
    assert [c[0] for c in calls.calls] == [READ, WRITE], "no verify read after a failed write"


def test_a_connection_lost_during_the_write_is_a_failure_with_the_plan() -> None:
    calls = ModuleCalls(load_read_result(), AnsibleConnectionFailure("connection reset"))
    result, _loader = run({}, calls)
    assert result["failed"] and "whether the values were written is unknown" in result["msg"]
    assert result["changes"][0]["result"] == "failed"
    assert {c["result"] for c in result["changes"][1:]} == {"not_attempted"}


def test_a_restart_that_times_out_fails_with_what_changed_and_no_verify() -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan))
    timeout = {"failed": True, "changed": True, "rebooted": True, "msg": "Timed out waiting for last boot time check (timeout=1800)"}
    result, loader = run({"reboot": True}, calls, reboot_result=timeout)
    name = loader.action_loader.get.call_args.args[0]
    assert name == "ansible.windows.win_reboot"
    assert loader.action_loader.get.call_args.kwargs["task"].args["reboot_timeout"] == 1800
    assert result["failed"] and "Restart for the TLS changes failed: Timed out" in result["msg"]
    assert len([c for c in result["changes"] if c["result"] == "changed"]) == len(plan["changes"])
    assert [c[0] for c in calls.calls] == [READ, WRITE]
    entry, _failure = host_result("pc-0042", result, "tls12_result")
    assert entry is not None and host_status(entry) == "failed"
    assert len([c for c in entry["applied"] if c["result"] == "changed"]) == len(plan["changes"])


def test_a_restart_when_needed_and_allowed_then_verify() -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan), applied_read(plan))
    result, loader = run({"reboot": True}, calls)
    assert result["rebooted"] and not result["reboot_required"] and not result.get("failed")
    assert loader.action_loader.get.call_count == 1
    assert [c[0] for c in calls.calls] == [READ, WRITE, READ]


def test_setting_states_say_what_waits_for_a_restart_until_the_host_restarts() -> None:
    plan = planned()
    result, _loader = run({}, ModuleCalls(load_read_result(), written(plan), applied_read(plan)))
    states = {s["id"]: s for s in result["setting_states"]}
    written_ids = {c["setting"] + (".wow64" if "Wow6432Node" in c["path"] else "") for c in plan["changes"]}
    for state_id, state in states.items():
        planned_here = state_id in written_ids or state["setting"] in written_ids and state["setting"].startswith("schannel.")
        expected = ("program_restart" if state["setting"].startswith(("dotnet", "wininet")) else "host_restart") \
            if planned_here else None
        assert state["pending"] == expected, state_id
    assert states["winhttp.default_secure_protocols"]["configured"] == "right"
    assert states["winhttp.default_secure_protocols"]["pending"] == "host_restart"
    # The report carries them as returned.
    entry, _failure = host_result("pc", result)
    assert entry is not None and entry["setting_states"] == result["setting_states"]
    rebooted, _loader = run({"reboot": True}, ModuleCalls(load_read_result(), written(plan), applied_read(plan)))
    assert {s["pending"] for s in rebooted["setting_states"]} == {None}
    checked, _loader = run({}, ModuleCalls(load_read_result()), check_mode=True)
    assert {s["pending"] for s in checked["setting_states"]} == {None}
    assert "wrong" in {s["configured"] for s in checked["setting_states"]}


def test_a_guard_blocks_before_any_call_but_the_read() -> None:
    calls = ModuleCalls(load_read_result())
    result, _loader = run({"profile": "strict"}, calls)
    assert result["failed"] and "Blocked before any change" in result["msg"] and "KB3080079" in result["msg"]
    assert [c[0] for c in calls.calls] == [READ]


def test_fail_noncompliant_fails_only_without_a_pending_restart() -> None:
    # No source: the updates stay missing; the values are written, so a restart is pending: no failure yet.
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan), applied_read(plan))
    result, _loader = run({"fail_noncompliant": True}, calls)
    assert not result.get("failed") and result["reboot_required"]
    calls = ModuleCalls(applied_read(plan))
    result, _loader = run({"fail_noncompliant": True}, calls)
    assert result["failed"] and "is not compliant with profile m365_client" in result["msg"]
    entry, _failure = host_result("pc-0042", result, "tls12_result")
    assert entry is not None and host_status(entry) == "noncompliant"


def test_offline_converge_records_one_bundle_and_is_idempotent(win7_folder: str, tmp_path: t.Any) -> None:  # noqa: F811
    backup = os.path.join(str(tmp_path), "pc-0042.reg")
    first = action(tls_converge, {"backup": backup}, offline_connection(win7_folder)).run(task_vars={})
    assert first["changed"] and not first.get("failed"), first
    assert first["installed_hotfixes"] == ["KB3042058"] and first["reboot_required"] and not first["rebooted"]
    assert first["evaluation"]["changes"] == [] and first["evaluation"]["missing_hotfixes"] == []
    assert os.path.exists(os.path.join(win7_folder, "remediation", "remediation.reg")) and os.path.exists(backup)
    snapshot = copy.deepcopy(listing(win7_folder))
    again = action(tls_converge, {"backup": backup}, offline_connection(win7_folder)).run(task_vars={})
    assert not again["changed"] and listing(win7_folder) == snapshot


def test_offline_check_mode_changes_no_file(win7_folder: str, tmp_path: t.Any) -> None:  # noqa: F811
    before = listing(win7_folder)
    backup = os.path.join(str(tmp_path), "pc-0042.reg")
    result = action(tls_converge, {"backup": backup}, offline_connection(win7_folder), check_mode=True).run(task_vars={})
    assert result["changed"] and listing(win7_folder) == before and not os.path.exists(backup)


def test_restore_puts_back_absent_and_empty_multi_string_values_in_one_call(tmp_path: t.Any) -> None:
    from ansible_collections.tlsready.windows.plugins.action import tls_restore
    from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.restore import restore_write_args
    from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.backup import BackupEntry
    from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import RegValue

    key = r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319"
    entries = [BackupEntry(key, "SchUseStrongCrypto", None), BackupEntry(key, "Empty", RegValue("multi_sz", ()))]
    assert restore_write_args(entries)["values"] == [
        {"path": key, "name": "SchUseStrongCrypto", "state": "absent"},
        {"path": key, "name": "Empty", "state": "present", "type": "multi_sz", "data": []},
    ]
    # A backup holds only values tlsready manages (docs/safety.md): the absent value, with its count-and-hash line.
    backup = os.path.join(str(tmp_path), "pc.reg")
    body = ("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework"
            "\\v4.0.30319]\r\n\"SchUseStrongCrypto\"=-\r\n\r\n").encode("utf-16")
    with open(backup, "wb") as handle:
        handle.write(body + f"; tlsready backup: 1 values, sha256 {hashlib.sha256(body).hexdigest()}\r\n".encode("utf-16-le"))
    calls = ModuleCalls({"changed": True, "values": [{"result": "changed"}]})
    plugin = action(tls_restore, {"backup": backup}, live_connection())
    plugin._execute_module = calls
    result = plugin.run(task_vars={})
    assert not result.get("failed"), result
    assert [c[0] for c in calls.calls] == [WRITE]
    written = {v["name"]: v for v in calls.calls[0][1]["values"]}
    assert written["SchUseStrongCrypto"]["state"] == "absent"
    assert len(result["restored"]) == 1


def test_an_unknown_value_kind_elsewhere_does_not_block_the_writes() -> None:
    plan = planned()
    read = load_read_result()
    read["problems"] = [r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319\OddOne (unknown value kind Unknown, not read)"]
    calls = ModuleCalls(read, written(plan), {**applied_read(plan), "problems": read["problems"]})
    result, _loader = run({}, calls)
    assert [c[0] for c in calls.calls] == [READ, WRITE, READ], result.get("msg")
    # The verdict still names what could not be read.
    assert "facts.unreadable" in {f["id"] for f in result["evaluation"]["findings"]}


def test_an_unknown_value_kind_at_a_planned_value_blocks_before_any_change() -> None:
    plan = planned()
    first = plan["changes"][0]
    read = load_read_result()
    read["problems"] = [f"{first['path']}\\{first['name']} (REG_DWORD of unusual size)"]
    calls = ModuleCalls(read)
    result, _loader = run({}, calls)
    assert result["failed"] and "REG_DWORD of unusual size" in result["msg"] and "Nothing was changed" in result["msg"]
    assert [c[0] for c in calls.calls] == [READ]


def test_an_access_problem_blocks_every_write() -> None:
    read = load_read_result()
    read["problems"] = [r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols (access denied)"]
    calls = ModuleCalls(read)
    result, _loader = run({}, calls)
    assert result["failed"] and "access denied" in result["msg"] and [c[0] for c in calls.calls] == [READ]


def test_a_connection_lost_during_an_install_keeps_the_updates_installed_before_it() -> None:
    found = {"files": [{"path": SHARE + r"\windows6.1-kb3140245-x64.msu"}, {"path": SHARE + r"\windows6.1-kb3042058-x64.msu"}]}
    calls = ModuleCalls(load_read_result(), found, {"rc": 3010, "stdout": "", "stderr": ""},
                        AnsibleConnectionFailure("winrm: connection reset"))
    result, _loader = run({"update_source": SHARE}, calls)
    assert result["failed"] and result["installed_hotfixes"] == ["KB3140245"]
    assert "whether it finished is unknown" in result["msg"] and "updates installed: KB3140245" in result["msg"]
    entry, _failure = host_result("pc-0042", result, "tls12_result")
    assert entry is not None and host_status(entry) == "failed" and entry["installed_hotfixes"] == ["KB3140245"]


def test_a_failed_verify_read_keeps_what_was_done() -> None:
    plan = planned()
    calls = ModuleCalls(load_read_result(), written(plan), {"failed": True, "msg": "WinRM operation timed out"})
    result, _loader = run({}, calls)
    assert result["failed"] and "Reading the host again to verify failed" in result["msg"]
    assert {c["result"] for c in result["changes"]} == {"changed"} and "Changed before the failure" in result["msg"]


def test_the_update_modules_run_with_no_log_on_the_host_and_the_task_keeps_its_own() -> None:
    plan = planned()
    found = {"files": [{"path": SHARE + r"\windows6.1-kb3140245-x64.msu"}, {"path": SHARE + r"\windows6.1-kb3042058-x64.msu"},
                       {"path": SHARE + r"\windows6.1-kb3154518-x64.msu"}]}
    replies = ModuleCalls(load_read_result(), found, {"rc": 0}, {"rc": 0}, {"rc": 0}, written(plan),
                          applied_read(plan, plan["missing_hotfixes"]))
    plugin = action(tls_converge, {"update_source": SHARE}, live_connection())
    plugin._task.no_log = False
    seen: list[tuple[str, bool]] = []

    def calls(module_name: str, module_args: dict[str, t.Any], task_vars: t.Any = None, **kwargs: t.Any) -> t.Any:
        # _execute_module passes the task's no_log to the module (_ansible_no_log): no "Invoked with" event.
        seen.append((module_name, plugin._task.no_log))
        return replies(module_name, module_args, task_vars, **kwargs)

    plugin._execute_module = calls
    plugin._shared_loader_obj = MagicMock()
    result = plugin.run(task_vars={})
    assert not result.get("failed"), result
    assert seen == [(READ, False), (FIND, True), (COMMAND, True), (COMMAND, True), (COMMAND, True), (WRITE, False), (READ, False)]
    assert plugin._task.no_log is False
