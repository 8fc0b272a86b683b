# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The three states of each setting: configured (registry), pending (written, waiting for a restart), effective (probe).

The probe results are the fixtures in tests/unit/fixtures/probe, written from Microsoft's documented
error codes (not recorded on a Windows host; there is none here).
"""

from __future__ import annotations

import copy
import dataclasses
import typing as t

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.changes import (
    APPLIED,
    change_result,
    WOULD_CHANGE,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES_BY_ID
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.result import HostResult
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.setting_states import (
    effective_summary,
    NO_PROBE,
    pending_summary,
    setting_states,
    SettingState,
    written_values,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.probe import (
    NOT_PROBED_OFFLINE,
    ProbeRun,
    run_from_module_result,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources import keys as src
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState, RegValue

from .test_evaluate import fresh, with_dotnet
from .test_probe import recorded, run_of

WIN10 = RELEASES_BY_ID["win10_22h2"]
WIN7 = RELEASES_BY_ID["win7sp1"]
NATIVE_VIEW = {"schannel.tls1_2.client": "schannel", "cipher.suites": "schannel",
               "winhttp.default_secure_protocols": "winhttp", "dotnet4.strong_crypto": "dotnet",
               "dotnet4.system_default_tls_versions": "dotnet"}


def compliant_win10(architecture: str = "x64") -> HostState:
    return with_dotnet(fresh(WIN10, architecture))


def states_of(state: HostState, probe: ProbeRun | None = None, **result: t.Any) -> dict[str, SettingState]:
    """The states as HostResult gives them (tls_facts and tls_converge), by id."""
    host = HostResult(state, evaluate(state), probe=probe, **result)
    returned = host.to_result()["setting_states"]
    computed = setting_states(state, host.evaluation, probe, host.waiting_values())
    assert returned == [s.to_dict() for s in computed]
    return {s.id: s for s in computed}


def test_every_judged_setting_and_view_has_one_state_configured_right() -> None:
    states = states_of(compliant_win10())
    assert sorted(states) == sorted([
        "schannel.tls1_2.client", "winhttp.default_secure_protocols", "winhttp.default_secure_protocols.wow64",
        "wininet.secure_protocols", "dotnet4.strong_crypto", "dotnet4.strong_crypto.wow64",
        "dotnet4.system_default_tls_versions", "dotnet4.system_default_tls_versions.wow64", "cipher.suites"])
    assert {s.configured for s in states.values()} == {"right"}
    assert {s.pending for s in states.values()} == {None}
    assert {(s.effective, s.effective_detail) for s in states.values()} == {("not_probed", NO_PROBE)}
    assert states["dotnet4.strong_crypto.wow64"].label.endswith(", 32-bit view")
    assert states["dotnet4.strong_crypto"].registry == "SchUseStrongCrypto=1"
    assert states["schannel.tls1_2.client"].registry == "Enabled=absent; DisabledByDefault=absent"
    assert states["cipher.suites"].registry.startswith("offered: ")
    assert "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in states["cipher.suites"].registry


def test_32_bit_windows_has_no_32_bit_view_state() -> None:
    states = states_of(compliant_win10("x86"))
    assert not [i for i in states if i.endswith(".wow64")]


def test_the_strict_profile_judges_the_old_protocols_and_unmanaged_is_not_reported() -> None:
    state = compliant_win10()
    strict = setting_states(state, evaluate(state, "strict"), None)
    assert {"schannel.tls1_0.client", "schannel.tls1_0.server", "schannel.ssl3_0.server"} <= {s.id for s in strict}
    assert {s.configured for s in strict if s.id.startswith("schannel.tls1_0.")} == {"wrong"}
    unmanaged = setting_states(state, evaluate(state, overrides={"wininet.secure_protocols": "unmanaged"}), None)
    assert "wininet.secure_protocols" not in {s.id for s in unmanaged}


def test_a_wrong_value_is_wrong_in_its_view_only_and_shows_what_the_registry_holds() -> None:
    state = compliant_win10()
    state.delete(src.DOTNET4, "SchUseStrongCrypto")
    state.set(src.WINHTTP_WOW64, "DefaultSecureProtocols", RegValue("dword", 0xA0))
    states = states_of(state)
    assert states["dotnet4.strong_crypto"].configured == "wrong"
    assert states["dotnet4.strong_crypto"].registry == "SchUseStrongCrypto=absent"
    assert states["dotnet4.strong_crypto.wow64"].configured == "right"
    assert states["winhttp.default_secure_protocols.wow64"].configured == "wrong"
    assert states["winhttp.default_secure_protocols.wow64"].registry == "DefaultSecureProtocols=0xA0"
    assert states["winhttp.default_secure_protocols"].configured == "right"


def test_a_protocol_and_a_group_policy_finding_make_their_setting_wrong() -> None:
    state = compliant_win10()
    state.set(src.SCHANNEL + r"\Protocols\TLS 1.2\Client", "Enabled", RegValue("dword", 0))
    state.set(src.WININET_POLICY, "SecureProtocols", RegValue("dword", 0xA0))
    states = states_of(state)
    assert states["schannel.tls1_2.client"].configured == "wrong"
    assert states["schannel.tls1_2.client"].registry == "Enabled=0; DisabledByDefault=absent"
    assert states["wininet.secure_protocols"].configured == "wrong"


def test_no_afd_cipher_suite_makes_the_cipher_state_wrong() -> None:
    state = compliant_win10()
    state.set(src.CIPHER_POLICY, "Functions", RegValue("sz", "TLS_RSA_WITH_AES_128_CBC_SHA"))
    cipher = states_of(state)["cipher.suites"]
    assert cipher.configured == "wrong" and cipher.registry.startswith("none offered")


def test_an_unsupported_release_has_no_setting_state() -> None:
    state = HostState("host", "Windows 7", (6, 1, 7600), 0, "client", "x64")
    assert states_of(state) == {}


# -- pending ----------------------------------------------------------------------------------

def _converged(state: HostState, result: str, rebooted: bool) -> dict[str, SettingState]:
    """A converge of a Windows 7 host that wrote (or would write) its whole plan, then was read again."""
    plan = evaluate(state)
    after = copy.deepcopy(state)
    for change in plan.changes:
        after.set(change.path, change.name, RegValue("dword", change.desired))
    changes = [change_result(c, result) for c in plan.changes]
    restart = any(c.reboot for c in plan.changes) and not rebooted
    return states_of(after if result == APPLIED else state, converged=True, changes=changes,
                     restart_pending=restart, rebooted=rebooted)


def test_after_a_converge_without_restart_written_values_are_pending_the_restart_they_need() -> None:
    states = _converged(with_dotnet(fresh(WIN7), flags=False), APPLIED, rebooted=False)
    assert states["winhttp.default_secure_protocols"].pending == "host_restart"
    assert states["winhttp.default_secure_protocols.wow64"].pending == "host_restart"
    # .NET reads its values when a program starts: the program, not the host, must restart.
    assert states["dotnet4.strong_crypto"].pending == "program_restart"
    # Written and configured right, but not in effect yet; the cipher suites are never written.
    assert states["winhttp.default_secure_protocols"].configured == "right"
    assert states["cipher.suites"].pending is None
    assert pending_summary([s.to_dict() for s in states.values()]) == "host restart, program restart"


def test_a_value_not_written_by_this_run_is_not_pending() -> None:
    state = with_dotnet(fresh(WIN7), flags=False)
    state.set(src.WINHTTP, "DefaultSecureProtocols", RegValue("dword", 0xA00))
    states = _converged(state, APPLIED, rebooted=False)
    assert states["winhttp.default_secure_protocols"].pending is None
    assert states["winhttp.default_secure_protocols.wow64"].pending == "host_restart"


def test_nothing_is_pending_after_the_restart_or_in_check_mode() -> None:
    for result, rebooted in ((APPLIED, True), (WOULD_CHANGE, False)):
        states = _converged(with_dotnet(fresh(WIN7), flags=False), result, rebooted)
        assert {s.pending for s in states.values()} == {None}, (result, rebooted)
        assert pending_summary([s.to_dict() for s in states.values()]) == ""
    check = _converged(with_dotnet(fresh(WIN7), flags=False), WOULD_CHANGE, False)
    assert check["dotnet4.strong_crypto"].configured == "wrong"


def test_written_values_match_whatever_the_case_of_the_key() -> None:
    change = {"path": src.WINHTTP.upper(), "name": "defaultsecureprotocols", "result": APPLIED}
    state = compliant_win10()
    states = {s.id: s for s in setting_states(state, evaluate(state), None, written_values([change], APPLIED))}
    assert states["winhttp.default_secure_protocols"].pending == "host_restart"
    assert states["winhttp.default_secure_protocols.wow64"].pending is None


# -- effective --------------------------------------------------------------------------------

def test_a_passing_probe_makes_each_observed_setting_work_in_the_probing_view() -> None:
    states = states_of(compliant_win10(), run_of("success"))
    for state_id, stack in NATIVE_VIEW.items():
        assert (states[state_id].effective, states[state_id].observed_by) == ("works", stack), state_id
        assert states[state_id].effective_detail.startswith(f"{stack}: login.microsoftonline.com:443: connected")
    # The 64-bit probe does not read the 32-bit view; nothing observes WinINet.
    for state_id in ("winhttp.default_secure_protocols.wow64", "dotnet4.strong_crypto.wow64", "wininet.secure_protocols"):
        assert (states[state_id].effective, states[state_id].observed_by) == ("not_probed", None), state_id
        assert "no probed stack observes" in states[state_id].effective_detail
    assert effective_summary([s.to_dict() for s in states.values()]) == "works"


@pytest.mark.parametrize("name, stack, shown", [
    ("winhttp-12175-secure-failure", "winhttp", "12175 ERROR_WINHTTP_SECURE_FAILURE"),
    ("winhttp-12157-secure-channel-error", "winhttp", "12157 ERROR_WINHTTP_SECURE_CHANNEL_ERROR"),
    ("dotnet-send-failure", "dotnet", "SendFailure"),
    ("schannel-tls12-client-disabled", "schannel", "SEC_E_"),
])
def test_a_failing_stack_fails_the_settings_it_observes_only(name: str, stack: str, shown: str) -> None:
    states = states_of(compliant_win10(), run_of(name))
    failing = {i for i, s in states.items() if s.effective == "fails"}
    assert failing == {i for i, observer in NATIVE_VIEW.items() if observer == stack}
    assert all(shown in states[i].effective_detail and states[i].configured == "right" for i in failing)
    assert effective_summary([s.to_dict() for s in states.values()]) == f"fails: {stack}"


@pytest.mark.parametrize("name", ["timeout", "dns-no-internet"])
def test_an_unreached_endpoint_is_unknown_not_works(name: str) -> None:
    states = states_of(compliant_win10(), run_of(name))
    unknown = {i for i, s in states.items() if s.effective == "unknown"}
    assert unknown and unknown <= set(NATIVE_VIEW)
    assert all(states[i].effective_detail.startswith("not reached, so not proven") for i in unknown)
    assert not [s for s in states.values() if s.effective == "fails"]


def test_powershell_7_and_a_stack_not_tried_are_not_probed() -> None:
    states = states_of(compliant_win10(), run_of("pwsh7-not-net-framework"))
    assert states["dotnet4.strong_crypto"].effective == "not_probed"
    assert "NotNetFramework" in states["dotnet4.strong_crypto"].effective_detail
    only_winhttp = recorded("success")
    only_winhttp["results"] = [r for r in only_winhttp["results"] if r["stack"] == "winhttp"]
    states = states_of(compliant_win10(), run_from_module_result(only_winhttp, "live"))
    assert states["winhttp.default_secure_protocols"].effective == "works"
    assert states["schannel.tls1_2.client"].effective == "not_probed"
    assert states["schannel.tls1_2.client"].effective_detail == "the probe did not try the schannel stack (tls_probe stacks)"


def test_a_32_bit_probing_process_observes_the_32_bit_view() -> None:
    data = recorded("winhttp-12175-secure-failure")
    data["runtime"]["process_64bit"] = False
    run = run_from_module_result(data, "live")
    states = states_of(compliant_win10(), run)
    assert states["winhttp.default_secure_protocols.wow64"].effective == "fails"
    assert states["winhttp.default_secure_protocols"].effective == "not_probed"
    # On 32-bit Windows there is one view, the one a 32-bit process reads.
    states = states_of(compliant_win10("x86"), run)
    assert states["winhttp.default_secure_protocols"].effective == "fails"
    # Schannel's protocol keys have one view: the 32-bit process observes them too.
    states = states_of(compliant_win10(), run)
    assert states["schannel.tls1_2.client"].observed_by == "schannel"
    assert states["schannel.tls1_2.client"].effective != "not_probed"


def test_not_probed_says_why() -> None:
    states = states_of(compliant_win10(), ProbeRun(False, "offline", reason=NOT_PROBED_OFFLINE))
    assert {(s.effective, s.effective_detail) for s in states.values()} == {("not_probed", NOT_PROBED_OFFLINE)}
    assert effective_summary([s.to_dict() for s in states.values()]) == "not probed"


def test_the_state_is_a_plain_dictionary_for_the_task_result() -> None:
    state = states_of(compliant_win10(), run_of("success"))["winhttp.default_secure_protocols"]
    assert state.to_dict() == dataclasses.asdict(state)
    assert sorted(state.to_dict()) == sorted(["id", "setting", "label", "registry", "configured", "pending", "effective",
                                              "observed_by", "effective_detail"])
