# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge a host's TLS state against a profile and plan the changes (internal use only).

Compliance is judged on the *effective* state: a value that is absent takes
the release's documented default (reference table 1a), so a host that is
already right needs no change. ``pin_explicit`` writes the value anyway where
it is absent, for admins who want every value visible in the registry.
"""

from __future__ import annotations

import typing as t

from .._sources.state import format_version, HostState
from .catalogue import build_catalogue, identify_release, PROTOCOLS, Release, UnknownRelease
from .checks import check_setting, check_wininet_policy, dword_value, protocol_state
from .ciphers import check_ciphers, CipherVerdict, POLICY_2022, POLICY_2023
from .dotnet import judge_v4, read_dotnet
from .findings import Change, ERROR, Evaluation, Finding, WARNING
from .group_policy import CIPHER_SUITE_ORDER, FIPS_ALGORITHMS
from .guards import check_guards, fips_warning, validate_accept_risks
from .hotfixes import check_hotfix, hotfixes_for, HotfixVerdict
from .settings import (
    apply_overrides,
    MaskRequirement,
    profile_requirements,
    SCHANNEL_PROTOCOLS,
    SETTINGS,
    validate_overrides,
    validate_profile,
)


def evaluate(
    state: HostState,
    profile: str = "m365_client",
    overrides: t.Mapping[str, t.Any] | None = None,
    pin_explicit: bool = False,
    accept_risks: t.Iterable[str] | None = None,
    management_tls: bool = False,
    extra_releases: t.Any = None,
) -> Evaluation:
    """Evaluate ``state`` against ``profile`` with ``overrides``.

    Args:
        accept_risks: safety guards (``_guards.GUARDS``) whose risk the admin accepts.
        management_tls: this run reaches the host over WinRM/PSRP HTTPS.
        extra_releases: releases added to the shipped catalogue (``_catalogue.build_catalogue``).

    Raises:
        InputError: for an unknown profile, a bad override, an unknown guard or a bad extra release.
    """
    profile = validate_profile(profile)
    checked_overrides = validate_overrides(overrides, profile)
    accepted = validate_accept_risks(accept_risks)
    found = identify_release(state, build_catalogue(extra_releases))
    if isinstance(found, UnknownRelease):
        release_info = {
            "id": None,
            "name": found.name,
            "build": format_version(state.version),
            "architecture": state.architecture,
            "supported": False,
        }
        finding = Finding("release.unsupported", ERROR, f"Unsupported release: {found.name}: {found.reason}.",
                          found.remediation)
        return Evaluation(profile, release_info, [finding], [], [])
    release = found
    release_info = {
        "id": release.id,
        "name": release.name,
        "build": release.build,
        "architecture": state.architecture,
        "supported": True,
    }
    findings = [
        Finding("facts.unreadable", ERROR, f"Could not read {problem}; tlsready cannot judge what it cannot read.",
                "Run again with an account that can read the whole registry (an administrator), "
                "or export the missing key with files/collect.cmd.")
        for problem in state.problems
    ]
    if state.reboot_pending:
        findings.append(Finding("host.reboot_pending", WARNING,
                                "Windows reports a pending restart; installed updates may not be active yet.",
                                "Restart the host."))
    dotnet = read_dotnet(state)
    installed = {"dotnet35"} if dotnet.legacy_installed else set()
    verdicts = [check_hotfix(h, release, state) for h in hotfixes_for(release, installed)]
    for verdict in verdicts:
        if not verdict.present:
            findings.append(_hotfix_finding(verdict, release, state))
    dotnet_verdict = judge_v4(dotnet, release.name)
    if dotnet_verdict is not None:
        findings.append(Finding(*dotnet_verdict))
    profile_reqs = profile_requirements(profile, release)
    if not dotnet.legacy_installed:
        # .NET 2.0-3.5 flags are judged only where that framework is installed [S18][S43].
        profile_reqs = {k: v for k, v in profile_reqs.items() if not k.startswith("dotnet2.")}
    requirements = apply_overrides(profile_reqs, checked_overrides)
    changes: list[Change] = []
    for setting in SETTINGS:
        requirement = requirements.get(setting.id)
        if requirement is not None:
            setting_findings, setting_changes = check_setting(setting, requirement, state, release, pin_explicit)
            findings.extend(setting_findings)
            changes.extend(setting_changes)
    if "wininet.secure_protocols" in requirements:
        findings.extend(check_wininet_policy(t.cast(MaskRequirement, requirements["wininet.secure_protocols"]), state))
    ciphers = check_ciphers(state, release, verdicts)
    findings.extend(_cipher_findings(ciphers))
    blocked = _guard_findings(state, release, changes, findings, accepted, management_tls)
    judged = tuple(s.id for s in SETTINGS if s.id in requirements)
    return Evaluation(profile, release_info, findings, verdicts, changes, blocked, release, dotnet, judged, ciphers)


def _guard_findings(
    state: HostState, release: Release, changes: list[Change], findings: list[Finding],
    accepted: frozenset[str], management_tls: bool,
) -> list[str]:
    """Add the safety guard findings for protocols this plan disables; return the blocking guards."""
    disabled = {c.setting for c in changes if c.name == "Enabled" and c.desired == 0}
    if not disabled:
        return []
    tls12_server = _offered(state, release, "tls1_2", "server")
    blocked = []
    for guard in check_guards(state, release, disabled, tls12_server, management_tls, accepted):
        if guard.accepted:
            findings.append(Finding(f"guard.{guard.guard}.accepted", WARNING,
                                    f"Risk accepted: {guard.message}", guard.remediation))
        else:
            blocked.append(guard.guard)
            findings.append(Finding(f"guard.{guard.guard}", ERROR,
                                    f"Blocked before any change: {guard.message}", guard.remediation))
    warning = fips_warning(state, disabled)
    if warning:
        findings.append(Finding("guard.fips_policy", WARNING, warning,
                                "Check whether the FIPS policy is required before relying on disabled protocols.",
                                FIPS_ALGORITHMS))
    return blocked


def _offered(state: HostState, release: Release, proto: str, side: str) -> bool:
    """Whether a protocol is offered by default now (table 1a default unless the registry says otherwise)."""
    path = rf"{SCHANNEL_PROTOCOLS}\{PROTOCOLS[proto]}\{side.capitalize()}"
    return protocol_state(release.protocols[proto][side], dword_value(state.get(path, "Enabled")),
                          dword_value(state.get(path, "DisabledByDefault"))) == "offered"


def _hotfix_finding(verdict: HotfixVerdict, release: Release, state: HostState) -> Finding:
    hotfix = verdict.hotfix
    note = f" Note: {hotfix.note}." if hotfix.note else ""
    if hotfix.unconfirmed:
        # Reference 3c / 8.1: report it, never block on it.
        return Finding(
            f"hotfix.{hotfix.kb}.unconfirmed",
            WARNING,
            f"{hotfix.kb} is not listed: it reportedly {hotfix.purpose}, but no Microsoft source confirms it, so "
            f"this does not affect compliance. Evidence: {verdict.evidence}.{note}",
            f"Check with Microsoft's Update Catalog whether {hotfix.kb} applies before installing it "
            f"(file {hotfix.msu_pattern(release, state.architecture)}).",
        )
    if not verdict.absence_proven:
        listing = state.provenance
        return Finding(
            f"hotfix.{hotfix.kb}.not_proven",
            ERROR,
            f"{hotfix.kb} is not proven installed or missing: it {hotfix.purpose}. The updates list "
            f"({listing.hotfixes}) declares {listing.hotfixes_declared} updates but lists only "
            f"{listing.hotfixes_listed}, so an update missing from it may still be installed. "
            f"Evidence: {verdict.evidence}.",
            "Collect the full list: run files/collect.cmd on the host (it writes hotfixes.csv with wmic qfe or "
            "PowerShell Get-HotFix, which list every update), or add the output of "
            "'wmic qfe get HotFixID /format:csv' as hotfixes.csv to the folder; nothing is installed until then."
            f"{note}",
        )
    return Finding(
        f"hotfix.{hotfix.kb}.missing",
        ERROR,
        f"{hotfix.kb} is missing: it {hotfix.purpose}. Evidence: {verdict.evidence}.",
        f"Install {hotfix.kb} (file {hotfix.msu_pattern(release, state.architecture)}) and restart.{note}",
    )


def _cipher_findings(verdict: CipherVerdict) -> list[Finding]:
    causes = "; ".join(verdict.causes)
    # The GPO order wins over the local list [S6][S7]: when it removed the suites, it is the fix.
    owner = CIPHER_SUITE_ORDER if verdict.policy_removed else ""
    if verdict.problem == "none":
        return [Finding("cipher.no_afd_suite", ERROR,
                        f"The host offers no cipher suite that Azure Front Door (Microsoft 365) accepts under "
                        f"{POLICY_2023} (the default) or {POLICY_2022}{': ' + causes if causes else ''}.",
                        "Keep TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 "
                        f"(accepted by {POLICY_2023} and {POLICY_2022}) enabled and at the top of any Group Policy "
                        "cipher order; Windows 7 to 8.1 cannot offer them and reach only "
                        f"{POLICY_2022} endpoints, through TLS_DHE_RSA_WITH_AES_*_GCM or "
                        "TLS_ECDHE_RSA_WITH_AES_*_CBC_SHA384/256: install the cipher update and keep Diffie-Hellman "
                        "enabled.", owner)]
    if verdict.problem == "policy_2022_only":
        return [Finding("cipher.afd_policy_2022_only", WARNING,
                        f"The host's Azure Front Door suites ({', '.join(sorted(verdict.accepted))}) are accepted only "
                        f"by the {POLICY_2022} policy, not by the default {POLICY_2023}, which accepts only "
                        "ECDHE-RSA-AES-GCM and TLS 1.3 suites; which policy fronts SharePoint Online and OneDrive "
                        f"is not documented (reference 4, 8.4){': ' + causes if causes else ''}.",
                        f"Expect connections only to endpoints that use {POLICY_2022}; for the default "
                        f"{POLICY_2023}, move the host to a release that offers TLS_ECDHE_RSA_WITH_AES_*_GCM "
                        "(Windows 10 / Server 2016 or later).", owner)]
    return []
