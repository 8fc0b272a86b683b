# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policy verdicts for every release and profile, and the edge cases of each rule."""

from __future__ import annotations

import dataclasses

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils import _sources as src
from ansible_collections.tlsready.windows.plugins.plugin_utils._catalogue import RELEASES, RELEASES_BY_ID, Release
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._evaluate import Evaluation, evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._state import HostState, RegValue

# Reference table 1b: updates each NT family needs for TLS 1.2 (Windows 10 and later: none [S27]).
EXPECTED_HOTFIXES = {
    "6.0": ["KB4019276", "KB4467770"],
    "6.1": ["KB3140245", "KB3042058"],
    "6.2": ["KB3140245", "KB3042058"],
    "6.3": ["KB2919355"],
    "10.0": [],
}
DOTNET_IDS = [
    f"dotnet{v}.{n}{view}"
    for v in ("4", "2")
    for n in ("strong_crypto", "system_default_tls_versions")
    for view in ("", ".wow64")
]
SCH = src.SCHANNEL + r"\Protocols"


def fresh(release: Release, architecture: str = "x64") -> HostState:
    """A host as installed: no TLS values, no updates, nothing exported but the OS identity."""
    return HostState("host", release.name, release.version, release.min_service_pack, release.product_type,
                     architecture)


def remediated(state: HostState, evaluation: Evaluation) -> HostState:
    """The host after tlsready's plan: every change written and every missing update installed."""
    after = dataclasses.replace(state, registry=dict(state.registry),
                                hotfixes=state.hotfixes | set(evaluation.missing_hotfixes))
    for change in evaluation.changes:
        after.set(change.path, change.name, RegValue("dword", change.desired))
    return after


def ids(evaluation: Evaluation) -> set[str]:
    return {f.id for f in evaluation.findings}


@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.id)
def test_m365_client_on_a_fresh_host(release: Release) -> None:
    evaluation = evaluate(fresh(release), "m365_client")
    assert evaluation.missing_hotfixes == EXPECTED_HOTFIXES[release.family]
    tls12_client_off = release.protocols["tls1_2"]["client"] != "enabled"
    assert ("schannel.tls1_2.client.not_enabled" in ids(evaluation)) == tls12_client_off
    winhttp_lacks_tls12 = release.winhttp_default is None or not release.winhttp_default & 0x800
    assert ("winhttp.default_secure_protocols" in ids(evaluation)) == winhttp_lacks_tls12
    assert ("winhttp.default_secure_protocols.wow64" in ids(evaluation)) == winhttp_lacks_tls12
    assert set(DOTNET_IDS) <= ids(evaluation)
    # No WinINet value is set on a fresh host and m365_client only judges it when set.
    assert not any(f.startswith("wininet") for f in ids(evaluation))
    assert not evaluation.compliant
    assert evaluation.reboot_required


@pytest.mark.parametrize("profile", ["m365_client", "strict"])
@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.id)
def test_converging_makes_the_host_compliant_and_a_second_run_changes_nothing(release: Release, profile: str) -> None:
    state = fresh(release)
    after = remediated(state, evaluate(state, profile))
    again = evaluate(after, profile)
    assert again.changes == []
    assert again.missing_hotfixes == []
    if release.afd_suites:
        assert again.compliant, [f.message for f in again.findings]
    else:
        # Server 2008 SP2 has no suite Azure Front Door accepts (reference 4a): no registry value fixes that.
        assert ids(again) == {"cipher.no_afd_suite"}


@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.id)
def test_strict_disables_every_legacy_protocol_that_exists(release: Release) -> None:
    evaluation = evaluate(fresh(release), "strict")
    planned = {(c.path, c.name): c.desired for c in evaluation.changes}
    for proto, name in (("ssl2_0", "SSL 2.0"), ("ssl3_0", "SSL 3.0"), ("tls1_0", "TLS 1.0"), ("tls1_1", "TLS 1.1")):
        for side in ("client", "server"):
            key = rf"{SCH}\{name}\{side.capitalize()}"
            if release.protocols[proto][side] in ("removed", "unsupported"):
                assert (key, "Enabled") not in planned
            else:
                assert planned[(key, "Enabled")] == 0
                assert planned[(key, "DisabledByDefault")] == 1
    server = rf"{SCH}\TLS 1.2\Server"
    if release.protocols["tls1_2"]["server"] == "enabled":
        assert (server, "Enabled") not in planned
    else:
        assert (planned[(server, "Enabled")], planned[(server, "DisabledByDefault")]) == (1, 0)


@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.id)
def test_no_wow6432node_on_32_bit_hosts(release: Release) -> None:
    evaluation = evaluate(fresh(release, "x86"), "strict")
    assert evaluation.changes
    assert not [c for c in evaluation.changes if "WOW6432NODE" in c.path.upper()]


@pytest.mark.parametrize("release", [r for r in RELEASES if r.tls13], ids=lambda r: r.id)
def test_tls13_releases_never_get_a_value_without_tls13(release: Release) -> None:
    for profile in ("m365_client", "strict"):
        evaluation = evaluate(fresh(release), profile, pin_explicit=True)
        for change in evaluation.changes:
            if change.setting.startswith(("winhttp.", "wininet.")):
                assert change.desired & 0x2000


def test_win7_fresh_plan_matches_microsofts_recipe() -> None:
    evaluation = evaluate(fresh(RELEASES_BY_ID["win7sp1"]))
    planned = {(c.path, c.name): (c.current, c.desired) for c in evaluation.changes}
    assert planned[(rf"{SCH}\TLS 1.2\Client", "Enabled")] == (None, 1)
    assert planned[(rf"{SCH}\TLS 1.2\Client", "DisabledByDefault")] == (None, 0)
    assert planned[(src.WINHTTP, "DefaultSecureProtocols")] == (None, 0xA80)
    assert planned[(src.WINHTTP_WOW64, "DefaultSecureProtocols")] == (None, 0xA80)
    for path in (src.DOTNET4, src.DOTNET4_WOW64, src.DOTNET2, src.DOTNET2_WOW64):
        assert planned[(path, "SchUseStrongCrypto")] == (None, 1)
        assert planned[(path, "SystemDefaultTlsVersions")] == (None, 1)
    assert len(planned) == 12


def test_a_host_that_is_already_right_by_default_needs_no_change() -> None:
    state = fresh(RELEASES_BY_ID["win10_22h2"])
    for path in (src.DOTNET4, src.DOTNET4_WOW64, src.DOTNET2, src.DOTNET2_WOW64):
        state.set(path, "SchUseStrongCrypto", RegValue("dword", 1))
        state.set(path, "SystemDefaultTlsVersions", RegValue("dword", 1))
    evaluation = evaluate(state)
    assert evaluation.compliant and evaluation.changes == [] and not evaluation.reboot_required


def test_pin_explicit_writes_values_the_default_already_satisfies() -> None:
    state = remediated(fresh(RELEASES_BY_ID["win10_22h2"]), evaluate(fresh(RELEASES_BY_ID["win10_22h2"])))
    pinned = evaluate(state, pin_explicit=True)
    assert pinned.compliant
    assert {(c.name, c.desired) for c in pinned.changes} == {
        ("Enabled", 1), ("DisabledByDefault", 0), ("DefaultSecureProtocols", 0xA80), ("SecureProtocols", 0xA80),
    }


class TestHotfixEvidence:
    release = RELEASES_BY_ID["win7sp1"]

    def verdict(self, state: HostState, kb: str) -> tuple[bool, str]:
        found = [v for v in evaluate(state).hotfixes if v.hotfix.kb == kb][0]
        return found.present, found.evidence

    def test_listed(self) -> None:
        state = dataclasses.replace(fresh(self.release), hotfixes=frozenset({"KB3140245"}))
        assert self.verdict(state, "KB3140245") == (True, "KB3140245 is in the installed updates list")

    def test_superseding_rollup(self) -> None:
        state = dataclasses.replace(fresh(self.release), hotfixes=frozenset({"KB4534310"}))
        assert self.verdict(state, "KB3140245") == (True, "superseded by KB4534310, which is installed")

    def test_file_versions_prove_it_only_when_both_files_are_new_enough(self) -> None:
        state = fresh(self.release)
        state.file_versions = {r"c:\windows\system32\winhttp.dll": (6, 1, 7601, 24540),
                               r"c:\windows\system32\webio.dll": (6, 1, 7601, 23375)}
        present, evidence = self.verdict(state, "KB3140245")
        assert present and evidence.startswith("file versions prove it")
        state.file_versions[r"c:\windows\system32\webio.dll"] = (6, 1, 7601, 18923)
        present, evidence = self.verdict(state, "KB3140245")
        assert not present
        assert r"system32\webio.dll 6.1.7601.18923 (needs 6.1.7601.23375 or later)" in evidence

    def test_gdr_branch_winhttp_is_not_enough(self) -> None:
        state = fresh(self.release)
        state.file_versions = {r"d:\winnt\system32\winhttp.dll": (6, 1, 7601, 19000),
                               r"d:\winnt\system32\webio.dll": (6, 1, 7601, 19000)}
        assert not self.verdict(state, "KB3140245")[0]

    def test_cipher_suite_in_local_list_proves_kb3042058(self) -> None:
        state = fresh(self.release)
        state.set(src.CIPHER_LOCAL, "Functions", RegValue("multi_sz", ("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",)))
        present, evidence = self.verdict(state, "KB3042058")
        assert present and "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" in evidence


class TestCipherSuites:
    release = RELEASES_BY_ID["win2012r2"]
    win81_list = (
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA",
    )

    def state(self) -> HostState:
        state = remediated(fresh(self.release), evaluate(fresh(self.release)))
        state.set(src.CIPHER_LOCAL, "Functions", RegValue("multi_sz", self.win81_list))
        return state

    def test_default_list_is_fine(self) -> None:
        assert evaluate(self.state()).compliant

    def test_gpo_list_without_afd_suites_breaks_it(self) -> None:
        state = self.state()
        state.set(src.CIPHER_POLICY, "Functions", RegValue("sz", "TLS_RSA_WITH_AES_256_CBC_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA"))
        evaluation = evaluate(state)
        [finding] = [f for f in evaluation.findings if f.id == "cipher.no_afd_suite"]
        assert "Group Policy cipher suite order leaves out" in finding.message
        assert "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" in finding.message
        assert not evaluation.compliant

    def test_disabling_dh_leaves_only_cbc_which_is_a_warning(self) -> None:
        state = self.state()
        state.set(src.SCHANNEL + r"\KeyExchangeAlgorithms\Diffie-Hellman", "Enabled", RegValue("dword", 0))
        evaluation = evaluate(state)
        [finding] = [f for f in evaluation.findings if f.id.startswith("cipher.")]
        assert (finding.id, finding.severity) == ("cipher.cbc_only", "warning")
        assert "Diffie-Hellman is disabled" in finding.message
        assert evaluation.compliant

    def test_dh_and_ecdh_disabled_leaves_nothing(self) -> None:
        state = self.state()
        for algorithm in ("Diffie-Hellman", "ECDH"):
            state.set(src.SCHANNEL + rf"\KeyExchangeAlgorithms\{algorithm}", "Enabled", RegValue("dword", 0))
        assert "cipher.no_afd_suite" in ids(evaluate(state))

    def test_installed_update_adds_its_suites_to_an_old_export(self) -> None:
        state = remediated(fresh(RELEASES_BY_ID["win7sp1"]), evaluate(fresh(RELEASES_BY_ID["win7sp1"])))
        state.set(src.CIPHER_LOCAL, "Functions", RegValue("multi_sz", ("TLS_RSA_WITH_AES_128_CBC_SHA",)))
        assert evaluate(state).compliant
        state.hotfixes = frozenset()
        assert "cipher.no_afd_suite" in ids(evaluate(state))


class TestRegistryValueSemantics:
    release = RELEASES_BY_ID["win7sp1"]

    def test_enabled_ffffffff_counts_as_on(self) -> None:
        state = fresh(self.release)
        state.set(rf"{SCH}\TLS 1.2\Client", "Enabled", RegValue("dword", 0xFFFFFFFF))
        state.set(rf"{SCH}\TLS 1.2\Client", "DisabledByDefault", RegValue("dword", 0))
        assert "schannel.tls1_2.client.not_enabled" not in ids(evaluate(state))

    def test_enabled_without_disabled_by_default_is_still_off_by_default_before_8_1(self) -> None:
        state = fresh(self.release)
        state.set(rf"{SCH}\TLS 1.2\Client", "Enabled", RegValue("dword", 1))
        evaluation = evaluate(state)
        assert "schannel.tls1_2.client.not_enabled" in ids(evaluation)
        assert [(c.name, c.desired) for c in evaluation.changes if c.setting == "schannel.tls1_2.client"] == [
            ("DisabledByDefault", 0)
        ]

    def test_a_string_value_is_ignored_like_windows_does_and_rewritten(self) -> None:
        state = fresh(self.release)
        state.set(src.WINHTTP, "DefaultSecureProtocols", RegValue("sz", "2560"))
        [change] = [c for c in evaluate(state).changes if c.path == src.WINHTTP]
        assert (change.current, change.current_type, change.desired) == ("2560", "sz", 0xA80)

    def test_strict_hard_disables_a_protocol_that_is_only_off_by_default(self) -> None:
        # TLS 1.1 is "disabled" on Windows 7 by default, but programs may still ask for it [S22].
        evaluation = evaluate(fresh(self.release), "strict")
        assert "schannel.tls1_1.client.not_disabled" in ids(evaluation)

    def test_disabled_protocol_stays_compliant_without_disabled_by_default(self) -> None:
        state = fresh(self.release)
        state.set(rf"{SCH}\SSL 3.0\Client", "Enabled", RegValue("dword", 0))
        evaluation = evaluate(state, "strict")
        assert "schannel.ssl3_0.client.not_disabled" not in ids(evaluation)
        assert not [c for c in evaluation.changes if c.setting == "schannel.ssl3_0.client"]

    def test_wininet_is_judged_when_set(self) -> None:
        state = fresh(self.release)
        state.set(src.WININET, "SecureProtocols", RegValue("dword", 0xA0))
        [change] = [c for c in evaluate(state).changes if c.setting == "wininet.secure_protocols"]
        assert (change.current, change.desired, change.reboot) == (0xA0, 0xA80, False)

    def test_wininet_group_policy_is_reported_not_written(self) -> None:
        state = fresh(self.release)
        state.set(src.WININET_POLICY, "SecureProtocols", RegValue("dword", 0xA0))
        evaluation = evaluate(state)
        assert "wininet.policy_secure_protocols" in ids(evaluation)
        assert not [c for c in evaluation.changes if c.path == src.WININET_POLICY]

    def test_unreadable_facts_make_the_host_non_compliant(self) -> None:
        state = remediated(fresh(RELEASES_BY_ID["win2019"]), evaluate(fresh(RELEASES_BY_ID["win2019"])))
        state.problems = [r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL: access denied"]
        evaluation = evaluate(state)
        assert not evaluation.compliant
        assert "access denied" in evaluation.findings[0].message


class TestProfilesAndOverrides:
    release = RELEASES_BY_ID["win2012r2"]

    def test_unknown_profile(self) -> None:
        with pytest.raises(InputError, match=r"^profile: must be one of m365_client, strict; got 'bogus'$"):
            evaluate(fresh(self.release), "bogus")

    def test_unknown_setting_names_the_field_and_the_known_ones(self) -> None:
        with pytest.raises(InputError, match=r"^overrides.schannel.tls9.client: unknown setting; known settings are "):
            evaluate(fresh(self.release), overrides={"schannel.tls9.client": "enabled"})

    @pytest.mark.parametrize("value", ["on", 3, "yes please"])
    def test_bad_protocol_value(self, value: object) -> None:
        with pytest.raises(InputError, match=r"^overrides.schannel.tls1_0.server: must be one of enabled, disabled, "
                                             r"unmanaged; got "):
            evaluate(fresh(self.release), overrides={"schannel.tls1_0.server": value})

    @pytest.mark.parametrize("value", ["0xZZ", 0x10000, -1, 0x801])
    def test_bad_mask(self, value: object) -> None:
        with pytest.raises(InputError, match=r"^overrides.winhttp.default_secure_protocols: must be 'unmanaged' or a "
                                             r"sum of protocol bits"):
            evaluate(fresh(self.release), overrides={"winhttp.default_secure_protocols": value})

    def test_disabling_tls12_client_conflicts_with_both_profiles(self) -> None:
        for profile in ("m365_client", "strict"):
            with pytest.raises(InputError, match=rf"^overrides.schannel.tls1_2.client: conflicts with profile {profile}"):
                evaluate(fresh(self.release), profile, {"schannel.tls1_2.client": "disabled"})

    def test_a_mask_without_tls12_conflicts(self) -> None:
        with pytest.raises(InputError, match=r"0xA0 leaves out TLS 1.2 \(0x800\)"):
            evaluate(fresh(self.release), overrides={"wininet.secure_protocols": "0xA0"})

    def test_dotnet_cannot_be_disabled(self) -> None:
        with pytest.raises(InputError, match=r"^overrides.dotnet4.strong_crypto: must be one of enabled, unmanaged"):
            evaluate(fresh(self.release), overrides={"dotnet4.strong_crypto": False})

    def test_unmanaged_removes_the_setting(self) -> None:
        evaluation = evaluate(fresh(self.release), overrides={"dotnet2.strong_crypto": "unmanaged"})
        assert not [c for c in evaluation.changes if c.setting == "dotnet2.strong_crypto"]

    def test_strict_with_tls10_server_kept_for_a_legacy_app(self) -> None:
        evaluation = evaluate(fresh(self.release), "strict", {"schannel.tls1_0.server": "unmanaged"})
        assert not [c for c in evaluation.changes if c.setting == "schannel.tls1_0.server"]
        assert [c for c in evaluation.changes if c.setting == "schannel.tls1_0.client"]

    def test_exact_mask_override(self) -> None:
        evaluation = evaluate(fresh(self.release), overrides={"winhttp.default_secure_protocols": 0xA00})
        assert {c.desired for c in evaluation.changes if c.setting == "winhttp.default_secure_protocols"} == {0xA00}

    def test_override_dropping_tls13_is_refused_on_windows_11(self) -> None:
        evaluation = evaluate(fresh(RELEASES_BY_ID["win11_23h2"]), overrides={"winhttp.default_secure_protocols": 0x800})
        assert "winhttp.default_secure_protocols.drops_tls13" in ids(evaluation)
        assert not [c for c in evaluation.changes if c.setting == "winhttp.default_secure_protocols"]

    def test_tls13_bit_is_refused_where_windows_lacks_tls13(self) -> None:
        evaluation = evaluate(fresh(RELEASES_BY_ID["win7sp1"]), overrides={"winhttp.default_secure_protocols": 0x2800})
        assert "winhttp.default_secure_protocols.tls13_unsupported" in ids(evaluation)

    def test_enabling_tls13_on_windows_10_is_refused(self) -> None:
        evaluation = evaluate(fresh(RELEASES_BY_ID["win2019"]), overrides={"schannel.tls1_3.client": "enabled"})
        assert "schannel.tls1_3.client.unsupported" in ids(evaluation)
        assert not [c for c in evaluation.changes if c.setting == "schannel.tls1_3.client"]


def test_unsupported_release_gets_one_clear_finding_and_no_plan() -> None:
    state = HostState("old", "Microsoft Windows 7 Professional", (6, 1, 7600), 0, "client", "x64")
    evaluation = evaluate(state)
    assert [f.id for f in evaluation.findings] == ["release.unsupported"]
    assert evaluation.changes == [] and evaluation.hotfixes == [] and not evaluation.compliant
    assert evaluation.to_dict()["release"]["supported"] is False
