# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policy verdicts for every release and profile, and the edge cases of each rule."""

from __future__ import annotations

import dataclasses
import typing as t

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import (
    Release,
    RELEASES,
    RELEASES_BY_ID,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.dotnet import version_name
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.findings import Change, Evaluation
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.group_policy import (
    CIPHER_SUITE_ORDER,
    OVERRIDES,
    policy_setting,
    WININET_ENCRYPTION,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.guards import GUARDS
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources import keys as src
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState, RegValue

# Reference table 1b: updates each NT family needs for TLS 1.2 on a host without .NET 3.5 (Windows 10 and
# later: none [S27]). KB4467770 (2008 SP2) is unconfirmed (3c): reported as a warning, never required.
EXPECTED_HOTFIXES = {
    "6.0": ["KB4019276"],
    "6.1": ["KB3140245", "KB3042058"],
    "6.2": ["KB3140245", "KB3042058"],
    "6.3": ["KB2919355"],
    "10.0": [],
}
DOTNET4_IDS = [f"dotnet4.{n}{view}" for n in ("strong_crypto", "system_default_tls_versions") for view in ("", ".wow64")]
DOTNET2_IDS = [i.replace("dotnet4", "dotnet2") for i in DOTNET4_IDS]
SCH = src.SCHANNEL + r"\Protocols"
NDP = src.NDP_SETUP
LEGACY = {"ssl2_0": "SSL 2.0", "ssl3_0": "SSL 3.0", "tls1_0": "TLS 1.0", "tls1_1": "TLS 1.1"}
# Windows 10 / 11 and Server 2016 and later (the "modern Windows").
MODERN = [r for r in RELEASES if r.family == "10.0"]


def fresh(release: Release, architecture: str = "x64") -> HostState:
    """A host as installed: no TLS values, no updates, nothing exported but the OS identity."""
    return HostState("host", release.name, release.version, release.min_service_pack, release.product_type,
                     architecture)


def with_dotnet(state: HostState, release: int | None = 528372, v35: bool = False, flags: bool = True) -> HostState:
    """Add .NET 4.x (``Release`` under NDP\\v4\\Full), optionally .NET 3.5, and the .NET flags of 2d."""
    state.set(NDP + r"\v4\Full", "Install", RegValue("dword", 1))
    if release is not None:
        state.set(NDP + r"\v4\Full", "Release", RegValue("dword", release))
    if v35:
        state.set(NDP + r"\v3.5", "Install", RegValue("dword", 1))
    if flags:
        paths = [src.DOTNET4, src.DOTNET4_WOW64] + ([src.DOTNET2, src.DOTNET2_WOW64] if v35 else [])
        for path in paths:
            state.set(path, "SchUseStrongCrypto", RegValue("dword", 1))
            state.set(path, "SystemDefaultTlsVersions", RegValue("dword", 1))
    return state


def remediated(state: HostState, evaluation: Evaluation) -> HostState:
    """The host after tlsready's plan: every change written and every missing update installed."""
    after = dataclasses.replace(state, registry=dict(state.registry),
                                hotfixes=state.hotfixes | set(evaluation.missing_hotfixes))
    for change in evaluation.changes:
        after.set(change.path, change.name, RegValue("dword", change.desired))
    return after


def ids(evaluation: Evaluation) -> set[str]:
    return {f.id for f in evaluation.findings}


def errors(evaluation: Evaluation) -> set[str]:
    return {f.id for f in evaluation.findings if f.severity == "error"}


@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.id)
def test_m365_client_on_a_fresh_host(release: Release) -> None:
    evaluation = evaluate(fresh(release), "m365_client")
    assert evaluation.missing_hotfixes == EXPECTED_HOTFIXES[release.family]
    tls12_client_not_offered = release.protocols["tls1_2"]["client"] != "enabled"
    assert ("schannel.tls1_2.client.not_offered" in ids(evaluation)) == tls12_client_not_offered
    winhttp_lacks_tls12 = not release.winhttp_tls12_native and not (release.winhttp_default or 0) & 0x800
    assert ("winhttp.default_secure_protocols" in ids(evaluation)) == winhttp_lacks_tls12
    assert ("winhttp.default_secure_protocols.wow64" in ids(evaluation)) == winhttp_lacks_tls12
    assert set(DOTNET4_IDS) <= ids(evaluation)
    # No .NET 3.5 is installed: its flags are not judged [S18][S43].
    assert not set(DOTNET2_IDS) & ids(evaluation)
    # No WinINet value is set on a fresh host and m365_client only judges it when set.
    assert not any(f.startswith("wininet") for f in ids(evaluation))
    assert not evaluation.compliant
    assert evaluation.reboot_required


@pytest.mark.parametrize("v35", [False, True], ids=["no-net35", "net35"])
@pytest.mark.parametrize("release", [r for r in MODERN if r.version[2] >= 14393], ids=lambda r: r.id)
def test_modern_windows_at_defaults_with_dotnet_values_set_is_compliant_and_unchanged(
        release: Release, v35: bool) -> None:
    """The issue's "done when": Server 2016-2025 and Windows 10/11 at Windows defaults with the .NET values set.

    Sources: TLS 1.2 over WinHTTP natively on 8.1 / 2012 R2 and later [S42][S19a]; Windows 11 default
    TLS 1.2 + 1.3 [S2]; TLS 1.2 Schannel enabled by default [S1]; .NET 4.8 supports TLS 1.2 [S18][S43];
    KB3156421 is carried by Windows 10 1607 / Server 2016 and later builds [S18].
    """
    evaluation = evaluate(with_dotnet(fresh(release), v35=v35), "m365_client")
    assert evaluation.compliant, [f.message for f in evaluation.findings]
    assert evaluation.changes == []
    assert evaluation.missing_hotfixes == [] and not evaluation.reboot_required
    assert not errors(evaluation)


def _effective_mask(state: HostState, release: Release, change: Change) -> int | None:
    """The protocol bits in force before the change: the value, or WinHTTP's documented default."""
    value = state.get(change.path, change.name)
    if value is not None and value.type == "dword":
        return t.cast(int, value.data)
    return release.winhttp_default if change.setting.startswith("winhttp.") else None


def _starting_states(release: Release) -> dict[str, HostState]:
    """Fresh; TLS 1.0/1.1 and SSL hard-disabled in Schannel; and WinHTTP/WinINet already limited to TLS 1.2."""
    hardened = fresh(release)
    for name in LEGACY.values():
        for side in ("Client", "Server"):
            hardened.set(rf"{SCH}\{name}\{side}", "Enabled", RegValue("dword", 0))
    limited = fresh(release)
    for path in (src.WINHTTP, src.WINHTTP_WOW64):
        limited.set(path, "DefaultSecureProtocols", RegValue("dword", 0x800 | (0x2000 if release.tls13 else 0)))
    limited.set(src.WININET, "SecureProtocols", RegValue("dword", 0xA0))
    return {"fresh": fresh(release), "hardened": hardened, "limited": limited}


@pytest.mark.parametrize("pin", [False, True], ids=["default", "pin_explicit"])
@pytest.mark.parametrize("profile", ["m365_client", "strict"])
@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.id)
def test_no_plan_turns_on_an_old_protocol_the_host_has_off(release: Release, profile: str, pin: bool) -> None:
    """Every release x profile: no planned value turns TLS 1.0/1.1 or SSL on where the host had them off.

    Sources: the DefaultSecureProtocols value replaces the OS default set, so every bit written is offered
    [S2][S9]; reference 2b "What to write": 0xA00 on 7 / 2008 R2 / 8 / 2012 (KB3140245's example [S9]),
    nothing on 8.1 and later, 0x2800 on 11 / 2022 / 2025 if demanded; Schannel Enabled=0 disables,
    DisabledByDefault=0 offers [S8][S22].
    """
    for label, state in _starting_states(release).items():
        evaluation = evaluate(state, profile, pin_explicit=pin, accept_risks=list(GUARDS))
        for change in evaluation.changes:
            where = (label, change.path, change.name, hex(change.desired))
            if change.setting.startswith("schannel."):
                proto = change.setting.split(".")[1]
                if proto in LEGACY:
                    # An old protocol is only ever disabled.
                    assert (change.name, change.desired) in (("Enabled", 0), ("DisabledByDefault", 1)), where
            elif change.setting.startswith(("winhttp.", "wininet.")):
                assert not change.desired & (0x8 | 0x20 | 0x80), where  # SSL 2.0 / 3.0, TLS 1.0: never written
                before = _effective_mask(state, release, change)
                had_tls11 = before is not None and before & 0x200
                recipe = release.family in ("6.0", "6.1", "6.2") and label != "hardened"
                if change.desired & 0x200:
                    assert profile == "m365_client" and (had_tls11 or recipe), where
                if label == "hardened":
                    assert not change.desired & 0x200, where
                if release.tls13:
                    assert change.desired & 0x2000, where


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
        assert errors(again) == {"cipher.no_afd_suite"}


@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.id)
def test_strict_disables_every_legacy_protocol_that_exists(release: Release) -> None:
    """Reference 2a rule 5: the fix touches only the wrong value - Enabled=0 disables [S8][S22]."""
    evaluation = evaluate(fresh(release), "strict")
    planned = {(c.path, c.name): c.desired for c in evaluation.changes}
    pinned = {(c.path, c.name): c.desired for c in evaluate(fresh(release), "strict", pin_explicit=True).changes}
    for proto, name in LEGACY.items():
        for side in ("client", "server"):
            key = rf"{SCH}\{name}\{side.capitalize()}"
            if release.protocols[proto][side] in ("removed", "unsupported"):
                assert (key, "Enabled") not in planned
            else:
                assert planned[(key, "Enabled")] == 0
                assert (key, "DisabledByDefault") not in planned
                # pin_explicit writes Microsoft's full disable set (Enabled=0, DisabledByDefault=1) [S25].
                assert (pinned[(key, "Enabled")], pinned[(key, "DisabledByDefault")]) == (0, 1)
    server = rf"{SCH}\TLS 1.2\Server"
    if release.protocols["tls1_2"]["server"] == "enabled":
        assert (server, "Enabled") not in planned
    else:
        # 7 / 2008 R2 / 2008 SP2: present but not offered; DisabledByDefault=0 alone offers it [S22].
        assert (server, "Enabled") not in planned and planned[(server, "DisabledByDefault")] == 0


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
                assert change.desired == 0x2800


def test_win7_fresh_plan_matches_microsofts_recipe() -> None:
    """KB3140245's value 0xA00 in both views [S9][S2]; TLS 1.2 client offered by DisabledByDefault=0 alone [S22]."""
    evaluation = evaluate(fresh(RELEASES_BY_ID["win7sp1"]))
    planned = {(c.path, c.name): (c.current, c.desired) for c in evaluation.changes}
    assert planned[(rf"{SCH}\TLS 1.2\Client", "DisabledByDefault")] == (None, 0)
    assert (rf"{SCH}\TLS 1.2\Client", "Enabled") not in planned
    assert planned[(src.WINHTTP, "DefaultSecureProtocols")] == (None, 0xA00)
    assert planned[(src.WINHTTP_WOW64, "DefaultSecureProtocols")] == (None, 0xA00)
    for path in (src.DOTNET4, src.DOTNET4_WOW64):
        assert planned[(path, "SchUseStrongCrypto")] == (None, 1)
        assert planned[(path, "SystemDefaultTlsVersions")] == (None, 1)
    assert len(planned) == 7


def test_schannel_tls11_disabled_keeps_tls11_out_of_winhttp() -> None:
    """Reference 2b: a bit written re-enables the protocol in WinHTTP; Enabled=0 has it off [S2][S8]."""
    state = fresh(RELEASES_BY_ID["win2012"])
    state.set(rf"{SCH}\TLS 1.1\Client", "Enabled", RegValue("dword", 0))
    assert {c.desired for c in evaluate(state).changes if c.setting.startswith("winhttp.")} == {0x800}


def test_a_host_that_is_already_right_by_default_needs_no_change() -> None:
    state = with_dotnet(fresh(RELEASES_BY_ID["win10_22h2"]))
    evaluation = evaluate(state)
    assert evaluation.compliant and evaluation.changes == [] and not evaluation.reboot_required


def test_pin_explicit_writes_values_the_default_already_satisfies() -> None:
    state = remediated(fresh(RELEASES_BY_ID["win10_22h2"]), evaluate(fresh(RELEASES_BY_ID["win10_22h2"])))
    pinned = evaluate(state, pin_explicit=True)
    assert pinned.compliant
    # TLS 1.2 only: the 10 / 2016 / 2019 default's TLS 1.1 is not written back (KB5017811 may have it off [S21]).
    assert {(c.name, c.desired) for c in pinned.changes} == {
        ("Enabled", 1), ("DisabledByDefault", 0), ("DefaultSecureProtocols", 0x800), ("SecureProtocols", 0x800),
    }


class TestSchannelSemantics:
    """Reference 2a, judging rule: Enabled and DisabledByDefault judged separately, per release default."""

    win7 = RELEASES_BY_ID["win7sp1"]
    win10 = RELEASES_BY_ID["win10_22h2"]
    key = rf"{SCH}\TLS 1.2\Client"

    def plan(self, state: HostState, profile: str = "m365_client") -> list[tuple[str, t.Any, int]]:
        return [(c.name, c.current, c.desired) for c in evaluate(state, profile).changes if c.path == self.key]

    def test_windows_7_with_only_disabled_by_default_0_offers_tls12(self) -> None:
        """[S22] DisabledByDefault=0 makes TLS 1.1/1.2 offered on 7 / 2008 R2; absent Enabled is not "off" [S8]."""
        state = fresh(self.win7)
        state.set(self.key, "DisabledByDefault", RegValue("dword", 0))
        evaluation = evaluate(state)
        assert not [f for f in evaluation.findings if f.id.startswith("schannel.tls1_2.client")]
        assert self.plan(state) == []

    def test_enabled_ffffffff_counts_as_on(self) -> None:
        """[S22] default data 0xffffffff; [S18] before 2020 "0 or 0xFFFFFFFF"; [S8] before 2023 "non-zero"."""
        state = fresh(self.win7)
        state.set(self.key, "Enabled", RegValue("dword", 0xFFFFFFFF))
        state.set(self.key, "DisabledByDefault", RegValue("dword", 0))
        assert not [f for f in evaluate(state).findings if f.id.startswith("schannel.tls1_2.client")]

    def test_enabled_without_disabled_by_default_is_not_offered_on_windows_7(self) -> None:
        """[S1] 1a: TLS 1.2 disabled by default on 7; [S22] DisabledByDefault=0 is the switch; [S27] hint."""
        state = fresh(self.win7)
        state.set(self.key, "Enabled", RegValue("dword", 1))
        evaluation = evaluate(state)
        [finding] = [f for f in evaluation.findings if f.id.startswith("schannel.tls1_2.client")]
        assert finding.id == "schannel.tls1_2.client.not_offered"
        assert "DisabledByDefault is absent" in finding.message
        assert finding.remediation.startswith(rf"Set {self.key}\DisabledByDefault=0")
        assert self.plan(state) == [("DisabledByDefault", None, 0)]

    def test_disabled_by_default_ffffffff_is_not_offered(self) -> None:
        """[S8] 2019 revision: DisabledByDefault non-zero = disabled by default."""
        state = fresh(self.win10)
        state.set(self.key, "DisabledByDefault", RegValue("dword", 0xFFFFFFFF))
        assert self.plan(state) == [("DisabledByDefault", 0xFFFFFFFF, 0)]

    def test_enabled_0_is_disabled_and_only_enabled_is_changed(self) -> None:
        """[S8][S22] Enabled=0: cannot be negotiated even if an app asks; the fix names that value only."""
        state = fresh(self.win10)
        state.set(self.key, "Enabled", RegValue("dword", 0))
        evaluation = evaluate(state)
        [finding] = [f for f in evaluation.findings if f.id.startswith("schannel.tls1_2.client")]
        assert (finding.id, finding.severity) == ("schannel.tls1_2.client.disabled", "error")
        assert "Enabled=0" in finding.message
        assert self.plan(state) == [("Enabled", 0, 1)]

    @pytest.mark.parametrize("value", [RegValue("sz", "1"), RegValue("qword", 1), RegValue("binary", b"\x01\0\0\0")],
                             ids=["sz", "qword", "binary"])
    def test_a_wrongly_typed_value_is_reported_judged_by_default_and_rewritten(self, value: RegValue) -> None:
        """[S8][S22][S18] document DWORD only; reference 2a rule 4: report, judge by default, rewrite as DWORD."""
        state = with_dotnet(fresh(self.win10))
        state.set(self.key, "Enabled", value)
        evaluation = evaluate(state)
        [finding] = [f for f in evaluation.findings if f.id.startswith("schannel.tls1_2.client")]
        assert (finding.id, finding.severity) == ("schannel.tls1_2.client.invalid_type", "warning")
        assert f"REG_{value.type.upper()}" in finding.message and "Enabled" in finding.message
        [change] = [c for c in evaluation.changes if c.path == self.key]
        assert (change.name, change.type, change.desired, change.current_type) == ("Enabled", "dword", 1, value.type)
        # Judged by the Windows 10 default (offered): the warning does not make the host non-compliant.
        assert evaluation.compliant

    def test_a_string_disabled_by_default_on_windows_7_is_judged_by_the_default(self) -> None:
        """Reference 2a rule 4 with the 7 default (not offered [S1][S22]): an error, and a DWORD 0 written."""
        state = fresh(self.win7)
        state.set(self.key, "DisabledByDefault", RegValue("sz", "0"))
        evaluation = evaluate(state)
        assert {"schannel.tls1_2.client.not_offered", "schannel.tls1_2.client.invalid_type"} <= ids(evaluation)
        assert self.plan(state) == [("DisabledByDefault", "0", 0)]

    def test_strict_hard_disables_a_protocol_that_is_only_off_by_default(self) -> None:
        """TLS 1.1 is "disabled by default" on Windows 7, but programs may still ask for it [S22]."""
        evaluation = evaluate(fresh(self.win7), "strict")
        assert "schannel.tls1_1.client.not_disabled" in ids(evaluation)

    def test_disabled_protocol_stays_compliant_without_disabled_by_default(self) -> None:
        """[S8][S22] Enabled=0 is a hard disable; DisabledByDefault adds nothing."""
        state = fresh(self.win7)
        state.set(rf"{SCH}\SSL 3.0\Client", "Enabled", RegValue("dword", 0))
        evaluation = evaluate(state, "strict")
        assert "schannel.ssl3_0.client.not_disabled" not in ids(evaluation)
        assert not [c for c in evaluation.changes if c.setting == "schannel.ssl3_0.client"]

    def test_windows_11_25h2_tls10_default_is_never_guessed(self) -> None:
        """[S1] has no 25H2 row; reference 1a / 8.7: judge the registry plus the release default."""
        release = RELEASES_BY_ID["win11_25h2"]
        m365 = evaluate(with_dotnet(fresh(release)))
        assert m365.compliant and m365.changes == []
        strict = evaluate(fresh(release), "strict")
        assert {(c.name, c.desired) for c in strict.changes if c.setting == "schannel.tls1_0.client"} == {("Enabled", 0)}
        forced = evaluate(fresh(release), overrides={"schannel.tls1_0.client": "enabled"})
        assert "schannel.tls1_0.client.unknown_default" in errors(forced)


class TestDotnet:
    """Reference 1c / 2d: the .NET flags are judged together with the installed version."""

    release = RELEASES_BY_ID["win2012r2"]

    def evaluation(self, release: int | None = 528372, v35: bool = False, base: Release | None = None,
                   hotfixes: frozenset[str] = frozenset()) -> Evaluation:
        state = remediated(fresh(base or self.release), evaluate(fresh(base or self.release)))
        state.hotfixes = state.hotfixes | hotfixes
        return evaluate(with_dotnet(state, release, v35))

    def test_452_only_is_not_compliant_on_flags_alone(self) -> None:
        """[S18][S19b]: 4.5.x needs the .NET updates and SchUseStrongCrypto; [S42]: 4.6 and earlier need updates."""
        evaluation = self.evaluation(379893)
        [finding] = [f for f in evaluation.findings if f.id.startswith("dotnet4.version")]
        assert (finding.id, finding.severity) == ("dotnet4.version_too_old", "error")
        assert "4.5.2" in finding.message and "Install .NET Framework 4.8" in finding.remediation
        assert not evaluation.compliant
        assert evaluation.to_dict()["dotnet"] == {"v4_release": 379893, "v4_version": "4.5.2", "v3_5_installed": False}

    def test_40_without_release_needs_an_upgrade(self) -> None:
        """[S43]: NDP\\v4\\Full with no Release value is 4.0; [S18] gives no TLS 1.2 path but updating."""
        evaluation = self.evaluation(None)
        [finding] = [f for f in evaluation.findings if f.id.startswith("dotnet4.version")]
        assert "4.0" in finding.message and not evaluation.compliant

    @pytest.mark.parametrize("value, verdict", [
        (378389, "error"), (378675, "error"), (393295, "error"), (393297, "error"), (394254, "warning"),
        (394271, "warning"), (394802, None), (461808, None), (528040, None), (533320, None), (533509, None),
    ])
    def test_release_minimums(self, value: int, verdict: str | None) -> None:
        """[S43] Release minimums; [S42] 4.6.2 and later support TLS 1.2, 4.6 and earlier need updates."""
        evaluation = self.evaluation(value)
        found = [f.severity for f in evaluation.findings if f.id.startswith("dotnet4.version")]
        assert found == ([verdict] if verdict else [])

    def test_release_names(self) -> None:
        """[S43]: 533509 is 4.8.1 on Windows 11 2025 Update; 528372 is 4.8 on 2004-22H2."""
        assert version_name(533509) == "4.8.1" and version_name(528372) == "4.8" and version_name(394806) == "4.6.2"

    def test_net35_without_its_update_is_not_compliant(self) -> None:
        """[S18][S45]: .NET 3.5 needs the TLS System Default Versions update (KB3154520 on 8.1 / 2012 R2)."""
        evaluation = self.evaluation(v35=True)
        assert "hotfix.KB3154520.missing" in errors(evaluation)
        assert evaluation.missing_hotfixes == ["KB3154520"]
        fixed = self.evaluation(v35=True, hotfixes=frozenset({"KB3154520"}))
        assert fixed.compliant, [f.message for f in fixed.findings]

    def test_net35_flags_are_judged_only_where_it_is_installed(self) -> None:
        """[S43]: NDP\\v3.5 Install=1 detects 3.5; reference 2d: NET2 flags matter only then."""
        state = with_dotnet(fresh(RELEASES_BY_ID["win7sp1"]), 528049)
        state.set(NDP + r"\v3.5", "Install", RegValue("dword", 1))
        assert set(DOTNET2_IDS) <= ids(evaluate(state))
        assert "hotfix.KB3154518.missing" in ids(evaluate(state))
        state.set(NDP + r"\v3.5", "Install", RegValue("dword", 0))
        assert not set(DOTNET2_IDS) & ids(evaluate(state))
        assert "hotfix.KB3154518.missing" not in ids(evaluate(state))

    @pytest.mark.parametrize("release_id, kb", [
        ("win2008sp2", "KB3154517"), ("win7sp1", "KB3154518"), ("win2008r2sp1", "KB3154518"), ("win2012", "KB3154519"),
        ("win81", "KB3154520"), ("win10_1511", "KB3156421"), ("win10_1607", None), ("win2016", None), ("win11_25h2", None),
    ])
    def test_the_net35_update_per_release(self, release_id: str, kb: str | None) -> None:
        """[S18] table "Requirements to support TLS 1.2 with .NET Framework 3.5"; [S45] KB3154517 / KB3154518."""
        state = with_dotnet(fresh(RELEASES_BY_ID[release_id]), 528049, v35=True)
        needed = [v.hotfix.kb for v in evaluate(state).hotfixes if v.hotfix.requires == "dotnet35"]
        assert needed == ([kb] if kb else [])

    def test_net20_on_server_2008_is_judged_like_35(self) -> None:
        """[S45] KB3154517 is the .NET 2.0 SP2 update for Server 2008 SP2; [S43] NDP\\v2.0.50727 Install=1."""
        state = fresh(RELEASES_BY_ID["win2008sp2"])
        state.set(NDP + r"\v2.0.50727", "Install", RegValue("dword", 1))
        assert "KB3154517" in evaluate(state).missing_hotfixes


def test_kb4467770_is_a_warning_not_a_failure() -> None:
    """Reference 3c / 8.1 [S41]: no Microsoft source for KB4467770 - report it, never block on it."""
    release = RELEASES_BY_ID["win2008sp2"]
    evaluation = evaluate(fresh(release))
    [finding] = [f for f in evaluation.findings if "KB4467770" in f.id]
    assert (finding.id, finding.severity) == ("hotfix.KB4467770.unconfirmed", "warning")
    assert "KB4467770" not in evaluation.missing_hotfixes
    after = remediated(fresh(release), evaluation)
    assert "KB4467770" not in after.hotfixes
    assert errors(evaluate(after)) == {"cipher.no_afd_suite"}


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

    def test_default_list_reaches_only_the_2022_policy(self) -> None:
        """[S16] page of 2025-04-09: DHE-RSA-GCM and ECDHE-RSA-CBC are listed only under TLSv1.2_2022."""
        evaluation = evaluate(self.state())
        assert evaluation.compliant
        [finding] = [f for f in evaluation.findings if f.id.startswith("cipher.")]
        assert (finding.id, finding.severity) == ("cipher.afd_policy_2022_only", "warning")
        assert "TLSv1.2_2022" in finding.message and "default TLSv1.2_2023" in finding.message
        assert "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" in finding.message

    def test_an_ecdhe_gcm_host_reaches_the_default_policy(self) -> None:
        """[S16]: TLSv1.2_2023 accepts ECDHE-RSA-AES-GCM; Windows 10 lists them [S27]."""
        state = with_dotnet(fresh(RELEASES_BY_ID["win10_22h2"]))
        state.set(src.CIPHER_LOCAL, "Functions", RegValue("multi_sz", ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",)))
        assert not [f for f in evaluate(state).findings if f.id.startswith("cipher.")]

    def test_gpo_list_without_afd_suites_breaks_it(self) -> None:
        state = self.state()
        state.set(src.CIPHER_POLICY, "Functions", RegValue("sz", "TLS_RSA_WITH_AES_256_CBC_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA"))
        evaluation = evaluate(state)
        [finding] = [f for f in evaluation.findings if f.id == "cipher.no_afd_suite"]
        assert "TLSv1.2_2023 (the default) or TLSv1.2_2022" in finding.message
        assert "Group Policy cipher suite order leaves out" in finding.message
        assert "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" in finding.message
        assert not evaluation.compliant
        # The GPO order wins over the local list [S6]: the finding names the GPO setting as a field.
        assert finding.group_policy == CIPHER_SUITE_ORDER
        assert finding.to_dict()["group_policy"] == CIPHER_SUITE_ORDER

    def test_a_local_list_without_afd_suites_is_not_put_on_group_policy(self) -> None:
        state = with_dotnet(fresh(RELEASES_BY_ID["win10_22h2"]))
        state.set(src.CIPHER_LOCAL, "Functions", RegValue("multi_sz", ("TLS_RSA_WITH_AES_128_CBC_SHA",)))
        [finding] = [f for f in evaluate(state).findings if f.id == "cipher.no_afd_suite"]
        assert finding.group_policy == "" and "group_policy" not in finding.to_dict()

    def test_a_gpo_list_that_keeps_the_afd_suites_owns_nothing(self) -> None:
        state = self.state()
        state.set(src.CIPHER_POLICY, "Functions", RegValue("sz", ",".join(self.win81_list)))
        evaluation = evaluate(state)
        [finding] = [f for f in evaluation.findings if f.id.startswith("cipher.")]
        assert finding.id == "cipher.afd_policy_2022_only" and finding.group_policy == ""
        assert evaluation.group_policy_findings == []

    def test_disabling_dh_leaves_only_cbc_which_gets_the_same_warning(self) -> None:
        """[S16][S27]: DHE-RSA-GCM and ECDHE-CBC are in the same position (reference 4a key consequence)."""
        state = self.state()
        state.set(src.SCHANNEL + r"\KeyExchangeAlgorithms\Diffie-Hellman", "Enabled", RegValue("dword", 0))
        evaluation = evaluate(state)
        [finding] = [f for f in evaluation.findings if f.id.startswith("cipher.")]
        assert (finding.id, finding.severity) == ("cipher.afd_policy_2022_only", "warning")
        assert "Diffie-Hellman is disabled" in finding.message and "TLSv1.2_2022" in finding.message
        assert "TLS_DHE_RSA" not in finding.message.split("(")[1].split(")")[0]
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

    def test_a_string_value_is_ignored_like_windows_does_and_rewritten(self) -> None:
        state = fresh(self.release)
        state.set(src.WINHTTP, "DefaultSecureProtocols", RegValue("sz", "2560"))
        [change] = [c for c in evaluate(state).changes if c.path == src.WINHTTP]
        assert (change.current, change.current_type, change.desired) == ("2560", "sz", 0xA00)

    def test_wininet_is_judged_when_set(self) -> None:
        state = fresh(self.release)
        state.set(src.WININET, "SecureProtocols", RegValue("dword", 0xA0))
        [change] = [c for c in evaluate(state).changes if c.setting == "wininet.secure_protocols"]
        assert (change.current, change.desired, change.reboot) == (0xA0, 0xA00, False)

    def test_wininet_group_policy_is_reported_not_written(self) -> None:
        state = fresh(self.release)
        state.set(src.WININET_POLICY, "SecureProtocols", RegValue("dword", 0xA0))
        evaluation = evaluate(state)
        [finding] = [f for f in evaluation.findings if f.id == "wininet.policy_secure_protocols"]
        assert (finding.severity, finding.group_policy) == ("error", WININET_ENCRYPTION)
        assert finding.to_dict()["group_policy"] == WININET_ENCRYPTION
        assert evaluation.to_dict()["findings"][evaluation.findings.index(finding)]["group_policy"] == WININET_ENCRYPTION
        assert not [c for c in evaluation.changes if c.setting == "wininet.secure_protocols"]
        assert not evaluation.compliant

    @pytest.mark.parametrize("policy", [0xA0, 0xA80])
    def test_a_set_wininet_policy_leaves_the_machine_value_alone(self, policy: int) -> None:
        """The policy value wins over the machine value [S37]: writing the machine value changes nothing."""
        state = fresh(self.release)
        state.set(src.WININET, "SecureProtocols", RegValue("dword", 0xA0))
        state.set(src.WININET_POLICY, "SecureProtocols", RegValue("dword", policy))
        for pin in (False, True):
            evaluation = evaluate(state, pin_explicit=pin)
            assert not [c for c in evaluation.changes if c.setting == "wininet.secure_protocols"]
            [overridden] = [f for f in evaluation.findings if f.id == "wininet.secure_protocols.overridden_by_policy"]
            assert (overridden.severity, overridden.group_policy) == ("warning", WININET_ENCRYPTION)
            assert "0xA0" in overridden.message and f"0x{policy:X}" in overridden.message
            assert "wininet.secure_protocols" not in ids(evaluation)
            assert ("wininet.policy_secure_protocols" in errors(evaluation)) is (policy == 0xA0)

    def test_a_right_machine_value_under_a_policy_gets_no_finding(self) -> None:
        state = fresh(self.release)
        state.set(src.WININET, "SecureProtocols", RegValue("dword", 0xA80))
        state.set(src.WININET_POLICY, "SecureProtocols", RegValue("dword", 0xA80))
        evaluation = evaluate(state)
        assert not [f for f in evaluation.findings if f.id.startswith("wininet.")]
        assert not [c for c in evaluation.changes if c.setting == "wininet.secure_protocols"]

    def test_a_policy_value_that_is_not_a_dword_does_not_override(self) -> None:
        """Group Policy writes SecureProtocols as REG_DWORD; a string there is not a policy WinINet applies."""
        state = fresh(self.release)
        state.set(src.WININET, "SecureProtocols", RegValue("dword", 0xA0))
        state.set(src.WININET_POLICY, "SecureProtocols", RegValue("sz", "2048"))
        [change] = [c for c in evaluate(state).changes if c.setting == "wininet.secure_protocols"]
        assert (change.path, change.desired) == (src.WININET, 0xA00)

    @pytest.mark.parametrize("profile", ["m365_client", "strict"])
    def test_no_plan_writes_a_policy_key_or_a_value_a_set_policy_overrides(self, profile: str) -> None:
        for release in RELEASES:
            state = fresh(release)
            for (path, name), (policy_path, policy_name) in OVERRIDES.items():
                state.set(path, name, RegValue("dword", 0x8))
                state.set(policy_path, policy_name, RegValue("dword", 0x8))
            evaluation = evaluate(state, profile, pin_explicit=True)
            written = {(c.path.lower(), c.name.lower()) for c in evaluation.changes}
            assert not written & {(p.lower(), n.lower()) for p, n in OVERRIDES}, release.id
            assert not [c for c in evaluation.changes if policy_setting(c.path)], release.id
            wininet = [f for f in evaluation.findings if f.id.startswith("wininet.")]
            assert wininet and all(f.group_policy == WININET_ENCRYPTION for f in wininet), release.id

    def test_findings_without_a_policy_have_no_group_policy_key(self) -> None:
        evaluation = evaluate(fresh(self.release))
        assert evaluation.findings and all("group_policy" not in f for f in evaluation.to_dict()["findings"])

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
