# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live path fed recorded win_tls_read results with something unreadable or missing.

``win8-wmi-unavailable.json`` is the lab's Windows 8 read with WMI broken (no update
list), ``win7-access-denied.json`` the lab's fresh Windows 7 read with the Schannel
Protocols key denied; both as the module reports them in ``problems``.
"""

from __future__ import annotations

import json
import os
import typing as t

import pytest
from ansible.errors import AnsibleConnectionFailure

from ansible_collections.tlsready.windows.plugins.action import tls_facts, tls_hotfix, tls_settings

from .test_tls_actions import ModuleCalls, action, live_connection

LIVE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "live")
WINHTTP = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"


def recorded(name: str) -> dict[str, t.Any]:
    with open(os.path.join(LIVE, name), encoding="utf-8") as handle:
        return json.load(handle)


def run(module: t.Any, args: dict[str, t.Any], read: dict[str, t.Any], *more: t.Any) -> tuple[dict[str, t.Any], ModuleCalls]:
    plugin = action(module, args, live_connection())
    plugin._execute_module = ModuleCalls(read, *more)
    return plugin.run(task_vars={}), plugin._execute_module


def test_wmi_unavailable_is_a_finding_not_a_compliant_host() -> None:
    result, calls = run(tls_facts, {}, recorded("win8-wmi-unavailable.json"))
    findings = result["evaluation"]["findings"]
    assert findings[0]["id"] == "facts.unreadable" and "installed updates list" in findings[0]["message"]
    assert not result["evaluation"]["compliant"] and len(calls.calls) == 1


def test_wmi_unavailable_installs_nothing() -> None:
    result, calls = run(tls_hotfix, {"source": r"\\files\msu"}, recorded("win8-wmi-unavailable.json"))
    assert result["failed"] and result["installed"] == [] and not result["changed"]
    assert result["msg"].startswith("Nothing was changed: tlsready could not read the installed updates list")
    assert [c[0] for c in calls.calls] == ["tlsready.windows.win_tls_read"]


def test_access_denied_writes_nothing() -> None:
    result, calls = run(tls_settings, {}, recorded("win7-access-denied.json"))
    assert result["failed"] and result["changes"] == [] and not result["changed"]
    assert r"SCHANNEL\Protocols (access denied)" in result["msg"]
    assert [c[0] for c in calls.calls] == ["tlsready.windows.win_tls_read"]


def test_access_denied_host_is_judged_unreadable() -> None:
    result = run(tls_facts, {}, recorded("win7-access-denied.json"))[0]
    assert result["evaluation"]["findings"][0]["id"] == "facts.unreadable"
    assert result["state"]["problems"] == [r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols (access denied)"]


def test_a_missing_key_takes_the_release_default_and_is_created() -> None:
    read = recorded(os.path.join("lab", "win7-fresh.json"))
    assert WINHTTP in read["missing_keys"]
    result, calls = run(tls_settings, {}, read, {"changed": True, "values": [{"result": "changed"}] * 20})
    assert not result.get("failed"), result
    winhttp = [c for c in result["changes"] if c["path"] == WINHTTP and c["name"] == "DefaultSecureProtocols"]
    assert winhttp and winhttp[0]["before"] is None and winhttp[0]["result"] == "changed"
    (written,) = [args["values"] for name, args in calls.calls if name == "tlsready.windows.win_tls_write"]
    assert any(w["path"] == WINHTTP and w["name"] == "DefaultSecureProtocols" for w in written)


def test_tls_1_0_only_host_is_unreachable_with_the_advice() -> None:
    """The raw pywinrm error of an unremediated host over HTTPS gets the connection advice."""
    raw = ("ntlm: HTTPSConnectionPool(host='pc-0042', port=5986): Max retries exceeded with url: /wsman (Caused by "
           "SSLError(SSLError(1, '[SSL: UNSUPPORTED_PROTOCOL] unsupported protocol (_ssl.c:1006)')))")
    plugin = action(tls_facts, {}, live_connection(scheme="https", port=5986))
    plugin._execute_module = ModuleCalls(AnsibleConnectionFailure(raw))
    with pytest.raises(AnsibleConnectionFailure) as caught:
        plugin.run(task_vars={})
    message = str(caught.value)
    assert message.startswith(raw) and "ansible_port: 5985" in message
    assert "connecting-to-unremediated-hosts.md" in message


def test_other_connection_failures_are_left_alone() -> None:
    plugin = action(tls_facts, {}, live_connection())
    plugin._execute_module = ModuleCalls(AnsibleConnectionFailure("ntlm: the specified credentials were rejected by the server"))
    with pytest.raises(AnsibleConnectionFailure) as caught:
        plugin.run(task_vars={})
    assert str(caught.value) == "ntlm: the specified credentials were rejected by the server"
