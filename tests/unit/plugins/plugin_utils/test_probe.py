# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe policy: parsing win_tls_probe results, classifying errors and findings (the three states: test_setting_states.py).

The probe results in tests/unit/fixtures/probe are written from Microsoft's documented error
codes, not recorded on a Windows host (see the README there).
"""

from __future__ import annotations

import copy
import json
import os
import typing as t

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import ExportFormatError, InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.findings import ERROR, Finding, WARNING
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.probe import (
    _FIELDS,
    DEFAULT_ENDPOINTS,
    Endpoint,
    load_recorded,
    NOT_PROBED_OFFLINE,
    parse_endpoint,
    probe_endpoints,
    probe_findings,
    probe_module_args,
    ProbeResult,
    ProbeRun,
    run_from_module_result,
    run_from_task_result,
)

PROBES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "probe")


def recorded(name: str) -> dict[str, t.Any]:
    with open(os.path.join(PROBES, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def run_of(name: str) -> ProbeRun:
    return run_from_module_result(recorded(name), "live")


def by_id(findings: list[Finding]) -> dict[str, Finding]:
    return {f.id: f for f in findings}


# -- arguments ---------------------------------------------------------------------------------

def test_default_endpoints_and_the_tenant() -> None:
    assert [str(e) for e in probe_endpoints([], None)] == list(DEFAULT_ENDPOINTS)
    assert [str(e) for e in probe_endpoints(None, "Contoso")] == ["login.microsoftonline.com:443", "contoso.sharepoint.com:443"]
    assert probe_endpoints(["intranet.example:8443", "intranet.example:8443"], None) == [Endpoint("intranet.example", 8443)]


@pytest.mark.parametrize("text, message", [
    ("", "host:port"), ("a b:443", "DNS name"), ("host:0", "1 to 65535"), ("host:http", "1 to 65535"),
    ("https://host", "DNS name"), (443, "host:port"),
])
def test_bad_endpoints_are_refused_naming_the_field(text: t.Any, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse_endpoint(text)
    assert err.value.field == "endpoints" and message in str(err.value)


def test_tenant_with_endpoints_or_bad_tenant_is_refused() -> None:
    with pytest.raises(InputError, match="sharepoint_tenant"):
        probe_endpoints(["a.example"], "contoso")
    with pytest.raises(InputError, match="sharepoint_tenant: must be the tenant name"):
        probe_endpoints([], "contoso.sharepoint.com")


def test_module_args_and_their_limits() -> None:
    args = probe_module_args([Endpoint("a.example", 443)], ["schannel", "winhttp", "schannel"], 5)
    assert args == {"endpoints": [{"host": "a.example", "port": 443}], "stacks": ["schannel", "winhttp"], "timeout_ms": 5000}
    with pytest.raises(InputError, match="timeout: must be 1 to 120"):
        probe_module_args([Endpoint("a.example")], ["winhttp"], 0)
    with pytest.raises(InputError, match="stacks: must be a non-empty list of winhttp, dotnet, schannel"):
        probe_module_args([Endpoint("a.example")], ["wininet"], 5)


# -- classification ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, stack, outcome, shown", [
    ("winhttp-12175-secure-failure", "winhttp", "tls", "12175 ERROR_WINHTTP_SECURE_FAILURE, 0x80072F8F"),
    ("winhttp-12157-secure-channel-error", "winhttp", "tls", "12157 ERROR_WINHTTP_SECURE_CHANNEL_ERROR, 0x80072F7D"),
    ("dotnet-send-failure", "dotnet", "closed", "SendFailure, 10054"),
    ("dotnet-secure-channel-failure", "dotnet", "tls", "SecureChannelFailure"),
    ("schannel-algorithm-mismatch", "schannel", "tls", "SEC_E_ALGORITHM_MISMATCH, 0x80090331"),
    ("schannel-tls12-client-disabled", "schannel", "tls", "SEC_E_UNSUPPORTED_FUNCTION, 0x80090302"),
    ("certificate-untrusted-root", "winhttp", "certificate", "12045 ERROR_WINHTTP_SECURE_INVALID_CA, 0x80072F0D"),
    ("certificate-untrusted-root", "dotnet", "certificate", "TrustFailure"),
    ("certificate-untrusted-root", "schannel", "certificate", "RemoteCertificateChainErrors"),
    ("timeout", "winhttp", "timeout", "12002 ERROR_WINHTTP_TIMEOUT, 0x80072EE2"),
    ("timeout", "dotnet", "timeout", "Timeout"),
    ("timeout", "schannel", "timeout", "TimedOut"),
    ("dns-no-internet", "winhttp", "dns", "12007 ERROR_WINHTTP_NAME_NOT_RESOLVED, 0x80072EE7"),
    ("dns-no-internet", "dotnet", "dns", "NameResolutionFailure"),
    ("dns-no-internet", "schannel", "dns", "HostNotFound, 11001"),
    ("pwsh7-not-net-framework", "dotnet", "not_applicable", "NotNetFramework"),
])
def test_each_documented_error_is_classified_from_its_code(name: str, stack: str, outcome: str, shown: str) -> None:
    failed = [r for r in run_of(name).for_stack(stack) if not r.success]
    assert failed
    for result in failed:
        assert result.outcome == outcome
        assert result.error_name == shown
        assert shown in result.describe()


def test_classification_ignores_the_message_language() -> None:
    result = run_of("winhttp-12175-secure-failure").for_stack("winhttp")[0]
    german = ProbeResult(**{**result.__dict__, "error": "Sicherheitsfehler"})
    assert german.outcome == result.outcome == "tls"


def test_success_reports_what_the_api_tells() -> None:
    run = run_of("success")
    schannel = run.for_stack("schannel")[0]
    assert schannel.outcome == "success" and schannel.protocol == "Tls12"
    assert "Tls12" in schannel.describe()
    assert "not reported by this API" in run.for_stack("winhttp")[0].describe()
    assert {s: run.effective(s) for s in ("winhttp", "dotnet", "schannel")} == dict.fromkeys(("winhttp", "dotnet", "schannel"), "works")
    assert probe_findings(run) == []


# -- findings ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, stack, cause", [
    ("winhttp-12175-secure-failure", "winhttp", "KB3140245"),
    ("winhttp-12157-secure-channel-error", "winhttp", "DefaultSecureProtocols"),
    ("dotnet-send-failure", "dotnet", "SchUseStrongCrypto"),
    ("dotnet-secure-channel-failure", "dotnet", "SystemDefaultTlsVersions"),
    ("schannel-tls12-client-disabled", "schannel", "TLS 1.2 client is disabled"),
])
def test_a_failing_stack_is_an_error_naming_it_and_its_causes(name: str, stack: str, cause: str) -> None:
    findings = by_id(probe_findings(run_of(name)))
    assert set(findings) == {f"probe.{stack}.failed"}
    finding = findings[f"probe.{stack}.failed"]
    assert finding.severity == ERROR and cause in finding.remediation
    assert "login.microsoftonline.com:443" in finding.message and "microsoft.sharepoint.com:443" in finding.message


def test_no_common_cipher_fails_every_stack_and_names_the_afd_policy() -> None:
    findings = by_id(probe_findings(run_of("schannel-algorithm-mismatch")))
    assert set(findings) == {"probe.winhttp.failed", "probe.dotnet.failed", "probe.schannel.failed"}
    assert "Azure Front Door" in findings["probe.schannel.failed"].remediation


def test_a_certificate_failure_names_the_certificate_not_the_protocols() -> None:
    findings = by_id(probe_findings(run_of("certificate-untrusted-root")))
    assert all(f.severity == ERROR and "root CA is missing" in f.remediation for f in findings.values())
    assert "KB3140245" not in findings["probe.winhttp.failed"].remediation


@pytest.mark.parametrize("name", ["timeout", "dns-no-internet"])
def test_an_unreached_endpoint_is_a_warning_not_proof(name: str) -> None:
    run = run_of(name)
    findings = probe_findings(run)
    assert {f.id for f in findings} == {"probe.winhttp.not_observed", "probe.dotnet.not_observed", "probe.schannel.not_observed"}
    assert all(f.severity == WARNING and "internal HTTPS server" in f.remediation for f in findings)
    assert {run.effective(s) for s in ("winhttp", "dotnet", "schannel")} == {"unknown"}


def test_powershell_7_does_not_judge_the_net_framework() -> None:
    run = run_of("pwsh7-not-net-framework")
    assert probe_findings(run) == [] and run.effective("dotnet") == "unknown"


# -- malformed results -------------------------------------------------------------------------

@pytest.mark.parametrize("mutate, field", [
    (lambda r: r.pop("results"), "win_tls_probe result.results"),
    (lambda r: r.update(results={}), "win_tls_probe result.results"),
    (lambda r: r.update(runtime=[]), "win_tls_probe result.runtime"),
    (lambda r: r["results"].__setitem__(0, "winhttp ok"), "win_tls_probe result.results[0]"),
    (lambda r: r["results"][0].pop("stack"), "win_tls_probe result.results[0].stack"),
    (lambda r: r["results"][0].update(stack="wininet"), "win_tls_probe result.results[0].stack"),
    (lambda r: r["results"][0].update(success="yes"), "win_tls_probe result.results[0].success"),
    (lambda r: r["results"][0].update(error_code="0x80072F8F"), "win_tls_probe result.results[0].error_code"),
    (lambda r: r["results"][0].update(http_status=True), "win_tls_probe result.results[0].http_status"),
    (lambda r: r["results"][0].update(success=False), "win_tls_probe result.results[0]"),
])
def test_a_malformed_result_fails_naming_the_field(mutate: t.Callable[[dict[str, t.Any]], t.Any], field: str) -> None:
    result = copy.deepcopy(recorded("success"))
    mutate(result)
    with pytest.raises(InputError) as err:
        run_from_module_result(result, "live")
    assert err.value.field == field


def test_the_registered_task_result_is_checked() -> None:
    run = run_of("dotnet-send-failure")
    task = {"changed": False, "probe": run.to_dict(), "findings": []}
    assert run_from_task_result(task).results == run.results
    with pytest.raises(InputError, match="probe: the tls_probe task failed: boom"):
        run_from_task_result({"failed": True, "msg": "boom"})
    with pytest.raises(InputError, match="registered result of tlsready.windows.tls_probe"):
        run_from_task_result({"changed": False, "evaluation": {}})
    with pytest.raises(InputError, match="probe: must be the registered result"):
        run_from_task_result("ok")
    assert not run_from_task_result({"probe": {"probed": False, "source": "offline", "reason": NOT_PROBED_OFFLINE}}).probed


# -- offline recording -------------------------------------------------------------------------

def test_an_offline_folder_without_probe_json_is_not_probed(tmp_path: t.Any) -> None:
    run = load_recorded(str(tmp_path))
    assert not run.probed and run.reason == NOT_PROBED_OFFLINE and probe_findings(run) == []


def test_an_offline_probe_json_is_read_as_the_module_returns_it(tmp_path: t.Any) -> None:
    # Windows PowerShell's Out-File -Encoding UTF8 writes a byte order mark.
    (tmp_path / "probe.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(recorded("winhttp-12175-secure-failure")).encode())
    run = load_recorded(str(tmp_path))
    assert run.probed and run.source == "offline" and run.effective("winhttp") == "fails"


@pytest.mark.parametrize("content, message", [
    (b"{not json", "is not a JSON win_tls_probe result"),
    (b'{"results": [{"stack": "winhttp"}]}', "probe.json.results[0].endpoint: is missing"),
])
def test_a_bad_probe_json_names_the_file(tmp_path: t.Any, content: bytes, message: str) -> None:
    (tmp_path / "probe.json").write_bytes(content)
    with pytest.raises(ExportFormatError) as err:
        load_recorded(str(tmp_path))
    assert err.value.path.endswith("probe.json") and message in str(err.value)


# -- any input ---------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.text(max_size=8) | st.sampled_from(["winhttp", "dotnet", "schannel"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(sorted(_FIELDS) + ["runtime", "results", "x"]), inner, max_size=6),
    max_leaves=20,
)


# Mostly result-shaped values, so that the checks of each entry are reached, not only the top level.
ENTRIES = st.dictionaries(st.sampled_from(sorted(_FIELDS)), JSON_VALUES, max_size=len(_FIELDS)) | JSON_VALUES
MODULE_RESULTS = st.fixed_dictionaries({"results": st.lists(ENTRIES, max_size=3)},
                                       optional={"runtime": JSON_VALUES}) | JSON_VALUES


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(MODULE_RESULTS)
def test_any_module_result_is_parsed_or_refused_with_a_field_named(value: t.Any) -> None:
    try:
        run = run_from_module_result(value, "live")
    except InputError as err:
        assert err.field.startswith("win_tls_probe result")
        return
    # What parses is usable end to end.
    probe_findings(run)
    json.dumps(run.to_dict())
