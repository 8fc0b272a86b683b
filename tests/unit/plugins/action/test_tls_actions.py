# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugins on both paths: an offline folder, and a live host whose module calls are replayed."""

from __future__ import annotations

import copy
import json
import os
import shutil
import typing as t
from unittest.mock import MagicMock

import pytest
from ansible.errors import AnsibleConnectionFailure
from ansible.playbook.task import Task

from ansible_collections.tlsready.windows.plugins.action import tls_facts, tls_hotfix, tls_restore, tls_settings

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")
WIN7_READ = os.path.join(FIXTURES, "live", "win7sp1-x64-unpatched.json")


def load_read_result() -> dict[str, t.Any]:
    with open(WIN7_READ, encoding="utf-8") as handle:
        return json.load(handle)


def live_connection(transport: str = "winrm", scheme: str = "http", port: int = 5985) -> MagicMock:
    connection = MagicMock()
    connection.tlsready_offline = False
    connection.transport = transport
    connection._shell.tmpdir = None
    connection.get_option.side_effect = {"scheme": scheme, "protocol": scheme, "port": port}.get
    return connection


def offline_connection(folder: str) -> MagicMock:
    connection = MagicMock()
    connection.tlsready_offline = True
    connection._shell.tmpdir = None
    connection.get_option.side_effect = {"offline_path": folder}.__getitem__
    return connection


def action(module: t.Any, args: dict[str, t.Any], connection: MagicMock, check_mode: bool = False) -> t.Any:
    task = MagicMock(Task)
    task.args = args
    task.check_mode = check_mode
    task.async_val = 0
    task.action = module.__name__.rsplit(".", 1)[-1]
    plugin = module.ActionModule(task, connection, MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    # What Ansible's plugin loader sets on every plugin it loads (ansible-core 2.16 names it in messages).
    plugin._load_name = f"tlsready.windows.{task.action}"
    return plugin


class ModuleCalls:
    """Replays module results in order and records each call (name, args)."""

    def __init__(self, *results: t.Any) -> None:
        self.results = list(results)
        self.calls: list[tuple[str, dict[str, t.Any]]] = []

    def __call__(self, module_name: str, module_args: dict[str, t.Any], task_vars: t.Any = None, **_: t.Any) -> t.Any:
        self.calls.append((module_name, module_args))
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return copy.deepcopy(result)


@pytest.fixture()
def win7_folder(tmp_path: os.PathLike[str]) -> str:
    """An offline Windows 7 SP1 x64 host made of real-format exports."""
    folder = os.path.join(str(tmp_path), "pc-0042")
    os.makedirs(folder)
    exports = os.path.join(FIXTURES, "exports")
    for source, target in (("systeminfo-win7sp1.csv", "systeminfo.csv"), ("schannel-win7sp1.reg", "schannel.reg"),
                           ("cipher-order-win7sp1.reg", "cipher-local.reg"),
                           ("fileversions-win7sp1.csv", "fileversions.csv")):
        shutil.copyfile(os.path.join(exports, source), os.path.join(folder, target))
    return folder


def listing(folder: str) -> dict[str, bytes]:
    found = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                found[os.path.relpath(os.path.join(root, name), folder)] = handle.read()
    return found


class TestOffline:
    def test_facts_judge_the_folder(self, win7_folder: str) -> None:
        result = action(tls_facts, {}, offline_connection(win7_folder)).run(task_vars={})
        assert not result.get("failed"), result
        assert result["evaluation"]["release"]["id"] == "win7sp1"
        # The fixture host has KB3140245 listed but not the cipher update.
        assert result["evaluation"]["missing_hotfixes"] == ["KB3042058"]
        status = result["ansible_facts"]["tlsready_status"]
        assert status["source"] == f"offline:{win7_folder}"
        assert (status["status"], status["compliant"], status["missing_hotfixes"]) == ("noncompliant", False, ["KB3042058"])
        assert status["findings"] == sorted(f["id"] for f in result["evaluation"]["findings"] if f["severity"] == "error")
        assert (status["release"], status["build"]) == ("Windows 7 SP1", result["state"]["version"])

    def test_settings_check_mode_writes_nothing_and_diffs(self, win7_folder: str) -> None:
        before = listing(win7_folder)
        result = action(tls_settings, {}, offline_connection(win7_folder), check_mode=True).run(task_vars={})
        assert result["changed"] and {c["result"] for c in result["changes"]} == {"would_change"}
        assert "DefaultSecureProtocols = dword:0x00000a00 (2560)" in result["diff"]["after"]
        assert listing(win7_folder) == before

    def test_settings_apply_record_backup_and_are_idempotent(self, win7_folder: str, tmp_path: t.Any) -> None:
        backup = os.path.join(str(tmp_path), "backups", "pc-0042.reg")
        first = action(tls_settings, {"backup": backup}, offline_connection(win7_folder)).run(task_vars={})
        assert first["changed"] and first["reboot_required"]
        assert {c["result"] for c in first["changes"]} == {"changed"}
        assert os.path.exists(os.path.join(win7_folder, "tlsready-applied.reg"))
        assert os.path.exists(os.path.join(win7_folder, "remediation", "remediation.cmd"))
        assert first["backup_file"] == backup and os.path.exists(backup)
        again = action(tls_settings, {"backup": backup}, offline_connection(win7_folder)).run(task_vars={})
        assert not again["changed"] and again["changes"] == []

    def test_hotfix_records_updates_and_a_restore_reverts_values(self, win7_folder: str, tmp_path: t.Any) -> None:
        hotfixes = action(tls_hotfix, {}, offline_connection(win7_folder)).run(task_vars={})
        assert hotfixes["installed"] == ["KB3042058"] and hotfixes["reboot_required"]
        facts = action(tls_facts, {}, offline_connection(win7_folder)).run(task_vars={})
        assert facts["evaluation"]["missing_hotfixes"] == []
        backup = os.path.join(str(tmp_path), "pc-0042.reg")
        action(tls_settings, {"backup": backup}, offline_connection(win7_folder)).run(task_vars={})
        bundle = os.path.join(win7_folder, "remediation", "remediation.reg")
        with open(bundle, "rb") as handle:
            converged = handle.read().decode("utf-16")
        restored = action(tls_restore, {"backup": backup}, offline_connection(win7_folder)).run(task_vars={})
        assert restored["changed"]
        # The bundle is rebuilt: deployed after the restore, it puts the saved values back.
        assert bundle in restored["files"]
        with open(bundle, "rb") as handle:
            rebuilt = handle.read().decode("utf-16")
        assert '"DefaultSecureProtocols"=dword:00000a00' in converged
        assert '"DefaultSecureProtocols"=-' in rebuilt and "dword:00000a80" not in rebuilt
        after = action(tls_facts, {}, offline_connection(win7_folder)).run(task_vars={})
        planned = {(c["path"], c["name"]) for c in facts["evaluation"]["changes"]}
        assert {(c["path"], c["name"]) for c in after["evaluation"]["changes"]} == planned

    def test_a_broken_export_fails_naming_the_file(self, win7_folder: str) -> None:
        with open(os.path.join(win7_folder, "broken.reg"), "wb") as handle:
            handle.write(b"hello")
        result = action(tls_facts, {}, offline_connection(win7_folder)).run(task_vars={})
        assert result["failed"] and "broken.reg" in result["msg"]
        assert "Traceback" not in result["msg"]


class TestLive:
    def test_facts_take_one_round_trip(self) -> None:
        plugin = action(tls_facts, {}, live_connection())
        plugin._execute_module = ModuleCalls(load_read_result())
        result = plugin.run(task_vars={})
        assert [call[0] for call in plugin._execute_module.calls] == ["tlsready.windows.win_tls_read"]
        keys = plugin._execute_module.calls[0][1]["keys"]
        assert {"path": r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL", "recursive": True,
                "x64_only": False} in keys
        # .NET 3.5 is installed (NDP\v3.5 Install=1), so its TLS System Default Versions update is needed too.
        assert result["evaluation"]["missing_hotfixes"] == ["KB3140245", "KB3042058", "KB3154518"]
        # Its exported cipher list predates KB3042058: no suite Azure Front Door accepts.
        assert "cipher.no_afd_suite" in {f["id"] for f in result["evaluation"]["findings"]}

    def test_settings_write_every_value_in_one_call(self) -> None:
        plan = action(tls_facts, {}, live_connection())
        plan._execute_module = ModuleCalls(load_read_result())
        changes = plan.run(task_vars={})["evaluation"]["changes"]
        plugin = action(tls_settings, {}, live_connection())
        values = [{"path": c["path"], "name": c["name"], "result": "changed"} for c in changes]
        plugin._execute_module = ModuleCalls(load_read_result(), {"changed": True, "values": values})
        result = plugin.run(task_vars={})
        writes = plugin._execute_module.calls[1:]
        assert [call[0] for call in writes] == ["tlsready.windows.win_tls_write"]
        assert writes[0][1]["values"][0] == {"path": r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
                                                     r"\Protocols\TLS 1.2\Client", "name": "DisabledByDefault", "data": 0,
                                             "type": "dword", "state": "present"}
        assert len(writes[0][1]["values"]) == len(changes)
        assert result["changed"] and result["reboot_required"]

    def test_passing_state_skips_the_read(self) -> None:
        plan = action(tls_facts, {}, live_connection())
        plan._execute_module = ModuleCalls(load_read_result())
        state = plan.run(task_vars={})["state"]
        plugin = action(tls_settings, {"state": state}, live_connection(), check_mode=True)
        plugin._execute_module = ModuleCalls()
        assert plugin.run(task_vars={})["changed"]
        assert plugin._execute_module.calls == []

    def test_a_fault_half_way_says_exactly_what_changed(self) -> None:
        plan = action(tls_facts, {}, live_connection())
        plan._execute_module = ModuleCalls(load_read_result())
        changes = plan.run(task_vars={})["evaluation"]["changes"]
        values = [{"path": c["path"], "name": c["name"], "result": r} for c, r in zip(changes, ("changed", "changed", "failed"))]
        fault = {"failed": True, "changed": True, "values": values, "msg": "Writing it failed: Access is denied"}
        plugin = action(tls_settings, {}, live_connection())
        plugin._execute_module = ModuleCalls(load_read_result(), fault)
        result = plugin.run(task_vars={})
        assert result["failed"] and result["changed"]
        outcomes = [c["result"] for c in result["changes"]]
        assert outcomes[:3] == ["changed", "changed", "failed"]
        assert set(outcomes[3:]) == {"not_attempted"} and len(outcomes) == 11
        assert "Access is denied" in result["changes"][2]["error"]
        assert result["msg"].startswith(r"Writing HKLM\SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings"
                                        r"\WinHttp\DefaultSecureProtocols failed")
        assert "2 of 11 values were changed before it" in result["msg"]

    def test_a_lost_connection_during_the_write_is_a_failure_not_unreachable(self) -> None:
        plugin = action(tls_settings, {}, live_connection())
        plugin._execute_module = ModuleCalls(load_read_result(), AnsibleConnectionFailure("winrm: connection reset"))
        result = plugin.run(task_vars={})
        assert result["failed"] and "whether the values were written is unknown" in result["changes"][0]["error"]
        assert "0 of 11 values were changed before it" in result["msg"]

    def test_read_failure_with_old_tls_gets_connection_advice(self) -> None:
        plugin = action(tls_facts, {}, live_connection())
        plugin._execute_module = ModuleCalls({"failed": True, "msg": "[SSL: UNSUPPORTED_PROTOCOL] unsupported protocol"})
        result = plugin.run(task_vars={})
        assert result["failed"] and "HTTP 5985 with message encryption" in result["msg"]

    def test_access_denied_key_makes_the_host_non_compliant(self) -> None:
        read = load_read_result()
        read["problems"] = [r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL: access denied"]
        plugin = action(tls_facts, {}, live_connection())
        plugin._execute_module = ModuleCalls(read)
        evaluation = plugin.run(task_vars={})["evaluation"]
        assert evaluation["findings"][0]["id"] == "facts.unreadable" and not evaluation["compliant"]

    def test_malformed_read_result_names_the_field(self) -> None:
        read = load_read_result()
        del read["os"]["version"]
        plugin = action(tls_facts, {}, live_connection())
        plugin._execute_module = ModuleCalls(read)
        result = plugin.run(task_vars={})
        assert result == {"failed": True, "msg": "win_tls_read result.os.version: is missing"}

    def test_hotfix_installs_from_msu_files(self) -> None:
        plugin = action(tls_hotfix, {"source": r"\\files\msu"}, live_connection())
        found = {"files": [{"path": r"\\files\msu\windows6.1-kb3140245-x64_5b06.msu"},
                           {"path": r"\\files\msu\windows6.1-kb3042058-x64.msu"},
                           {"path": r"\\files\msu\windows6.1-kb3154518-x64.msu"}]}
        plugin._execute_module = ModuleCalls(load_read_result(), found, {"rc": 3010, "stdout": "", "stderr": ""},
                                             {"rc": 0, "stdout": "", "stderr": ""}, {"rc": 0, "stdout": "", "stderr": ""})
        result = plugin.run(task_vars={})
        assert result["installed"] == ["KB3140245", "KB3042058", "KB3154518"] and result["reboot_required"]
        assert plugin._execute_module.calls[1] == ("ansible.windows.win_find", {
            "paths": [r"\\files\msu"],
            "patterns": ["windows6.1-kb3140245-x64*.msu", "windows6.1-kb3042058-x64*.msu", "windows6.1-kb3154518-x64*.msu"],
            "get_checksum": False})
        # Windows 7 has no DISM PowerShell module: expand.exe + dism.exe through win_command, not win_hotfix.
        assert plugin._execute_module.calls[2][0] == "ansible.windows.win_command"
        assert r'"\\files\msu\windows6.1-kb3140245-x64_5b06.msu"' in plugin._execute_module.calls[2][1]["cmd"]

    def test_hotfix_without_its_file_fails_saying_what_was_installed(self) -> None:
        plugin = action(tls_hotfix, {"source": r"\\files\msu"}, live_connection())
        plugin._execute_module = ModuleCalls(load_read_result(), {"files": [{"path": "windows6.1-kb3140245-x64.msu"}]},
                                             {"rc": 0, "stdout": "", "stderr": ""})
        result = plugin.run(task_vars={})
        assert result["failed"] and result["installed"] == ["KB3140245"]
        assert result["missing"] == ["KB3042058", "KB3154518"]
        assert "no file matching windows6.1-kb3042058-x64*.msu" in result["msg"]
        assert "Installed before the failure: KB3140245" in result["msg"]

    def test_hotfix_without_source_is_refused(self) -> None:
        plugin = action(tls_hotfix, {}, live_connection())
        plugin._execute_module = ModuleCalls(load_read_result())
        result = plugin.run(task_vars={})
        assert result["failed"] and result["msg"].startswith("source: is required to install updates with method=msu")


class TestArguments:
    def test_unknown_profile(self) -> None:
        plugin = action(tls_facts, {"profile": "bogus"}, live_connection())
        plugin._execute_module = ModuleCalls(load_read_result())
        assert plugin.run(task_vars={})["msg"] == "profile: must be one of m365_client, strict; got 'bogus'"

    def test_unknown_option_is_refused_by_the_spec(self) -> None:
        plugin = action(tls_settings, {"profil": "strict"}, live_connection())
        plugin._execute_module = ModuleCalls()
        result = plugin.run(task_vars={})
        assert result["failed"] and "Unsupported parameters" in result["msg"] and "profil" in result["msg"]
        assert "exception" not in result and plugin._execute_module.calls == []

    def test_management_channel_is_detected_over_https(self) -> None:
        plugin = action(tls_settings, {"profile": "strict", "accept_risks": ["rdp_kb3080079"]},
                        live_connection(scheme="https", port=5986))
        plugin._execute_module = ModuleCalls(load_read_result())
        result = plugin.run(task_vars={})
        assert result["failed"] and result["blocked"] == ["management_channel"]
        assert result["msg"].startswith("Nothing was changed.")
        assert len(plugin._execute_module.calls) == 1
