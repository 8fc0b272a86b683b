# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_probe on both paths, and tls_facts judging a probe: a right registry with a failed probe is noncompliant.

The live module calls are replayed (no Windows host here); the probe results are the documented-error
fixtures of tests/unit/fixtures/probe.
"""

from __future__ import annotations

import json
import os
import shutil
import typing as t

import pytest

from ansible_collections.tlsready.windows.plugins.action import tls_facts, tls_probe

from .test_tls_actions import FIXTURES, ModuleCalls, action, live_connection, offline_connection

PROBES = os.path.join(FIXTURES, "probe")
# A lab host the m365_client profile finds compliant (registry and updates right); lab/README.md.
COMPLIANT_HOST = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "lab", "hosts", "win7-dbd0")


def fixture(path: str) -> dict[str, t.Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def probe_live(name: str, args: dict[str, t.Any] | None = None) -> tuple[dict[str, t.Any], ModuleCalls]:
    calls = ModuleCalls(fixture(os.path.join(PROBES, name + ".json")))
    plugin = action(tls_probe, args or {}, live_connection())
    plugin._execute_module = calls  # type: ignore[method-assign]
    return plugin.run(task_vars={}), calls


@pytest.fixture()
def compliant_host(tmp_path: t.Any) -> str:
    folder = os.path.join(str(tmp_path), "win7-dbd0")
    shutil.copytree(COMPLIANT_HOST, folder)
    return folder


def probe_then_facts(folder: str, recorded: str | None) -> dict[str, t.Any]:
    """tls_probe then tls_facts with the registered probe, on an offline host with ``recorded`` as probe.json."""
    if recorded is not None:
        shutil.copyfile(os.path.join(PROBES, recorded + ".json"), os.path.join(folder, "probe.json"))
    probe = action(tls_probe, {}, offline_connection(folder)).run(task_vars={})
    assert not probe.get("failed"), probe
    return action(tls_facts, {"probe": probe}, offline_connection(folder)).run(task_vars={})


def test_live_probe_runs_the_module_once_with_the_defaults() -> None:
    result, calls = probe_live("success", {"sharepoint_tenant": "contoso", "timeout": 5})
    assert not result.get("failed"), result
    assert calls.calls == [("tlsready.windows.win_tls_probe", {
        "endpoints": [{"host": "login.microsoftonline.com", "port": 443}, {"host": "contoso.sharepoint.com", "port": 443}],
        "stacks": ["winhttp", "dotnet", "schannel"], "timeout_ms": 5000})]
    assert result["probe"]["probed"] and result["probe"]["source"] == "live"
    assert result["probe"]["effective"] == {"winhttp": "works", "dotnet": "works", "schannel": "works"}
    assert result["findings"] == [] and result["changed"] is False


@pytest.mark.parametrize("args, message", [
    ({"stacks": ["wininet"]}, "stacks"),
    ({"timeout": 0}, "timeout: must be 1 to 120"),
    ({"endpoints": ["https://login.microsoftonline.com"]}, "endpoints:"),
    ({"endpoints": ["a.example"], "sharepoint_tenant": "contoso"}, "sharepoint_tenant"),
])
def test_bad_arguments_fail_cleanly_before_any_call(args: dict[str, t.Any], message: str) -> None:
    calls = ModuleCalls()
    plugin = action(tls_probe, args, live_connection())
    plugin._execute_module = calls  # type: ignore[method-assign]
    result = plugin.run(task_vars={})
    assert result["failed"] and message in result["msg"] and calls.calls == []


def test_a_failed_or_malformed_module_result_fails_the_task() -> None:
    for replayed, message in (({"failed": True, "msg": "Access is denied"}, "The handshake probe failed: Access is denied"),
                              ({"results": "none"}, "win_tls_probe result.results: must be a list")):
        plugin = action(tls_probe, {}, live_connection())
        plugin._execute_module = ModuleCalls(replayed)  # type: ignore[method-assign]
        result = plugin.run(task_vars={})
        assert result["failed"] and message in result["msg"], result


def test_offline_without_probe_json_says_not_probed(tmp_path: t.Any) -> None:
    result = action(tls_probe, {}, offline_connection(str(tmp_path))).run(task_vars={})
    assert not result.get("failed"), result
    assert result["probe"]["probed"] is False
    assert result["probe"]["reason"] == "not probed: offline host without probe.json"


def test_offline_returns_the_recorded_probe(tmp_path: t.Any) -> None:
    shutil.copyfile(os.path.join(PROBES, "dotnet-send-failure.json"), os.path.join(str(tmp_path), "probe.json"))
    result = action(tls_probe, {}, offline_connection(str(tmp_path))).run(task_vars={})
    assert result["probe"]["source"] == "offline" and result["probe"]["effective"]["dotnet"] == "fails"
    assert [f["id"] for f in result["findings"]] == ["probe.dotnet.failed"]


def test_facts_without_probe_are_unchanged(compliant_host: str) -> None:
    result = action(tls_facts, {}, offline_connection(compliant_host)).run(task_vars={})
    assert result["evaluation"]["compliant"] is True, result["evaluation"]["findings"]
    assert {s["effective"] for s in result["setting_states"]} == {"not_probed"}
    assert {s["configured"] for s in result["setting_states"]} == {"right"}
    unprobed = probe_then_facts(compliant_host, None)
    assert unprobed["evaluation"] == result["evaluation"]
    assert {s["effective_detail"] for s in unprobed["setting_states"]} == {"not probed: offline host without probe.json"}


def test_right_registry_with_a_passing_probe_stays_compliant(compliant_host: str) -> None:
    result = probe_then_facts(compliant_host, "success")
    assert result["evaluation"]["compliant"] is True
    states = {s["id"]: s for s in result["setting_states"]}
    winhttp = states["winhttp.default_secure_protocols"]
    assert {k: winhttp[k] for k in ("setting", "configured", "pending", "effective", "observed_by")} == {
        "setting": "winhttp.default_secure_protocols", "configured": "right", "pending": None, "effective": "works",
        "observed_by": "winhttp"}


@pytest.mark.parametrize("name, stack", [
    ("winhttp-12175-secure-failure", "winhttp"),
    ("dotnet-send-failure", "dotnet"),
    ("schannel-tls12-client-disabled", "schannel"),
])
def test_right_registry_with_a_failing_probe_is_noncompliant_naming_the_stack(
        compliant_host: str, name: str, stack: str) -> None:
    result = probe_then_facts(compliant_host, name)
    evaluation = result["evaluation"]
    assert evaluation["compliant"] is False
    assert [f["id"] for f in evaluation["findings"] if f["severity"] == "error"] == [f"probe.{stack}.failed"]
    status = result["ansible_facts"]["tlsready_status"]
    assert status["status"] == "noncompliant" and status["findings"] == [f"probe.{stack}.failed"]
    observed = [s for s in result["setting_states"] if s["observed_by"] == stack]
    assert observed and all(s["configured"] == "right" and s["effective"] == "fails" for s in observed)


def test_a_failed_probe_task_is_refused_with_its_message(compliant_host: str) -> None:
    result = action(tls_facts, {"probe": {"failed": True, "msg": "WinRM timed out"}},
                    offline_connection(compliant_host)).run(task_vars={})
    assert result["failed"] and result["msg"] == "probe: the tls_probe task failed: WinRM timed out"
