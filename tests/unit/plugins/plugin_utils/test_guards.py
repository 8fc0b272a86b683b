# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each safety guard: one case that trips it, one that passes it, and accepting the risk."""

from __future__ import annotations

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES_BY_ID
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.findings import Evaluation
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources import keys as src
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState, RegValue

TLS12_SERVER = src.SCHANNEL + r"\Protocols\TLS 1.2\Server"


def host(release_id: str, hotfixes: set[str] | None = None) -> HostState:
    release = RELEASES_BY_ID[release_id]
    return HostState("host", release.name, release.version, release.min_service_pack, release.product_type, "x64",
                     hotfixes=frozenset(hotfixes or ()))


def guard_ids(evaluation: Evaluation) -> set[str]:
    return {f.id for f in evaluation.findings if f.id.startswith("guard.")}


class TestRdp:
    def test_windows_7_without_kb3080079_blocks_strict(self) -> None:
        evaluation = evaluate(host("win7sp1"), "strict")
        assert evaluation.blocked == ["rdp_kb3080079"]
        [finding] = [f for f in evaluation.findings if f.id == "guard.rdp_kb3080079"]
        assert finding.message.startswith("Blocked before any change: Disabling TLS 1.0 (server) on Windows 7")
        assert finding.remediation.endswith("add 'rdp_kb3080079' to accept_risks.")
        assert not evaluation.compliant

    def test_windows_7_with_kb3080079_passes(self) -> None:
        assert evaluate(host("win7sp1", {"KB3080079"}), "strict").blocked == []

    def test_m365_client_disables_nothing_so_no_guard(self) -> None:
        assert guard_ids(evaluate(host("win7sp1"))) == set()

    def test_keeping_tls10_server_passes(self) -> None:
        evaluation = evaluate(host("win7sp1"), "strict", {"schannel.tls1_0.server": "unmanaged"})
        assert evaluation.blocked == []

    def test_server_2008_sp2_needs_kb4074621(self) -> None:
        assert "rdp_kb4074621" in evaluate(host("win2008sp2"), "strict").blocked
        assert "rdp_kb4074621" not in evaluate(host("win2008sp2", {"KB4074621"}), "strict").blocked

    def test_accepting_the_risk_unblocks_and_keeps_a_warning(self) -> None:
        evaluation = evaluate(host("win7sp1"), "strict", accept_risks=["rdp_kb3080079"])
        assert evaluation.blocked == []
        [finding] = [f for f in evaluation.findings if f.id == "guard.rdp_kb3080079.accepted"]
        assert finding.severity == "warning"


class TestManagementChannel:
    def test_https_session_to_a_host_without_tls12_server_blocks(self) -> None:
        evaluation = evaluate(host("win2008r2sp1", {"KB3080079"}), "strict", management_tls=True)
        assert evaluation.blocked == ["management_channel"]

    def test_http_session_passes(self) -> None:
        assert evaluate(host("win2008r2sp1", {"KB3080079"}), "strict", management_tls=False).blocked == []

    def test_host_already_offering_tls12_server_passes(self) -> None:
        state = host("win2008r2sp1", {"KB3080079"})
        state.set(TLS12_SERVER, "Enabled", RegValue("dword", 1))
        state.set(TLS12_SERVER, "DisabledByDefault", RegValue("dword", 0))
        assert evaluate(state, "strict", management_tls=True).blocked == []

    def test_windows_2019_offers_tls12_server_by_default(self) -> None:
        assert evaluate(host("win2019"), "strict", management_tls=True).blocked == []


class TestSqlServer:
    def state(self, instance_id: str) -> HostState:
        state = host("win2012r2")
        state.set(src.SQL_INSTANCES, "MSSQLSERVER", RegValue("sz", instance_id))
        return state

    def test_sql_2014_blocks_disabling_tls10(self) -> None:
        evaluation = evaluate(self.state("MSSQL12.MSSQLSERVER"), "strict")
        assert evaluation.blocked == ["sql_server_tls12"]
        assert "MSSQLSERVER (SQL Server 2014)" in [f for f in evaluation.findings
                                                   if f.id == "guard.sql_server_tls12"][0].message

    def test_sql_2016_passes(self) -> None:
        assert evaluate(self.state("MSSQL13.MSSQLSERVER"), "strict").blocked == []


class TestWsus:
    def state(self, release_id: str, hotfixes: set[str]) -> HostState:
        state = host(release_id, hotfixes)
        state.set(src.WSUS_SETUP, "VersionString", RegValue("sz", "6.3.9600.18228"))
        return state

    def test_wsus_on_2012_r2_without_kb4022720_blocks(self) -> None:
        assert evaluate(self.state("win2012r2", set()), "strict").blocked == ["wsus_tls12"]

    def test_wsus_with_the_update_passes(self) -> None:
        assert evaluate(self.state("win2012r2", {"KB4022720"}), "strict").blocked == []

    def test_wsus_on_2016_passes(self) -> None:
        assert evaluate(self.state("win2016", set()), "strict").blocked == []


class TestFips:
    def test_fips_policy_warns_when_protocols_are_disabled(self) -> None:
        state = host("win2019")
        state.set(src.FIPS_POLICY, "Enabled", RegValue("dword", 1))
        assert "guard.fips_policy" in guard_ids(evaluate(state, "strict"))
        assert "guard.fips_policy" not in guard_ids(evaluate(state, "m365_client"))
        # The security option that sets the value [KB811833], as a field; tlsready never writes it.
        [finding] = [f for f in evaluate(state, "strict").findings if f.id == "guard.fips_policy"]
        assert finding.group_policy.endswith("System cryptography: Use FIPS compliant algorithms for encryption, "
                                             "hashing, and signing")


def test_unknown_guard_name_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"^accept_risks: unknown guard 'rdp'; known guards are rdp_kb3080079, "):
        evaluate(host("win7sp1"), "strict", accept_risks=["rdp"])


def test_accept_risks_must_be_a_list() -> None:
    with pytest.raises(InputError, match=r"^accept_risks: must be a list of guard names$"):
        evaluate(host("win7sp1"), "strict", accept_risks="rdp_kb3080079")
